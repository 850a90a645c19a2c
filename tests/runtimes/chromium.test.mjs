// The smoke suite in headless Chromium, importing the packed package two ways a web app does:
// a plain <script type="module"> with an import map, and an esbuild bundle (browser conditions).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { packAndInstall } from './pack.mjs';
import { startProvider } from '../provider/server.mjs';
import { startDemoServer } from '../../scripts/demo-server.mjs';
import { launchChromium } from '../js/chromium.mjs';

let provider, server, browser, consumer, pkgDir;

const PAGE = (head, entry, smokeEntry = 'main') => `<!doctype html><html><head><meta charset="utf-8">${head}</head><body>
<script type="module">
import * as oidc from '${entry}';
import { runSmoke } from '/consumer/smoke.mjs';
window.__readyAtImport = oidc.isReady();
window.__sync = (() => { try { oidc.decodeJwtUnverified('a.b.c'); return 'no error'; } catch (e) { return e.code; } })();
const env = await (await fetch('/config.json')).json();
window.__results = await runSmoke(oidc, { ...env, entry: '${smokeEntry}' });
</script></body></html>`;

before(async () => {
  ({ consumer, pkgDir } = packAndInstall());
  writeFileSync(join(consumer, 'importmap.html'),
    PAGE('<script type="importmap">{"imports":{"oidc-wasm":"/consumer/node_modules/oidc-wasm/browser.js"}}</script>', 'oidc-wasm'));
  const dist = join(consumer, 'web-dist');
  mkdirSync(dist, { recursive: true });
  writeFileSync(join(consumer, 'web-entry.mjs'), "export * from 'oidc-wasm';\n");
  await build({
    entryPoints: [join(consumer, 'web-entry.mjs')], bundle: true, format: 'esm', platform: 'browser',
    outfile: join(dist, 'bundle.js'), logLevel: 'error',
  });
  // esbuild keeps `new URL('./oidc_wasm_bg.wasm', import.meta.url)` as is: the assets go next to
  // the bundle (the module, and the signature arithmetic module fetched on demand).
  copyFileSync(join(pkgDir, 'oidc_wasm_bg.wasm'), join(dist, 'oidc_wasm_bg.wasm'));
  copyFileSync(join(pkgDir, 'oidc_wasm_crypto_bg.wasm'), join(dist, 'oidc_wasm_crypto_bg.wasm'));
  writeFileSync(join(consumer, 'bundled.html'), PAGE('', '/consumer/web-dist/bundle.js'));
  // oidc-wasm/verifier through an import map: its own module, fetched from its own directory.
  writeFileSync(join(consumer, 'verifier.html'),
    PAGE('<script type="importmap">{"imports":{"oidc-wasm/verifier":"/consumer/node_modules/oidc-wasm/verifier/browser.js"}}</script>',
      'oidc-wasm/verifier', 'verifier'));
  writeFileSync(join(consumer, 'blank.html'), '<!doctype html><meta charset="utf-8"><title>blank</title>\n');
  server = await startDemoServer({ port: 0, mounts: [['/consumer/', consumer]] });
  provider = await startProvider({ port: 0, clientOrigins: [server.origin], quiet: true });
  server.setConfig({ issuer: provider.issuer, redirectUri: `${server.origin}/callback`, httpLogin: false });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await Promise.allSettled([server?.close(), provider?.close()]);
});

for (const variant of ['importmap', 'bundled', 'verifier']) {
  test(`the packed package runs the smoke suite in Chromium (${variant})`, async () => {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.origin}/consumer/${variant}.html`);
    await page.waitForFunction(() => window.__results !== undefined, null, { timeout: 30_000 });
    const { results, readyAtImport, sync } = await page.evaluate(() => ({
      results: window.__results, readyAtImport: window.__readyAtImport, sync: window.__sync,
    }));
    assert.equal(readyAtImport, false, 'browsers load the wasm asynchronously');
    assert.equal(sync, 'ERR_NOT_INITIALIZED', 'a sync call before loading is a clear error');
    for (const r of results) assert.ok(r.ok, `${r.name}: ${r.error}`);
    assert.ok(results.length >= 9);
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('in a browser, createVerifier fetches the keys while the module loads, and only once', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.origin}/consumer/blank.html`);
  const out = await page.evaluate(async ({ issuer }) => {
    const API = 'https://api.oidc-wasm.test';
    const jwksHits = async () => (await (await fetch(`${issuer}/__test/stats`)).json()).routes.jwks ?? 0;
    const { jwks_uri: jwksUri } = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
    const now = Math.floor(Date.now() / 1000);
    const res = await fetch(`${issuer}/__test/sign`, { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ header: {}, payload: { iss: issuer, aud: API, sub: 'auth0|alice', iat: now, exp: now + 300 } }) });
    const { token } = await res.json();
    const before = await jwksHits();
    const oidc = await import('/consumer/node_modules/oidc-wasm/verifier/browser.js');
    const loadedAtImport = oidc.isReady();
    const v = await oidc.createVerifier({ issuer, audience: API, jwksUri });
    // The keys arrive with no verification asking for them.
    let polls = 0;
    while (!v.exportJwksCache()?.jwks?.keys?.length && polls++ < 200) await new Promise((r) => setTimeout(r, 50));
    const keysBeforeVerify = v.exportJwksCache()?.jwks?.keys?.length ?? 0;
    const { payload } = await v.verify(token);
    // Once the module is loaded, a new verifier fetches when a verification needs keys, as before.
    const later = await oidc.createVerifier({ issuer, audience: API, jwksUri });
    await new Promise((r) => setTimeout(r, 200));
    const laterCache = later.exportJwksCache();
    await later.verify(token);
    return { loadedAtImport, keysBeforeVerify, sub: payload.sub, fetches: (await jwksHits()) - before, laterCache };
  }, { issuer: provider.issuer });
  await page.close();
  assert.equal(out.loadedAtImport, false);
  assert.ok(out.keysBeforeVerify > 0, 'keys held before the first verification');
  assert.equal(out.sub, 'auth0|alice');
  assert.equal(out.laterCache?.jwks ?? null, null, "no early fetch once the module is loaded");
  assert.equal(out.fetches, 2, 'one fetch per verifier: the early one was used, not repeated');
});

test('in a browser, no early JWKS fetch goes to a jwksUri the verifier refuses', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.origin}/consumer/blank.html`);
  const out = await page.evaluate(async ({ issuer }) => {
    const asked = [];
    const real = globalThis.fetch;
    globalThis.fetch = (input, init) => { asked.push(String(input?.url ?? input)); return real(input, init); };
    const oidc = await import('/consumer/node_modules/oidc-wasm/verifier/browser.js');
    const code = async (options) => { try { await oidc.createVerifier(options); return 'ok'; } catch (e) { return e.code; } };
    const codes = [
      await code({ issuer, audience: 'a', jwksUri: 'http://198.51.100.7/jwks' }),
      await code({ issuer, audience: 'a', jwksUri: 'ftp://127.0.0.1/jwks' }),
    ];
    return { codes, asked: asked.filter((u) => !u.endsWith('.wasm')) };
  }, { issuer: provider.issuer });
  await page.close();
  assert.deepEqual(out.codes, ['ERR_CONFIG_INVALID_OPTION', 'ERR_CONFIG_INVALID_OPTION']);
  assert.deepEqual(out.asked, [], 'nothing fetched but the module');
});
