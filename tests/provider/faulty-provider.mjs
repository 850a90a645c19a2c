// The faulty-provider mode of the test provider: a minimal OpenID Provider on node:http whose
// answers are altered, one condition at a time, the way the OpenID Foundation's RP test modules
// alter theirs (the conditions are in faulty-modules.mjs). It serves what a code-flow client uses
// and checks what that client sends: discovery, JWKS, authorization (PKCE S256 required, the user
// is signed in at once), token (authorization_code, refresh_token with rotation), userinfo,
// end_session and revocation. Everything is in memory; keys are generated at start (or read from
// `keyFile`).
//
//   import { startFaultyProvider } from './tests/provider/faulty-provider.mjs';
//   const op = await startFaultyProvider({ module: 'oidcc-client-test-invalid-iss' });
//   (keyFile: a JSON file to keep the start keys in, shared by the providers of several processes)
//   op.issuer, op.use(module, options), op.authorize(url) -> callback URL, op.requests, op.count(path),
//   op.idTokens (every ID token issued: { header, claims, token, accessToken }), op.logouts, op.rotateKeys()
//   await op.close();
//
// OIDC_CONFORMANCE_NO_FAULTS=1 in the environment makes every module answer as a correct
// provider: each conformance test whose module must be refused then fails, which shows that the
// test depends on its fault.

import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CompactSign, compactVerify, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK } from 'jose';

import { MODULES } from './faulty-modules.mjs';
import { publicJwk } from './keys.mjs';

export { MODULES };
export const CONFORMANCE_CLIENT_ID = 'oidc-wasm-conformance';
export const CONFORMANCE_REDIRECT_URI = 'http://127.0.0.1:4401/callback';
export const CONFORMANCE_POST_LOGOUT_REDIRECT_URI = 'http://127.0.0.1:4401/';
export const CONFORMANCE_USER = Object.freeze({
  sub: 'conformance|alice', name: 'Alice Liddell', email: 'alice@oidc-wasm.test', email_verified: true,
});

const ID_TOKEN_TTL = 3600;
const CODE_TTL = 60;
const noFaults = () => process.env.OIDC_CONFORMANCE_NO_FAULTS === '1';
const seconds = () => Math.floor(Date.now() / 1000);
const random = () => randomBytes(32).toString('base64url');
const b64 = (v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** OIDC Core §3.1.3.6: base64url of the left half of the hash of the access token (SHA-256 for RS256 and ES256). */
export function atHash(accessToken) {
  const h = createHash('sha256').update(accessToken).digest();
  return h.subarray(0, h.length / 2).toString('base64url');
}

async function newKey(alg, kid) {
  const { privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'RS256' ? { modulusLength: 2048 } : {}) });
  const jwk = { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' };
  return { alg, kid, privateKey, public: publicJwk(jwk), private: jwk };
}

/**
 * The start keys (RS256 rsa-1, ES256 ec-1): read from `keyFile` when it holds them, else generated
 * and written there (a 2048-bit RSA key takes 0.1 to 0.6 s to generate; the conformance modules
 * each start a provider, so they share one file of throwaway test keys).
 */
async function startKeys(keyFile) {
  if (keyFile) {
    try {
      const saved = JSON.parse(readFileSync(keyFile, 'utf8'));
      const load = async (jwk) => ({ alg: jwk.alg, kid: jwk.kid, privateKey: await importJWK(jwk, jwk.alg), public: publicJwk(jwk), private: jwk });
      const [rsa, ec] = await Promise.all([load(saved.rsa), load(saved.ec)]);
      if (rsa.kid === 'rsa-1' && ec.kid === 'ec-1') return [rsa, ec];
    } catch {
      // missing or unreadable: new keys below
    }
  }
  const keys = await Promise.all([newKey('RS256', 'rsa-1'), newKey('ES256', 'ec-1')]);
  if (keyFile) {
    // Written whole, then renamed: a provider starting at the same time reads the old file or the new one.
    mkdirSync(dirname(keyFile), { recursive: true });
    const tmp = `${keyFile}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ note: 'throwaway keys of the faulty test provider', rsa: keys[0].private, ec: keys[1].private }), { mode: 0o600 });
    renameSync(tmp, keyFile);
  }
  return keys;
}

function send(res, status, body, headers = {}) {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { ...(text ? { 'content-type': 'application/json' } : {}), 'cache-control': 'no-store', ...headers });
  res.end(text);
}

function redirect(res, location) {
  res.writeHead(302, { location, 'cache-control': 'no-store' });
  res.end();
}

async function readForm(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export async function startFaultyProvider({ host = '127.0.0.1', port = 0, module = 'oidcc-client-test', options = {}, keyFile } = {}) {
  let current = null;
  let currentOptions = {};
  const use = (name, opts = {}) => {
    if (name !== null && !MODULES[name]) throw new Error(`unknown conformance module ${name}`);
    current = name;
    currentOptions = opts;
  };
  use(module, options);
  const hooks = () => (noFaults() || !current ? {} : MODULES[current]);

  // `spare`, a second RSA key, only for the modules that publish two (generated when first needed).
  const [rsa, ec] = await startKeys(keyFile);
  const keys = { rsa, spare: null, ec };
  // Every key ever published, by kid, so an id_token_hint signed before a rotation is still read.
  const retired = new Map();
  let generation = 1;
  async function rotateKeys() {
    retired.set(keys.rsa.kid, keys.rsa);
    keys.rsa = await newKey('RS256', `rsa-${++generation}`);
    return keys.rsa.kid;
  }

  const codes = new Map();
  const accessTokens = new Map();
  const refreshTokens = new Map();
  const requests = [];
  const idTokens = [];
  const logouts = [];

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e) => send(res, 500, { error: 'server_error', error_description: String(e?.message ?? e) }));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const issuer = `http://${host}:${server.address().port}`;
  const ctx = () => ({ issuer, clientId: CONFORMANCE_CLIENT_ID, options: currentOptions, now: seconds(), keys, rotateKeys });

  function discoveryDocument() {
    const doc = {
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      jwks_uri: `${issuer}/jwks`,
      userinfo_endpoint: `${issuer}/userinfo`,
      end_session_endpoint: `${issuer}/session/end`,
      revocation_endpoint: `${issuer}/revoke`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256', 'ES256'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['none'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      authorization_response_iss_parameter_supported: true,
    };
    hooks().discovery?.(doc, ctx());
    return doc;
  }

  async function signIdToken(claims, accessToken) {
    const h = hooks();
    await h.beforeSigning?.(ctx());
    const alg = h.alg ?? 'RS256';
    const key = alg === 'ES256' ? keys.ec : keys.rsa;
    const header = { alg, typ: 'JWT', kid: key.kid };
    h.header?.(header, ctx());
    let token;
    if (h.signature === 'none') {
      // RFC 7519 §6.1: an Unsecured JWT, the signature part empty.
      header.alg = 'none';
      delete header.kid;
      token = `${b64(header)}.${b64(claims)}.`;
    } else if (h.signature === 'HS256') {
      header.alg = 'HS256';
      delete header.kid;
      token = await new CompactSign(Buffer.from(JSON.stringify(claims))).setProtectedHeader(header).sign(randomBytes(32));
    } else {
      token = await new CompactSign(Buffer.from(JSON.stringify(claims))).setProtectedHeader(header).sign(key.privateKey);
    }
    if (h.signature === 'corrupt' || h.signature === 'HS256') {
      // One bit of the last byte flipped: the signature keeps its length (and, for RSA, stays
      // below the modulus), so only the verification itself can refuse it.
      const [p, q, s] = token.split('.');
      const sig = Buffer.from(s, 'base64url');
      sig[sig.length - 1] ^= 1;
      token = `${p}.${q}.${sig.toString('base64url')}`;
    }
    idTokens.push({ header, claims, token, accessToken });
    return token;
  }

  function grantTokens(grant, scope) {
    const accessToken = random();
    accessTokens.set(accessToken, { sub: grant.sub });
    let refreshToken;
    if (scope.split(' ').includes('offline_access')) {
      refreshToken = random();
      refreshTokens.set(refreshToken, { grant, spent: false });
    }
    return { accessToken, refreshToken };
  }

  async function tokenEndpoint(req, res) {
    const body = await readForm(req);
    const error = (e, d) => send(res, 400, { error: e, error_description: d });
    if (body.get('client_id') !== CONFORMANCE_CLIENT_ID) return send(res, 401, { error: 'invalid_client' });
    const grantType = body.get('grant_type');
    if (grantType === 'authorization_code') {
      const code = codes.get(body.get('code') ?? '');
      if (!code || code.used || code.expires < seconds()) return error('invalid_grant', 'unknown, spent or expired code');
      code.used = true;
      if (body.get('redirect_uri') !== code.redirectUri) return error('invalid_grant', 'redirect_uri differs (RFC 6749 §4.1.3)');
      const verifier = body.get('code_verifier') ?? '';
      if (createHash('sha256').update(verifier).digest('base64url') !== code.challenge) {
        return error('invalid_grant', 'code_verifier does not match the code_challenge (RFC 7636 §4.6)');
      }
      const grant = { id: random(), sub: CONFORMANCE_USER.sub, scope: code.scope, authTime: code.authTime, revoked: false };
      const { accessToken, refreshToken } = grantTokens(grant, code.scope);
      const now = seconds();
      const claims = {
        iss: issuer, sub: grant.sub, aud: CONFORMANCE_CLIENT_ID, exp: now + ID_TOKEN_TTL, iat: now, auth_time: grant.authTime,
        ...(code.nonce !== null ? { nonce: code.nonce } : {}), at_hash: atHash(accessToken),
        name: CONFORMANCE_USER.name, email: CONFORMANCE_USER.email, email_verified: CONFORMANCE_USER.email_verified,
      };
      hooks().idToken?.(claims, ctx());
      const idToken = await signIdToken(claims, accessToken);
      return send(res, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: 3600, id_token: idToken,
        ...(refreshToken ? { refresh_token: refreshToken } : {}), scope: code.scope });
    }
    if (grantType === 'refresh_token') {
      const presented = refreshTokens.get(body.get('refresh_token') ?? '');
      if (!presented || presented.grant.revoked) return error('invalid_grant', 'unknown or revoked refresh token');
      if (presented.spent) {
        // RFC 9700 §4.14.2: a rotated refresh token presented again revokes the whole grant.
        presented.grant.revoked = true;
        return error('invalid_grant', 'refresh token already used: the grant is revoked');
      }
      presented.spent = true;
      const { grant } = presented;
      const { accessToken, refreshToken } = grantTokens(grant, grant.scope);
      const now = seconds();
      // OIDC Core §12.2: the same iss, sub, aud and auth_time; a new iat; no nonce.
      const claims = {
        iss: issuer, sub: grant.sub, aud: CONFORMANCE_CLIENT_ID, exp: now + ID_TOKEN_TTL, iat: now, auth_time: grant.authTime,
        at_hash: atHash(accessToken), name: CONFORMANCE_USER.name, email: CONFORMANCE_USER.email,
        email_verified: CONFORMANCE_USER.email_verified,
      };
      hooks().refreshIdToken?.(claims, ctx());
      const idToken = await signIdToken(claims, accessToken);
      return send(res, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: 3600, id_token: idToken,
        refresh_token: refreshToken, scope: grant.scope });
    }
    return error('unsupported_grant_type', `grant_type ${grantType}`);
  }

  function authorizationEndpoint(url, res) {
    const q = url.searchParams;
    // Without a valid client and redirect URI there is nowhere to send an error (RFC 6749 §4.1.2.1).
    if (q.get('client_id') !== CONFORMANCE_CLIENT_ID) return send(res, 400, { error: 'invalid_client' });
    if (q.get('redirect_uri') !== CONFORMANCE_REDIRECT_URI) return send(res, 400, { error: 'invalid_request', error_description: 'redirect_uri not registered' });
    const params = new URLSearchParams();
    if (q.get('response_type') !== 'code') {
      params.set('error', 'unsupported_response_type');
    } else if (!(q.get('scope') ?? '').split(' ').includes('openid')) {
      params.set('error', 'invalid_scope');
    } else if (!q.get('code_challenge') || q.get('code_challenge_method') !== 'S256') {
      // RFC 9700 §2.1.1: PKCE with S256 for every public client.
      params.set('error', 'invalid_request');
      params.set('error_description', 'PKCE with S256 is required');
    } else {
      const code = random();
      codes.set(code, { redirectUri: q.get('redirect_uri'), challenge: q.get('code_challenge'), nonce: q.get('nonce'),
        scope: q.get('scope'), authTime: seconds(), expires: seconds() + CODE_TTL, used: false });
      params.set('code', code);
    }
    if (q.has('state')) params.set('state', q.get('state'));
    params.set('iss', issuer);
    hooks().authorizationResponse?.(params, ctx());
    return redirect(res, `${CONFORMANCE_REDIRECT_URI}?${params}`);
  }

  function userinfoEndpoint(req, res) {
    const m = /^Bearer ([A-Za-z0-9_~+/.-]+=*)$/.exec(req.headers.authorization ?? '');
    const at = m && accessTokens.get(m[1]);
    if (!at) return send(res, 401, undefined, { 'www-authenticate': 'Bearer error="invalid_token"' });
    const body = { ...CONFORMANCE_USER, sub: at.sub };
    hooks().userinfo?.(body, ctx());
    return send(res, 200, body);
  }

  /** OIDC RP-Initiated Logout §2 and §3: id_token_hint issued here to this client, a registered post_logout_redirect_uri. */
  async function endSessionEndpoint(url, res) {
    const q = url.searchParams;
    const refuse = (d) => send(res, 400, { error: 'invalid_request', error_description: d });
    const hint = q.get('id_token_hint');
    let claims = null;
    if (hint) {
      try {
        const { kid } = decodeProtectedHeader(hint);
        const key = [keys.rsa, keys.spare, keys.ec, ...retired.values()].find((k) => k?.kid === kid);
        if (!key) return refuse('id_token_hint: unknown kid');
        const { payload } = await compactVerify(hint, await importJWK(key.public, key.alg));
        claims = JSON.parse(Buffer.from(payload).toString('utf8'));
      } catch (e) {
        return refuse(`id_token_hint does not verify: ${e.message}`);
      }
      // §2: an expired hint is still accepted, but it must be an ID token this OP issued to this client.
      const aud = [claims.aud].flat();
      if (claims.iss !== issuer || !aud.includes(CONFORMANCE_CLIENT_ID)) return refuse('id_token_hint is not an ID token of this client');
    }
    const clientId = q.get('client_id');
    if (clientId !== null && clientId !== CONFORMANCE_CLIENT_ID) return refuse('client_id is not the id_token_hint\'s client');
    const target = q.get('post_logout_redirect_uri');
    if (target !== null && target !== CONFORMANCE_POST_LOGOUT_REDIRECT_URI) return refuse('post_logout_redirect_uri not registered (§3.1)');
    if (target !== null && !hint && clientId === null) return refuse('post_logout_redirect_uri needs id_token_hint or client_id (§3)');
    logouts.push({ claims, clientId, postLogoutRedirectUri: target, state: q.get('state') });
    if (target === null) return send(res, 200, { logged_out: true });
    const back = new URL(target);
    if (q.has('state')) back.searchParams.set('state', q.get('state'));
    return redirect(res, back.href);
  }

  async function handle(req, res) {
    const url = new URL(req.url, issuer);
    const entry = { method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), at: Date.now() };
    requests.push(entry);
    if (hooks().spareKey && !keys.spare) keys.spare = await newKey('RS256', 'rsa-spare');
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
      case 'GET /.well-known/openid-configuration': return send(res, 200, discoveryDocument());
      case 'GET /jwks': {
        const published = hooks().jwks?.(ctx()) ?? [keys.rsa.public, keys.ec.public];
        return send(res, 200, { keys: published }, { 'content-type': 'application/jwk-set+json' });
      }
      case 'GET /authorize': return authorizationEndpoint(url, res);
      case 'POST /token': return tokenEndpoint(req, res);
      case 'GET /userinfo': case 'POST /userinfo': return userinfoEndpoint(req, res);
      case 'GET /session/end': return endSessionEndpoint(url, res);
      case 'POST /revoke': {
        const body = await readForm(req);
        const rt = refreshTokens.get(body.get('token') ?? '');
        if (rt) rt.grant.revoked = true;
        return send(res, 200);
      }
      default: return send(res, 404, { error: 'not_found' });
    }
  }

  return {
    issuer,
    port: server.address().port,
    get module() { return current; },
    /** Switch to another module (null: none, a correct provider); `options` reach its hooks as ctx.options. */
    use,
    requests,
    idTokens,
    logouts,
    keys,
    rotateKeys,
    /** How many requests were made to `path` (with `method`, if given). */
    count: (path, method) => requests.filter((r) => r.path === path && (!method || r.method === method)).length,
    /** Open an authorization URL as a browser would and return the redirect URI it is sent back to. */
    async authorize(authorizeUrl) {
      const r = await fetch(authorizeUrl, { redirect: 'manual' });
      const location = r.headers.get('location');
      if (r.status !== 302 || !location) throw new Error(`the authorization endpoint answered ${r.status}: ${await r.text()}`);
      return location;
    },
    /** Whether a refresh token is still usable (unknown, spent and revoked ones are not). */
    refreshTokenUsable(token) {
      const r = refreshTokens.get(token);
      return Boolean(r && !r.spent && !r.grant.revoked);
    },
    close() {
      server.closeAllConnections?.();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

const isMain = () => {
  try {
    return Boolean(process.argv[1]) && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
};
if (isMain()) {
  const module = process.argv[2] ?? 'oidcc-client-test';
  const op = await startFaultyProvider({ port: Number(process.env.OIDC_PROVIDER_PORT ?? 4400), module });
  console.log(`Faulty OpenID Provider (${module}) listening at ${op.issuer}`);
  const stop = () => op.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
