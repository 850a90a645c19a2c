// The smoke suite in Node, importing the packed package by its name (the "node" condition).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packAndInstall } from './pack.mjs';
import { startProvider } from '../provider/server.mjs';

const REDIRECT_ORIGIN = 'http://127.0.0.1:4401';
let provider, consumer;

before(async () => {
  ({ consumer } = packAndInstall());
  provider = await startProvider({ port: 0, clientOrigins: [REDIRECT_ORIGIN], quiet: true });
});
after(() => provider?.close());

test('the packed package resolves to the node entry point and is ready at import', async () => {
  const entry = join(consumer, 'node-entry.mjs');
  writeFileSync(entry, "import * as oidc from 'oidc-wasm';\nexport { oidc };\nexport const readyAtImport = oidc.isReady();\n");
  const { oidc, readyAtImport } = await import(pathToFileURL(entry).href);
  assert.equal(readyAtImport, true);
  const pkg = JSON.parse(readFileSync(join(consumer, 'node_modules/oidc-wasm/package.json'), 'utf8'));
  assert.equal(pkg.exports['.'].node, './node.js');
  const { runSmoke } = await import(pathToFileURL(join(consumer, 'smoke.mjs')).href);
  const results = await runSmoke(oidc, { issuer: provider.issuer, redirectUri: `${REDIRECT_ORIGIN}/callback` });
  for (const r of results) assert.ok(r.ok, `${r.name}: ${r.error}`);
  assert.ok(results.length >= 10, `ran ${results.length} checks`);
});

test('oidc-wasm/verifier resolves to its own smaller module and passes the verifier checks', async () => {
  const entry = join(consumer, 'node-verifier-entry.mjs');
  writeFileSync(entry, "import * as oidc from 'oidc-wasm/verifier';\nexport { oidc };\nexport const readyAtImport = oidc.isReady();\n");
  const { oidc, readyAtImport } = await import(pathToFileURL(entry).href);
  assert.equal(readyAtImport, true);
  const dir = join(consumer, 'node_modules/oidc-wasm');
  const size = (f) => statSync(join(dir, f)).size;
  assert.ok(size('verifier/oidc_wasm_bg.wasm') < size('oidc_wasm_bg.wasm') * 0.85,
    `verifier module ${size('verifier/oidc_wasm_bg.wasm')} B, main ${size('oidc_wasm_bg.wasm')} B`);
  const { runSmoke } = await import(pathToFileURL(join(consumer, 'smoke.mjs')).href);
  const results = await runSmoke(oidc, { issuer: provider.issuer, entry: 'verifier' });
  for (const r of results) assert.ok(r.ok, `${r.name}: ${r.error}`);
  assert.ok(results.length >= 10, `ran ${results.length} checks`);
  // The shared core.js, over the verifier-only module: the login API is a clear error, not a crash.
  const core = await import(pathToFileURL(join(dir, 'verifier/core.js')).href);
  assert.throws(() => new core.OidcClient({ issuer: provider.issuer, clientId: 'c' }), (e) => e.code === 'ERR_FEATURE_NOT_BUILT');
  assert.throws(() => core.createPkcePair(), (e) => e.code === 'ERR_FEATURE_NOT_BUILT' && /"client"/.test(e.message));
  // Its TypeScript entry names only what it exports.
  const dts = readFileSync(join(dir, 'verifier/index.d.ts'), 'utf8');
  for (const name of dts.match(/export \{([^}]+)\}/)[1].split(',').map((n) => n.trim())) assert.ok(name in oidc, `${name} in the typings, not exported`);
});

test('the TypeScript error-code union lists exactly the codes the module has', async () => {
  const { oidc } = await import(pathToFileURL(join(consumer, 'node-entry.mjs')).href);
  const dts = readFileSync(join(consumer, 'node_modules/oidc-wasm/index.d.ts'), 'utf8');
  const union = dts.slice(dts.indexOf('export type AuthErrorCode'), dts.indexOf(';', dts.indexOf('export type AuthErrorCode')));
  const typed = [...union.matchAll(/'(ERR_[A-Z_]+)'/g)].map((m) => m[1]).sort();
  const jsOnly = ['ERR_INIT_FAILED', 'ERR_BEARER_TOKEN_MISSING', 'ERR_MISSING_REFRESH_TOKEN', 'ERR_POPUP_BLOCKED', 'ERR_POPUP_CLOSED', 'ERR_MFA_CANCELLED', 'ERR_CLIENT_SECRET_IN_BROWSER', 'ERR_DEVICE_FLOW_CANCELLED'];
  assert.deepEqual(typed, Object.keys(oidc.errorCodes()).sort());
  for (const c of jsOnly) assert.ok(c in oidc.errorCodes(), c);
});

test('garbage of every type into every function gives AuthError codes, never a crash', async () => {
  const { oidc } = await import(pathToFileURL(join(consumer, 'node-entry.mjs')).href);
  let seed = 42;
  const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const pick = (a) => a[Math.floor(rnd() * a.length)];
  const str = () => Array.from({ length: Math.floor(rnd() * 60) }, () => String.fromCharCode(Math.floor(rnd() * 0x2fff))).join('');
  const values = () => [undefined, null, 0, -1, 1e308, NaN, true, '', str(), 'a.b.c', '..', 'http://127.0.0.1:9', [], [str()],
    { issuer: str() }, { clientId: str(), issuer: 'https://op.example', authorizationParams: { redirect_uri: str(), max_age: str() } },
    { issuer: 'https://op.example', audience: [1, 2] }, { issuer: 'https://op.example', audience: 'a', algorithms: str() },
    Symbol('s'), () => 1, 'x'.repeat(70000)];
  const calls = [
    (v) => oidc.parseCallbackUrl(v), (v) => oidc.pkceChallenge(v), (v) => oidc.decodeJwtUnverified(v),
    (v) => new oidc.OidcClient(v), (v) => new oidc.Verifier(v),
    (v) => new oidc.OidcClient({ issuer: 'https://op.example', clientId: 'c' }).handleCallback(v, v),
    (v) => new oidc.Verifier({ issuer: 'https://op.example', audience: 'a', jwksUri: 'https://op.example/jwks' }).verifySync(v),
    (v) => new oidc.Verifier({ issuer: 'https://op.example', audience: 'a', jwksUri: 'https://op.example/jwks' }).importJwksCache(v),
  ];
  let n = 0;
  for (let i = 0; i < 400; i++) {
    const v = pick(values());
    const fn = pick(calls);
    try {
      await fn(v);
    } catch (e) {
      // A Symbol cannot be turned into a string by the shim: that TypeError is the caller's.
      if (typeof v === 'symbol' && e instanceof TypeError) continue;
      assert.ok(e instanceof oidc.AuthError, `${e?.name}: ${e?.message}`);
      assert.notEqual(e.code, 'ERR_INTERNAL', e.message);
      n++;
    }
  }
  assert.ok(n > 100, `errors seen: ${n}`);
  assert.equal(oidc.pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'), 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
});

test('AuthClient outside a browser page: password login with an async custom cache, cached token, user, logout', async () => {
  const { oidc } = await import(pathToFileURL(join(consumer, 'node-entry.mjs')).href);
  const store = new Map();
  const later = (v) => new Promise((r) => setTimeout(() => r(v), 1));
  const cache = {
    get: (k) => later(store.get(k)),
    set: (k, v) => later(void store.set(k, v)),
    remove: (k) => later(void store.delete(k)),
    allKeys: () => later([...store.keys()]),
  };
  const auth = await oidc.createAuthClient({ domain: provider.issuer, clientId: 'oidc-wasm-spa', cache, useRefreshTokens: true,
    authorizationParams: { redirect_uri: `${REDIRECT_ORIGIN}/callback`, audience: 'https://api.oidc-wasm.test' } });
  assert.equal(await auth.isAuthenticated(), false);
  const tokens = await auth.loginWithPassword({ username: 'alice', password: 'wonderland', realm: 'Username-Password-Authentication' });
  assert.equal(tokens.id_token_claims.sub, 'auth0|alice');
  assert.equal((await auth.getUser()).email, 'alice@oidc-wasm.test');
  assert.equal(await auth.getTokenSilently(), tokens.access_token, 'served from the async cache');
  // With a domain, auth0-spa-js's keys: the token set's and the ID token's.
  assert.ok([...store.keys()].some((k) => k.startsWith('@@auth0spajs@@::oidc-wasm-spa::https://api.oidc-wasm.test::')));
  assert.ok(store.has('@@auth0spajs@@::oidc-wasm-spa::@@user@@'));
  await auth.logout({ openUrl: false });
  assert.equal(store.size, 0);
  assert.equal(await auth.isAuthenticated(), false);
});
