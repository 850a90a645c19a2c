// Auth0's Authentication API through the demo in headless Chromium, against the local
// provider: sign-up and password login, email and SMS codes, MFA (TOTP enrolment with a code
// computed here, recovery code, push approved after two polls, push denied), a wrong code, the
// rate limit, and the device flow approved in a second page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { DAVE_RECOVERY_CODE } from '../provider/server.mjs';
import { useDemo } from './harness.mjs';

const MFA_OOB = 'http://auth0.com/oauth/grant-type/mfa-oob';
const env = useDemo({ passwordlessInterval: 3, mfaPollInterval: 1 });
const { api, post, page } = env;

/** RFC 6238 TOTP (HMAC-SHA-1, 30 s, 6 digits) from a base32 secret, computed independently here. */
function totp(secret, t = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(t / 30_000)));
  const h = createHmac('sha1', key).update(counter).digest();
  const o = h[h.length - 1] & 0xf;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

const signedIn = async (p) => {
  await p.waitForSelector('#result:not([hidden])');
  return p.textContent('#claims tr[data-claim="sub"] td:nth-child(2)');
};

const errorShown = async (p) => {
  await p.waitForSelector('#error:not([hidden])');
  return { code: await p.textContent('#error-code'), error: await p.textContent('#error-oauth'),
    description: await p.textContent('#error-description'), message: await p.textContent('#error-message') };
};

test('sign up, then log in with the password', async () => {
  const { context, p, errors } = await page();
  await p.fill('#pw-username', 'erin@oidc-wasm.test');
  await p.fill('#pw-password', 'Erin-2026-pw');
  await p.click('#pw-signup');
  await p.waitForFunction(() => document.querySelector('#status').textContent.startsWith('Signed up'));
  await p.click('#pw-login');
  assert.match(await signedIn(p), /^auth0\|/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('email code and SMS code logins', async () => {
  for (const [form, field, value, query] of [
    ['#pl-email-form', '#pl-email', 'alice@oidc-wasm.test', 'email=alice%40oidc-wasm.test'],
    ['#pl-sms-form', '#pl-phone', '+14155550123', 'phone_number=%2B14155550123'],
  ]) {
    const { context, p } = await page();
    await p.fill(field, value);
    await p.click(`${form} button[type=submit]`);
    await p.waitForSelector('#pl-verify-form:not([hidden])');
    const { code } = await api(`/__test/last-code?${query}`);
    await p.fill('#pl-code', code);
    await p.click('#pl-verify');
    const sub = await signedIn(p);
    assert.ok(sub.length > 3, sub);
    if (value.includes('@')) assert.equal(sub, 'auth0|alice', 'the existing user with that email');
    await context.close();
  }
});

test('a wrong code is a typed error carrying the server words; asking again too fast is rate limited', async () => {
  const { context, p } = await page();
  await p.fill('#pl-email', 'bob@oidc-wasm.test');
  await p.click('#pl-email-form button[type=submit]');
  await p.waitForSelector('#pl-verify-form:not([hidden])');
  await p.fill('#pl-code', '000000');
  await p.click('#pl-verify');
  const wrong = await errorShown(p);
  assert.equal(wrong.code, 'ERR_OAUTH_ERROR');
  assert.equal(wrong.error, 'invalid_grant');
  assert.ok(wrong.description.length > 5, wrong.description);
  const limited = await p.evaluate(() => window.oidcDemo.client.passwordless.start({ connection: 'email', email: 'bob@oidc-wasm.test' })
    .then(() => null, (e) => ({ code: e.code, retry_after: e.retry_after, status: e.status })));
  assert.equal(limited.code, 'ERR_RATE_LIMITED');
  assert.equal(limited.status, 429);
  assert.ok(limited.retry_after >= 1, JSON.stringify(limited));
  const badPhone = await p.evaluate(() => window.oidcDemo.client.passwordless.start({ connection: 'sms', phone_number: '415-555-0123' })
    .then(() => null, (e) => e.code));
  assert.equal(badPhone, 'ERR_INVALID_ARGUMENT', 'E.164 is checked before sending');
  await context.close();
});

test('MFA: carol enrolls an authenticator app and verifies with a TOTP computed here; the factor is then listed', async () => {
  await post('/__test/auth0/reset', {});
  const { context, p } = await page();
  await p.fill('#pw-username', 'carol');
  await p.fill('#pw-password', 'mfa-secret');
  await p.click('#pw-login');
  await p.waitForSelector('#mfa-enroll:not([hidden])');
  const secret = await p.textContent('#mfa-secret');
  assert.match(await p.getAttribute('#mfa-barcode', 'href'), /^otpauth:\/\/totp\//);
  await p.fill('#mfa-otp', totp(secret));
  await p.click('#mfa-otp-verify');
  assert.equal(await signedIn(p), 'auth0|carol');
  // A second login now asks for the enrolled factor.
  const again = await p.evaluate(() => window.oidcDemo.client.loginWithPassword({ username: 'carol', password: 'mfa-secret',
    realm: 'Username-Password-Authentication' }).then(() => null, (e) => ({ code: e.code, token: e.mfa_token, req: e.mfa_requirements })));
  assert.equal(again.code, 'ERR_MFA_REQUIRED');
  assert.ok(again.token);
  const list = await p.evaluate((t) => window.oidcDemo.client.mfa.getAuthenticators(t), again.token);
  assert.ok(list.some((a) => a.authenticator_type === 'otp' && a.active), JSON.stringify(list));
  await context.close();
});

test('MFA: dave logs in with a recovery code and is shown the new one', async () => {
  await post('/__test/auth0/reset', {});
  const { context, p } = await page();
  await p.fill('#pw-username', 'dave');
  await p.fill('#pw-password', 'push-secret');
  await p.click('#pw-login');
  await p.waitForSelector('#mfa:not([hidden])');
  await p.fill('#mfa-recovery', DAVE_RECOVERY_CODE);
  await p.click('#mfa-recovery-verify');
  assert.equal(await signedIn(p), 'auth0|dave');
  const fresh = await p.textContent('#mfa-new-recovery-code');
  assert.ok(fresh.length >= 8 && fresh !== DAVE_RECOVERY_CODE, fresh);
  await context.close();
});

for (const outcome of ['approved', 'denied']) {
  test(`MFA: dave's push is ${outcome} after two polls`, async () => {
    await post('/__test/auth0/reset', {});
    const { context, p } = await page();
    const oobCode = new Promise((resolve) => {
      p.on('response', async (r) => {
        if (r.url().endsWith('/mfa/challenge')) resolve((await r.json()).oob_code);
      });
    });
    await p.fill('#pw-username', 'dave');
    await p.fill('#pw-password', 'push-secret');
    await p.click('#pw-login');
    await p.waitForSelector('#mfa-choices button[data-authenticator^="push"]');
    const polls = async () => (await api('/__test/stats')).grants[MFA_OOB]?.total ?? 0;
    const before = await polls();
    await p.click('#mfa-choices button[data-authenticator^="push"]');
    const code = await oobCode;
    while ((await polls()) - before < 2) await new Promise((r) => setTimeout(r, 200));
    await post(`/__test/oob/${outcome === 'approved' ? 'approve' : 'deny'}`, { oob_code: code });
    if (outcome === 'approved') {
      assert.equal(await signedIn(p), 'auth0|dave');
    } else {
      const e = await errorShown(p);
      assert.equal(e.error, 'invalid_grant');
      assert.match(e.description, /rejected/i);
    }
    assert.ok((await polls()) - before >= 3, 'polled until answered');
    await context.close();
  });
}

test('device flow: started on one page, approved in a second page', async () => {
  const { context, p } = await page();
  const shown = await p.evaluate(async () => {
    const d = await window.oidcDemo.client.startDeviceFlow();
    window.deviceLogin = d.poll();
    return { user_code: d.user_code, uri: d.verification_uri_complete ?? d.verification_uri };
  });
  assert.ok(shown.user_code);
  const other = await context.newPage();
  await other.goto(shown.uri);
  if (await other.$('#user_code')) {
    await other.fill('#user_code', shown.user_code);
    await other.click('button[type=submit]');
  }
  await other.waitForSelector('#confirm');
  await other.click('#confirm');
  await other.waitForSelector('#username');
  await other.fill('#username', 'alice');
  await other.fill('#password', 'wonderland');
  await other.click('button[type=submit]');
  const tokens = await p.evaluate(() => window.deviceLogin);
  assert.equal(tokens.id_token_claims.sub, 'auth0|alice');
  assert.equal(await p.evaluate(() => window.oidcDemo.client.getUser().then((u) => u.sub)), 'auth0|alice');
  const info = await p.evaluate(() => window.oidcDemo.client.getUserInfo());
  assert.equal(info.sub, 'auth0|alice', 'userinfo, sub checked against the ID token');
  assert.equal(info.email, 'alice@oidc-wasm.test');
  await context.close();
});
