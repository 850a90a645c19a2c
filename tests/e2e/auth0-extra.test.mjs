// More of Auth0's Authentication API through the demo page in headless Chromium, against the
// local provider, calling the page's AuthClient (window.oidcDemo.client) directly: MFA enrolment
// with the voice and e-mail channels (binding code read from the provider's outbox), a second
// login challenged on that factor, deleting it; change-password e-mails and a typed error for an
// unknown connection; the device flow cancelled before approval (no poll after that), and slowed
// down once by the provider (the client adds 5 s to its interval, RFC 8628 §3.5, and still
// completes after approval in a second page); a cancelled poll() rejects at once, before its
// first wait or while a poll is in flight.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { DATABASE_CONNECTION } from '../provider/server.mjs';
import { useDemo } from './harness.mjs';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const DEVICE_INTERVAL = 1; // seconds, announced by the provider
const SLOW_DOWN_STEP = 5; // seconds, RFC 8628 §3.5
const env = useDemo({ passwordlessInterval: 1, mfaPollInterval: 1, deviceInterval: DEVICE_INTERVAL });
const { api, post, page } = env;

/** Runs `fn(client, arg)` in the page (arg: JSON); a rejection comes back as the AuthError's fields. */
function call(p, fn, arg) {
  return p.evaluate(`(async (a) => {
    const { AuthError } = await import('oidc-wasm');
    const f = ${fn.toString()};
    try {
      return { ok: await f(window.oidcDemo.client, a) };
    } catch (e) {
      return { err: { isAuthError: e instanceof AuthError, name: e.name, code: e.code, kind: e.kind, error: e.error,
        error_description: e.error_description, status: e.status, mfa_token: e.mfa_token, mfa_requirements: e.mfa_requirements,
        message: e.message } };
    }
  })(${JSON.stringify(arg) ?? 'undefined'})`);
}

async function carolNeedsMfa(p) {
  const r = await call(p, (c) => c.loginWithPassword({ username: 'carol', password: 'mfa-secret', realm: 'Username-Password-Authentication' }));
  assert.ok(r.err, 'carol needs a second factor');
  assert.equal(r.err.code, 'ERR_MFA_REQUIRED');
  assert.equal(r.err.isAuthError, true);
  assert.equal(r.err.status, 403);
  assert.equal(typeof r.err.mfa_token, 'string');
  return r.err;
}

const CHANNELS = {
  voice: { to: '+14155550142', query: 'phone_number=%2B14155550142', factor: 'phone',
    enroll: { oobChannel: 'voice', phoneNumber: '+14155550142' } },
  email: { to: 'carol@oidc-wasm.test', query: 'email=carol%40oidc-wasm.test', factor: 'email',
    enroll: { oobChannel: 'email', email: 'carol@oidc-wasm.test' } },
};

for (const [channel, setup] of Object.entries(CHANNELS)) {
  test(`MFA: carol enrolls the ${channel} channel, verifies with the binding code it carried, and is logged in`, async () => {
    await post('/__test/auth0/reset', {});
    const { context, p, errors } = await page();
    const required = await carolNeedsMfa(p);
    assert.ok(required.mfa_requirements.enroll.some((f) => f.type === setup.factor), JSON.stringify(required.mfa_requirements));
    const mfaToken = required.mfa_token;

    const enrolled = await call(p, (c, a) => c.mfa.enroll({ mfaToken: a.mfaToken, authenticatorType: 'oob', ...a.enroll }),
      { mfaToken, enroll: setup.enroll });
    assert.ok(enrolled.ok, JSON.stringify(enrolled.err));
    assert.equal(enrolled.ok.authenticator_type, 'oob');
    assert.equal(enrolled.ok.oob_channel, channel);
    assert.equal(enrolled.ok.binding_method, 'prompt');
    assert.equal(typeof enrolled.ok.oob_code, 'string');
    assert.equal(enrolled.ok.recovery_codes.length, 1, 'a recovery code with the first enrolment');

    // The message "sent" by voice call / e-mail, read through the provider's test hooks.
    const sent = await api(`/__test/last-oob?${setup.query}`);
    assert.equal(sent.oob_channel, channel);
    assert.equal(sent.oob_code, enrolled.ok.oob_code);
    assert.match(sent.binding_code, /^\d{6}$/);
    const outbox = await api(`/__test/outbox?to=${encodeURIComponent(setup.to)}`);
    assert.ok(outbox.messages.some((m) => m.kind === 'mfa' && m.channel === channel && m.binding_code === sent.binding_code),
      JSON.stringify(outbox));

    // Listed, not active yet.
    const pending = await call(p, (c, t) => c.mfa.getAuthenticators(t), mfaToken);
    assert.ok(pending.ok.some((a) => a.authenticator_type === 'oob' && a.oob_channel === channel && a.active === false), JSON.stringify(pending));

    // A wrong binding code: a typed error with the server's words; the transaction stays usable.
    const wrong = await call(p, (c, a) => c.mfa.verify({ mfaToken: a.mfaToken, oobCode: a.oobCode, bindingCode: a.bindingCode }),
      { mfaToken, oobCode: enrolled.ok.oob_code, bindingCode: sent.binding_code === '000000' ? '111111' : '000000' });
    assert.equal(wrong.err?.code, 'ERR_OAUTH_ERROR', JSON.stringify(wrong));
    assert.equal(wrong.err.error, 'invalid_grant');
    assert.equal(wrong.err.error_description, 'Invalid binding_code.');
    assert.equal(await call(p, (c) => c.isAuthenticated()).then((r) => r.ok), false);

    // The mfa-oob grant with the binding code ends the login.
    const tokens = await call(p, (c, a) => c.mfa.verify({ mfaToken: a.mfaToken, oobCode: a.oobCode, bindingCode: a.bindingCode }),
      { mfaToken, oobCode: enrolled.ok.oob_code, bindingCode: sent.binding_code });
    assert.ok(tokens.ok, JSON.stringify(tokens.err));
    assert.equal(tokens.ok.id_token_claims.sub, 'auth0|carol');
    assert.equal((await call(p, (c) => c.getUser())).ok.sub, 'auth0|carol');
    assert.equal((await call(p, (c) => c.isAuthenticated())).ok, true);
    const token = await call(p, (c) => c.getTokenSilently());
    assert.equal(typeof token.ok, 'string', 'the access token is cached');
    const stats = await api('/__test/stats');
    assert.ok(stats.grants['http://auth0.com/oauth/grant-type/mfa-oob'].ok >= 1);

    // The next login is challenged on that factor, in a fresh page.
    const second = await page();
    const again = await carolNeedsMfa(second.p);
    const types = again.mfa_requirements.challenge.map((f) => f.type);
    assert.deepEqual(types, [setup.factor, 'recovery-code']);
    const list = await call(second.p, (c, t) => c.mfa.getAuthenticators(t), again.mfa_token);
    const factor = list.ok.find((a) => a.authenticator_type === 'oob' && a.oob_channel === channel);
    assert.equal(factor?.active, true, JSON.stringify(list));
    const challenge = await call(second.p, (c, a) => c.mfa.challenge({ mfaToken: a.mfaToken, challengeType: 'oob', authenticatorId: a.id }),
      { mfaToken: again.mfa_token, id: factor.id });
    assert.equal(challenge.ok?.challenge_type, 'oob', JSON.stringify(challenge));
    assert.equal(challenge.ok.binding_method, 'prompt');
    const code = await api(`/__test/last-oob?oob_code=${encodeURIComponent(challenge.ok.oob_code)}`);
    assert.equal(code.kind, 'challenge');
    const login = await call(second.p, (c, a) => c.mfa.verify({ mfaToken: a.mfaToken, oobCode: a.oobCode, bindingCode: a.bindingCode }),
      { mfaToken: again.mfa_token, oobCode: challenge.ok.oob_code, bindingCode: code.binding_code });
    assert.ok(login.ok, JSON.stringify(login.err));
    assert.equal((await call(second.p, (c) => c.getUser())).ok.sub, 'auth0|carol');

    // Deleting the factor: carol is back to enrolling.
    const third = await carolNeedsMfa(second.p);
    const removed = await call(second.p, (c, a) => c.mfa.deleteAuthenticator(a.id, a.mfaToken), { id: factor.id, mfaToken: third.mfa_token });
    assert.ok(!removed.err, JSON.stringify(removed.err));
    const after = await call(second.p, (c, t) => c.mfa.getAuthenticators(t), third.mfa_token);
    assert.ok(!after.ok.some((a) => a.id === factor.id), JSON.stringify(after));
    assert.ok((await carolNeedsMfa(second.p)).mfa_requirements.enroll);

    assert.deepEqual(errors, []);
    await Promise.all([context.close(), second.context.close()]);
  });
}

test('changePassword: the provider\'s message, an e-mail in the outbox; an unknown connection is a typed AuthError', async () => {
  await post('/__test/auth0/reset', {});
  const { context, p, errors } = await page();
  assert.equal(DATABASE_CONNECTION, 'Username-Password-Authentication');
  const done = await call(p, (c, connection) => c.changePassword({ connection, email: 'alice@oidc-wasm.test' }), DATABASE_CONNECTION);
  assert.ok(!done.err, JSON.stringify(done.err));
  assert.equal(done.ok, "We've just sent you an email to reset your password.");
  const outbox = await api('/__test/outbox?to=alice@oidc-wasm.test');
  const mail = outbox.messages.find((m) => m.kind === 'change_password');
  assert.ok(mail, JSON.stringify(outbox));
  assert.equal(mail.channel, 'email');
  assert.match(mail.link, /\/lo\/reset\?ticket=/);

  // Same answer for an unknown address (no account enumeration), and no e-mail.
  const unknown = await call(p, (c, connection) => c.changePassword({ connection, email: 'nobody@oidc-wasm.test' }), DATABASE_CONNECTION);
  assert.equal(unknown.ok, "We've just sent you an email to reset your password.");
  assert.deepEqual((await api('/__test/outbox?to=nobody@oidc-wasm.test')).messages, []);

  const bad = await call(p, (c) => c.changePassword({ connection: 'No-Such-Database', email: 'alice@oidc-wasm.test' }));
  assert.ok(bad.err, 'rejected');
  assert.equal(bad.err.isAuthError, true);
  assert.equal(bad.err.name, 'AuthError');
  assert.equal(bad.err.code, 'ERR_OAUTH_ERROR');
  assert.equal(bad.err.status, 400);
  assert.equal(bad.err.error, 'bad.connection');
  assert.equal(bad.err.error_description, 'Connection does not exist');
  assert.equal((await api('/__test/outbox?to=alice@oidc-wasm.test')).messages.filter((m) => m.kind === 'change_password').length, 1);
  assert.deepEqual(errors, []);
  await context.close();
});

const devicePolls = async (userCode) => (await api(`/__test/device?user_code=${encodeURIComponent(userCode)}`)).polls;
const deviceTotal = async () => (await api('/__test/stats')).grants[DEVICE_GRANT].total;

/** startDeviceFlow in the page; the flow is kept as window.deviceFlow, poll() not called yet. */
async function startDevice(p) {
  const shown = await call(p, async (c) => {
    const d = await c.startDeviceFlow();
    window.deviceFlow = d;
    return { user_code: d.user_code, interval: d.interval, uri: d.verification_uri_complete ?? d.verification_uri,
      keys: Object.keys(d) };
  });
  assert.ok(shown.ok, JSON.stringify(shown.err));
  assert.equal(shown.ok.interval, DEVICE_INTERVAL, 'the interval the provider announced');
  assert.ok(!shown.ok.keys.includes('device_code'), 'the device code stays inside the client');
  return shown.ok;
}

/** The user opens the verification URI in another page, confirms and logs in. */
async function approveDevice(context, uri, userCode, [username, password] = ['alice', 'wonderland']) {
  const other = await context.newPage();
  await other.goto(uri);
  if (await other.$('#user_code')) {
    await other.fill('#user_code', userCode);
    await other.click('button[type=submit]');
  }
  await other.waitForSelector('#confirm');
  await other.click('#confirm');
  await other.waitForSelector('#username');
  await other.fill('#username', username);
  await other.fill('#password', password);
  await other.click('button[type=submit]');
  await other.waitForSelector('text=/activated/i');
  await other.close();
}

test('device flow: cancelled before approval, the poll rejects with ERR_DEVICE_FLOW_CANCELLED and polling stops', async () => {
  const { context, p, errors } = await page();
  const shown = await startDevice(p);
  await p.evaluate(() => {
    window.deviceAbort = new AbortController();
    window.deviceResult = window.deviceFlow.poll({ signal: window.deviceAbort.signal })
      .then((t) => ({ tokens: Boolean(t) }), (e) => ({ code: e.code, name: e.name, kind: e.kind, error: e.error }));
  });
  while ((await devicePolls(shown.user_code)).length < 2) await sleep(50);
  await p.evaluate(() => window.deviceAbort.abort());
  const result = await p.evaluate(() => window.deviceResult);
  assert.deepEqual(result, { code: 'ERR_DEVICE_FLOW_CANCELLED', name: 'AuthError', kind: 'config', error: 'cancelled' });

  const polls = await devicePolls(shown.user_code);
  assert.ok(polls.every((x) => x.result === 'authorization_pending'), JSON.stringify(polls));
  const total = await deviceTotal();
  // Several intervals later, and even once the user approves: not one more poll.
  await sleep(3 * DEVICE_INTERVAL * 1000 + 500);
  await approveDevice(context, shown.uri, shown.user_code);
  await sleep(2 * DEVICE_INTERVAL * 1000 + 500);
  assert.equal((await devicePolls(shown.user_code)).length, polls.length, 'no poll after cancellation');
  assert.equal(await deviceTotal(), total);
  assert.equal((await call(p, (c) => c.isAuthenticated())).ok, false, 'no login');
  assert.deepEqual(errors, []);
  await context.close();
});

test('device flow: a signal already aborted rejects at once, without polling', async () => {
  const { context, p } = await page();
  const shown = await startDevice(p);
  // A rejection that comes at once settles before any timer task: no wait for the interval.
  const outcome = await p.evaluate(() => Promise.race([
    window.deviceFlow.poll({ signal: AbortSignal.abort() }).then(() => 'tokens', (e) => e.code),
    new Promise((resolve) => { setTimeout(() => resolve('still waiting'), 0); }),
  ]));
  assert.equal(outcome, 'ERR_DEVICE_FLOW_CANCELLED');
  assert.equal((await devicePolls(shown.user_code)).length, 0, 'no poll');
  await context.close();
});

test('device flow: cancelled while a poll is in flight, the promise rejects at once and drops that poll', async () => {
  const { context, p } = await page();
  const shown = await startDevice(p);
  let held;
  const inFlight = new Promise((resolve) => { held = resolve; });
  let release;
  const gate = new Promise((resolve) => { release = resolve; });
  await p.route(`${env.provider.issuer}/token`, async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    held();
    await gate;
    return route.continue();
  });
  await p.evaluate(() => {
    window.deviceAbort = new AbortController();
    window.deviceResult = window.deviceFlow.poll({ signal: window.deviceAbort.signal }).then(() => 'tokens', (e) => e.code);
  });
  await inFlight;
  // The poll is still held by the route: the promise must settle without its answer.
  const outcome = await p.evaluate(() => { window.deviceAbort.abort(); return window.deviceResult; });
  assert.equal(outcome, 'ERR_DEVICE_FLOW_CANCELLED');
  release();
  await sleep(300);
  assert.equal((await devicePolls(shown.user_code)).length, 1, 'only the poll in flight');
  assert.equal((await call(p, (c) => c.isAuthenticated())).ok, false, 'no login');
  await context.close();
});

test('device flow: slow_down once, the client polls 5 s slower from then on and completes after approval', async () => {
  const { context, p, errors } = await page();
  const shown = await startDevice(p);
  // The provider answers the next poll of this device code with slow_down.
  const hook = await fetch(`${env.provider.issuer}/__test/device/slow_down`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user_code: shown.user_code }),
  });
  assert.equal(hook.status, 204);
  const startedAt = await p.evaluate(() => {
    window.deviceLogin = window.deviceFlow.poll().then((t) => ({ sub: t.id_token_claims?.sub }), (e) => ({ code: e.code, error: e.error }));
    return Date.now();
  });

  // First poll: slow_down; then a poll at the new interval, still pending.
  let polls;
  while ((polls = await devicePolls(shown.user_code)).length < 2) await sleep(100);
  assert.equal(polls[0].result, 'slow_down');
  assert.equal(polls[1].result, 'authorization_pending');
  await approveDevice(context, shown.uri, shown.user_code);

  const outcome = await p.evaluate(() => window.deviceLogin);
  assert.deepEqual(outcome, { sub: 'auth0|alice' });
  assert.equal((await call(p, (c) => c.getUser())).ok.sub, 'auth0|alice');
  polls = await devicePolls(shown.user_code);
  const results = polls.map((x) => x.result);
  assert.equal(results[0], 'slow_down');
  assert.equal(results.at(-1), 'ok');
  assert.ok(results.length >= 3 && results.slice(1, -1).every((r) => r === 'authorization_pending'),
    `slowed down once, never polled too fast again: ${results.join(', ')}`);

  // The first poll came one interval after poll(); each later one 1 + 5 s after the previous.
  const first = polls[0].at - startedAt;
  assert.ok(first >= DEVICE_INTERVAL * 1000 - 50 && first < DEVICE_INTERVAL * 1000 + 1500, `first poll after ${first} ms`);
  const slowed = (DEVICE_INTERVAL + SLOW_DOWN_STEP) * 1000;
  for (let i = 1; i < polls.length; i += 1) {
    const gap = polls[i].at - polls[i - 1].at;
    assert.ok(gap >= slowed - 50 && gap < slowed + 1500, `gap ${i}: ${gap} ms, expected ${slowed} ms`);
  }
  assert.equal((await api(`/__test/device?user_code=${encodeURIComponent(shown.user_code)}`)).interval, DEVICE_INTERVAL + SLOW_DOWN_STEP);
  assert.deepEqual(errors, []);
  await context.close();
});

test('passwordless magic link: started in one tab, the link opened in another logs the person in there', async () => {
  const { context, p, errors } = await page();
  const email = 'alice@oidc-wasm.test';
  const sent = await call(p, (c, a) => c.passwordless.start({ connection: 'email', email: a, send: 'link', appState: { from: 'magic link' } }), email);
  assert.ok(sent.ok, JSON.stringify(sent.err));
  assert.equal(sent.ok.email, email);
  const { link } = await api(`/__test/last-code?email=${encodeURIComponent(email)}`);
  const params = new URL(link).searchParams;
  // The link carries a full PKCE authorization request of this client.
  assert.equal(params.get('response_type'), 'code');
  assert.equal(params.get('code_challenge_method'), 'S256');
  assert.equal(params.get('redirect_uri'), `${env.demo.origin}/callback`);
  for (const k of ['state', 'nonce', 'code_challenge']) assert.ok(params.get(k), k);
  // A refresh token in the link never exists; the verifier stays in this browser only.
  assert.ok(!link.includes('code_verifier'));

  // The mail is opened in a new tab of the same browser: the demo handles the callback there.
  const tab = await context.newPage();
  await tab.goto(link);
  await tab.waitForSelector('#result:not([hidden])');
  assert.equal(await tab.textContent('#claims tr[data-claim="sub"] td:nth-child(2)'), 'auth0|alice');
  assert.equal(await tab.textContent('#claims tr[data-claim="email"] td:nth-child(2)'), email);
  const user = await call(tab, (c) => c.getUser());
  assert.equal(user.ok.sub, 'auth0|alice');
  const token = await call(tab, (c) => c.getTokenSilently());
  assert.equal(typeof token.ok, 'string');
  // Used once: the transaction is gone from storage, and the link does not work twice.
  assert.equal(await tab.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('oidc-wasm.tx.') && k.split('.').length > 3).length), 0);
  const again = await context.newPage();
  await again.goto(link);
  await again.waitForSelector('#error:not([hidden])');
  assert.equal(await again.textContent('#error-code'), 'ERR_CALLBACK_STATE_MISMATCH');
  assert.equal(await again.textContent('#error-oauth'), 'access_denied');
  assert.deepEqual(errors, []);
  await context.close();
});

test('passwordless magic link: an expired link comes back as a typed error with the server words', async () => {
  const { context, p } = await page();
  const email = 'bob@oidc-wasm.test';
  const sent = await call(p, (c, a) => c.passwordless.start({ connection: 'email', email: a, send: 'link' }), email);
  assert.ok(sent.ok, JSON.stringify(sent.err));
  const { link } = await api(`/__test/last-code?email=${encodeURIComponent(email)}`);
  await post('/__test/passwordless/expire', { email });
  const tab = await context.newPage();
  await tab.goto(link);
  await tab.waitForSelector('#error:not([hidden])');
  assert.equal(await tab.textContent('#error-oauth'), 'access_denied');
  assert.match(await tab.textContent('#error-description'), /verification code/i);
  assert.equal(await call(tab, (c) => c.isAuthenticated()).then((r) => r.ok), false);
  await context.close();
});
