// The smoke suite every runtime runs against the packed npm package: Node, Deno, workerd and
// headless Chromium. `oidc` is the package's module namespace; `env` says where the local
// provider is, and `env.entry` which entry point `oidc` is: 'main' (default) runs every check,
// 'verifier' (oidc-wasm/verifier) the verifier's and checks that the login API is left out.
// Uses only web-standard APIs. Returns [{ name, ok, error? }].
import { loginByHttp } from './http-login.mjs';

export async function runSmoke(oidc, env) {
  const { issuer, clientId = 'oidc-wasm-spa', redirectUri, httpLogin = true, entry = 'main' } = env;
  const full = entry === 'main';
  const results = [];
  const check = async (name, fn) => {
    try {
      await fn();
      results.push({ name, ok: true });
    } catch (e) {
      results.push({ name, ok: false, error: `${e?.code ?? ''} ${e?.message ?? e} ${e?.cause?.message ?? ''} ${e?.cause?.code ?? ''}`.trim() });
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
  // The login API's checks; the verifier entry point has none of it.
  const clientCheck = full ? check : async () => {};

  await check('init() loads the module once and the API is ready', async () => {
    const a = oidc.init();
    const b = oidc.init();
    await a;
    await b;
    assert(oidc.isReady(), 'isReady() after init()');
  });

  await clientCheck('PKCE S256 matches RFC 7636 Appendix B', async () => {
    assert(oidc.pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk') === 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', 'challenge');
    const p = oidc.createPkcePair();
    assert(p.code_verifier.length === 43 && p.code_challenge_method === 'S256', 'pair shape');
    assert(oidc.pkceChallenge(p.code_verifier) === p.code_challenge, 'pair consistent');
    assert(oidc.createPkcePair().code_verifier !== p.code_verifier, 'fresh randomness');
  });

  await clientCheck('bad configuration is refused at construction with a code', async () => {
    await rejects(() => new oidc.OidcClient({ issuer }), 'ERR_CONFIG_MISSING_CLIENT_ID');
    await rejects(() => new oidc.OidcClient({ clientId }), 'ERR_CONFIG_MISSING_ISSUER');
    await rejects(() => new oidc.OidcClient({ issuer: 'http://op.example', clientId }), 'ERR_CONFIG_INSECURE_ISSUER');
    await rejects(() => new oidc.OidcClient({ issuer: 'not a url', clientId }), 'ERR_CONFIG_INVALID_ISSUER');
    await rejects(() => new oidc.OidcClient({ issuer, clientId, authorizationParams: { redirect_uri: '/callback' } }),
      'ERR_CONFIG_INVALID_REDIRECT_URI');
    const e = await rejects(() => oidc.createOidcClient({ domain: 'op.example', clientId, httpTimeoutInSeconds: -1 }), 'ERR_CONFIG_INVALID_OPTION');
    assert(e.kind === 'config', 'kind config');
  });

  await clientCheck('garbage input gives typed errors, never a crash', async () => {
    await rejects(() => oidc.decodeJwtUnverified('a.b'), 'ERR_JWT_MALFORMED');
    await rejects(() => oidc.decodeJwtUnverified('x'.repeat(20000)), 'ERR_JWT_MALFORMED');
    await rejects(() => oidc.parseCallbackUrl('::'), 'ERR_INVALID_ARGUMENT');
    await rejects(() => oidc.pkceChallenge('short'), 'ERR_INVALID_ARGUMENT');
    await rejects(() => new oidc.OidcClient({ issuer, clientId, authorizationParams: { scope: { no: 1 } } }), 'ERR_CONFIG_INVALID_OPTION');
    // Still usable afterwards.
    assert(oidc.createPkcePair().code_verifier.length === 43, 'module still alive');
  });

  if (!full) {
    await check('the verifier entry point has the Verifier and leaves the login API out', async () => {
      assert(typeof oidc.createVerifier === 'function' && typeof oidc.Verifier === 'function', 'createVerifier, Verifier');
      for (const name of ['OidcClient', 'createOidcClient', 'createPkcePair', 'AuthClient']) assert(!(name in oidc), `${name} exported`);
      await rejects(() => oidc.decodeJwtUnverified('a.b'), 'ERR_JWT_MALFORMED');
      assert(!('WasmClient' in oidc._glue) && typeof oidc._glue.WasmVerifier === 'function', 'the module is the verifier-only build');
    });
  }

  const client = full && await oidc.createOidcClient({
    domain: issuer, clientId, authorizationParams: { redirect_uri: redirectUri, scope: 'openid profile email offline_access' },
  });

  await clientCheck('discovery against the local provider', async () => {
    const m = await client.discover();
    assert(m.issuer === issuer, `issuer ${m.issuer}`);
    assert(typeof m.token_endpoint === 'string' && typeof m.jwks_uri === 'string', 'endpoints');
    assert((await client.discover()) === m, 'discovery is memoized');
  });

  await clientCheck('client credentials: refused in a browser page, sent elsewhere', async () => {
    if (typeof document !== 'undefined') {
      await rejects(() => client.clientCredentials({ clientSecret: 's3cret' }), 'ERR_CLIENT_SECRET_IN_BROWSER');
    } else {
      // The test provider's SPA client is public: the server refuses, with its own words.
      const e = await rejects(() => client.clientCredentials({ clientSecret: 's3cret', audience: 'https://api.oidc-wasm.test' }), 'ERR_OAUTH_ERROR');
      assert(typeof e.error === 'string' && e.status >= 400, `server error ${e.error}`);
    }
  });

  await clientCheck('discovery issuer mismatch is refused (OIDC Discovery §4.3)', async () => {
    // Same server, different configured issuer: its document names another issuer.
    const other = new oidc.OidcClient({ issuer: `${issuer}/`, clientId });
    await rejects(() => other.discover(), 'ERR_DISCOVERY_ISSUER_MISMATCH');
  });

  await clientCheck('an unreachable provider is ERR_NETWORK', async () => {
    const down = new oidc.OidcClient({ issuer: 'http://127.0.0.1:9', clientId });
    const e = await rejects(() => down.discover(), 'ERR_NETWORK');
    assert(e.kind === 'network', 'kind network');
  });

  await clientCheck('the /authorize URL carries PKCE, state, nonce and the Auth0 parameters', async () => {
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

  await clientCheck('a callback with a foreign state is refused before the code is used', async () => {
    const { transaction } = await client.buildAuthorizeUrl();
    await rejects(() => client.handleCallback(`${redirectUri}?code=abc&state=forged`, transaction), 'ERR_CALLBACK_STATE_MISMATCH');
    const p = oidc.parseCallbackUrl(`${redirectUri}?code=abc&state=s1&iss=x`);
    assert(p.code === 'abc' && p.state === 's1' && p.iss === 'x', 'parsed');
  });

  const API = 'https://api.oidc-wasm.test';
  const sign = async (payload, header = {}) => {
    const res = await fetch(`${issuer}/__test/sign`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ header, payload }),
    });
    return (await res.json()).token;
  };
  const stats = async () => (await fetch(`${issuer}/__test/stats`)).json();
  const now = () => Math.floor(Date.now() / 1000);
  const claims = (extra = {}) => ({ iss: issuer, aud: API, sub: 'auth0|alice', iat: now(), exp: now() + 300,
    scope: 'openid read:messages', ...extra });
  const warnings = [];
  const verifier = await oidc.createVerifier({ issuer, audience: API, onWarning: (w) => warnings.push(w) });

  await check('verifier: options are checked at construction', async () => {
    await rejects(() => oidc.createVerifier({ issuer }), 'ERR_CONFIG_INVALID_OPTION');
    await rejects(() => oidc.createVerifier({ audience: API }), 'ERR_CONFIG_MISSING_ISSUER');
    await rejects(() => oidc.createVerifier({ issuer: 'http://op.example', audience: API }), 'ERR_CONFIG_INSECURE_ISSUER');
    for (const alg of ['none', 'HS256', 'rs256']) {
      await rejects(() => oidc.createVerifier({ issuer, audience: API, algorithms: [alg] }), 'ERR_CONFIG_INVALID_OPTION');
    }
  });

  await check('verifier: verifySync before any key is loaded is ERR_JWKS_NOT_LOADED', async () => {
    await rejects(async () => verifier.verifySync(await sign(claims())), 'ERR_JWKS_NOT_LOADED');
  });

  await check('verifier: in a browser verifySync waits for loadWasmCrypto(); elsewhere the arithmetic module loads by itself', async () => {
    const token = await sign(claims({ jti: 'sync' }));
    assert((await verifier.verify(token)).payload.jti === 'sync', 'verify loads the keys');
    if (typeof globalThis.document !== 'undefined') {
      // WebCrypto is asynchronous; the module with this library's own arithmetic is fetched on demand.
      await rejects(async () => verifier.verifySync(token), 'ERR_WASM_CRYPTO_NOT_LOADED');
      await oidc.loadWasmCrypto();
    }
    assert(verifier.verifySync(token).payload.jti === 'sync', 'verifySync');
    await oidc.loadWasmCrypto(); // memoized: a second call is a no-op
  });

  await check('verifier: RS256 and ES256 tokens verify against the discovered JWKS, then without network', async () => {
    for (const alg of ['RS256', 'ES256']) {
      const token = await sign(claims({ jti: alg }), { alg, typ: 'at+jwt' });
      const { payload, protectedHeader } = await verifier.verify(token);
      assert(payload.jti === alg && protectedHeader.alg === alg, `${alg} payload`);
      const again = verifier.verifySync(token);
      assert(again.payload.sub === 'auth0|alice', 'verifySync');
    }
  });

  await check('verifier: forged, expired and foreign tokens are refused with their codes', async () => {
    const good = await sign(claims());
    const [h, p, sig] = good.split('.');
    const b64 = (o) => btoa(JSON.stringify(o)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
    await rejects(() => verifier.verify(`${h}.${b64(claims({ sub: 'auth0|mallory' }))}.${sig}`), 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
    await rejects(() => verifier.verify(`${b64({ alg: 'none' })}.${p}.`), 'ERR_JOSE_ALG_NOT_ALLOWED');
    await rejects(() => verifier.verify(`${b64({ alg: 'HS256', kid: JSON.parse(atob(h.replace(/-/g, '+').replace(/_/g, '/'))).kid })}.${p}.${sig}`), 'ERR_JOSE_ALG_NOT_ALLOWED');
    const e = await rejects(async () => verifier.verify(await sign(claims({ exp: now() - 120 }))), 'ERR_JWT_EXPIRED');
    assert(e.claim === 'exp', 'claim exp');
    const a = await rejects(async () => verifier.verify(await sign(claims({ aud: 'https://other.api' }))), 'ERR_JWT_CLAIM_VALIDATION_FAILED');
    assert(a.claim === 'aud' && a.reason === 'check_failed', `aud ${a.claim} ${a.reason}`);
    const i = await rejects(async () => verifier.verify(await sign(claims({ iss: 'https://evil.example/' }))), 'ERR_JWT_CLAIM_VALIDATION_FAILED');
    assert(i.claim === 'iss', 'claim iss');
    await rejects(async () => verifier.verify(await sign(claims(), { kid: 'not-a-known-kid' })), 'ERR_JWKS_NO_MATCHING_KEY');
    await rejects(() => verifier.verify('not.a.jwt'), 'ERR_JWT_MALFORMED');
    await rejects(() => verifier.verify('x'.repeat(17000)), 'ERR_JWT_MALFORMED');
  });

  await check('verifier: typ and required scopes (RFC 9068)', async () => {
    const strict = await oidc.createVerifier({ issuer, audience: API, typ: 'at+jwt', requiredScopes: ['write:messages'] });
    // typ at+jwt brings RFC 9068 §2.2's required claims: client_id and jti as well.
    const at = (extra = {}) => claims({ client_id: 'spa', jti: 'at-1', ...extra });
    const t = await sign(at({ scope: 'openid read:messages write:messages' }), { typ: 'at+jwt' });
    assert((await strict.verify(t)).payload.scope.includes('write:messages'), 'scopes');
    const noTyp = await rejects(async () => strict.verify(await sign(at({ scope: 'write:messages' }))), 'ERR_JWT_CLAIM_VALIDATION_FAILED');
    assert(noTyp.claim === 'typ', 'claim typ');
    const narrow = await rejects(async () => strict.verify(await sign(at(), { typ: 'at+jwt' })), 'ERR_JWT_CLAIM_VALIDATION_FAILED');
    assert(narrow.claim === 'scope', 'claim scope');
    const noJti = await rejects(async () => strict.verify(await sign(claims({ client_id: 'spa', scope: 'write:messages' }), { typ: 'at+jwt' })),
      'ERR_JWT_CLAIM_VALIDATION_FAILED');
    assert(noJti.claim === 'jti' && noJti.reason === 'missing', 'RFC 9068 §2.2 claim jti missing');
    const res = oidc.authErrorResponse(narrow, { realm: 'api', scope: 'write:messages' });
    assert(res.status === 403 && /error="insufficient_scope"/.test(res.headers.get('www-authenticate')), '403 insufficient_scope');
  });

  await check('verifier: verifyRequest reads the bearer token; authErrorResponse builds the RFC 6750 challenge', async () => {
    const token = await sign(claims());
    const ok = await verifier.verifyRequest(new Request(`${issuer}/api`, { headers: { authorization: `Bearer ${token}` } }));
    assert(ok.payload.sub === 'auth0|alice', 'verified');
    const missing = await rejects(() => verifier.verifyRequest(new Request(`${issuer}/api`)), 'ERR_BEARER_TOKEN_MISSING');
    let res = oidc.authErrorResponse(missing, { realm: 'api' });
    assert(res.status === 401 && res.headers.get('www-authenticate') === 'Bearer realm="api"', `challenge ${res.headers.get('www-authenticate')}`);
    await rejects(() => verifier.verifyRequest(new Request(`${issuer}/api`, { headers: { authorization: `Basic ${token}` } })), 'ERR_BEARER_TOKEN_MISSING');
    const bad = await rejects(async () => verifier.verify(await sign(claims({ exp: now() - 600 }))), 'ERR_JWT_EXPIRED');
    res = oidc.authErrorResponse(bad, { realm: 'api' });
    const www = res.headers.get('www-authenticate');
    assert(res.status === 401 && www.startsWith('Bearer realm="api", error="invalid_token", error_description="'), www);
  });

  await check('verifier: concurrent verifications share one discovery and one JWKS fetch', async () => {
    const before = (await stats()).routes;
    const fresh = await oidc.createVerifier({ issuer, audience: API });
    const tokens = await Promise.all(Array.from({ length: 8 }, (_, i) => sign(claims({ jti: `c${i}` }), { alg: i % 2 ? 'ES256' : 'RS256' })));
    // Forged tokens (another token's signature) in the same batch: every verification keeps its
    // own token, signature and outcome while they all wait for the keys together.
    const forged = tokens.map((t, i) => `${t.split('.').slice(0, 2).join('.')}.${tokens[(i + 2) % tokens.length].split('.')[2]}`);
    const settled = await Promise.allSettled(tokens.flatMap((t, i) => [fresh.verify(t), fresh.verify(forged[i])]));
    const results = settled.filter((_, i) => i % 2 === 0).map((r) => r.value);
    assert(results.every((r, i) => r?.payload.jti === `c${i}`), 'all verified');
    const refused = settled.filter((_, i) => i % 2 === 1);
    assert(refused.every((r) => r.status === 'rejected' && r.reason.code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED'),
      `forged tokens refused: ${JSON.stringify(refused.map((r) => r.reason?.code ?? r.status))}`);
    const after = (await stats()).routes;
    const jwks = (after.jwks ?? 0) - (before.jwks ?? 0);
    const disco = (after.discovery ?? 0) - (before.discovery ?? 0);
    assert(jwks === 1, `JWKS fetched ${jwks} times`);
    assert(disco <= 16, `discovery ${disco}`);
  });

  await check('verifier: the verified-token cache answers repeats and never outlives exp', async () => {
    const cached = await oidc.createVerifier({ issuer, audience: API, tokenCacheSize: 10, clockTolerance: 0 });
    const t = await sign(claims({ exp: now() + 2, jti: 'short-lived' }));
    const a = await cached.verify(t);
    const b = cached.verifySync(t);
    assert(a.payload.jti === 'short-lived' && b.payload.jti === 'short-lived', 'repeat answered');
    await new Promise((r) => setTimeout(r, 2100));
    await fetch(`${issuer}/__test/stats`); // I/O lets workerd's clock move on
    const e = await rejects(() => cached.verify(t), 'ERR_JWT_EXPIRED');
    assert(e.claim === 'exp', 'expired once exp passed, cache or not');
    await rejects(() => oidc.createVerifier({ issuer, audience: API, tokenCacheSize: -1 }), 'ERR_CONFIG_INVALID_OPTION');
  });

  await check('verifier: the JWKS cache exports and imports (edge workers keep it in KV)', async () => {
    const cache = verifier.exportJwksCache();
    assert(cache && cache.uri && Array.isArray(cache.jwks.keys), 'exported');
    const cold = await oidc.createVerifier({ issuer, audience: API });
    await rejects(async () => cold.verifySync(await sign(claims())), 'ERR_JWKS_NOT_LOADED');
    cold.importJwksCache(JSON.parse(JSON.stringify(cache)));
    assert(cold.verifySync(await sign(claims())).payload.iss === issuer, 'verifySync after import');
    await rejects(() => cold.importJwksCache({ uri: 'https://other.example/jwks', jwks: cache.jwks, fetched_at: 1, expires_at: 2 }), 'ERR_INVALID_ARGUMENT');
  });

  await check('verifier: a JWKS endpoint that is down gives ERR_NETWORK, one that lies a typed error, one that hangs ERR_TIMEOUT', async () => {
    const down = await oidc.createVerifier({ issuer, audience: API, jwksUri: 'http://127.0.0.1:9/jwks', jwksTimeout: 3 });
    await rejects(async () => down.verify(await sign(claims())), 'ERR_NETWORK');
    // Within the refetch cooldown no new fetch is made; the failure is still the answer.
    const again = await rejects(async () => down.verify(await sign(claims())), 'ERR_NETWORK');
    assert(again.message.includes('127.0.0.1:9'), `names the endpoint: ${again.message}`);
    // verifySync makes no fetch: no keys, and why.
    const sync = await rejects(async () => down.verifySync(await sign(claims())), 'ERR_JWKS_NOT_LOADED');
    assert(sync.message.includes('last JWKS fetch failed') && sync.message.includes('127.0.0.1:9'), `says why: ${sync.message}`);
    const lies = await oidc.createVerifier({ issuer, audience: API, jwksUri: `${issuer}/__test/stats` });
    await rejects(async () => lies.verify(await sign(claims())), 'ERR_JWKS_INVALID');
    // One that hangs: jwksTimeout ends the fetch (the endpoint would answer after 20 s).
    const hangs = await oidc.createVerifier({ issuer, audience: API, jwksUri: `${issuer}/__test/slow?ms=20000`, jwksTimeout: 1 });
    const late = await rejects(async () => hangs.verify(await sign(claims())), 'ERR_TIMEOUT');
    assert(late.message.includes('/__test/slow') && late.message.includes('1000 ms'), `names the endpoint and the timeout: ${late.message}`);
  });

  await check('verifier: stale keys keep working when the JWKS endpoint goes down, with a warning', async () => {
    const held = verifier.exportJwksCache();
    const seen = [];
    const stale = await oidc.createVerifier({ issuer, audience: API, jwksUri: 'http://127.0.0.1:9/jwks', jwksTimeout: 3,
      onWarning: (w) => seen.push(w) });
    stale.importJwksCache({ uri: 'http://127.0.0.1:9/jwks', jwks: held.jwks, fetched_at: 1, expires_at: 2 });
    const r = await stale.verify(await sign(claims({ jti: 'stale' })));
    assert(r.payload.jti === 'stale', 'verified with the stale keys');
    assert(seen.some((w) => w.includes('JWKS refresh failed')), `warnings: ${JSON.stringify(seen)}`);
  });

  await check('platform crypto and the module agree on every Wycheproof vector and every attack', async () => {
    const { wycheproof, attacks } = await import('./signature-vectors.mjs');
    const backend = oidc._signatureBackend();
    assert(backend, 'this runtime has a platform signature backend');
    const unb64 = (s) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4)), (c) => c.charCodeAt(0));
    const keys = new Map();
    const tally = { platform: 0, refusedBefore: 0, fallback: 0 };
    const arithmetic = await oidc._wasmCrypto();
    for (const [ki, alg, m, sg, expected, name] of wycheproof.tests) {
      const jwk = JSON.stringify(wycheproof.keys[ki]);
      const msg = unb64(m);
      const sig = unb64(sg);
      const own = arithmetic.verifySignatureWasm(jwk, alg, msg, sig);
      assert(expected !== 'valid' || own, `${name}: the module refused a valid signature`);
      assert(expected !== 'invalid' || !own, `${name}: the module accepted an invalid signature`);
      // What Verifier.verify does: the core's checks first, then the platform, the module's own
      // check when the platform cannot decide.
      const pub = oidc._glue.signatureCheckInput(jwk, alg, sig.length);
      let platform;
      if (pub === undefined) {
        platform = false;
        tally.refusedBefore++;
      } else {
        try {
          const id = `${ki}.${alg}`;
          if (!keys.has(id)) keys.set(id, await backend.importKey(JSON.parse(pub), alg));
          platform = (await backend.verify(alg, keys.get(id), sig, msg)) === true;
          tally.platform++;
        } catch {
          platform = own;
          tally.fallback++;
        }
      }
      assert(platform === own, `${name} (${expected}): the platform says ${platform}, the module ${own}`);
    }
    assert(tally.platform > wycheproof.tests.length * 0.8, `the platform decided too few: ${JSON.stringify(tally)}`);

    // A port nothing listens on: a kid the set lacks triggers one refetch, which fails at once, and
    // the keys held are used (stale-if-error).
    const uri = 'http://127.0.0.1:9/attacks-jwks.json';
    const at = Math.floor(Date.now() / 1000);
    const outcome = async (fn) => {
      try {
        await fn();
        return 'ok';
      } catch (e) {
        return e.code;
      }
    };
    for (const c of attacks.cases) {
      const got = {};
      for (const crypto of ['platform', 'wasm']) {
        const v = await oidc.createVerifier({ issuer: 'https://attacks.example', audience: 'attacks', jwksUri: uri, algorithms: c.algorithms, crypto, onWarning: () => {} });
        v.importJwksCache({ uri, jwks: { keys: c.keys }, fetched_at: at, expires_at: at + 3600 });
        got[`${crypto} verify`] = await outcome(() => v.verify(c.token));
        got[`${crypto} verifySync`] = await outcome(() => v.verifySync(c.token));
      }
      const codes = new Set(Object.values(got));
      assert(codes.size === 1, `${c.name}: the paths disagree: ${JSON.stringify(got)}`);
      const [code] = codes;
      // "ok" cases pass every signature rule and then meet the claim rules (the RFC payloads
      // are from another issuer, expired in 2011 and carry no aud).
      if (c.expect === 'ok') assert(/^ERR_JWT_(EXPIRED|CLAIM)/.test(code), `${c.name}: ${code}`);
      else assert(code === c.expect, `${c.name}: expected ${c.expect}, got ${code}`);
    }
  });

  if (httpLogin && full) {
    await check('login, callback and code exchange with the local provider', async () => {
      const { url, transaction } = await client.buildAuthorizeUrl({ audience: 'https://api.oidc-wasm.test' });
      const callback = await loginByHttp(url, { redirectUri });
      const tokens = await client.handleCallback(callback, transaction);
      assert(typeof tokens.access_token === 'string' && /^bearer$/i.test(tokens.token_type), 'access token');
      assert(tokens.expires_at > Date.now() / 1000, 'expires_at in the future');
      const { header } = oidc.decodeJwtUnverified(tokens.id_token);
      assert(['RS256', 'ES256'].includes(header.alg), `alg ${header.alg}`);
      const idc = tokens.id_token_claims;
      assert(idc && idc.iss === issuer && idc.aud === clientId && idc.nonce === transaction.nonce, 'verified ID token claims');
      assert(idc.sub === 'auth0|alice', `sub ${idc.sub}`);
      // The access token is an RFC 9068 JWT for the API: verified locally.
      const api = await oidc.createVerifier({ issuer, audience: API, typ: 'at+jwt' });
      const at = await api.verify(tokens.access_token);
      assert(at.payload.sub === 'auth0|alice' && at.protectedHeader.typ === 'at+jwt', 'access token verified');
      // The same code a second time: the provider refuses, and the error carries its words.
      const again = await rejects(() => client.handleCallback(callback, transaction), 'ERR_OAUTH_ERROR');
      assert(again.error === 'invalid_grant' && again.status === 400, `server error ${again.error} ${again.status}`);
    });
  }
  return results;
}
