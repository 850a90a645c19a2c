#!/usr/bin/env node
// Verification speed and cold start of oidc-wasm (size and speed builds) against panva's jose,
// in Node, headless Chromium and workerd, in one run. See benches/README.md.
//
//   node benches/verify.mjs [--tokens 2000] [--runtimes node,chromium,workerd] [--passes 5]
//                           [--repeat-passes 1] [--cold-samples 5] [--rebuild]
import { execFile, execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { basename, dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { makeFixtures } from './lib/fixtures.mjs';
import { runPasses, makeContenders } from './lib/passes.mjs';

const BENCH = fileURLToPath(new URL('.', import.meta.url));
const ROOT = resolve(BENCH, '..');
const OUT = join(BENCH, '.out');
const PKG = { size: join(OUT, 'pkg-size'), speed: join(OUT, 'pkg-speed') };
const BUILDS = ['size', 'speed'];
/** The wasm modules of each build: the main one, the signature arithmetic (loaded on demand), the verifier's. */
const MODULES = { main: 'oidc_wasm_bg.wasm', crypto: 'oidc_wasm_crypto_bg.wasm', verifier: join('verifier', 'oidc_wasm_bg.wasm') };
/**
 * The entry points the benchmark bundles: each build's main one and its `oidc-wasm/verifier`
 * (`verifier` is the size build's, the npm package's), with the directory of the arithmetic module
 * they load (the verifier's is its package's, one level up).
 */
const ENTRIES = {
  size: { dir: PKG.size, cryptoDir: PKG.size },
  speed: { dir: PKG.speed, cryptoDir: PKG.speed },
  verifier: { dir: join(PKG.size, 'verifier'), cryptoDir: PKG.size },
  'verifier-speed': { dir: join(PKG.speed, 'verifier'), cryptoDir: PKG.speed },
};
/**
 * Cold-start contenders: the entry point each imports and its `crypto` option. Only `size-wasm`
 * (crypto: 'wasm') loads the arithmetic module; the others use the platform's crypto and must not.
 */
const COLD_SPEC = {
  size: { entry: 'size' },
  speed: { entry: 'speed' },
  verifier: { entry: 'verifier' },
  'verifier-speed': { entry: 'verifier-speed' },
  'size-wasm': { entry: 'size', crypto: 'wasm' },
  jose: {},
};
const COLD = Object.keys(COLD_SPEC);
/** What the benchmark imports from oidc-wasm: bundles keep only this, as jose's keep only its three functions. */
const OIDC_EXPORTS = 'createVerifier, init, loadWasmCrypto';

// ---------------------------------------------------------------------------------------------
// Options

function parseArgs(argv) {
  const o = { tokens: 2000, runtimes: ['node', 'chromium', 'workerd'], passes: 5, repeatPasses: 1, coldSamples: 5, rebuild: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    const int = () => {
      const n = Number(next());
      if (!Number.isInteger(n) || n < 1) throw new Error(`${a} needs a positive integer`);
      return n;
    };
    if (a === '--tokens') o.tokens = int();
    else if (a === '--runtimes') o.runtimes = next().split(',').map((s) => s.trim()).filter(Boolean);
    else if (a === '--passes') o.passes = int();
    else if (a === '--repeat-passes') o.repeatPasses = int();
    else if (a === '--cold-samples') o.coldSamples = int();
    else if (a === '--rebuild') o.rebuild = true;
    else if (a === '--help' || a === '-h') {
      console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(4, 6).map((l) => l.slice(3)).join('\n'));
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  for (const r of o.runtimes) if (!['node', 'chromium', 'workerd'].includes(r)) throw new Error(`unknown runtime ${r}`);
  return o;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const log = (m) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${m}`);

// ---------------------------------------------------------------------------------------------
// Builds: the two oidc-wasm packages, and bundles for the browser and workerd

function prepareBuilds(rebuild) {
  if (rebuild || !BUILDS.every((b) => Object.values(MODULES).every((f) => existsSync(join(PKG[b], f))))) {
    log('building benches/.out/pkg-size and pkg-speed (benches/build.sh; a few minutes)');
    execFileSync('bash', [join(BENCH, 'build.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
  }
  const info = {};
  for (const b of BUILDS) {
    info[b] = {};
    for (const [m, f] of Object.entries(MODULES)) {
      const wasm = readFileSync(join(PKG[b], f));
      info[b][m] = { file: f, wasmBytes: wasm.length, wasmGzipBytes: gzipSync(wasm, { level: 9 }).length };
    }
  }
  return info;
}

/**
 * esbuild plugin: leave the .wasm imports external, each under a per-build file name of its own
 * (as wrangler does): the arithmetic module's as `${name}-crypto.wasm`, the other as `${name}.wasm`.
 */
const renameWasm = (name) => ({
  name: 'rename-wasm',
  setup(b) {
    b.onResolve({ filter: /\.wasm$/ }, (a) => ({
      path: a.path.endsWith('oidc_wasm_crypto_bg.wasm') ? `./${name}-crypto.wasm` : `./${name}.wasm`, external: true }));
  },
});

/**
 * Bundle `entry` into `outfile`. With `split`, dynamic imports become chunks of their own next to
 * it, as an application's bundler makes them (the browser entry point imports the arithmetic
 * module's glue only when it loads that module).
 */
async function bundle({ entry, outfile, conditions, platform = 'neutral', plugins = [], split = false }) {
  const entryFile = `${outfile}.entry.mjs`;
  writeFileSync(entryFile, entry);
  const out = split
    ? { entryPoints: [{ in: entryFile, out: basename(outfile, extname(outfile)) }], outdir: dirname(outfile), splitting: true,
      chunkNames: 'chunk-[hash]' }
    : { entryPoints: [entryFile], outfile };
  await build({
    ...out, bundle: true, format: 'esm', platform, conditions, mainFields: ['module', 'main'],
    logLevel: 'error', plugins, nodePaths: [join(ROOT, 'node_modules')],
  });
  rmSync(entryFile);
}

async function prepareWeb() {
  const web = join(OUT, 'web');
  rmSync(web, { recursive: true, force: true });
  for (const [e, { dir, cryptoDir }] of Object.entries(ENTRIES)) {
    mkdirSync(join(web, e), { recursive: true });
    // esbuild keeps `new URL('./oidc_wasm_bg.wasm', import.meta.url)` and the arithmetic module's
    // `new URL('./oidc_wasm_crypto_bg.wasm', import.meta.url)`: both .wasm go next to the bundle.
    await bundle({ entry: `export { ${OIDC_EXPORTS} } from ${JSON.stringify(join(dir, 'browser.js'))};\n`, outfile: join(web, e, 'oidc.js'),
      platform: 'browser', conditions: ['browser'], split: true });
    copyFileSync(join(dir, 'oidc_wasm_bg.wasm'), join(web, e, 'oidc_wasm_bg.wasm'));
    copyFileSync(join(cryptoDir, 'oidc_wasm_crypto_bg.wasm'), join(web, e, 'oidc_wasm_crypto_bg.wasm'));
  }
  mkdirSync(join(web, 'jose'), { recursive: true });
  await bundle({ entry: "export { jwtVerify, createLocalJWKSet, createRemoteJWKSet } from 'jose';\n", outfile: join(web, 'jose', 'jose.js'),
    platform: 'browser', conditions: ['browser'] });
  writeFileSync(join(web, 'blank.html'), '<!doctype html><meta charset="utf-8"><title>bench</title>\n');
}

async function prepareWorker() {
  const dir = join(OUT, 'worker');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const conditions = ['workerd', 'worker', 'browser'];
  for (const [e, { dir: from, cryptoDir }] of Object.entries(ENTRIES)) {
    // workerd.js imports both .wasm statically: workerd compiles them with the Worker, and
    // instantiates the arithmetic module only when it is first needed.
    await bundle({ entry: `export { ${OIDC_EXPORTS} } from ${JSON.stringify(join(from, 'workerd.js'))};\n`, outfile: join(dir, `oidc-${e}.mjs`),
      conditions, plugins: [renameWasm(e)] });
    copyFileSync(join(from, 'oidc_wasm_bg.wasm'), join(dir, `${e}.wasm`));
    copyFileSync(join(cryptoDir, 'oidc_wasm_crypto_bg.wasm'), join(dir, `${e}-crypto.wasm`));
  }
  await bundle({ entry: "export { jwtVerify, createLocalJWKSet, createRemoteJWKSet } from 'jose';\n", outfile: join(dir, 'jose.mjs'), conditions });
  for (const f of ['passes.mjs', 'worker-bench.mjs', 'worker-cold.mjs']) copyFileSync(join(BENCH, 'lib', f), join(dir, f));
  return dir;
}

// ---------------------------------------------------------------------------------------------
// A loopback server: static files for Chromium, and the JWKS for the cold starts

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };

async function startServer(jwks) {
  const mounts = [['/lib/', join(BENCH, 'lib')], ['/web/', join(OUT, 'web')]];
  let jwksHits = 0;
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (path === '/jwks.json') {
      jwksHits++;
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=600', 'access-control-allow-origin': '*' });
      res.end(JSON.stringify(jwks));
      return;
    }
    for (const [prefix, dir] of mounts) {
      if (!path.startsWith(prefix)) continue;
      const file = normalize(join(dir, path.slice(prefix.length)));
      if (!file.startsWith(dir)) break;
      try {
        const body = await readFile(file);
        // no-store: every cold-start sample fetches and compiles everything again.
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
        res.end(body);
      } catch {
        res.writeHead(404).end();
      }
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise((ok, fail) => server.once('error', fail).listen(0, '127.0.0.1', ok));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    jwksUri: `${origin}/jwks.json`,
    get jwksHits() { return jwksHits; },
    close: () => new Promise((ok) => { server.closeAllConnections?.(); server.close(() => ok()); }),
  };
}

// ---------------------------------------------------------------------------------------------
// Runtimes. Each returns { version, steady: { [alg]: { [contender]: {us, repeatUs, all, repeat} } }, cold: {...} }

/** Cold-start sample arguments, shared by every runtime. */
function coldArgs(fixtures, alg, contender, jwksUri) {
  const { issuer, audience, algorithms } = fixtures;
  return { contender, crypto: COLD_SPEC[contender].crypto, fixtures: { issuer, audience, algorithms }, token: fixtures.sets[alg].tokens[1],
    nextToken: fixtures.sets[alg].tokens[2], jwksUri };
}

/** Runs `sample(alg, contender, i)` for every combination, contenders interleaved; medians per figure. */
async function coldRounds(samples, fixtures, sample) {
  const raw = {};
  for (const alg of Object.keys(fixtures.sets)) {
    raw[alg] = Object.fromEntries(COLD.map((c) => [c, []]));
    for (let i = 0; i < samples; i++) {
      for (const c of COLD) {
        const r = await sample(alg, c, i);
        if (r.sub !== 'user-1') throw new Error(`cold start ${c} ${alg}: unexpected result ${JSON.stringify(r)}`);
        raw[alg][c].push(r);
      }
    }
  }
  const out = {};
  for (const [alg, byC] of Object.entries(raw)) {
    out[alg] = {};
    for (const [c, rs] of Object.entries(byC)) {
      out[alg][c] = { samples: rs };
      for (const k of ['totalMs', 'importMs', 'createMs', 'firstVerifyMs', 'secondVerifyMs', 'processMs', 'outsideMs']) {
        if (rs.every((r) => typeof r[k] === 'number')) out[alg][c][k] = median(rs.map((r) => r[k]));
      }
    }
  }
  return out;
}

async function runNode(opts, fixtures, server) {
  const oidc = {};
  for (const b of BUILDS) oidc[b] = await import(pathToFileURL(join(PKG[b], 'node.js')).href);
  const jose = await import('jose');
  log('node: steady state');
  const contenders = await makeContenders({ oidc, jose, fixtures });
  const { results: steady } = await runPasses({ contenders, sets: fixtures.sets, passes: opts.passes, repeatPasses: opts.repeatPasses,
    log: (m) => log(`node: ${m}`) });
  log('node: cold starts (a new process per sample)');
  const libUrl = (c) => (c === 'jose' ? import.meta.resolve('jose') : pathToFileURL(join(ENTRIES[COLD_SPEC[c].entry].dir, 'node.js')).href);
  const child = join(BENCH, 'lib', 'cold-node.mjs');
  const cold = await coldRounds(opts.coldSamples, fixtures, (alg, c) => new Promise((ok, fail) => {
    const args = JSON.stringify({ ...coldArgs(fixtures, alg, c, server.jwksUri), libUrl: libUrl(c) });
    const t0 = performance.now();
    execFile(process.execPath, [child, args], (err, stdout, stderr) => {
      if (err) fail(new Error(`node cold start ${c}: ${stderr || err.message}`));
      else ok({ ...JSON.parse(stdout), processMs: performance.now() - t0 });
    });
  }));
  return { version: process.version, clock: 'performance.now()', steady, cold };
}

async function runChromium(opts, fixtures, server) {
  const { launchChromium } = await import(pathToFileURL(join(ROOT, 'tests', 'js', 'chromium.mjs')).href);
  const browser = await launchChromium();
  try {
    const version = await browser.version();
    const page = await browser.newPage();
    page.on('console', (m) => log(`chromium: ${m.text()}`));
    page.on('pageerror', (e) => log(`chromium page error: ${e.message}`));
    await page.goto(`${server.origin}/web/blank.html`);
    log('chromium: steady state');
    const steady = {};
    // One algorithm per evaluate, so that each call stays well inside any protocol timeout.
    for (const alg of Object.keys(fixtures.sets)) {
      const fx = { ...fixtures, sets: { [alg]: fixtures.sets[alg] } };
      const r = await page.evaluate(async ({ fx, passes, repeatPasses }) => {
        const { runPasses, makeContenders } = await import('/lib/passes.mjs');
        const oidc = { size: await import('/web/size/oidc.js'), speed: await import('/web/speed/oidc.js') };
        const jose = await import('/web/jose/jose.js');
        const contenders = await makeContenders({ oidc, jose, fixtures: fx });
        return runPasses({ contenders, sets: fx.sets, passes, repeatPasses, log: (m) => console.log(m) });
      }, { fx, passes: opts.passes, repeatPasses: opts.repeatPasses });
      Object.assign(steady, r.results);
    }
    await page.close();
    log('chromium: cold starts (a new browser context and page per sample)');
    const lib = (c) => (c === 'jose' ? '/web/jose/jose.js' : `/web/${COLD_SPEC[c].entry}/oidc.js`);
    const cold = await coldRounds(opts.coldSamples, fixtures, async (alg, c) => {
      const ctx = await browser.newContext();
      try {
        const p = await ctx.newPage();
        await p.goto(`${server.origin}/web/blank.html`);
        const r = await p.evaluate(async ({ args, libUrl }) => {
          const { coldStart } = await import('/lib/passes.mjs');
          const out = await coldStart({ ...args, importLib: () => import(libUrl) });
          // Whether the page fetched the arithmetic module (only crypto: 'wasm' should).
          out.cryptoFetched = performance.getEntriesByType('resource').some((e) => e.name.includes('oidc_wasm_crypto'));
          return out;
        }, { args: coldArgs(fixtures, alg, c, server.jwksUri), libUrl: lib(c) });
        if (r.cryptoFetched !== (COLD_SPEC[c].crypto === 'wasm')) {
          throw new Error(`chromium cold start ${c}: the arithmetic module was ${r.cryptoFetched ? '' : 'not '}fetched`);
        }
        return r;
      } finally {
        await ctx.close();
      }
    });
    return { version: `Chromium ${version}`, clock: 'performance.now()', steady, cold };
  } finally {
    await browser.close();
  }
}

async function runWorkerd(opts, fixtures, server) {
  const { Miniflare } = await import('miniflare');
  const dir = await prepareWorker();
  const mod = (type, path) => ({ type, path: join(dir, path), contents: readFileSync(join(dir, path)) });
  const base = { compatibilityDate: '2026-04-01' };
  const libModules = { jose: [mod('ESModule', 'jose.mjs')] };
  for (const e of Object.keys(ENTRIES)) {
    libModules[e] = [mod('ESModule', `oidc-${e}.mjs`), mod('CompiledWasm', `${e}.wasm`), mod('CompiledWasm', `${e}-crypto.wasm`)];
  }
  const coldModules = (c) => libModules[c === 'jose' ? 'jose' : COLD_SPEC[c].entry];
  const workerdVersion = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'workerd', 'package.json'), 'utf8')).version;

  log('workerd: steady state');
  let mf = new Miniflare({
    ...base, name: 'bench', modulesRoot: dir,
    modules: [mod('ESModule', 'worker-bench.mjs'), mod('ESModule', 'passes.mjs'), ...libModules.size, ...libModules.speed, ...libModules.jose],
  });
  const steady = {};
  try {
    await mf.ready;
    for (const alg of Object.keys(fixtures.sets)) {
      const fx = { ...fixtures, sets: { [alg]: fixtures.sets[alg] } };
      const res = await mf.dispatchFetch('http://bench.test/', { method: 'POST',
        body: JSON.stringify({ fixtures: fx, passes: opts.passes, repeatPasses: opts.repeatPasses }) });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`workerd bench worker: ${res.status} ${text.slice(0, 500)}`);
      Object.assign(steady, JSON.parse(text).results);
      log(`workerd: ${alg} done`);
    }
  } finally {
    await mf.dispose();
  }

  log('workerd: cold starts (a new worker, so a new isolate, per sample)');
  const workers = [];
  for (const alg of Object.keys(fixtures.sets)) {
    for (let i = 0; i < opts.coldSamples; i++) {
      for (const c of COLD) {
        workers.push({ ...base, name: `cold-${alg}-${c}-${i}`, modulesRoot: dir,
          modules: [mod('ESModule', 'worker-cold.mjs'), mod('ESModule', 'passes.mjs'),
            { ...coldModules(c)[0], path: join(dir, 'lib.mjs') }, ...coldModules(c).slice(1)] });
      }
    }
  }
  mf = new Miniflare({ workers });
  try {
    await mf.ready;
    const cold = await coldRounds(opts.coldSamples, fixtures, async (alg, c, i) => {
      const worker = await mf.getWorker(`cold-${alg}-${c}-${i}`);
      const t0 = performance.now();
      const res = await worker.fetch('http://cold.test/', { method: 'POST', body: JSON.stringify(coldArgs(fixtures, alg, c, server.jwksUri)) });
      const text = await res.text();
      const outsideMs = performance.now() - t0;
      if (res.status !== 200) throw new Error(`workerd cold worker: ${res.status} ${text.slice(0, 500)}`);
      return { ...JSON.parse(text), outsideMs };
    });
    return { version: `workerd ${workerdVersion} (miniflare)`, clock: 'performance.now(), 1 ms steps', steady, cold };
  } finally {
    await mf.dispose();
  }
}

// ---------------------------------------------------------------------------------------------
// Report

const STEADY_ROWS = [
  ['oidc-size-async', 'oidc-wasm size  await verify'],
  ['oidc-size-sync', 'oidc-wasm size  verifySync'],
  ['oidc-size-cached-sync', 'oidc-wasm size  verifySync, token cache on'],
  ['oidc-size-wasm-sync', 'oidc-wasm size  verifySync, crypto: wasm'],
  ['oidc-speed-async', 'oidc-wasm speed await verify'],
  ['oidc-speed-sync', 'oidc-wasm speed verifySync'],
  ['oidc-speed-wasm-sync', 'oidc-wasm speed verifySync, crypto: wasm'],
  ['jose', 'jose jwtVerify (local JWKS)'],
];
const COLD_ROWS = [['size', 'oidc-wasm size'], ['speed', 'oidc-wasm speed'], ['verifier', 'oidc-wasm/verifier (size)'],
  ['verifier-speed', 'oidc-wasm/verifier (speed)'], ['size-wasm', 'oidc-wasm size, crypto: wasm'], ['jose', 'jose (createRemoteJWKSet)']];

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const fmt = (x, d = 0) => (x === undefined ? '-' : x.toFixed(d));
const ratio = (a, b) => (a === undefined || b === undefined ? '-' : `${(a / b).toFixed(2)}x`);

function report(name, r, opts) {
  const algs = Object.keys(r.steady);
  const head = ['µs per verify', ...algs.flatMap((a) => [a, 'ratio']), ...algs.flatMap((a) => [`${a} same token`, 'ratio'])];
  const rows = STEADY_ROWS.map(([id, label]) => [label,
    ...algs.flatMap((a) => [fmt(r.steady[a][id]?.us, 1), id === 'jose' ? '' : ratio(r.steady[a][id]?.us, r.steady[a].jose?.us)]),
    ...algs.flatMap((a) => [fmt(r.steady[a][id]?.repeatUs, 1), id === 'jose' ? '' : ratio(r.steady[a][id]?.repeatUs, r.steady[a].jose?.repeatUs)]),
  ]);
  const coldHead = ['cold start, ms', ...algs.flatMap((a) => [a, 'ratio', 'import', 'create', '1st verify', '(2nd)'])];
  const coldRows = COLD_ROWS.map(([id, label]) => [label, ...algs.flatMap((a) => {
    const c = r.cold[a][id];
    return [fmt(c.totalMs, 1), id === 'jose' ? '' : ratio(c.totalMs, r.cold[a].jose.totalMs), fmt(c.importMs, 1), fmt(c.createMs, 1), fmt(c.firstVerifyMs, 1), fmt(c.secondVerifyMs, 1)];
  })]);
  return `\n== ${name}: ${r.version} (clock: ${r.clock})\n` +
    `steady state: median of ${opts.passes} passes over ${opts.tokens} distinct tokens; same token: ${opts.tokens} verifies of one token ` +
    `(median of ${opts.repeatPasses}); ratio = oidc-wasm / jose, < 1 means oidc-wasm is faster\n` +
    `${table(head, rows)}\n\ncold start: import + create + JWKS fetch + first verify, median of ${opts.coldSamples} fresh contexts\n` +
    `${table(coldHead, coldRows)}\n`;
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const builds = prepareBuilds(opts.rebuild);
  console.log(`\n== wasm modules, bytes (gzip -9)\n${table(['build', ...Object.keys(MODULES)],
    BUILDS.map((b) => [b, ...Object.keys(MODULES).map((m) => `${builds[b][m].wasmBytes} (${builds[b][m].wasmGzipBytes})`)]))}`);
  await prepareWeb();
  log(`generating ${opts.tokens} RS256 and ${opts.tokens} ES256 tokens`);
  const fixtures = await makeFixtures(opts.tokens);
  const server = await startServer(fixtures.jwks);
  const results = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, loadavgAtStart: loadavg().map((x) => +x.toFixed(2)) },
    options: opts,
    checks: 'signature, kid, iss, aud, exp (algorithms RS256 + ES256 allowed; one JWKS with an RSA 2048 and a P-256 key)',
    builds,
    runtimes: {},
  };
  const save = () => writeFileSync(join(BENCH, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  try {
    for (const rt of opts.runtimes) {
      const run = { node: runNode, chromium: runChromium, workerd: runWorkerd }[rt];
      const t = performance.now();
      results.runtimes[rt] = await run(opts, fixtures, server);
      results.runtimes[rt].seconds = +((performance.now() - t) / 1000).toFixed(1);
      console.log(report(rt, results.runtimes[rt], opts));
      save();
    }
  } finally {
    await server.close();
  }
  results.machine.loadavgAtEnd = loadavg().map((x) => +x.toFixed(2));
  results.seconds = +((performance.now() - started) / 1000).toFixed(1);
  save();
  log(`done in ${results.seconds} s; load average at start ${results.machine.loadavgAtStart.join(' ')}, at end ${results.machine.loadavgAtEnd.join(' ')}; ` +
    'results in benches/results.json');
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
