// The README's browser recipes ("Use it in your app"), each built from the packed package with the
// bundler's own command (`npm run build` of tests/bundlers/apps/<name>/package.json), served on
// loopback under the README's Content-Security-Policy, and signed in with in headless Chromium
// against the local provider: redirect login, the callback, getUser. Then what init(url) and the
// policy do, and what survives a reload with each cache location.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer as createViteServer } from 'vite';
import { startProvider } from '../provider/server.mjs';
import { launchChromium } from '../js/chromium.mjs';
import { APPS, contentSecurityPolicy, expectState, npmRun, prepareApp, serveStatic, shown, signIn, watch } from './harness.mjs';

const CLIENT_ID = 'oidc-wasm-spa';
const ALICE = { state: 'ready', status: 'signed in as Alice Liddell', sub: 'auth0|alice' };

// name: the recipe's directory; served: what its build leaves to serve; app: where the app's
// source goes and how it imports the package.
const RECIPES = {
  vite: { served: 'dist' },
  webpack: { served: 'public' },
  rollup: { served: 'public' },
  esbuild: { served: 'public' },
  script: { served: 'public', appFile: 'public/app.js',
    app: readFileSync(join(APPS, 'app.js'), 'utf8').replace("from 'oidc-wasm'", "from './vendor/oidc-wasm/browser.js'") },
};

let browser;
const open = [];
const builds = new Map();

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await Promise.allSettled(open.map((x) => x.close()));
});

/** The recipe `name` built once (its directory); later calls reuse the build. */
function built(name) {
  if (!builds.has(name)) {
    builds.set(name, (async () => {
      const { appFile, app } = RECIPES[name];
      const dir = prepareApp(name, appFile ? { appFile, app } : {});
      const output = await npmRun(dir, 'build');
      return { dir, output, served: join(dir, RECIPES[name].served) };
    })());
  }
  return builds.get(name);
}

/**
 * A server for `dir` and a provider whose client accepts its origin, closed after the file. The
 * app is configured for any OpenID Provider (`issuer`), or with `auth0` for an Auth0 tenant
 * (`domain`, and the provider in Auth0's shape).
 */
async function serveWithProvider(dir, { auth0 = false } = {}) {
  const server = await serveStatic(dir);
  open.push(server);
  const provider = await startProvider({ port: 0, clientOrigins: [server.origin], quiet: true, auth0Tenant: auth0 });
  open.push(provider);
  server.setPolicy(contentSecurityPolicy(provider.issuer));
  server.setConfig({ options: { [auth0 ? 'domain' : 'issuer']: provider.issuer, clientId: CLIENT_ID } });
  return { server, provider };
}

const wasmRequests = (server) => server.requests.filter((r) => r.path.endsWith('.wasm'));

for (const name of Object.keys(RECIPES)) {
  test(`${name}: the app built as the README says signs in to an Auth0 tenant and shows the user`, { timeout: 120_000 }, async () => {
    const { served } = await built(name);
    const { server } = await serveWithProvider(served, { auth0: true });
    const { context, page, errors } = await signIn(browser, server.origin);
    assert.deepEqual(await shown(page), ALICE);
    assert.deepEqual(errors, [], 'no page error, nothing refused by the policy');
    assert.deepEqual(server.requests.filter((r) => r.status >= 400), [], 'nothing missing');
    const wasm = wasmRequests(server);
    assert.ok(wasm.length >= 1 && wasm.every((r) => r.status === 200), `the module was served: ${JSON.stringify(wasm)}`);
    await context.close();
  });
}

test('vite: the dev server serves the module too (no configuration)', { timeout: 120_000 }, async () => {
  const { dir } = await built('vite');
  let config = {};
  const vite = await createViteServer({
    root: dir, logLevel: 'error', clearScreen: false,
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false, watch: null },
    plugins: [{ name: 'test-config', configureServer(s) {
      s.middlewares.use('/config.json', (_req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify(config)));
      s.middlewares.use('/favicon.ico', (_req, res) => { res.statusCode = 204; res.end(); });
    } }],
  });
  await vite.listen();
  open.push(vite);
  const origin = vite.resolvedUrls.local[0].replace(/\/$/, '');
  const provider = await startProvider({ port: 0, clientOrigins: [origin], quiet: true });
  open.push(provider);
  config = { options: { issuer: provider.issuer, clientId: CLIENT_ID } };
  const { context, page, errors } = await signIn(browser, origin);
  assert.deepEqual(await shown(page), ALICE);
  assert.deepEqual(errors, []);
  await context.close();
});

test('init(url): the module served from another origin (a CDN) instead of next to the bundle', { timeout: 120_000 }, async () => {
  const { dir, served } = await built('esbuild');
  const cdn = await serveStatic(join(dir, 'node_modules', 'oidc-wasm'), { cors: true });
  open.push(cdn);
  const { server, provider } = await serveWithProvider(served);
  server.setConfig({ options: { issuer: provider.issuer, clientId: CLIENT_ID }, wasmUrl: `${cdn.origin}/oidc_wasm_bg.wasm` });
  server.setPolicy(contentSecurityPolicy(provider.issuer, { connect: [cdn.origin] }));
  const { context, page, errors } = await signIn(browser, server.origin);
  assert.deepEqual(await shown(page), ALICE);
  assert.deepEqual(errors, []);
  assert.deepEqual(wasmRequests(server), [], 'nothing fetched from next to the bundle');
  assert.ok(wasmRequests(cdn).some((r) => r.path === '/oidc_wasm_bg.wasm' && r.status === 200));
  await context.close();
});

test("the policy needs 'wasm-unsafe-eval': without it the module cannot load, and the app is told", { timeout: 120_000 }, async () => {
  const { served } = await built('esbuild');
  const { server, provider } = await serveWithProvider(served);
  server.setPolicy(contentSecurityPolicy(provider.issuer).replace(" 'wasm-unsafe-eval'", ''));
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.origin}/`);
  await page.waitForSelector('body[data-state]', { timeout: 30_000 });
  const { state, status } = await shown(page);
  assert.equal(state, 'failed');
  assert.match(status, /^ERR_INIT_FAILED: .*WebAssembly.*Content Security Policy/);
  await context.close();
});

/**
 * Sign in with `options` (cacheLocation and the like), then reload the page and open the app in
 * a second tab of the same browser: what each shows, the requests each made to the provider, and
 * whether a refresh token is in the page's storage.
 */
async function afterReload(options) {
  const { served } = await built('esbuild');
  const { server, provider } = await serveWithProvider(served);
  server.setConfig({ options: { issuer: provider.issuer, clientId: CLIENT_ID, ...options } });
  const { context, page, errors } = await signIn(browser, server.origin);
  assert.deepEqual(await shown(page), ALICE);
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }).includes('refresh_token'));
  let asked = [];
  context.on('request', (r) => { if (r.url().startsWith(provider.issuer)) asked.push(new URL(r.url()).pathname + new URL(r.url()).search); });
  const settled = async (p) => {
    await p.waitForSelector('body[data-state]', { timeout: 30_000 });
    await expectState(p, 'ready');
    const out = { shown: await shown(p), asked };
    asked = [];
    return out;
  };
  await page.reload();
  const reload = await settled(page);
  const tab = await context.newPage();
  const tabErrors = watch(tab, server.origin);
  await tab.goto(`${server.origin}/`);
  const newTab = await settled(tab);
  assert.deepEqual([...errors, ...tabErrors], []);
  await context.close();
  return { stored, reload, newTab };
}

const signedOut = { state: 'ready', status: 'signed out', sub: null };
const silent = (asked) => asked.some((u) => u.includes('prompt=none'));

test('cacheLocation memory (the default): nothing survives a reload; checkSession signs in again in an iframe', { timeout: 120_000 }, async () => {
  const r = await afterReload({});
  assert.equal(r.stored, false);
  for (const [when, x] of Object.entries({ reload: r.reload, newTab: r.newTab })) {
    assert.deepEqual(x.shown, ALICE, when);
    assert.ok(silent(x.asked), `${when}: prompt=none asked: ${x.asked}`);
  }
});

test('cacheLocation memory with useRefreshTokens: the refresh token is gone after a reload (useRefreshTokensFallback for the iframe)', { timeout: 120_000 }, async () => {
  const without = await afterReload({ useRefreshTokens: true });
  assert.equal(without.stored, false, 'the refresh token never touches storage');
  assert.deepEqual(without.reload.shown, signedOut);
  const withFallback = await afterReload({ useRefreshTokens: true, useRefreshTokensFallback: true });
  assert.deepEqual(withFallback.reload.shown, ALICE);
  assert.ok(silent(withFallback.reload.asked));
});

test('cacheLocation localstorage: signed in after a reload and in a new tab, with no request', { timeout: 120_000 }, async () => {
  const r = await afterReload({ cacheLocation: 'localstorage', useRefreshTokens: true });
  assert.equal(r.stored, true, 'the refresh token is in localStorage');
  for (const [when, x] of Object.entries({ reload: r.reload, newTab: r.newTab })) {
    assert.deepEqual(x.shown, ALICE, when);
    assert.deepEqual(x.asked, [], `${when}: nothing asked of the provider`);
  }
});

test('cacheLocation sessionstorage: signed in after a reload with no request; a new tab starts empty', { timeout: 120_000 }, async () => {
  const r = await afterReload({ cacheLocation: 'sessionstorage' });
  assert.deepEqual(r.reload.shown, ALICE);
  assert.deepEqual(r.reload.asked, []);
  assert.deepEqual(r.newTab.shown, ALICE);
  assert.ok(silent(r.newTab.asked), `new tab: prompt=none asked: ${r.newTab.asked}`);
});
