// The smoke suite every runtime runs against the packed npm package: Node, Deno, workerd and
// headless Chromium. `oidc` is the package's module namespace; `env` says where the local
// provider is. Uses only web-standard APIs. Returns [{ name, ok, error? }].
import { loginByHttp } from './http-login.mjs';

export async function runSmoke(oidc, env) {
  const { issuer, clientId = 'oidc-wasm-spa', redirectUri, httpLogin = true } = env;
  const results = [];
  const check = async (name, fn) => {
    try {
      await fn();
      results.push({ name, ok: true });
    } catch (e) {
      results.push({ name, ok: false, error: `${e?.code ?? ''} ${e?.message ?? e}`.trim() });
    }
  };
  const assert = (cond, msg) => { if (!cond) throw new Error(msg); };
  const rejects = async (fn, code) => {
    try {
      await fn();
    } catch (e) {
      assert(e instanceof oidc.AuthError, `expected AuthError, got ${e?.constructor?.name}: ${e?.message}`);
      assert(e.code === code, `expected ${code}, got ${e.code}: ${e.message}`);
      return e;
    }
    throw new Error(`expected ${code}, but it did not fail`);
  };

  await check('init() loads the module once and the API is ready', async () => {
    const a = oidc.init();
    const b = oidc.init();
    await a;
    await b;
    assert(oidc.isReady(), 'isReady() after init()');
  });

  await check('PKCE S256 matches RFC 7636 Appendix B', async () => {
    assert(oidc.pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk') === 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', 'challenge');
    const p = oidc.createPkcePair();
    assert(p.code_verifier.length === 43 && p.code_challenge_method === 'S256', 'pair shape');
    assert(oidc.pkceChallenge(p.code_verifier) === p.code_challenge, 'pair consistent');
    assert(oidc.createPkcePair().code_verifier !== p.code_verifier, 'fresh randomness');
  });

  await check('bad configuration is refused at construction with a code', async () => {
    await rejects(() => new oidc.OidcClient({ issuer }), 'ERR_CONFIG_MISSING_CLIENT_ID');
    await rejects(() => new oidc.OidcClient({ clientId }), 'ERR_CONFIG_MISSING_ISSUER');
    await rejects(() => new oidc.OidcClient({ issuer: 'http://op.example', clientId }), 'ERR_CONFIG_INSECURE_ISSUER');
    await rejects(() => new oidc.OidcClient({ issuer: 'not a url', clientId }), 'ERR_CONFIG_INVALID_ISSUER');
    await rejects(() => new oidc.OidcClient({ issuer, clientId, authorizationParams: { redirect_uri: '/callback' } }),
      'ERR_CONFIG_INVALID_REDIRECT_URI');
    const e = await rejects(() => oidc.createOidcClient({ domain: 'op.example', clientId, httpTimeoutInSeconds: -1 }), 'ERR_CONFIG_INVALID_OPTION');
    assert(e.kind === 'config', 'kind config');
  });

  await check('garbage input gives typed errors, never a crash', async () => {
    await rejects(() => oidc.decodeJwtUnverified('a.b'), 'ERR_JWT_MALFORMED');
    await rejects(() => oidc.decodeJwtUnverified('x'.repeat(20000)), 'ERR_JWT_MALFORMED');
    await rejects(() => oidc.parseCallbackUrl('::'), 'ERR_INVALID_ARGUMENT');
    await rejects(() => oidc.pkceChallenge('short'), 'ERR_INVALID_ARGUMENT');
    await rejects(() => new oidc.OidcClient({ issuer, clientId, authorizationParams: { scope: { no: 1 } } }), 'ERR_CONFIG_INVALID_OPTION');
    // Still usable afterwards.
    assert(oidc.createPkcePair().code_verifier.length === 43, 'module still alive');
  });

  const client = await oidc.createOidcClient({
    domain: issuer, clientId, authorizationParams: { redirect_uri: redirectUri, scope: 'openid profile email offline_access' },
  });

  await check('discovery against the local provider', async () => {
    const m = await client.discover();
    assert(m.issuer === issuer, `issuer ${m.issuer}`);
    assert(typeof m.token_endpoint === 'string' && typeof m.jwks_uri === 'string', 'endpoints');
    assert((await client.discover()) === m, 'discovery is memoized');
  });

  await check('discovery issuer mismatch is refused (OIDC Discovery §4.3)', async () => {
    // Same server, different configured issuer: its document names another issuer.
    const other = new oidc.OidcClient({ issuer: `${issuer}/`, clientId });
    await rejects(() => other.discover(), 'ERR_DISCOVERY_ISSUER_MISMATCH');
  });

  await check('an unreachable provider is ERR_NETWORK', async () => {
    const down = new oidc.OidcClient({ issuer: 'http://127.0.0.1:9', clientId });
    const e = await rejects(() => down.discover(), 'ERR_NETWORK');
    assert(e.kind === 'network', 'kind network');
  });

  await check('the /authorize URL carries PKCE, state, nonce and the Auth0 parameters', async () => {
    const { url, transaction } = await client.buildAuthorizeUrl({ audience: 'https://api.oidc-wasm.test', ui_locales: 'en', custom_flag: 'x' });
    const u = new URL(url);
    const q = u.searchParams;
    assert(url.startsWith((await client.discover()).authorization_endpoint), 'endpoint');
    assert(q.get('client_id') === clientId && q.get('response_type') === 'code', 'client_id, response_type');
    assert(q.get('code_challenge_method') === 'S256', 'S256');
    assert(q.get('code_challenge') === oidc.pkceChallenge(transaction.code_verifier), 'challenge of the kept verifier');
    assert(q.get('state') === transaction.state && q.get('nonce') === transaction.nonce, 'state and nonce kept');
    assert(q.get('audience') === 'https://api.oidc-wasm.test' && q.get('custom_flag') === 'x' && q.get('ui_locales') === 'en', 'parameters');
    assert(q.get('scope') === 'openid profile email offline_access', `scope ${q.get('scope')}`);
    await rejects(() => client.buildAuthorizeUrl({ state: 'mine' }), 'ERR_INVALID_ARGUMENT');
  });

  await check('a callback with a foreign state is refused before the code is used', async () => {
    const { transaction } = await client.buildAuthorizeUrl();
    await rejects(() => client.handleCallback(`${redirectUri}?code=abc&state=forged`, transaction), 'ERR_CALLBACK_STATE_MISMATCH');
    const p = oidc.parseCallbackUrl(`${redirectUri}?code=abc&state=s1&iss=x`);
    assert(p.code === 'abc' && p.state === 's1' && p.iss === 'x', 'parsed');
  });

  if (httpLogin) {
    await check('login, callback and code exchange with the local provider', async () => {
      const { url, transaction } = await client.buildAuthorizeUrl({ audience: 'https://api.oidc-wasm.test' });
      const callback = await loginByHttp(url, { redirectUri });
      const tokens = await client.handleCallback(callback, transaction);
      assert(typeof tokens.access_token === 'string' && /^bearer$/i.test(tokens.token_type), 'access token');
      assert(tokens.expires_at > Date.now() / 1000, 'expires_at in the future');
      const { header, claims } = oidc.decodeJwtUnverified(tokens.id_token);
      assert(['RS256', 'ES256'].includes(header.alg), `alg ${header.alg}`);
      assert(claims.iss === issuer && claims.aud === clientId && claims.nonce === transaction.nonce, 'ID token claims');
      assert(claims.sub === 'auth0|alice', `sub ${claims.sub}`);
      const at = oidc.decodeJwtUnverified(tokens.access_token);
      assert(at.header.typ === 'at+jwt' && at.claims.aud === 'https://api.oidc-wasm.test', 'JWT access token for the API');
      // The same code a second time: the provider refuses, and the error carries its words.
      const again = await rejects(() => client.handleCallback(callback, transaction), 'ERR_OAUTH_ERROR');
      assert(again.error === 'invalid_grant' && again.status === 400, `server error ${again.error} ${again.status}`);
    });
  }
  return results;
}
