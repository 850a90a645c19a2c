// Auth0 Authentication API endpoints of the test provider (auth0/), over
// plain HTTP: node --test tests/provider/

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';

import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';

import {
  DATABASE_CONNECTION,
  DAVE_PUSH_AUTHENTICATOR_ID,
  DAVE_RECOVERY_CODE,
  GRANT_MFA_OOB,
  GRANT_MFA_OTP,
  GRANT_MFA_RECOVERY_CODE,
  GRANT_PASSWORD,
  GRANT_PASSWORDLESS_OTP,
  GRANT_PASSWORD_REALM,
  startProvider,
  totp,
} from './server.mjs';
import { base32Decode, hotp, verifyTotp } from './auth0/totp.mjs';

const ORIGIN = 'http://127.0.0.1:4401';
const REDIRECT_URI = `${ORIGIN}/callback`;
const SPA = 'oidc-wasm-spa';
const API = 'https://api.oidc-wasm.test';
const POLL_INTERVAL = 0.5; // seconds, mfaPollInterval
const START_INTERVAL = 1; // seconds, passwordlessInterval

let op;
let jwks;

before(async () => {
  op = await startProvider({
    port: 0,
    quiet: true,
    clientOrigins: [ORIGIN],
    passwordlessInterval: START_INTERVAL,
    mfaPollInterval: POLL_INTERVAL,
  });
  jwks = createLocalJWKSet(await (await fetch(`${op.issuer}/jwks`)).json());
});

after(async () => {
  await op?.close();
});

// --- helpers ---------------------------------------------------------------

async function call(method, path, { json, form, headers = {} } = {}) {
  const init = { method, headers: { ...headers } };
  if (json !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(json);
  } else if (form !== undefined) {
    init.headers['content-type'] = 'application/x-www-form-urlencoded';
    init.body = new URLSearchParams(form);
  }
  const res = await fetch(`${op.issuer}${path}`, init);
  const text = await res.text();
  return { res, status: res.status, body: text ? JSON.parse(text) : undefined };
}

const post = (path, json, headers) => call('POST', path, { json, headers });
const get = (path, headers) => call('GET', path, { headers });
const bearer = (token) => ({ authorization: `Bearer ${token}` });

// Token request at Auth0's path, JSON (default) or form body.
function token(fields, { form = false, path = '/oauth/token', headers } = {}) {
  const body = { client_id: SPA, ...fields };
  return form ? call('POST', path, { form: body, headers }) : call('POST', path, { json: body, headers });
}

async function verifyIdToken(idToken, sub) {
  const { payload, protectedHeader } = await jwtVerify(idToken, jwks, { issuer: op.issuer, audience: SPA });
  assert.equal(protectedHeader.alg, 'RS256');
  if (sub !== undefined) assert.equal(payload.sub, sub);
  return payload;
}

async function verifyApiToken(accessToken, sub) {
  const { payload } = await jwtVerify(accessToken, jwks, { issuer: op.issuer, audience: API, typ: 'at+jwt' });
  assert.equal(payload.sub, sub);
  assert.equal(payload.client_id, SPA);
  return payload;
}

function assertError(result, status, error, description) {
  assert.equal(result.status, status, JSON.stringify(result.body));
  assert.equal(result.body.error, error);
  if (description instanceof RegExp) assert.match(result.body.error_description, description);
  else if (description !== undefined) assert.equal(result.body.error_description, description);
  else assert.equal(typeof result.body.error_description, 'string');
}

const passwordRealm = (username, password, extra = {}) => token({
  grant_type: GRANT_PASSWORD_REALM,
  username,
  password,
  realm: DATABASE_CONNECTION,
  scope: 'openid profile email offline_access read:messages',
  audience: API,
  ...extra,
});

async function mfaRequired(username, password) {
  const result = await passwordRealm(username, password);
  assertError(result, 403, 'mfa_required', 'Multifactor authentication required');
  assert.equal(typeof result.body.mfa_token, 'string');
  return result.body;
}

// A TOTP code for the step after the current one (accepted: window of one
// step), for a second login with the same authenticator within 30 s.
const nextTotp = (secret) => hotp(base32Decode(secret), Math.floor(Date.now() / 30000) + 1);

// A 6-digit code that is not valid for `secret` around now.
function wrongTotp(secret) {
  const step = Math.floor(Date.now() / 30000);
  const valid = new Set([-2, -1, 0, 1, 2].map((d) => hotp(base32Decode(secret), step + d)));
  for (let n = 123456; ; n += 1) if (!valid.has(String(n))) return String(n);
}

// --- tests -------------------------------------------------------------------

describe('Auth0 Authentication API', () => {
  test('TOTP matches RFC 6238 (SHA-1 test vector)', () => {
    const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'; // base32 of "12345678901234567890"
    assert.equal(totp(secret, 59_000), '287082');
    assert.equal(totp(secret, 1111111109_000), '081804');
    assert.equal(verifyTotp(secret, '287082', { time: 59_000 }), 1);
    assert.equal(verifyTotp(secret, '287082', { time: 200_000 }), undefined);
  });

  test('passwordless e-mail code: start, last-code, OTP grant, tokens signed by the provider', async () => {
    const email = 'Newcomer@Example.test';
    const start = await post('/passwordless/start', { client_id: SPA, connection: 'email', email, send: 'code' });
    assert.equal(start.status, 200);
    assert.deepEqual(Object.keys(start.body).sort(), ['_id', 'email', 'email_verified']);
    assert.equal(start.body.email, 'newcomer@example.test');
    assert.equal(start.body.email_verified, false);

    const { body: sent } = await get(`/__test/last-code?email=${encodeURIComponent(email)}`);
    assert.match(sent.code, /^\d{6}$/);

    const wrong = await token({
      grant_type: GRANT_PASSWORDLESS_OTP, realm: 'email', username: email, otp: sent.code === '000000' ? '111111' : '000000', scope: 'openid',
    });
    assertError(wrong, 403, 'invalid_grant', 'Wrong email or verification code.');

    const ok = await token({
      grant_type: GRANT_PASSWORDLESS_OTP,
      realm: 'email',
      username: email,
      otp: sent.code,
      scope: 'openid profile email offline_access read:messages',
      audience: API,
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.token_type, 'Bearer');
    assert.equal(ok.body.expires_in, 3600);
    assert.equal(typeof ok.body.refresh_token, 'string');
    const claims = await verifyIdToken(ok.body.id_token);
    assert.match(claims.sub, /^email\|[0-9a-f]{24}$/);
    assert.equal(claims.email, 'newcomer@example.test');
    assert.equal(claims.email_verified, true);
    assert.equal(claims.nonce, undefined);
    const at = await verifyApiToken(ok.body.access_token, claims.sub);
    assert.equal(at.scope, 'openid profile email offline_access read:messages');

    // The code is single-use; the refresh token is an ordinary one.
    const again = await token({ grant_type: GRANT_PASSWORDLESS_OTP, realm: 'email', username: email, otp: sent.code });
    assertError(again, 403, 'invalid_grant');
    const refreshed = await token({ grant_type: 'refresh_token', refresh_token: ok.body.refresh_token }, { form: true, path: '/token' });
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    await verifyApiToken(refreshed.body.access_token, claims.sub);

    // Same user at the next login.
    await sleep(START_INTERVAL * 1000 + 50);
    await post('/passwordless/start', { client_id: SPA, connection: 'email', email, send: 'code' });
    const { body: sent2 } = await get(`/__test/last-code?email=${encodeURIComponent(email)}`);
    const second = await token({ grant_type: GRANT_PASSWORDLESS_OTP, realm: 'email', username: email, otp: sent2.code, scope: 'openid' });
    assert.equal(second.status, 200);
    await verifyIdToken(second.body.id_token, claims.sub);
  });

  test('passwordless SMS with form bodies; link e-mails; validation errors', async () => {
    const phone = '+15555550123';
    const start = await call('POST', '/passwordless/start', { form: { client_id: SPA, connection: 'sms', phone_number: phone } });
    assert.equal(start.status, 200);
    assert.deepEqual(start.body, {
      _id: start.body._id, phone_number: phone, phone_verified: false, request_language: null,
    });
    const { body: sent } = await get(`/__test/last-code?phone_number=${encodeURIComponent(phone)}`);
    const ok = await token({
      grant_type: GRANT_PASSWORDLESS_OTP, realm: 'sms', username: phone, otp: sent.code, scope: 'openid profile',
    }, { form: true });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const claims = await verifyIdToken(ok.body.id_token);
    assert.match(claims.sub, /^sms\|/);
    assert.equal(claims.name, phone);
    assert.equal(ok.body.refresh_token, undefined, 'no offline_access, no refresh token');
    assert.equal(ok.body.scope, 'openid profile');

    // send=link (the default for e-mail): the code travels in the link.
    const link = await post('/passwordless/start', {
      client_id: SPA, connection: 'email', email: 'linker@example.test', authParams: { scope: 'openid', state: 'xyz' },
    });
    assert.equal(link.status, 200);
    const { body: linked } = await get('/__test/last-code?email=linker@example.test');
    assert.equal(linked.send, 'link');
    const url = new URL(linked.link);
    assert.equal(url.searchParams.get('verification_code'), linked.code);
    assert.equal(url.searchParams.get('state'), 'xyz');

    assertError(await post('/passwordless/start', { client_id: SPA, email: 'a@b.test' }), 400, 'bad.connection', 'Missing required property: connection');
    assertError(await post('/passwordless/start', { client_id: SPA, connection: 'carrier-pigeon', email: 'a@b.test' }), 400, 'bad.connection', 'Connection does not exist');
    assertError(await post('/passwordless/start', { client_id: SPA, connection: 'sms', phone_number: '555-0123' }), 400, 'bad.phone_number');
    assertError(await post('/passwordless/start', { client_id: SPA, connection: 'email' }), 400, 'bad.email', 'Missing required property: email');
    assertError(await post('/passwordless/start', { connection: 'email', email: 'a@b.test' }), 400, 'bad.client_id');
    assertError(await post('/passwordless/start', { client_id: 'nope', connection: 'email', email: 'a@b.test' }), 400, 'bad.client_id');
    assertError(await post('/passwordless/start', { client_id: SPA, connection: 'email', email: 'a@b.test', authParams: 'scope=openid' }), 400, 'bad.authParams');
    assertError(await post('/passwordless/start', { client_id: SPA, connection: 'email', email: 'a@b.test', colour: 'red' }), 400, 'bad.request', /colour/);
    assertError(await get('/__test/last-code?email=nobody@example.test'), 404, 'not_found');
  });

  test('passwordless start is rate limited per identity (429, Retry-After) and answers CORS', async () => {
    const email = 'hasty@example.test';
    const first = await post('/passwordless/start', { client_id: SPA, connection: 'email', email, send: 'code' }, { origin: ORIGIN });
    assert.equal(first.status, 200);
    assert.equal(first.res.headers.get('access-control-allow-origin'), ORIGIN);

    const second = await post('/passwordless/start', { client_id: SPA, connection: 'email', email, send: 'code' }, { origin: ORIGIN });
    assertError(second, 429, 'too_many_requests');
    assert.equal(second.res.headers.get('retry-after'), String(START_INTERVAL));
    assert.match(second.res.headers.get('access-control-expose-headers'), /Retry-After/);

    // Another identity is not affected; the same one is after the interval.
    assert.equal((await post('/passwordless/start', { client_id: SPA, connection: 'email', email: 'calm@example.test', send: 'code' })).status, 200);
    await sleep(START_INTERVAL * 1000 + 50);
    assert.equal((await post('/passwordless/start', { client_id: SPA, connection: 'email', email, send: 'code' })).status, 200);

    // Preflight from any origin; actual requests only from the client origins.
    const preflight = await fetch(`${op.issuer}/passwordless/start`, {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,auth0-client' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), ORIGIN);
    assert.equal(preflight.headers.get('access-control-allow-headers'), 'content-type,auth0-client');
    const foreign = await post('/passwordless/start', { client_id: SPA, connection: 'email', email: 'x@example.test' }, { origin: 'http://evil.test' });
    assertError(foreign, 400, 'invalid_request', /origin/);
    assert.equal(foreign.res.headers.get('access-control-allow-origin'), null);
  });

  test('sign-up, then password-realm and password login; change_password', async () => {
    const signup = await post('/dbconnections/signup', {
      client_id: SPA,
      email: 'Erin@Example.test',
      password: 'Tr0ub4dor-and-3',
      connection: DATABASE_CONNECTION,
      username: 'erin',
      given_name: 'Erin',
      family_name: 'Example',
      user_metadata: { plan: 'silver', team_id: 'a111' },
    });
    assert.equal(signup.status, 200, JSON.stringify(signup.body));
    assert.match(signup.body._id, /^[0-9a-f]{24}$/);
    assert.deepEqual(signup.body, {
      _id: signup.body._id,
      email_verified: false,
      email: 'erin@example.test',
      username: 'erin',
      given_name: 'Erin',
      family_name: 'Example',
    });

    const dup = await post('/dbconnections/signup', { client_id: SPA, email: 'erin@example.test', password: 'An0ther-passw0rd', connection: DATABASE_CONNECTION });
    assertError(dup, 400, 'user_exists', 'The user already exists.');
    assert.equal(dup.body.code, 'user_exists');
    const weak = await post('/dbconnections/signup', { client_id: SPA, email: 'weak@example.test', password: 'short', connection: DATABASE_CONNECTION });
    assertError(weak, 400, 'invalid_password', 'Password is too weak');
    assert.equal(weak.body.name, 'PasswordStrengthError');
    const metadata = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v']));
    assertError(await post('/dbconnections/signup', {
      client_id: SPA, email: 'meta@example.test', password: 'G00d-enough', connection: DATABASE_CONNECTION, user_metadata: metadata,
    }), 400, 'invalid_signup', /10 properties/);
    assertError(await post('/dbconnections/signup', {
      client_id: SPA, email: 'meta@example.test', password: 'G00d-enough', connection: DATABASE_CONNECTION, user_metadata: { note: 'x'.repeat(501) },
    }), 400, 'invalid_signup', /500 characters/);
    assertError(await post('/dbconnections/signup', {
      client_id: SPA, email: 'meta@example.test', password: 'G00d-enough', connection: 'other-db',
    }), 400, 'bad.connection');

    const sub = `auth0|${signup.body._id}`;
    const login = await passwordRealm('erin@example.test', 'Tr0ub4dor-and-3');
    assert.equal(login.status, 200, JSON.stringify(login.body));
    const claims = await verifyIdToken(login.body.id_token, sub);
    assert.equal(claims.given_name, 'Erin');
    assert.equal(claims.email_verified, false);
    await verifyApiToken(login.body.access_token, sub);

    const plain = await token({ grant_type: GRANT_PASSWORD, username: 'erin', password: 'Tr0ub4dor-and-3', scope: 'openid' }, { form: true });
    assert.equal(plain.status, 200, JSON.stringify(plain.body));
    await verifyIdToken(plain.body.id_token, sub);

    const change = await post('/dbconnections/change_password', { client_id: SPA, email: 'erin@example.test', connection: DATABASE_CONNECTION });
    assert.equal(change.status, 200);
    assert.match(change.res.headers.get('content-type'), /application\/json/);
    assert.equal(change.body, "We've just sent you an email to reset your password.");
    const { body: outbox } = await get('/__test/outbox?to=erin@example.test');
    assert.deepEqual(outbox.messages.map((m) => m.kind), ['verification_email', 'change_password']);
    const unknown = await post('/dbconnections/change_password', { email: 'nobody@example.test', connection: DATABASE_CONNECTION });
    assert.equal(unknown.status, 200, 'no account enumeration');
  });

  test('password grants: errors; alice and bob log in without MFA', async () => {
    assertError(await passwordRealm('alice', 'nope'), 403, 'invalid_grant', 'Wrong email or password.');
    assertError(await passwordRealm('alice', 'wonderland', { realm: 'email' }), 400, 'invalid_request', /realm/);
    assertError(await passwordRealm('alice', 'wonderland', { audience: 'https://unknown.test' }), 400, 'invalid_target');
    assertError(await token({ grant_type: GRANT_PASSWORD_REALM, username: 'alice', password: 'wonderland' }), 400, 'invalid_request', /realm/);
    assertError(await token({ grant_type: GRANT_PASSWORD_REALM, client_id: 'unknown-client', username: 'alice', password: 'wonderland', realm: DATABASE_CONNECTION }), 401, 'invalid_client');

    const bob = await token({ grant_type: GRANT_PASSWORD, username: 'bob@oidc-wasm.test', password: 'builder', scope: 'openid email' });
    assert.equal(bob.status, 200);
    const claims = await verifyIdToken(bob.body.id_token, 'auth0|bob');
    assert.equal(claims.email_verified, false);
    // Without an audience: an opaque access token for userinfo.
    const me = await fetch(`${op.issuer}/me`, { headers: bearer(bob.body.access_token) });
    assert.equal(me.status, 200);
    assert.equal((await me.json()).sub, 'auth0|bob');

    // /token works like /oauth/token, and the token endpoint answers CORS.
    const alice = await token({ grant_type: GRANT_PASSWORD, username: 'alice', password: 'wonderland', scope: 'openid' }, { path: '/token', headers: { origin: ORIGIN } });
    assert.equal(alice.status, 200);
    assert.equal(alice.res.headers.get('access-control-allow-origin'), ORIGIN);
    assert.equal(decodeProtectedHeader(alice.body.id_token).alg, 'RS256');
  });

  test('carol: mfa_required (enroll), associate OTP, TOTP, mfa-otp grant, recovery code, delete', async () => {
    const first = await mfaRequired('carol', 'mfa-secret');
    assert.deepEqual(first.mfa_requirements, {
      enroll: [{ type: 'otp' }, { type: 'phone' }, { type: 'push-notification' }, { type: 'email' }],
    });
    const mfaToken = first.mfa_token;
    assert.deepEqual((await get('/mfa/authenticators', bearer(mfaToken))).body, []);
    assertError(await post('/mfa/challenge', { client_id: SPA, mfa_token: mfaToken, challenge_type: 'otp' }), 400, 'unsupported_challenge_type');

    const assoc = await post('/mfa/associate', { client_id: SPA, authenticator_types: ['otp'] }, bearer(mfaToken));
    assert.equal(assoc.status, 200, JSON.stringify(assoc.body));
    assert.deepEqual(Object.keys(assoc.body), ['authenticator_type', 'secret', 'barcode_uri', 'recovery_codes']);
    assert.equal(assoc.body.authenticator_type, 'otp');
    assert.match(assoc.body.secret, /^[A-Z2-7]{32}$/);
    const barcode = new URL(assoc.body.barcode_uri);
    assert.equal(barcode.protocol, 'otpauth:');
    assert.equal(barcode.searchParams.get('secret'), assoc.body.secret);
    assert.match(assoc.body.recovery_codes[0], /^[A-Z0-9]{24}$/);
    const recoveryCode = assoc.body.recovery_codes[0];

    const pending = (await get('/mfa/authenticators', bearer(mfaToken))).body;
    assert.deepEqual(pending.map((a) => [a.authenticator_type, a.active]), [['recovery-code', false], ['otp', false]]);

    const code = totp(assoc.body.secret);
    const wrong = await token({ grant_type: GRANT_MFA_OTP, mfa_token: mfaToken, otp: wrongTotp(assoc.body.secret) });
    assertError(wrong, 403, 'invalid_grant', 'Invalid otp_code.');
    assertError(await token({ grant_type: GRANT_MFA_OTP, mfa_token: 'bogus', otp: code }), 403, 'invalid_grant', 'Malformed mfa_token');

    const ok = await token({ grant_type: GRANT_MFA_OTP, mfa_token: mfaToken, otp: code }, { form: true });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    await verifyIdToken(ok.body.id_token, 'auth0|carol');
    const at = await verifyApiToken(ok.body.access_token, 'auth0|carol');
    assert.equal(at.scope, 'openid profile email offline_access read:messages', 'scope and audience of the password-realm request');
    assert.equal(typeof ok.body.refresh_token, 'string');
    assertError(await token({ grant_type: GRANT_MFA_OTP, mfa_token: mfaToken, otp: code }), 403, 'invalid_grant', 'Invalid otp_code.');

    // Enrolled now: the next login asks for a challenge.
    const second = await mfaRequired('carol', 'mfa-secret');
    assert.deepEqual(second.mfa_requirements, { challenge: [{ type: 'otp' }, { type: 'recovery-code' }] });
    const list = (await get('/mfa/authenticators', bearer(second.mfa_token))).body;
    assert.deepEqual(list.map((a) => [a.authenticator_type, a.active]), [['recovery-code', true], ['otp', true]]);
    assert.match(list[1].id, /^totp\|dev_/);
    assertError(await post('/mfa/associate', { client_id: SPA, authenticator_types: ['otp'] }, bearer(second.mfa_token)), 403, 'access_denied', 'User is already enrolled.');
    assert.deepEqual((await post('/mfa/challenge', { client_id: SPA, mfa_token: second.mfa_token, challenge_type: 'otp' })).body, { challenge_type: 'otp' });
    const viaNext = await token({ grant_type: GRANT_MFA_OTP, mfa_token: second.mfa_token, otp: nextTotp(assoc.body.secret) });
    assert.equal(viaNext.status, 200, JSON.stringify(viaNext.body));

    // Recovery code: tokens plus a new recovery code; the old one is spent.
    const third = await mfaRequired('carol', 'mfa-secret');
    const recovered = await token({ grant_type: GRANT_MFA_RECOVERY_CODE, mfa_token: third.mfa_token, recovery_code: recoveryCode });
    assert.equal(recovered.status, 200, JSON.stringify(recovered.body));
    assert.match(recovered.body.recovery_code, /^[A-Z0-9]{24}$/);
    assert.notEqual(recovered.body.recovery_code, recoveryCode);
    await verifyIdToken(recovered.body.id_token, 'auth0|carol');
    assertError(await token({ grant_type: GRANT_MFA_RECOVERY_CODE, mfa_token: third.mfa_token, recovery_code: recoveryCode }), 403, 'invalid_grant');

    // Passwordless login of the same e-mail address is the same user: MFA too.
    await post('/passwordless/start', { client_id: SPA, connection: 'email', email: 'carol@oidc-wasm.test', send: 'code' });
    const { body: sent } = await get('/__test/last-code?email=carol@oidc-wasm.test');
    const pl = await token({ grant_type: GRANT_PASSWORDLESS_OTP, realm: 'email', username: 'carol@oidc-wasm.test', otp: sent.code, scope: 'openid' });
    assertError(pl, 403, 'mfa_required');
    assert.deepEqual(pl.body.mfa_requirements, { challenge: [{ type: 'otp' }, { type: 'recovery-code' }] });

    // Delete the OTP authenticator: carol is back to enrolment.
    const del = await call('DELETE', `/mfa/authenticators/${encodeURIComponent(list[1].id)}`, { headers: bearer(pl.body.mfa_token) });
    assert.equal(del.status, 204);
    assertError(await call('DELETE', `/mfa/authenticators/${encodeURIComponent(list[1].id)}`, { headers: bearer(pl.body.mfa_token) }), 404, 'not_found');
    const remaining = (await get('/mfa/authenticators', bearer(pl.body.mfa_token))).body;
    assert.deepEqual(remaining.map((a) => a.authenticator_type), ['recovery-code']);
    assert.ok((await mfaRequired('carol', 'mfa-secret')).mfa_requirements.enroll);

    assertError(await get('/mfa/authenticators'), 401, 'invalid_token');
    assertError(await get('/mfa/authenticators', bearer('bogus')), 401, 'invalid_token');
  });

  test('carol: SMS authenticator (oob, binding_method prompt, binding code from last-oob)', async () => {
    await post('/__test/auth0/reset', {});
    const { mfa_token: mfaToken } = await mfaRequired('carol', 'mfa-secret');
    const assoc = await post('/mfa/associate', {
      client_id: SPA, authenticator_types: ['oob'], oob_channels: ['sms'], phone_number: '+15555550199',
    }, bearer(mfaToken));
    assert.equal(assoc.status, 200, JSON.stringify(assoc.body));
    assert.deepEqual(Object.keys(assoc.body), ['authenticator_type', 'binding_method', 'oob_channel', 'oob_code', 'recovery_codes']);
    assert.equal(assoc.body.binding_method, 'prompt');
    assert.equal(assoc.body.oob_channel, 'sms');

    const { body: sms } = await get('/__test/last-oob?phone_number=%2B15555550199');
    assert.equal(sms.oob_code, assoc.body.oob_code);
    assert.match(sms.binding_code, /^\d{6}$/);
    const bad = await token({ grant_type: GRANT_MFA_OOB, mfa_token: mfaToken, oob_code: sms.oob_code, binding_code: sms.binding_code === '000000' ? '111111' : '000000' });
    assertError(bad, 403, 'invalid_grant');
    const ok = await token({ grant_type: GRANT_MFA_OOB, mfa_token: mfaToken, oob_code: sms.oob_code, binding_code: sms.binding_code });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    await verifyIdToken(ok.body.id_token, 'auth0|carol');

    // Next login: challenge the SMS authenticator.
    const next = await mfaRequired('carol', 'mfa-secret');
    assert.deepEqual(next.mfa_requirements, { challenge: [{ type: 'phone' }, { type: 'recovery-code' }] });
    const [, smsAuthenticator] = (await get('/mfa/authenticators', bearer(next.mfa_token))).body;
    assert.equal(smsAuthenticator.oob_channel, 'sms');
    assert.equal(smsAuthenticator.name, '+X XXXX0199');
    const challenge = await post('/mfa/challenge', { client_id: SPA, mfa_token: next.mfa_token, challenge_type: 'oob', authenticator_id: smsAuthenticator.id });
    assert.deepEqual(Object.keys(challenge.body), ['challenge_type', 'binding_method', 'oob_code']);
    const { body: sms2 } = await get(`/__test/last-oob?oob_code=${encodeURIComponent(challenge.body.oob_code)}`);
    const done = await token({ grant_type: GRANT_MFA_OOB, mfa_token: next.mfa_token, oob_code: challenge.body.oob_code, binding_code: sms2.binding_code });
    assert.equal(done.status, 200, JSON.stringify(done.body));
  });

  test('dave: push challenge polled (pending, slow_down), approved, denied, expired; recovery code', async () => {
    await post('/__test/auth0/reset', {});
    const first = await mfaRequired('dave', 'push-secret');
    assert.deepEqual(first.mfa_requirements, { challenge: [{ type: 'push-notification' }, { type: 'recovery-code' }] });
    const list = (await get('/mfa/authenticators', bearer(first.mfa_token))).body;
    assert.deepEqual(list.find((a) => a.id === DAVE_PUSH_AUTHENTICATOR_ID), {
      id: DAVE_PUSH_AUTHENTICATOR_ID,
      authenticator_type: 'oob',
      active: true,
      oob_channel: 'auth0',
      oob_channels: 'auth0',
      name: "Dave's phone",
    });

    const challenge = await post('/mfa/challenge', {
      client_id: SPA, mfa_token: first.mfa_token, challenge_type: 'oob', authenticator_id: DAVE_PUSH_AUTHENTICATOR_ID,
    });
    assert.equal(challenge.status, 200);
    assert.deepEqual(Object.keys(challenge.body), ['challenge_type', 'oob_code']);
    const poll = () => token({ grant_type: GRANT_MFA_OOB, mfa_token: first.mfa_token, oob_code: challenge.body.oob_code });

    assertError(await poll(), 400, 'authorization_pending', 'Authorization pending: please repeat the request in a few seconds.');
    const fast = await poll();
    assertError(fast, 429, 'slow_down');
    assert.equal(fast.res.headers.get('retry-after'), '1');
    assert.equal((await post('/__test/oob/approve', { oob_code: challenge.body.oob_code })).status, 204);
    await sleep(POLL_INTERVAL * 1000 + 50);
    const ok = await poll();
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    await verifyIdToken(ok.body.id_token, 'auth0|dave');
    await verifyApiToken(ok.body.access_token, 'auth0|dave');
    assertError(await poll(), 403, 'invalid_grant', 'Invalid oob_code.');

    // Rejected on the phone.
    const denied = await mfaRequired('dave', 'push-secret');
    const c2 = await post('/mfa/challenge', { client_id: SPA, mfa_token: denied.mfa_token, challenge_type: 'oob' });
    assert.equal((await post('/__test/oob/deny', { oob_code: c2.body.oob_code })).status, 204);
    assertError(await token({ grant_type: GRANT_MFA_OOB, mfa_token: denied.mfa_token, oob_code: c2.body.oob_code }), 403, 'invalid_grant', 'MFA Authorization rejected.');

    // Expired transaction; a transaction of another mfa_token's user is refused.
    const c3 = await post('/mfa/challenge', { client_id: SPA, mfa_token: denied.mfa_token });
    assert.equal(c3.body.challenge_type, 'oob');
    assert.equal((await post('/__test/oob/expire', { oob_code: c3.body.oob_code })).status, 204);
    assertError(await token({ grant_type: GRANT_MFA_OOB, mfa_token: denied.mfa_token, oob_code: c3.body.oob_code }), 403, 'expired_token');
    const carol = await mfaRequired('carol', 'mfa-secret');
    assertError(await token({ grant_type: GRANT_MFA_OOB, mfa_token: carol.mfa_token, oob_code: challenge.body.oob_code }), 403, 'invalid_grant');
    assertError(await post('/__test/oob/approve', { oob_code: 'nope' }), 404, 'not_found');

    // Recovery code (exported constant), replaced by a new one.
    const rec = await mfaRequired('dave', 'push-secret');
    const recovered = await token({ grant_type: GRANT_MFA_RECOVERY_CODE, mfa_token: rec.mfa_token, recovery_code: DAVE_RECOVERY_CODE });
    assert.equal(recovered.status, 200, JSON.stringify(recovered.body));
    assert.notEqual(recovered.body.recovery_code, DAVE_RECOVERY_CODE);
    await verifyIdToken(recovered.body.id_token, 'auth0|dave');
    assertError(await token({ grant_type: GRANT_MFA_RECOVERY_CODE, mfa_token: rec.mfa_token, recovery_code: DAVE_RECOVERY_CODE }), 403, 'invalid_grant');

    // Reset: the constant works again, signed-up users are gone.
    assert.equal((await post('/__test/auth0/reset', {})).status, 204);
    const again = await mfaRequired('dave', 'push-secret');
    assert.equal((await token({ grant_type: GRANT_MFA_RECOVERY_CODE, mfa_token: again.mfa_token, recovery_code: DAVE_RECOVERY_CODE })).status, 200);
    assertError(await passwordRealm('erin', 'Tr0ub4dor-and-3'), 403, 'invalid_grant');
  });

  test('the client may use every Auth0 grant; discovery lists them', async () => {
    const discovery = await (await fetch(`${op.issuer}/.well-known/openid-configuration`)).json();
    for (const grant of [GRANT_PASSWORD, GRANT_PASSWORD_REALM, GRANT_PASSWORDLESS_OTP, GRANT_MFA_OTP, GRANT_MFA_OOB, GRANT_MFA_RECOVERY_CODE]) {
      assert.ok(discovery.grant_types_supported.includes(grant), grant);
    }
    assert.deepEqual(op.users.map((u) => u.username), ['alice', 'bob', 'carol', 'dave']);
  });
});

// --- magic link ----------------------------------------------------------------

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

// POST /passwordless/start with send=link; returns the link "e-mailed" (from
// /__test/last-code) and what the client keeps (state, nonce, verifier).
async function startLink(email, authParams = {}, { withPkce = true } = {}) {
  const { verifier, challenge } = pkce();
  const state = randomBytes(8).toString('base64url');
  const nonce = randomBytes(8).toString('base64url');
  const start = await post('/passwordless/start', {
    client_id: SPA,
    connection: 'email',
    email,
    send: 'link',
    authParams: {
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      scope: 'openid profile email',
      state,
      nonce,
      ...(withPkce ? { code_challenge: challenge, code_challenge_method: 'S256' } : {}),
      ...authParams,
    },
  });
  assert.equal(start.status, 200, JSON.stringify(start.body));
  const { body: sent } = await get(`/__test/last-code?email=${encodeURIComponent(email)}`);
  assert.equal(sent.send, 'link');
  assert.equal(typeof sent.link, 'string');
  return { link: new URL(sent.link), code: sent.code, verifier, state, nonce };
}

// Opens a link like a browser would, without following the redirect.
async function open(link, headers = {}) {
  const res = await fetch(link, { redirect: 'manual', headers });
  const location = res.headers.get('location');
  const body = await res.text();
  return { res, status: res.status, location: location ? new URL(location) : undefined, body };
}

const withParam = (link, name, value) => {
  const url = new URL(link);
  if (value === undefined) url.searchParams.delete(name);
  else url.searchParams.set(name, value);
  return url;
};

function assertRedirectError(opened, state, error, description) {
  assert.equal(opened.status, 302, opened.body);
  assert.equal(opened.location.origin + opened.location.pathname, REDIRECT_URI);
  const params = opened.location.searchParams;
  assert.equal(params.get('error'), error);
  if (description instanceof RegExp) assert.match(params.get('error_description'), description);
  else assert.equal(params.get('error_description'), description);
  assert.equal(params.get('state'), state);
  assert.equal(params.get('iss'), op.issuer);
  assert.equal(params.get('code'), null);
}

const exchange = (code, verifier, redirectUri = REDIRECT_URI) => token({
  grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: redirectUri,
}, { form: true, path: '/token' });

describe('Auth0 passwordless magic link (GET /passwordless/verify_redirect)', () => {
  test('link with PKCE: 302 with code, state and iss; the code exchange gives tokens with the nonce', async () => {
    const email = 'alice@oidc-wasm.test';
    const sent = await startLink(email, { scope: 'openid profile email offline_access read:messages', audience: API });
    assert.equal(sent.link.origin + sent.link.pathname, `${op.issuer}/passwordless/verify_redirect`);
    for (const [k, v] of Object.entries({
      client_id: SPA, connection: 'email', email, verification_code: sent.code, redirect_uri: REDIRECT_URI,
      state: sent.state, nonce: sent.nonce, code_challenge_method: 'S256', audience: API, response_type: 'code',
    })) assert.equal(sent.link.searchParams.get(k), v, k);

    const opened = await open(sent.link);
    assert.equal(opened.status, 302, opened.body);
    assert.equal(opened.res.headers.get('cache-control'), 'no-store');
    assert.equal(opened.location.origin + opened.location.pathname, REDIRECT_URI);
    const params = opened.location.searchParams;
    assert.equal(params.get('error'), null, params.get('error_description') ?? '');
    assert.equal(params.get('state'), sent.state);
    assert.equal(params.get('iss'), op.issuer, 'RFC 9207');
    const code = params.get('code');
    assert.ok(code);

    // A wrong code_verifier is refused (the code is not spent by that).
    assertError(await exchange(code, pkce().verifier), 400, 'invalid_grant');
    const ok = await exchange(code, sent.verifier);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const claims = await verifyIdToken(ok.body.id_token, 'auth0|alice');
    assert.equal(claims.nonce, sent.nonce);
    assert.equal(claims.email, email);
    assert.equal(claims.name, 'Alice Liddell');
    const at = await verifyApiToken(ok.body.access_token, 'auth0|alice');
    assert.equal(at.scope, 'openid profile email offline_access read:messages');
    assert.equal(ok.body.scope, 'openid profile email offline_access read:messages');
    assert.equal(typeof ok.body.refresh_token, 'string', 'offline_access gives a refresh token');
    const refreshed = await token({ grant_type: 'refresh_token', refresh_token: ok.body.refresh_token }, { form: true, path: '/token' });
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    await verifyApiToken(refreshed.body.access_token, 'auth0|alice');

    // The authorization code is single-use (oidc-provider's own rule).
    assertError(await exchange(code, sent.verifier), 400, 'invalid_grant');
    // So is the link: its verification code was spent.
    assertRedirectError(await open(sent.link), sent.state, 'access_denied', 'Wrong email or verification code.');
    assert.ok(op.stats.routes['auth0.passwordless.verify_redirect'] >= 2);
  });

  test('a new e-mail address gets a passwordless user, as with the OTP grant; fragment and form_post response modes', async () => {
    const email = 'Magic.Newcomer@Example.test';
    const sent = await startLink(email, { response_mode: 'fragment' });
    const opened = await open(sent.link);
    assert.equal(opened.status, 302, opened.body);
    assert.equal(opened.location.search, '');
    const params = new URLSearchParams(opened.location.hash.slice(1));
    assert.equal(params.get('state'), sent.state);
    assert.equal(params.get('iss'), op.issuer);
    const ok = await exchange(params.get('code'), sent.verifier);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const claims = await verifyIdToken(ok.body.id_token);
    assert.match(claims.sub, /^email\|[0-9a-f]{24}$/);
    assert.equal(claims.email, 'magic.newcomer@example.test');
    assert.equal(claims.email_verified, true);
    assert.equal(claims.nonce, sent.nonce);
    assert.equal(ok.body.refresh_token, undefined, 'no offline_access, no refresh token');
    assert.equal(ok.body.access_token.split('.').length, 1, 'no audience: an opaque userinfo token');
    const userinfo = await get('/me', bearer(ok.body.access_token));
    assert.equal(userinfo.body.sub, claims.sub);

    // The same user at the next login, with a code this time.
    await sleep(START_INTERVAL * 1000 + 50);
    await post('/passwordless/start', { client_id: SPA, connection: 'email', email, send: 'code' });
    const { body: otp } = await get(`/__test/last-code?email=${encodeURIComponent(email)}`);
    const second = await token({ grant_type: GRANT_PASSWORDLESS_OTP, realm: 'email', username: email, otp: otp.code, scope: 'openid' });
    assert.equal(second.status, 200, JSON.stringify(second.body));
    await verifyIdToken(second.body.id_token, claims.sub);

    // form_post: a page that posts code, state and iss to the redirect_uri.
    await sleep(START_INTERVAL * 1000 + 50);
    const posted = await startLink(email, { response_mode: 'form_post' });
    const page = await open(posted.link);
    assert.equal(page.status, 200);
    assert.match(page.res.headers.get('content-type'), /text\/html/);
    assert.match(page.body, new RegExp(`<form method="post" action="${REDIRECT_URI.replaceAll('/', '\\/')}">`));
    const fields = Object.fromEntries([...page.body.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    assert.deepEqual(Object.keys(fields).sort(), ['code', 'iss', 'state']);
    assert.equal((await exchange(fields.code, posted.verifier)).status, 200);
  });

  test('carol (MFA user) logs in with the link alone, like on the login page', async () => {
    const sent = await startLink('carol@oidc-wasm.test');
    const opened = await open(sent.link);
    const ok = await exchange(opened.location.searchParams.get('code'), sent.verifier);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    await verifyIdToken(ok.body.id_token, 'auth0|carol');
  });

  test('errors: wrong code (attempt limit), unregistered redirect_uri, unknown client, missing or plain PKCE, unknown audience', async () => {
    const email = 'bob@oidc-wasm.test';
    const sent = await startLink(email);

    // Never a redirect to an unregistered redirect_uri; the code is not touched.
    const foreign = await open(withParam(sent.link, 'redirect_uri', 'https://evil.example/callback'));
    assert.equal(foreign.status, 400);
    assert.equal(foreign.location, undefined);
    assert.match(foreign.res.headers.get('content-type'), /text\/html/);
    assert.match(foreign.body, /invalid_redirect_uri/);
    const foreignJson = await open(withParam(sent.link, 'redirect_uri', `${ORIGIN}/elsewhere`), { accept: 'application/json' });
    assert.equal(foreignJson.status, 400);
    assert.deepEqual(JSON.parse(foreignJson.body), {
      error: 'invalid_redirect_uri',
      error_description: "redirect_uri did not match any of the client's registered redirect_uris",
    });
    const noRedirect = await open(withParam(sent.link, 'redirect_uri', undefined), { accept: 'application/json' });
    assert.equal(noRedirect.status, 400);
    assert.equal(JSON.parse(noRedirect.body).error, 'invalid_request');
    const unknownClient = await open(withParam(sent.link, 'client_id', 'no-such-client'), { accept: 'application/json' });
    assert.equal(unknownClient.status, 400);
    assert.equal(unknownClient.location, undefined);
    assert.equal(JSON.parse(unknownClient.body).error, 'invalid_client');

    // Request errors go to the registered redirect_uri, the code is not touched.
    assertRedirectError(await open(withParam(sent.link, 'code_challenge_method', 'plain')), sent.state,
      'invalid_request', 'not supported value of code_challenge_method');
    assertRedirectError(await open(withParam(sent.link, 'audience', 'https://unknown.example')), sent.state,
      'invalid_target', /unknown resource indicator/);
    assertRedirectError(await open(withParam(sent.link, 'response_type', 'token')), sent.state,
      'unsupported_response_type', 'unsupported response_type requested');

    // A wrong code: access_denied, and an attempt counted.
    const wrongCode = sent.code === '000000' ? '111111' : '000000';
    assertRedirectError(await open(withParam(sent.link, 'verification_code', wrongCode)), sent.state,
      'access_denied', 'Wrong email or verification code.');
    // The right link still works after one wrong attempt.
    const opened = await open(sent.link);
    assert.ok(opened.location.searchParams.get('code'), opened.location.href);
    assert.equal((await exchange(opened.location.searchParams.get('code'), sent.verifier)).status, 200);

    // Three wrong attempts drop the code: then even the right link fails.
    await sleep(START_INTERVAL * 1000 + 50);
    const again = await startLink(email);
    for (let i = 0; i < 3; i += 1) {
      assertRedirectError(await open(withParam(again.link, 'verification_code', again.code === '000000' ? '111111' : '000000')),
        again.state, 'access_denied', 'Wrong email or verification code.');
    }
    assertRedirectError(await open(again.link), again.state, 'access_denied', 'Wrong email or verification code.');

    // A link for another client's code: the code belongs to the client that started it.
    await sleep(START_INTERVAL * 1000 + 50);
    const other = await startLink(email);
    assertRedirectError(await open(withParam(other.link, 'client_id', 'oidc-wasm-spa-es256')), other.state,
      'access_denied', 'Wrong email or verification code.');
  });

  test('an expired code: access_denied, like the OTP grant', async () => {
    const email = 'late@example.test';
    const sent = await startLink(email);
    assert.equal((await post('/__test/passwordless/expire', { email })).status, 204);
    assertRedirectError(await open(sent.link), sent.state, 'access_denied', 'Wrong email or verification code.');
    const otp = await token({ grant_type: GRANT_PASSWORDLESS_OTP, realm: 'email', username: email, otp: sent.code });
    assertError(otp, 403, 'invalid_grant', 'Wrong email or verification code.');
    assertError(await post('/__test/passwordless/expire', { email: 'nobody@example.test' }), 404, 'not_found');
  });

  test('errors: a link without PKCE is refused (the client requires it), and the code stays usable', async () => {
    const email = 'no-pkce@example.test';
    const sent = await startLink(email, {}, { withPkce: false });
    assert.equal(sent.link.searchParams.get('code_challenge'), null);
    assertRedirectError(await open(sent.link), sent.state,
      'invalid_request', 'Authorization Server policy requires PKCE to be used for this request');
    // The refused request did not spend the code: it still works with the OTP grant.
    const ok = await token({ grant_type: GRANT_PASSWORDLESS_OTP, realm: 'email', username: email, otp: sent.code, scope: 'openid' });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
  });
});
