// Drives the test provider over plain HTTP (no browser): node --test tests/provider/

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';

import { startProvider } from './server.mjs';

const ORIGIN = 'http://127.0.0.1:4401';
const OTHER_ORIGIN = 'http://localhost:5173';
const REDIRECT_URI = `${ORIGIN}/callback`;
const SPA = 'oidc-wasm-spa';
const SPA_ES256 = 'oidc-wasm-spa-es256';
const API = 'https://api.oidc-wasm.test';
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

let op;
let discovery;
let jwks;

before(async () => {
  const started = performance.now();
  op = await startProvider({ port: 0, quiet: true, clientOrigins: [ORIGIN, OTHER_ORIGIN] });
  assert.ok(performance.now() - started < 2000, 'provider starts in under 2 s');
  discovery = await (await fetch(`${op.issuer}/.well-known/openid-configuration`)).json();
  jwks = createLocalJWKSet(await (await fetch(discovery.jwks_uri)).json());
});

after(async () => {
  await op?.close();
});

// --- helpers ---------------------------------------------------------------

const b64url = (buf) => Buffer.from(buf).toString('base64url');

function pkce() {
  const verifier = b64url(randomBytes(32));
  const challenge = b64url(createHash('sha256').update(verifier).digest());
  return { verifier, challenge };
}

// A cookie jar for one user agent (cookie paths and expiry are not needed
// here: every provider cookie is sent back, deleted ones are dropped).
class UserAgent {
  cookies = new Map();

  store(res) {
    for (const header of res.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => {
        const [k, v] = a.trim().split('=');
        return k.toLowerCase() === 'expires' && Date.parse(v) <= Date.now();
      });
      if (!value || expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async fetch(url, init = {}) {
    const headers = new Headers(init.headers);
    if (this.cookies.size) {
      headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    }
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    this.store(res);
    return res;
  }

  // Follows redirects on the provider; stops at the first redirect elsewhere
  // (the client's redirect_uri) or at a non-redirect response.
  async navigate(url, init) {
    let res = await this.fetch(url, init);
    for (let hops = 0; hops < 10 && res.status >= 300 && res.status < 400; hops += 1) {
      const next = new URL(res.headers.get('location'), url);
      if (next.origin !== op.issuer) return { res, url: next };
      await res.body?.cancel();
      url = next.href;
      res = await this.fetch(url);
    }
    return { res, url: new URL(url) };
  }
}

function authorizeUrl({ clientId = SPA, scope = 'openid profile email offline_access', challenge, ...extra }) {
  const url = new URL(discovery.authorization_endpoint);
  const params = {
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scope,
    state: b64url(randomBytes(8)),
    nonce: b64url(randomBytes(8)),
    ...(challenge ? { code_challenge: challenge, code_challenge_method: 'S256' } : {}),
    ...extra,
  };
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url;
}

function formAction(html) {
  const match = /<form[^>]*method="post"[^>]*action="([^"]+)"/i.exec(html);
  assert.ok(match, 'page has a POST form');
  return match[1].replaceAll('&amp;', '&');
}

function hiddenInputs(html) {
  const out = {};
  for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) {
    out[name] = value;
  }
  return out;
}

async function postForm(ua, url, fields) {
  return ua.navigate(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  });
}

async function token(fields, { origin } = {}) {
  const res = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(origin ? { origin } : {}),
    },
    body: new URLSearchParams(fields),
  });
  return { res, body: await res.json() };
}

// Authorization code + PKCE by HTTP: authorize, log in, collect the code.
async function authorize(ua, { username = 'alice', password = 'wonderland', ...params } = {}) {
  const { verifier, challenge } = pkce();
  const url = authorizeUrl({ challenge, ...params });
  let { res, url: at } = await ua.navigate(url);
  if (res.status === 200) {
    const html = await res.text();
    assert.match(html, /<input type="text" id="username" name="username"/);
    assert.match(html, /<input type="password" id="password" name="password"/);
    assert.match(html, /<button type="submit">Log in<\/button>/);
    ({ res, url: at } = await postForm(ua, new URL(formAction(html), at), { username, password }));
  }
  assert.equal(res.status, 303, `redirect back to the client (got ${res.status})`);
  assert.equal(at.origin + at.pathname, REDIRECT_URI);
  assert.equal(at.searchParams.get('state'), url.searchParams.get('state'));
  assert.equal(at.searchParams.get('iss'), op.issuer);
  return { params: at.searchParams, verifier, nonce: url.searchParams.get('nonce') };
}

async function loginAndExchange(ua, options = {}) {
  const { params, verifier, nonce } = await authorize(ua, options);
  assert.equal(params.get('error'), null, params.get('error_description') ?? '');
  const { res, body } = await token({
    grant_type: 'authorization_code',
    code: params.get('code'),
    redirect_uri: REDIRECT_URI,
    client_id: options.clientId ?? SPA,
    code_verifier: verifier,
  }, { origin: ORIGIN });
  assert.equal(res.status, 200, JSON.stringify(body));
  return { tokens: body, nonce, res };
}

async function deviceAuthorization(fields = {}) {
  const res = await fetch(discovery.device_authorization_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: SPA, scope: 'openid', ...fields }),
  });
  assert.equal(res.status, 200);
  return res.json();
}

// The user opens verification_uri_complete, confirms and logs in.
async function approveDevice(device, username = 'bob', password = 'builder') {
  const ua = new UserAgent();
  let page = await ua.navigate(device.verification_uri_complete);
  let html = await page.res.text();
  page = await postForm(ua, new URL(formAction(html), page.url), hiddenInputs(html)); // auto-submitted code
  html = await page.res.text();
  page = await postForm(ua, new URL(formAction(html), page.url), hiddenInputs(html)); // confirm
  html = await page.res.text();
  page = await postForm(ua, new URL(formAction(html), page.url), { username, password });
  assert.match(await page.res.text(), /Device activated/);
}

// --- tests -----------------------------------------------------------------

describe('test provider', () => {
  test('discovery document', () => {
    assert.equal(op.issuer, `http://127.0.0.1:${op.port}`);
    assert.equal(discovery.issuer, op.issuer);
    for (const key of [
      'authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri',
      'revocation_endpoint', 'end_session_endpoint', 'device_authorization_endpoint',
    ]) {
      assert.ok(discovery[key]?.startsWith(`${op.issuer}/`), key);
    }
    assert.deepEqual(discovery.code_challenge_methods_supported, ['S256']);
    assert.deepEqual(discovery.response_types_supported, ['code']);
    for (const alg of ['RS256', 'ES256']) {
      assert.ok(discovery.id_token_signing_alg_values_supported.includes(alg), alg);
    }
    for (const scope of ['openid', 'profile', 'email', 'offline_access']) {
      assert.ok(discovery.scopes_supported.includes(scope), scope);
    }
    for (const grant of ['authorization_code', 'refresh_token', DEVICE_GRANT]) {
      assert.ok(discovery.grant_types_supported.includes(grant), grant);
    }
    assert.ok(discovery.token_endpoint_auth_methods_supported.includes('none'));
  });

  test('JWKS has an RS256 and an ES256 signing key', async () => {
    const res = await fetch(discovery.jwks_uri, { headers: { origin: ORIGIN } });
    assert.equal(res.headers.get('access-control-allow-origin'), ORIGIN);
    const { keys } = await res.json();
    assert.equal(keys.length, 2);
    const rsa = keys.find((k) => k.alg === 'RS256');
    const ec = keys.find((k) => k.alg === 'ES256');
    assert.equal(rsa?.kty, 'RSA');
    assert.equal(ec?.kty, 'EC');
    assert.equal(ec.crv, 'P-256');
    for (const key of keys) {
      assert.equal(key.use, 'sig');
      assert.ok(key.kid);
      assert.equal(key.d, undefined, 'no private key material');
    }
    assert.notEqual(rsa.kid, ec.kid);
  });

  test('authorization code + PKCE, audience, refresh rotation, stats', async () => {
    op.reset();
    const ua = new UserAgent();

    // Wrong password re-renders the form with an error.
    {
      const { challenge } = pkce();
      const { res, url } = await ua.navigate(authorizeUrl({ challenge }));
      assert.equal(res.status, 200);
      const html = await res.text();
      const again = await postForm(ua, new URL(formAction(html), url), { username: 'alice', password: 'nope' });
      assert.equal(again.res.status, 200);
      const page = await again.res.text();
      assert.match(page, /Wrong username or password/);
      assert.match(page, /value="alice"/);
    }

    const { tokens, nonce, res } = await loginAndExchange(ua, {
      scope: 'openid profile email offline_access read:messages',
      audience: API,
    });
    assert.equal(res.headers.get('access-control-allow-origin'), ORIGIN);
    assert.equal(tokens.token_type, 'Bearer');
    assert.equal(tokens.expires_in, 3600);
    assert.ok(tokens.refresh_token, 'refresh token issued for offline_access');

    // ID token (RS256) verifies against the JWKS.
    assert.equal(decodeProtectedHeader(tokens.id_token).alg, 'RS256');
    const { payload: idt } = await jwtVerify(tokens.id_token, jwks, {
      issuer: op.issuer,
      audience: SPA,
      algorithms: ['RS256'],
    });
    assert.equal(idt.sub, 'auth0|alice');
    assert.equal(idt.nonce, nonce);
    assert.equal(idt.name, 'Alice Liddell');
    assert.equal(idt.email, 'alice@oidc-wasm.test');
    assert.equal(idt.email_verified, true);
    assert.equal(idt.picture, `${op.issuer}/avatars/alice.svg`);
    assert.equal(idt.exp - idt.iat, 3600);

    // Access token: RFC 9068 JWT for the API.
    assert.equal(decodeProtectedHeader(tokens.access_token).typ, 'at+jwt');
    const { payload: at } = await jwtVerify(tokens.access_token, jwks, {
      issuer: op.issuer,
      audience: API,
      typ: 'at+jwt',
      algorithms: ['RS256'],
    });
    assert.equal(at.aud, API);
    assert.equal(at.sub, 'auth0|alice');
    assert.equal(at.client_id, SPA);
    assert.ok(at.scope.split(' ').includes('read:messages'));
    assert.ok(at.jti);

    // Auth0-style: the API token is accepted at userinfo as well.
    const info = await fetch(discovery.userinfo_endpoint, {
      headers: { authorization: `Bearer ${tokens.access_token}`, origin: ORIGIN },
    });
    assert.equal(info.status, 200);
    assert.equal(info.headers.get('access-control-allow-origin'), ORIGIN);
    assert.deepEqual(await info.json(), {
      sub: 'auth0|alice',
      name: 'Alice Liddell',
      nickname: 'alice',
      given_name: 'Alice',
      family_name: 'Liddell',
      picture: `${op.issuer}/avatars/alice.svg`,
      updated_at: 1735689600,
      email: 'alice@oidc-wasm.test',
      email_verified: true,
    });

    // Refresh: rotation, still a JWT for the API.
    const first = await token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: SPA }, { origin: ORIGIN });
    assert.equal(first.res.status, 200, JSON.stringify(first.body));
    assert.ok(first.body.refresh_token);
    assert.notEqual(first.body.refresh_token, tokens.refresh_token);
    const { payload: at2 } = await jwtVerify(first.body.access_token, jwks, { issuer: op.issuer, audience: API, typ: 'at+jwt' });
    assert.equal(at2.sub, 'auth0|alice');
    await jwtVerify(first.body.id_token, jwks, { issuer: op.issuer, audience: SPA });

    // The spent refresh token is refused...
    const replay = await token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: SPA });
    assert.equal(replay.res.status, 400);
    assert.equal(replay.body.error, 'invalid_grant');
    // ...and its reuse revoked the whole grant, the rotated one included.
    const revoked = await token({ grant_type: 'refresh_token', refresh_token: first.body.refresh_token, client_id: SPA });
    assert.equal(revoked.body.error, 'invalid_grant');

    assert.deepEqual(op.stats.token, { total: 4, ok: 2, error: 2 });
    assert.deepEqual(op.stats.grants.authorization_code, { total: 1, ok: 1, error: 0 });
    assert.deepEqual(op.stats.grants.refresh_token, { total: 3, ok: 1, error: 2 });
    assert.deepEqual(op.stats.tokenErrors.map((e) => e.error), ['invalid_grant', 'invalid_grant']);

    const remote = await (await fetch(`${op.issuer}/__test/stats`)).json();
    assert.deepEqual(remote, JSON.parse(JSON.stringify(op.stats)));
    const reset = await fetch(`${op.issuer}/__test/reset`, { method: 'POST' });
    assert.equal(reset.status, 204);
    assert.deepEqual(op.stats.token, { total: 0, ok: 0, error: 0 });
    assert.deepEqual(op.stats.grants.refresh_token, { total: 0, ok: 0, error: 0 });
  });

  test('ES256 client gets ES256 ID tokens', async () => {
    const { tokens } = await loginAndExchange(new UserAgent(), {
      clientId: SPA_ES256,
      username: 'bob',
      password: 'builder',
      scope: 'openid profile email',
    });
    assert.equal(tokens.refresh_token, undefined, 'no refresh token without offline_access');
    assert.equal(decodeProtectedHeader(tokens.id_token).alg, 'ES256');
    const { payload } = await jwtVerify(tokens.id_token, jwks, { issuer: op.issuer, audience: SPA_ES256, algorithms: ['ES256'] });
    assert.equal(payload.sub, 'auth0|bob');
    assert.equal(payload.email_verified, false);
  });

  test('PKCE is required and must be S256', async () => {
    const ua = new UserAgent();
    const missing = await ua.navigate(authorizeUrl({}));
    assert.equal(missing.res.status, 303);
    assert.equal(missing.url.origin + missing.url.pathname, REDIRECT_URI);
    assert.equal(missing.url.searchParams.get('error'), 'invalid_request');
    assert.match(missing.url.searchParams.get('error_description'), /PKCE/);

    const plain = await ua.navigate(authorizeUrl({ code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' }));
    assert.equal(plain.url.searchParams.get('error'), 'invalid_request');

    // A wrong verifier is rejected at the token endpoint.
    const { params } = await authorize(ua, {});
    const wrong = await token({
      grant_type: 'authorization_code',
      code: params.get('code'),
      redirect_uri: REDIRECT_URI,
      client_id: SPA,
      code_verifier: pkce().verifier,
    });
    assert.equal(wrong.body.error, 'invalid_grant');
  });

  test('userinfo, revocation, silent authentication, logout', async () => {
    const ua = new UserAgent();

    // No session: prompt=none gives login_required.
    {
      const { challenge } = pkce();
      const { url } = await ua.navigate(authorizeUrl({ challenge, prompt: 'none' }));
      assert.equal(url.searchParams.get('error'), 'login_required');
    }

    // Without audience the access token is for userinfo.
    const { tokens } = await loginAndExchange(ua, {});
    assert.ok(tokens.refresh_token, 'refresh token without prompt=consent');
    assert.equal(tokens.access_token.split('.').length, 1, 'opaque access token');
    const userinfo = await fetch(discovery.userinfo_endpoint, {
      headers: { authorization: `Bearer ${tokens.access_token}`, origin: ORIGIN },
    });
    assert.equal(userinfo.status, 200);
    assert.equal(userinfo.headers.get('access-control-allow-origin'), ORIGIN);
    const claims = await userinfo.json();
    assert.equal(claims.sub, 'auth0|alice');
    assert.equal(claims.name, 'Alice Liddell');
    assert.equal(claims.email, 'alice@oidc-wasm.test');

    // Session exists: prompt=none answers with a code; offline_access still
    // yields a refresh token (Auth0 behaviour).
    const silent = await loginAndExchange(ua, { prompt: 'none', audience: API, scope: 'openid profile offline_access read:messages' });
    assert.ok(silent.tokens.refresh_token, 'refresh token on prompt=none');
    await jwtVerify(silent.tokens.access_token, jwks, { issuer: op.issuer, audience: API, typ: 'at+jwt' });

    // `audience` is accepted at the token endpoint too.
    const refreshed = await token({
      grant_type: 'refresh_token',
      refresh_token: silent.tokens.refresh_token,
      client_id: SPA,
      audience: API,
    });
    assert.equal(refreshed.res.status, 200, JSON.stringify(refreshed.body));
    const { payload: apiToken } = await jwtVerify(refreshed.body.access_token, jwks, { issuer: op.issuer, audience: API, typ: 'at+jwt' });
    assert.deepEqual(apiToken.scope.split(' ').sort(), ['offline_access', 'openid', 'profile', 'read:messages']);

    // Revocation of the access token, then of the refresh token.
    const revoke = (tokenValue, hint) => fetch(discovery.revocation_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN },
      body: new URLSearchParams({ token: tokenValue, token_type_hint: hint, client_id: SPA }),
    });
    const r1 = await revoke(tokens.access_token, 'access_token');
    assert.equal(r1.status, 200);
    assert.equal(r1.headers.get('access-control-allow-origin'), ORIGIN);
    const afterRevoke = await fetch(discovery.userinfo_endpoint, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    assert.equal(afterRevoke.status, 401);
    assert.equal((await revoke(tokens.refresh_token, 'refresh_token')).status, 200);
    const refused = await token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: SPA });
    assert.equal(refused.body.error, 'invalid_grant');

    // RP-initiated logout: auto-submitted confirmation, back to the client.
    const logoutUrl = new URL(discovery.end_session_endpoint);
    logoutUrl.search = new URLSearchParams({
      client_id: SPA,
      post_logout_redirect_uri: `${ORIGIN}/`,
      state: 'bye',
    });
    const page = await ua.navigate(logoutUrl);
    assert.equal(page.res.status, 200);
    const html = await page.res.text();
    assert.match(html, /document\.getElementById\('op\.logoutForm'\)\.submit\(\)/);
    const fields = hiddenInputs(html);
    assert.equal(fields.logout, 'yes');
    const done = await postForm(ua, new URL(formAction(html), page.url), fields);
    assert.equal(done.url.href, `${ORIGIN}/?state=bye`);

    const { challenge } = pkce();
    const { url } = await ua.navigate(authorizeUrl({ challenge, prompt: 'none' }));
    assert.equal(url.searchParams.get('error'), 'login_required');
  });

  test('CORS on the token endpoint', async () => {
    const preflight = await fetch(discovery.token_endpoint, {
      method: 'OPTIONS',
      headers: {
        origin: ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), ORIGIN);
    assert.match(preflight.headers.get('access-control-allow-methods'), /POST/);

    const fields = { grant_type: 'refresh_token', refresh_token: 'nope', client_id: SPA };
    const allowed = await token(fields, { origin: OTHER_ORIGIN });
    assert.equal(allowed.res.headers.get('access-control-allow-origin'), OTHER_ORIGIN);
    assert.equal(allowed.body.error, 'invalid_grant');

    const denied = await token(fields, { origin: 'http://127.0.0.1:9999' });
    assert.equal(denied.res.headers.get('access-control-allow-origin'), null);
    assert.equal(denied.body.error, 'invalid_request');
  });

  test('device authorization grant', async () => {
    const res = await fetch(discovery.device_authorization_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN },
      body: new URLSearchParams({ client_id: SPA, scope: 'openid profile offline_access read:messages', audience: API }),
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), ORIGIN);
    const device = await res.json();
    assert.ok(device.device_code && device.user_code && device.verification_uri_complete);
    assert.equal(device.expires_in, 600);

    const poll = () => token({ grant_type: DEVICE_GRANT, device_code: device.device_code, client_id: SPA });
    assert.equal((await poll()).body.error, 'authorization_pending');

    // The user opens verification_uri_complete, confirms, logs in.
    const ua = new UserAgent();
    let page = await ua.navigate(device.verification_uri_complete);
    let html = await page.res.text();
    page = await postForm(ua, new URL(formAction(html), page.url), hiddenInputs(html)); // auto-submitted code
    html = await page.res.text();
    assert.match(html, new RegExp(device.user_code));
    page = await postForm(ua, new URL(formAction(html), page.url), hiddenInputs(html)); // confirm
    html = await page.res.text();
    page = await postForm(ua, new URL(formAction(html), page.url), { username: 'bob', password: 'builder' });
    assert.equal(page.res.status, 200);
    assert.match(await page.res.text(), /Device activated/);

    const { res: done, body } = await poll();
    assert.equal(done.status, 200, JSON.stringify(body));
    assert.ok(body.refresh_token);
    const { payload } = await jwtVerify(body.access_token, jwks, { issuer: op.issuer, audience: API, typ: 'at+jwt' });
    assert.equal(payload.sub, 'auth0|bob');
  });

  test('device flow pacing: interval announced, slow_down when polled too fast (RFC 8628 §3.5)', async () => {
    const device = await deviceAuthorization();
    assert.equal(device.interval, 5, 'oidc-provider sends no interval; this server announces 5 s');
    const poll = (deviceCode = device.device_code) => token({ grant_type: DEVICE_GRANT, device_code: deviceCode, client_id: SPA });
    const log = async (userCode = device.user_code) => (await fetch(`${op.issuer}/__test/device?user_code=${encodeURIComponent(userCode)}`)).json();

    // The first poll is not paced; the next one, immediately after, is too fast.
    assert.equal((await poll()).body.error, 'authorization_pending');
    const fast = await poll();
    assert.equal(fast.res.status, 400);
    assert.equal(fast.body.error, 'slow_down');
    assert.match(fast.body.error_description, /wait 10 seconds/);
    // Every slow_down adds 5 s for all later polls of that device code.
    assert.equal((await poll()).body.error, 'slow_down');
    let seen = await log();
    assert.equal(seen.interval, 15);
    assert.deepEqual(seen.polls.map((p) => p.result), ['authorization_pending', 'slow_down', 'slow_down']);
    assert.ok(seen.polls.every((p) => Number.isInteger(p.at)));
    assert.ok(op.stats.grants[DEVICE_GRANT].error >= 3);

    // Other device codes have their own pace; unknown codes are not paced.
    const other = await deviceAuthorization();
    assert.equal((await poll(other.device_code)).body.error, 'authorization_pending');
    for (let i = 0; i < 2; i += 1) assert.equal((await poll('unknown-device-code')).body.error, 'invalid_grant');

    // slow_down is a variant of authorization_pending: once approved, the code is redeemed at once.
    await approveDevice(device);
    const done = await poll();
    assert.equal(done.res.status, 200, JSON.stringify(done.body));
    assert.equal(done.body.token_type, 'Bearer');
    assert.equal((await poll()).body.error, 'invalid_grant', 'a device code is redeemed once');
    seen = await log();
    assert.deepEqual(seen.polls.map((p) => p.result).slice(3), ['ok', 'invalid_grant']);

    // Test hook: the next poll answers slow_down whatever its timing (here the first one).
    const forced = await deviceAuthorization();
    const hook = await fetch(`${op.issuer}/__test/device/slow_down`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user_code: forced.user_code.toLowerCase() }),
    });
    assert.equal(hook.status, 204);
    assert.equal((await log(forced.user_code)).slow_down_pending, 1);
    assert.equal((await poll(forced.device_code)).body.error, 'slow_down');
    seen = await log(forced.user_code);
    assert.equal(seen.slow_down_pending, 0);
    assert.equal(seen.interval, 10);
    assert.equal(op.device.polls(forced.user_code).polls.length, 1);
    assert.equal((await fetch(`${op.issuer}/__test/device?user_code=NOPE-NOPE`)).status, 404);
  });

  test('device flow pacing: a poll after the interval is not slowed down (deviceInterval option)', async () => {
    const quick = await startProvider({ port: 0, quiet: true, clientOrigins: [ORIGIN], deviceInterval: 1 });
    try {
      const form = (path, fields) => fetch(`${quick.issuer}${path}`, {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields),
      }).then(async (res) => ({ status: res.status, body: await res.json() }));
      const device = (await form('/device/auth', { client_id: SPA, scope: 'openid' })).body;
      assert.equal(device.interval, 1);
      const poll = () => form('/token', { grant_type: DEVICE_GRANT, device_code: device.device_code, client_id: SPA });
      assert.equal((await poll()).body.error, 'authorization_pending');
      await new Promise((resolve) => setTimeout(resolve, 1000));
      assert.equal((await poll()).body.error, 'authorization_pending', 'one interval later');
      assert.equal((await poll()).body.error, 'slow_down', 'at once');
      await new Promise((resolve) => setTimeout(resolve, 1000));
      assert.equal((await poll()).body.error, 'slow_down', 'the interval is now 6 s, not 1 s');
      assert.equal(quick.device.polls(device.user_code).interval, 11);
    } finally {
      await quick.close();
    }
  });
});
