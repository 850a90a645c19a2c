// The README's API recipes ("Use it in your app"): the same bearer-token check as a Cloudflare
// Worker (tests/bundlers/apps/worker: wrangler.toml and src/worker.js, bundled the way wrangler
// bundles it and run in workerd), a Deno server and a Node server, each with the packed package in
// its node_modules. Each is given an access token that alice really obtained from the local
// provider (authorization code + PKCE), and tokens it must refuse.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { startProvider, API_AUDIENCE, SPA_CLIENT_ID } from '../provider/server.mjs';
import { loginByHttp } from '../js/http-login.mjs';
import { ROOT, prepareApp } from './harness.mjs';

const REDIRECT_URI = 'http://127.0.0.1:4401/callback';
let provider, tokens;
const running = [];

before(async () => {
  provider = await startProvider({ port: 0, clientOrigins: [new URL(REDIRECT_URI).origin], quiet: true });
  // alice signs in at the provider for the API, with the package's own client (in Node).
  const dir = prepareApp('worker', { appFile: null });
  const { createOidcClient } = await import(pathToFileURL(join(dir, 'node_modules', 'oidc-wasm', 'node.js')).href);
  const client = await createOidcClient({ issuer: provider.issuer, clientId: SPA_CLIENT_ID, authorizationParams: { redirect_uri: REDIRECT_URI } });
  const { url, transaction } = await client.buildAuthorizeUrl({ audience: API_AUDIENCE });
  tokens = await client.handleCallback(await loginByHttp(url, { redirectUri: REDIRECT_URI }), transaction);
});

after(async () => {
  await Promise.allSettled(running.map((x) => x.close()));
  await provider?.close();
});

/**
 * What the API answers (`call(headers)` -> Response) for alice's access token, no token, the
 * token with a byte of its signature changed, and her ID token (signed by the provider, for
 * another audience).
 */
async function checkApi(call) {
  const bearer = (t) => ({ authorization: `Bearer ${t}` });
  const ok = await call(bearer(tokens.access_token));
  assert.equal(ok.status, 200, await ok.clone().text());
  assert.deepEqual(await ok.json(), { sub: 'auth0|alice' });

  const none = await call({});
  assert.equal(none.status, 401);
  assert.equal(none.headers.get('www-authenticate'), 'Bearer realm="api"');

  const sig = tokens.access_token.slice(-1) === 'A' ? 'B' : 'A';
  for (const bad of [tokens.access_token.slice(0, -1) + sig, tokens.id_token]) {
    const refused = await call(bearer(bad));
    assert.equal(refused.status, 401);
    assert.match(refused.headers.get('www-authenticate'), /^Bearer realm="api", error="invalid_token"/);
  }
}

/** The few wrangler.toml keys the recipe uses: top-level strings and the [vars] table. */
function readWranglerToml(file) {
  const out = { vars: {} };
  let table = out;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const section = /^\s*\[(\w+)\]\s*$/.exec(line);
    if (section) { table = out[section[1]] ??= {}; continue; }
    const kv = /^\s*(\w+)\s*=\s*"([^"]*)"\s*$/.exec(line);
    if (kv) table[kv[1]] = kv[2];
  }
  return out;
}

test('Cloudflare Worker: bundled as wrangler does, run in workerd, it accepts the real token and refuses the others', { timeout: 120_000 }, async () => {
  const dir = prepareApp('worker', { appFile: null });
  const toml = readWranglerToml(join(dir, 'wrangler.toml'));
  const outdir = join(dir, 'dist');
  mkdirSync(outdir, { recursive: true });
  // wrangler's bundle: esbuild with the workerd conditions, and its default module rule for .wasm
  // (CompiledWasm): each imported .wasm becomes a module of its own, named by its content hash.
  const wasm = [];
  await build({
    entryPoints: [join(dir, toml.main)], bundle: true, format: 'esm', platform: 'neutral', target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'], mainFields: ['module', 'main'],
    outfile: join(outdir, 'index.js'), logLevel: 'error',
    plugins: [{
      name: 'wrangler-module-rules',
      setup(b) {
        b.onResolve({ filter: /\.wasm(\?module)?$/ }, (a) => {
          const file = join(a.resolveDir, a.path.replace(/\?module$/, ''));
          const bytes = readFileSync(file);
          const name = `${createHash('sha1').update(bytes).digest('hex')}-${basename(file)}`;
          wasm.push(name);
          writeFileSync(join(outdir, name), bytes);
          return { path: `./${name}`, external: true };
        });
      },
    }],
  });
  assert.deepEqual(wasm.map((n) => n.replace(/^[0-9a-f]{40}-/, '')).sort(), ['oidc_wasm_bg.wasm', 'oidc_wasm_crypto_bg.wasm'],
    'oidc-wasm/verifier imports its module and the signature arithmetic');
  const mf = new Miniflare({
    modules: true,
    scriptPath: join(outdir, 'index.js'),
    modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
    compatibilityDate: toml.compatibility_date,
    // As `wrangler dev --var`: the toml's placeholders replaced by the local provider.
    bindings: { ...toml.vars, ISSUER: provider.issuer, AUDIENCE: API_AUDIENCE },
  });
  running.push({ close: () => mf.dispose() });
  await mf.ready;
  await checkApi((headers) => mf.dispatchFetch('http://api.test/messages', { headers }));
});

/** Run `cmd args` in `dir` with `env` until it prints its port (`pattern`); its origin. Stopped after the file. */
function startServer(cmd, args, dir, env, pattern) {
  const child = spawn(cmd, args, { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push({ close: () => new Promise((ok) => { if (child.exitCode !== null) ok(); else { child.once('exit', ok); child.kill(); } }) });
  let output = '';
  return new Promise((ok, fail) => {
    const seen = (chunk) => {
      output += chunk;
      const m = pattern.exec(output);
      if (m) ok(`http://127.0.0.1:${m[1]}`);
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
    child.once('exit', (code) => fail(new Error(`${cmd} exited (${code}) before listening:\n${output}`)));
  });
}

const callServer = (origin) => (headers) => fetch(`${origin}/messages`, { headers });

test('Deno: the server reads the package from node_modules and checks the real token', { timeout: 120_000 }, async () => {
  const dir = prepareApp('deno', { appFile: null });
  const origin = await startServer(join(ROOT, 'node_modules', '.bin', 'deno'),
    ['run', '--no-prompt', '--allow-net=127.0.0.1', '--allow-env=ISSUER,AUDIENCE,PORT', '--allow-read=node_modules', 'main.js'], dir,
    { ISSUER: provider.issuer, AUDIENCE: API_AUDIENCE, PORT: '0', NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' },
    /Listening on http:\/\/127\.0\.0\.1:(\d+)/);
  await checkApi(callServer(origin));
});

test('Node: the server checks the real token', { timeout: 120_000 }, async () => {
  const dir = prepareApp('node', { appFile: null });
  const origin = await startServer(process.execPath, ['server.js'], dir,
    { ISSUER: provider.issuer, AUDIENCE: API_AUDIENCE, PORT: '0' }, /listening on (\d+)/);
  await checkApi(callServer(origin));
});
