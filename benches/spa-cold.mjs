#!/usr/bin/env node
// Cold start of a single-page app's auth client in headless Chromium: oidc-wasm's
// createAuthClient (pkg/browser.js) against @auth0/auth0-spa-js's createAuth0Client, in one run.
// See benches/README.md ("SPA cold start"). A benchmark, not a test: nothing is asserted about
// timings, and scripts/test.sh does not run it.
//
//   node benches/spa-cold.mjs [--samples 15] [--breakdown-samples 15] [--contenders oidc,auth0,...] [--js-flags '<V8 flags>']
//                              [--out benches/results-spa.json]
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { dirname, extname, join, normalize, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const BENCH = fileURLToPath(new URL('.', import.meta.url));
const ROOT = resolve(BENCH, '..');
// pkg/ as scripts/build.sh left it (OIDC_WASM_PKG_DIR: another build of the package, as the tests take it).
const PKG = resolve(process.env.OIDC_WASM_PKG_DIR ?? join(ROOT, 'pkg'));
const OUT = join(BENCH, '.out', 'spa');
const AUTH0_PKG = dirname(createRequire(import.meta.url).resolve('@auth0/auth0-spa-js/package.json'));
const AUTH0_META = JSON.parse(readFileSync(join(AUTH0_PKG, 'package.json'), 'utf8'));
/** auth0-spa-js's ESM build (package.json `module`): one self-contained, minified file. */
const AUTH0_ESM = AUTH0_META.module;

/**
 * What each contender imports and calls. The first two are the comparison the target is about:
 * the packages as published, imported as they are (oidc-wasm's browser entry point fetches
 * core.js, spa.js and the wasm-bindgen glue as modules of their own, then the .wasm on
 * createAuthClient). The others are for contrast:
 *  - `-bundled`: what an application's bundler would ship: each library bundled and minified by
 *    esbuild with only its create function;
 *  - `oidc-early`, `oidc-bundled-early`: the same oidc-wasm files, with the page starting
 *    `WebAssembly.compileStreaming(fetch(.wasm))` together with the import() and handing the
 *    promise to `init()` before createAuthClient (public API: init accepts a module), so the
 *    .wasm is fetched and compiled while the JavaScript loads. Inside the timed interval.
 */
const CONTENDERS = {
  oidc: { label: 'oidc-wasm (pkg/browser.js)', url: '/pkg/browser.js', create: 'createAuthClient', lib: 'oidc' },
  auth0: { label: `auth0-spa-js ${AUTH0_META.version} (${AUTH0_ESM.split('/').pop()})`, url: `/auth0/${AUTH0_ESM}`,
    create: 'createAuth0Client', lib: 'auth0' },
  'oidc-bundled': { label: 'oidc-wasm, esbuild bundle', url: '/out/oidc-bundled/oidc.js', create: 'createAuthClient', lib: 'oidc' },
  'auth0-bundled': { label: 'auth0-spa-js, esbuild bundle', url: '/out/auth0-bundled/auth0.js', create: 'createAuth0Client', lib: 'auth0' },
  'oidc-early': { label: 'oidc-wasm (pkg/browser.js), .wasm compiled early', url: '/pkg/browser.js', create: 'createAuthClient', lib: 'oidc',
    early: '/pkg/oidc_wasm_bg.wasm' },
  'oidc-bundled-early': { label: 'oidc-wasm, esbuild bundle, .wasm compiled early', url: '/out/oidc-bundled/oidc.js',
    create: 'createAuthClient', lib: 'oidc', early: '/out/oidc-bundled/oidc_wasm_bg.wasm' },
};
/** ratio = first / second */
const PAIRS = [['oidc', 'auth0'], ['oidc-bundled', 'auth0-bundled'], ['oidc-early', 'auth0'], ['oidc-bundled-early', 'auth0-bundled']];

// ---------------------------------------------------------------------------------------------
// Options

function parseArgs(args) {
  // --name=value is --name value
  const argv = args.flatMap((a) => (/^--[a-z-]+=/.test(a) ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a]));
  const o = { samples: 15, breakdownSamples: null, contenders: Object.keys(CONTENDERS), jsFlags: null, out: join(BENCH, 'results-spa.json') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const int = () => {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${a} needs a positive integer`);
      return n;
    };
    if (a === '--samples') o.samples = int();
    else if (a === '--breakdown-samples') o.breakdownSamples = int();
    else if (a === '--contenders') o.contenders = argv[++i].split(',').map((x) => x.trim()).filter(Boolean);
    else if (a === '--js-flags') o.jsFlags = argv[++i];
    else if (a === '--out') o.out = resolve(argv[++i]);
    else if (a === '--help' || a === '-h') {
      console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(6, 8).map((l) => l.slice(3)).join('\n'));
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  o.breakdownSamples ??= o.samples;
  for (const c of o.contenders) if (!CONTENDERS[c]) throw new Error(`unknown contender ${c} (${Object.keys(CONTENDERS).join(', ')})`);
  for (const c of ['oidc', 'auth0']) if (!o.contenders.includes(c)) o.contenders.unshift(c);
  return o;
}

const median = (xs) => {
  const s = xs.filter((x) => typeof x === 'number').sort((a, b) => a - b);
  if (s.length === 0) return undefined;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const log = (m) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${m}`);
const load = () => loadavg().map((x) => +x.toFixed(2));

// ---------------------------------------------------------------------------------------------
// Files: pkg/ as built, auth0-spa-js from node_modules, and the two bundles

function checkPkg() {
  for (const f of ['browser.js', 'core.js', 'spa.js', 'oidc_wasm.js', 'oidc_wasm_bg.wasm', 'oidc_wasm_crypto.js', 'oidc_wasm_crypto_bg.wasm']) {
    if (!existsSync(join(PKG, f))) throw new Error(`${join(PKG, f)} is missing: run scripts/build.sh first`);
  }
}

async function prepareOut() {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  // The page the samples start from: nothing but a title (and no favicon request).
  writeFileSync(join(OUT, 'blank.html'), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>spa-cold</title>\n');
  const bundle = async (name, entry, file, plugins = []) => {
    const dir = join(OUT, name);
    mkdirSync(dir, { recursive: true });
    const entryFile = join(dir, 'entry.mjs');
    writeFileSync(entryFile, entry);
    await build({ entryPoints: [entryFile], outfile: join(dir, file), bundle: true, minify: true, format: 'esm', platform: 'browser',
      conditions: ['browser'], logLevel: 'error', plugins, nodePaths: [join(ROOT, 'node_modules')] });
    rmSync(entryFile);
    return dir;
  };
  // oidc-wasm's arithmetic module glue, imported dynamically (only for verifySync), stays a file of
  // its own next to the bundle, as code splitting would make it: it is not fetched at creation.
  // (esbuild's own splitting would also move a 106-byte helper into a shared chunk, one more
  // request in the cold path, which an application's bundler need not add.)
  const cryptoGlueApart = { name: 'crypto-glue-apart', setup(b) {
    b.onResolve({ filter: /oidc_wasm_crypto\.js$/ }, () => ({ path: './oidc_wasm_crypto.js', external: true }));
  } };
  const oidcDir = await bundle('oidc-bundled', `export { createAuthClient, init } from ${JSON.stringify(join(PKG, 'browser.js'))};\n`, 'oidc.js',
    [cryptoGlueApart]);
  // esbuild keeps `new URL('./oidc_wasm_bg.wasm', import.meta.url)`: the assets go next to the bundle.
  for (const f of ['oidc_wasm_bg.wasm', 'oidc_wasm_crypto.js', 'oidc_wasm_crypto_bg.wasm']) copyFileSync(join(PKG, f), join(oidcDir, f));
  await bundle('auth0-bundled', "export { createAuth0Client } from '@auth0/auth0-spa-js';\n", 'auth0.js');
}

/** The file a same-origin URL path is served from, or null. */
function fileFor(path) {
  for (const [prefix, dir] of [['/pkg/', PKG], ['/auth0/', AUTH0_PKG], ['/out/', OUT]]) {
    if (!path.startsWith(prefix)) continue;
    const file = normalize(join(dir, path.slice(prefix.length)));
    return file.startsWith(dir) ? file : null;
  }
  return null;
}

const sizeCache = new Map();
function sizeOf(file) {
  if (!sizeCache.has(file)) {
    const b = readFileSync(file);
    sizeCache.set(file, { bytes: b.length, gzipBytes: gzipSync(b, { level: 9 }).length });
  }
  return sizeCache.get(file);
}

// ---------------------------------------------------------------------------------------------
// The loopback server of the app's files. Every response carries `cache-control: no-store` and
// no validator (no ETag, no Last-Modified); each sample is in a new browser context anyway, with
// an empty HTTP cache and a renderer process of its own, so everything is fetched and compiled anew.

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };

async function startServer() {
  // Files are read once, on first request, and then answered from memory: no disk read in the
  // timed path (every sample after the warm-up round is answered from memory).
  const bodies = new Map();
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const file = path === '/blank.html' || path === '/callback' ? join(OUT, 'blank.html') : fileFor(path);
    if (file) {
      try {
        if (!bodies.has(file)) bodies.set(file, await readFile(file));
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
        res.end(bodies.get(file));
        return;
      } catch {
        // 404 below
      }
    }
    res.writeHead(404, { 'cache-control': 'no-store' }).end();
  });
  await new Promise((ok, fail) => server.once('error', fail).listen(0, '127.0.0.1', ok));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((ok) => { server.closeAllConnections?.(); server.close(() => ok()); }),
  };
}

// ---------------------------------------------------------------------------------------------
// In the page (these functions are serialised by page.evaluate: no closures)

/**
 * One timed sample: import(), then the create function, with performance marks; the resource
 * timing of everything fetched is returned relative to the first mark.
 */
async function pageSample({ url, create, options, early }) {
  performance.mark('spa:start');
  const compiled = early ? WebAssembly.compileStreaming(fetch(early)) : null;
  const lib = await import(url);
  performance.mark('spa:imported');
  if (compiled) await lib.init(compiled);
  const client = await lib[create](options);
  performance.mark('spa:created');
  const m = Object.fromEntries(performance.getEntriesByType('mark').map((e) => [e.name, e.startTime]));
  const t0 = m['spa:start'];
  return {
    importMs: m['spa:imported'] - t0,
    createMs: m['spa:created'] - m['spa:imported'],
    totalMs: m['spa:created'] - t0,
    isClient: typeof client?.getTokenSilently === 'function' && typeof client?.loginWithRedirect === 'function',
    cookiesAfter: document.cookie,
    resources: performance.getEntriesByType('resource').map((e) => ({
      name: new URL(e.name).pathname, origin: new URL(e.name).origin, start: e.startTime - t0, responseStart: e.responseStart - t0,
      end: e.responseEnd - t0, transferSize: e.transferSize, encodedBodySize: e.encodedBodySize,
    })),
  };
}

/**
 * Installed before any page script in the breakdown samples: WebAssembly.instantiateStreaming
 * (what the wasm-bindgen glue calls with the module's Response) done as its two halves,
 * compileStreaming then instantiate, with a mark after each.
 */
function instrumentWasm() {
  WebAssembly.instantiateStreaming = async (source, imports) => {
    const response = await source;
    performance.mark('wasm:response');
    const module = await WebAssembly.compileStreaming(response);
    performance.mark('wasm:compiled');
    const instance = await WebAssembly.instantiate(module, imports);
    performance.mark('wasm:instantiated');
    return { module, instance };
  };
}

/**
 * A breakdown sample: import(); for oidc-wasm `await init()` (fetch, compile, instantiate the
 * .wasm: the first thing createAuthClient does) marked apart; the create function; then a second
 * create, for contrast (everything loaded and the functions it calls compiled).
 */
async function pageBreakdown({ url, create, options, lib: which }) {
  performance.mark('spa:start');
  const lib = await import(url);
  performance.mark('spa:imported');
  if (which === 'oidc') {
    await lib.init();
    performance.mark('spa:init');
  }
  await lib[create](options);
  performance.mark('spa:created');
  await lib[create](options);
  performance.mark('spa:created2');
  const m = Object.fromEntries(performance.getEntriesByType('mark').map((e) => [e.name, e.startTime]));
  const t0 = m['spa:start'];
  const rel = Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v - t0]));
  const resources = performance.getEntriesByType('resource').map((e) => ({
    name: new URL(e.name).pathname, start: e.startTime - t0, responseStart: e.responseStart - t0, end: e.responseEnd - t0 }));
  return { marks: rel, resources };
}

// ---------------------------------------------------------------------------------------------
// Samples

/** A new context and page, at the app's blank page; requests recorded from the moment it loaded. */
async function openPage(browser, server, { init } = {}) {
  const context = await browser.newContext();
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  page.on('pageerror', (e) => log(`page error: ${e.message}`));
  page.on('console', (msg) => { if (msg.type() === 'error' || msg.type() === 'warning') log(`page console: ${msg.text()}`); });
  await page.goto(`${server.origin}/blank.html`, { waitUntil: 'load' });
  const cookiesBefore = (await context.cookies()).length;
  const requests = [];
  page.on('request', (r) => requests.push({ url: r.url(), type: r.resourceType(), method: r.method() }));
  return { context, page, requests, cookiesBefore };
}

async function sample(browser, server, provider, id, options) {
  const { context, page, requests, cookiesBefore } = await openPage(browser, server);
  try {
    const c = CONTENDERS[id];
    const r = await page.evaluate(pageSample, { url: c.url, create: c.create, options, early: c.early ?? null });
    if (!r.isClient) throw new Error(`${id}: ${c.create} did not resolve to a client`);
    const providerRequests = requests.filter((q) => new URL(q.url).origin === provider.origin).map((q) => `${q.method} ${q.url}`);
    const files = [...new Set(requests.filter((q) => new URL(q.url).origin === server.origin).map((q) => new URL(q.url).pathname))].sort();
    return { ...r, resources: undefined, resourceTiming: r.resources, cookiesBefore, requests: requests.length, providerRequests, files };
  } finally {
    await context.close();
  }
}

async function breakdownSample(browser, server, id, options) {
  const { context, page } = await openPage(browser, server, { init: instrumentWasm });
  try {
    const c = CONTENDERS[id];
    return await page.evaluate(pageBreakdown, { url: c.url, create: c.create, options, lib: c.lib });
  } finally {
    await context.close();
  }
}

/** Samples rounds of the contenders in `ids`, interleaved; the order rotates each round. */
async function rounds(n, ids, fn, what) {
  const out = Object.fromEntries(ids.map((id) => [id, []]));
  const order = [...ids];
  for (let i = 0; i < n; i++) {
    for (const id of order) out[id].push({ round: i, position: order.indexOf(id), ...(await fn(id)) });
    order.push(order.shift());
    if ((i + 1) % 5 === 0 || i + 1 === n) log(`${what}: ${i + 1}/${n} rounds`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Breakdown: where a cold start goes, from the breakdown samples' marks and resource timing

const jsName = (p) => /\.(m?js)$/.test(p);
const wasmName = (p) => p.endsWith('.wasm');

/**
 * A breakdown sample's timeline as consecutive segments (they add up to the total): before the
 * first request, the JS modules' requests, JS compile + evaluation, and for oidc-wasm the path to
 * the .wasm request, its response reaching JavaScript, compileStreaming, instantiate, the glue's
 * start, and the rest of createAuthClient. Plus, apart, the .wasm's first byte and body timing.
 */
function breakdownFigures(lib, s) {
  const m = s.marks;
  const js = s.resources.filter((r) => jsName(r.name) && r.start >= 0);
  const jsFirst = Math.min(...js.map((r) => r.start));
  const jsLast = Math.max(...js.map((r) => r.end));
  const f = {
    // import() called to the first module request
    beforeRequestMs: jsFirst,
    // the modules' requests, first request to the last byte of the last one (for oidc-wasm a
    // waterfall: browser.js, then core.js and spa.js, then oidc_wasm.js)
    jsFetchMs: jsLast - jsFirst,
    jsRequests: js.length,
    // after the last byte until import() resolves: compiling and evaluating the modules
    jsEvalMs: m['spa:imported'] - jsLast,
    importMs: m['spa:imported'],
    createMs: m['spa:created'] - m['spa:imported'],
    totalMs: m['spa:created'],
    // a second create in the same page, for contrast: everything loaded, the functions compiled
    secondCreateMs: m['spa:created2'] - m['spa:created'],
  };
  if (lib === 'oidc') {
    const w = s.resources.find((r) => r.name.endsWith('/oidc_wasm_bg.wasm'));
    Object.assign(f, {
      initMs: m['spa:init'] - m['spa:imported'],
      // import() resolved to the .wasm request (createAuthClient -> init -> fetch)
      toWasmRequestMs: w.start - m['spa:imported'],
      // the .wasm request to its Response reaching the glue (first byte, then the main thread)
      wasmResponseMs: m['wasm:response'] - w.start,
      // compileStreaming: from the Response to the compiled module (the body is compiled as it arrives)
      wasmCompileMs: m['wasm:compiled'] - m['wasm:response'],
      wasmInstantiateMs: m['wasm:instantiated'] - m['wasm:compiled'],
      // instantiated to init() resolved: __wbindgen_start and the glue's bookkeeping
      wasmStartMs: m['spa:init'] - m['wasm:instantiated'],
      // createAuthClient after init(): new AuthClient, new OidcClient (the options checked in the
      // module), the session configured, checkSession: the first calls into the module
      afterInitMs: m['spa:created'] - m['spa:init'],
      // apart (resource timing): the .wasm's first byte after its request, and its body, first to last byte
      wasmTtfbMs: w.responseStart - w.start,
      wasmBodyMs: w.end - w.responseStart,
    });
  }
  return f;
}

// ---------------------------------------------------------------------------------------------
// Report

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
const fmt = (x, d = 1) => (typeof x === 'number' ? x.toFixed(d) : '-');

// ---------------------------------------------------------------------------------------------

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const started = performance.now();
  checkPkg();
  const results = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, loadavgAtStart: load() },
    options: { ...opts, out: relative(ROOT, opts.out) },
    libraries: {
      oidc: { package: 'oidc-wasm', dir: relative(ROOT, PKG) || '.', version: JSON.parse(readFileSync(join(PKG, 'package.json'), 'utf8')).version,
        git: execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim() },
      auth0: { package: '@auth0/auth0-spa-js', version: AUTH0_META.version, file: AUTH0_ESM },
    },
  };
  log(`load average at start: ${results.machine.loadavgAtStart.join(' ')}`);
  await prepareOut();
  const server = await startServer();
  const { startProvider } = await import(pathToFileURL(join(ROOT, 'tests', 'provider', 'server.mjs')).href);
  const op = await startProvider({ port: 0, clientOrigins: [server.origin], auth0Tenant: true, quiet: true });
  const provider = { origin: new URL(op.issuer).origin, issuer: op.issuer };
  // The same options for both libraries: Auth0 mode (`domain`), in-memory cache.
  const options = { domain: op.issuer, clientId: op.clients.spa, authorizationParams: { redirect_uri: `${server.origin}/callback` },
    cacheLocation: 'memory' };
  results.options.clientOptions = options;
  results.provider = provider;
  // Debian's Chromium, as the tests launch it; --js-flags (V8 flags, for experiments such as
  // --no-wasm-lazy-compilation) are added when given.
  const { CHROMIUM_ARGS } = await import(pathToFileURL(join(ROOT, 'tests', 'js', 'chromium.mjs')).href);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, ...(opts.jsFlags ? [`--js-flags=${opts.jsFlags}`] : [])] });
  const save = () => writeFileSync(opts.out, `${JSON.stringify(results, null, 2)}\n`);
  const ids = Object.keys(CONTENDERS).filter((id) => opts.contenders.includes(id));
  try {
    results.browser = `Chromium ${browser.version()}`;
    const routesBefore = JSON.stringify(op.stats.routes);
    // One round first, not counted: the browser's own first-use costs (network service, first
    // renderer) are not charged to whichever contender happens to come first.
    log('warm-up round (not counted)');
    results.warmup = await rounds(1, ids, (id) => sample(browser, server, provider, id, options), 'warm-up');
    log(`${opts.samples} rounds of ${ids.join(', ')}, each sample in a new browser context`);
    const samples = await rounds(opts.samples, ids, (id) => sample(browser, server, provider, id, options), 'samples');
    log(`${opts.breakdownSamples} breakdown rounds (instrumented, apart from the samples above)`);
    const breakdown = await rounds(opts.breakdownSamples, ['oidc', 'auth0'], (id) => breakdownSample(browser, server, id, options), 'breakdown');
    results.providerRoutesHit = { before: JSON.parse(routesBefore), after: op.stats.routes };

    // Figures
    results.contenders = {};
    for (const id of ids) {
      const ss = samples[id];
      const files = ss[0].files.filter((p) => jsName(p) || wasmName(p));
      const sizes = files.map((p) => ({ path: p, ...sizeOf(fileFor(p)) }));
      const sum = (k, pred = () => true) => sizes.filter((s) => pred(s.path)).reduce((a, s) => a + s[k], 0);
      results.contenders[id] = {
        label: CONTENDERS[id].label,
        url: CONTENDERS[id].url,
        totalMs: median(ss.map((s) => s.totalMs)),
        importMs: median(ss.map((s) => s.importMs)),
        createMs: median(ss.map((s) => s.createMs)),
        minTotalMs: Math.min(...ss.map((s) => s.totalMs)),
        maxTotalMs: Math.max(...ss.map((s) => s.totalMs)),
        providerRequests: ss.reduce((a, s) => a + s.providerRequests.length, 0),
        sameFilesEverySample: ss.every((s) => JSON.stringify(s.files) === JSON.stringify(ss[0].files)),
        transferred: {
          files: sizes,
          jsBytes: sum('bytes', jsName), jsGzipBytes: sum('gzipBytes', jsName),
          wasmBytes: sum('bytes', wasmName), wasmGzipBytes: sum('gzipBytes', wasmName),
          totalBytes: sum('bytes'), totalGzipBytes: sum('gzipBytes'),
          // what the browser counted (uncompressed over the wire here: the server does not gzip)
          encodedBodyBytesSeen: median(ss.map((s) => s.resourceTiming.filter((r) => jsName(r.name) || wasmName(r.name))
            .reduce((a, r) => a + r.encodedBodySize, 0))),
        },
        samples: ss,
      };
    }
    results.ratios = Object.fromEntries(PAIRS.filter(([a, b]) => ids.includes(a) && ids.includes(b)).map(([a, b]) => [`${a}/${b}`, {
      total: results.contenders[a].totalMs / results.contenders[b].totalMs,
      // ratio of each round's pair of samples, median over rounds
      perRoundMedian: median(samples[a].map((s, i) => s.totalMs / samples[b][i].totalMs)),
    }]));
    results.targetMet = results.ratios['oidc/auth0'].total <= 1;
    results.breakdown = {};
    for (const id of ['oidc', 'auth0']) {
      const figs = breakdown[id].map((s) => breakdownFigures(CONTENDERS[id].lib, s));
      const keys = Object.keys(figs[0]);
      results.breakdown[id] = { medians: Object.fromEntries(keys.map((k) => [k, median(figs.map((f) => f[k]))])), samples: breakdown[id], figures: figs };
    }
  } finally {
    await browser.close();
    await Promise.allSettled([server.close(), op.close()]);
  }
  results.machine.loadavgAtEnd = load();
  results.seconds = +((performance.now() - started) / 1000).toFixed(1);
  save();

  // Print
  const C = results.contenders;
  console.log(`\n== SPA cold start in ${results.browser}: import() to create resolved, ms, median of ${opts.samples} ` +
    'fresh browser contexts (contenders interleaved)');
  console.log(table(['contender', 'total', 'import', 'create', 'min', 'max', 'provider requests'],
    ids.map((id) => [C[id].label, fmt(C[id].totalMs), fmt(C[id].importMs), fmt(C[id].createMs), fmt(C[id].minTotalMs), fmt(C[id].maxTotalMs),
      String(C[id].providerRequests)])));
  for (const [k, r] of Object.entries(results.ratios)) {
    console.log(`ratio ${k.replace('/', ' / ')}: ${r.total.toFixed(2)}x (median of the per-round ratios ${r.perRoundMedian.toFixed(2)}x)`);
  }
  console.log(`target (oidc-wasm / auth0-spa-js <= 1.0): ${results.targetMet ? 'met' : 'NOT met'}`);
  console.log('\n== bytes fetched for that page load (JS + wasm), raw (gzip -9)');
  console.log(table(['contender', 'JS', 'wasm', 'total', 'files'], ids.map((id) => {
    const t = C[id].transferred;
    return [C[id].label, `${t.jsBytes} (${t.jsGzipBytes})`, `${t.wasmBytes} (${t.wasmGzipBytes})`, `${t.totalBytes} (${t.totalGzipBytes})`,
      t.files.map((f) => f.path.split('/').pop()).join(' ')];
  })));
  const B = results.breakdown;
  console.log(`\n== breakdown, ms, median of ${opts.breakdownSamples} instrumented samples (apart from the above)`);
  const rows = [
    ['import() to the first request', 'beforeRequestMs'], ['JS requests, first to last byte', 'jsFetchMs'],
    ['JS compile + evaluation', 'jsEvalMs'], ['= import()', 'importMs'],
    ['import() resolved to the .wasm request', 'toWasmRequestMs'], ['.wasm request to its Response in JS', 'wasmResponseMs'],
    ['compileStreaming', 'wasmCompileMs'], ['instantiate', 'wasmInstantiateMs'], ['__wbindgen_start, glue', 'wasmStartMs'],
    ['  (= init())', 'initMs'], ['createAuthClient after init()', 'afterInitMs'], ['= create', 'createMs'], ['= total', 'totalMs'],
    ['(apart: .wasm first byte after request)', 'wasmTtfbMs'], ['(apart: .wasm body first to last byte)', 'wasmBodyMs'],
    ['(a second create, warm)', 'secondCreateMs'],
  ];
  console.log(table(['', 'oidc-wasm', 'auth0-spa-js'], rows.map(([l, k]) => [l, fmt(B.oidc.medians[k]), fmt(B.auth0.medians[k])])));
  console.log(`\nprovider requests during creation: ${ids.map((id) => `${id} ${C[id].providerRequests}`).join(', ')}`);
  console.log(`cookies in the context before creation (no is.authenticated cookie): ${Math.max(...ids.flatMap((id) => C[id].samples.map((x) => x.cookiesBefore)))} at most`);
  log(`done in ${results.seconds} s; load average at start ${results.machine.loadavgAtStart.join(' ')}, at end ` +
    `${results.machine.loadavgAtEnd.join(' ')}; results in ${opts.out}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
