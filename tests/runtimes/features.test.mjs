// The smallest login build (scripts/size-features.sh minimal: the Cargo feature client alone) in Node: what it leaves
// out answers ERR_FEATURE_NOT_BUILT; what it keeps still logs in with the local provider and
// verifies the ID token's signature (RS256/ES256) with the platform's crypto, as it has no
// arithmetic of its own. Skipped when that build is not there.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './pack.mjs';
import { startProvider } from '../provider/server.mjs';
import { loginByHttp } from '../js/http-login.mjs';

const DIR = join(ROOT, '.build', 'size', 'minimal');
const REDIRECT_ORIGIN = 'http://127.0.0.1:4402';
const built = existsSync(join(DIR, 'oidc_wasm_bg.wasm'));
let provider;

before(async () => {
  if (built) provider = await startProvider({ port: 0, clientOrigins: [REDIRECT_ORIGIN], quiet: true });
});
after(async () => { await provider?.close(); });

test('the minimal build: left-out parts give ERR_FEATURE_NOT_BUILT, the login still verifies its ID token', { skip: !built && 'run scripts/size-features.sh minimal first' }, async () => {
  const oidc = await import(pathToFileURL(join(DIR, 'node.js')).href);
  assert.ok(oidc.isReady());
  const code = async (fn) => { try { await fn(); return 'ok'; } catch (e) { assert.ok(e instanceof oidc.AuthError, String(e)); return e.code; } };
  assert.equal(await code(() => oidc.createVerifier({ issuer: provider.issuer, audience: 'x' })), 'ERR_FEATURE_NOT_BUILT');
  const client = await oidc.createOidcClient({ issuer: provider.issuer, clientId: 'oidc-wasm-spa',
    authorizationParams: { redirect_uri: `${REDIRECT_ORIGIN}/callback` } });
  assert.equal(await code(() => client.auth0Call('passwordless_start', { connection: 'email', email: 'a@b.c' })), 'ERR_FEATURE_NOT_BUILT');
  assert.equal(await code(() => client.deviceAuthorize()), 'ERR_FEATURE_NOT_BUILT');
  const { url, transaction } = await client.buildAuthorizeUrl({});
  const tokens = await client.handleCallback(await loginByHttp(url, { redirectUri: `${REDIRECT_ORIGIN}/callback` }), transaction);
  assert.equal(tokens.id_token_claims.sub, 'auth0|alice');
  assert.equal(tokens.id_token_claims.nonce, transaction.nonce);
  // Without the platform's crypto, the signature arithmetic module (shared by every build, loaded
  // on demand) checks the signature: a forged one fails, a real one passes.
  const own = await oidc.createOidcClient({ issuer: provider.issuer, clientId: 'oidc-wasm-spa', crypto: 'wasm',
    authorizationParams: { redirect_uri: `${REDIRECT_ORIGIN}/callback` } });
  const second = await own.buildAuthorizeUrl({});
  const callback = await loginByHttp(second.url, { redirectUri: `${REDIRECT_ORIGIN}/callback` });
  assert.equal((await own.handleCallback(callback, second.transaction)).id_token_claims.sub, 'auth0|alice');
  const arithmetic = await oidc._wasmCrypto();
  const { keys } = await (await fetch((await own.discover()).jwks_uri)).json();
  const rsa = keys.find((k) => k.kty === 'RSA');
  const [h, p] = tokens.id_token.split('.');
  assert.equal(arithmetic.verifySignatureWasm(JSON.stringify(rsa), 'RS256', new TextEncoder().encode(`${h}.${p}`), new Uint8Array(256)), false,
    'a forged signature does not verify');
});
