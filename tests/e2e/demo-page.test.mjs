// The demo page as a person sees it, in headless Chromium against the local provider: no dead
// ends (a refused callback leaves the buttons usable, an error never outlives the sign-in it
// preceded), errors next to the field that caused them, the signed-in view in sight with dates
// and both tokens' checks, the outbox panel approving a push and handing over a code, the
// requests panel, and no horizontal overflow at 390 px. Every wait is for an event.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLIENT, useDemo } from './harness.mjs';

const env = useDemo({ passwordlessInterval: 1, mfaPollInterval: 1 });
const { post } = env;
const TIMEOUT = 60_000; // a loaded 2-core machine

/**
 * A new context (viewport `width`) on the demo, ready to log in; page errors collected. The
 * config names the provider's test endpoints, for the outbox panel; `config` adds to it.
 */
async function open({ width = 1000, config = {} } = {}) {
  env.demo.setConfig({ issuer: env.provider.issuer, ...CLIENT, testEndpoints: `${env.provider.issuer}/__test`, ...config });
  const context = await env.browser.newContext({ viewport: { width, height: 800 } });
  context.setDefaultTimeout(TIMEOUT);
  const p = await context.newPage();
  const errors = [];
  p.on('pageerror', (e) => errors.push(e.message));
  await p.goto(`${env.demo.origin}/`);
  await p.waitForSelector('#login:not([disabled])');
  return { context, p, errors };
}

/** At the provider's login page: fill it in and wait for the signed-in view. */
async function providerLogin(p, username = 'alice', password = 'wonderland') {
  await p.waitForURL(`${env.provider.issuer}/**`);
  await p.fill('#username', username);
  await p.fill('#password', password);
  await p.click('button[type=submit]');
  await signedIn(p);
}

async function signedIn(p) {
  await p.waitForSelector('#result:not([hidden])');
  // The access token's verification ends the sign-in view.
  await p.waitForFunction(() => /verdict (ok|bad|muted)/.test(document.querySelector('#at-verified').className)
    && !document.querySelector('#at-verified').textContent.startsWith('Verifying'));
}

/** The error shown: its text, and the element (or field's label) it sits right after. */
const errorShown = (p) => p.evaluate(() => {
  const box = document.querySelector('#error');
  const prev = box.previousElementSibling;
  return {
    visible: !box.hidden && box.getBoundingClientRect().height > 0,
    count: document.querySelectorAll('[role=alert]:not([hidden])').length,
    message: document.querySelector('#error-text').textContent,
    code: document.querySelector('#error-code').textContent,
    after: prev?.querySelector('input')?.id ?? prev?.id ?? prev?.className,
    invalid: [...document.querySelectorAll('[aria-invalid=true]')].map((e) => e.id),
  };
});

/** The signed-in view's top in the upper half of the window (it scrolls there smoothly). */
const inSight = (p) => p.waitForFunction(() => {
  const r = document.querySelector('#result').getBoundingClientRect();
  return r.height > 0 && r.top >= -1 && r.top < innerHeight / 2;
});

const overflow = (p) => p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

test('a refused callback: the error sits by the Log in buttons, which work again; signed in, the error is gone', async () => {
  const { context, p, errors } = await open();
  await p.goto(`${env.demo.origin}/callback?code=stale&state=unknown-state`);
  await p.waitForSelector('#error:not([hidden])');
  const e = await errorShown(p);
  assert.equal(e.code, 'ERR_CALLBACK_STATE_MISMATCH');
  assert.equal(e.after, 'redirect-actions', 'next to the buttons that start a login');
  assert.equal(e.count, 1, 'one message');
  assert.match(await p.textContent('#status'), /^Signed out/);
  for (const id of ['login', 'popup', 'signup']) assert.equal(await p.isEnabled(`#${id}`), true, `#${id} usable`);
  assert.equal(await p.isVisible('#pw-form'), true, 'the embedded forms are there too');
  // Log in again from the same page.
  await p.click('#login');
  await providerLogin(p);
  assert.equal(await p.isHidden('#error'), true, 'no stale error next to "Signed in"');
  assert.equal(await p.isHidden('#signin'), true, 'the forms gave way');
  assert.match(await p.textContent('#status'), /^Signed in as Alice Liddell/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a provider error on the callback (access_denied): the server words, and logging in still works', async () => {
  const { context, p, errors } = await open();
  const authorize = p.waitForRequest((r) => r.url().startsWith(`${env.provider.issuer}/auth?`));
  await p.click('#login');
  const state = new URL((await authorize).url()).searchParams.get('state');
  await p.waitForURL(`${env.provider.issuer}/**`);
  await p.goto(`${env.demo.origin}/callback?error=access_denied&error_description=The%20user%20said%20no&state=${encodeURIComponent(state)}&iss=${encodeURIComponent(env.provider.issuer)}`);
  await p.waitForSelector('#error:not([hidden])');
  const e = await errorShown(p);
  assert.equal(e.message, 'The user said no', 'the one message: the server\'s words');
  assert.equal(await p.textContent('#error-oauth'), 'access_denied');
  assert.equal(e.after, 'redirect-actions');
  await p.click('#login');
  await providerLogin(p);
  assert.equal(await p.isHidden('#error'), true);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a wrong password: the message under the password field; the right one signs in and clears it', async () => {
  const { context, p, errors } = await open();
  // An empty field is caught on the page, under that field.
  await p.click('#pw-login');
  await p.waitForSelector('#error:not([hidden])');
  let e = await errorShown(p);
  assert.equal(e.after, 'pw-username');
  assert.deepEqual(e.invalid, ['pw-username']);
  assert.equal(e.code, '');
  await p.fill('#pw-username', 'alice');
  await p.fill('#pw-password', 'not-the-password');
  await p.click('#pw-login');
  await p.waitForFunction(() => document.querySelector('#error-code').textContent === 'ERR_OAUTH_ERROR');
  e = await errorShown(p);
  assert.equal(e.message, 'Wrong email or password.');
  assert.equal(e.after, 'pw-password', 'next to the field that was wrong');
  assert.deepEqual(e.invalid, ['pw-password']);
  assert.equal(e.count, 1);
  assert.equal(await p.isEnabled('#pw-login'), true);
  await p.fill('#pw-password', 'wonderland');
  await p.click('#pw-login');
  await signedIn(p);
  assert.equal(await p.isHidden('#error'), true, 'cleared on success');
  assert.deepEqual(await p.evaluate(() => [...document.querySelectorAll('[aria-invalid=true]')].map((x) => x.id)), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a wrong one-time code: the message under the code; the code from the outbox signs in', async () => {
  await post('/__test/auth0/reset', {});
  const { context, p, errors } = await open();
  await p.fill('#pl-email', 'bob@oidc-wasm.test');
  await p.click('#pl-email-send');
  await p.waitForSelector('#pl-verify-form:not([hidden])');
  // The code "sent" shows in the outbox panel.
  await p.waitForSelector('#outbox-list li[data-kind="passwordless"] code.code');
  await p.fill('#pl-code', '000000');
  await p.click('#pl-verify');
  await p.waitForSelector('#error:not([hidden])');
  const e = await errorShown(p);
  assert.equal(e.after, 'pl-code');
  assert.equal(e.code, 'ERR_OAUTH_ERROR');
  assert.match(e.message, /verification code/i);
  await p.click('#outbox-list li[data-kind="passwordless"] button:has-text("Use this code")');
  assert.match(await p.inputValue('#pl-code'), /^\d{6}$/);
  await p.click('#pl-verify');
  await signedIn(p);
  assert.equal(await p.isHidden('#error'), true);
  assert.equal(await p.textContent('#claims tr[data-claim="sub"] td:nth-child(2)'), 'auth0|bob');
  assert.match(await p.textContent('#how'), /one-time code/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('MFA: dave\'s push is approved from the outbox panel of the page', async () => {
  await post('/__test/auth0/reset', {});
  const { context, p, errors } = await open();
  await p.fill('#pw-username', 'dave');
  await p.fill('#pw-password', 'push-secret');
  await p.click('#pw-login');
  await p.waitForSelector('#mfa-choices button[data-authenticator^="push"]');
  assert.equal(await p.isHidden('#embedded'), true, 'the second factor in front');
  await p.click('#mfa-choices button[data-authenticator^="push"]');
  const approve = '#outbox-list li[data-channel="auth0"][data-state="pending"] button.approve';
  await p.waitForSelector(approve);
  // The library is polling: wait until the requests panel shows a pending answer, then approve.
  await p.waitForSelector('#network-list li[data-kind="poll"][data-status="400"]');
  await p.click(approve);
  await signedIn(p);
  assert.equal(await p.textContent('#claims tr[data-claim="sub"] td:nth-child(2)'), 'auth0|dave');
  assert.match(await p.textContent('#how'), /push approved/);
  await p.waitForSelector('#outbox-list li[data-channel="auth0"][data-state="used"]');
  const why = await p.$$eval('#network-list li', (lis) => lis.map((li) => li.textContent));
  assert.ok(why.some((t) => /\/mfa\/challenge.*challenge a factor/.test(t)), why.join('\n'));
  assert.ok(why.some((t) => /\/token.*200.*push approved/.test(t)), why.join('\n'));
  assert.equal(await p.isHidden('#error'), true);
  assert.deepEqual(errors, []);
  await context.close();
});

test('MFA: a denied push is an error by the push button; "Start over" goes back to the forms', async () => {
  await post('/__test/auth0/reset', {});
  const { context, p, errors } = await open();
  await p.fill('#pw-username', 'dave');
  await p.fill('#pw-password', 'push-secret');
  await p.click('#pw-login');
  await p.click('#mfa-choices button[data-authenticator^="push"]');
  await p.click('#outbox-list li[data-state="pending"] button.deny');
  await p.waitForSelector('#error:not([hidden])');
  const e = await errorShown(p);
  assert.equal(e.after, 'mfa-choices');
  assert.match(e.message, /rejected/i);
  assert.equal(await p.isEnabled('#mfa-choices button[data-authenticator^="push"]'), true, 'another push can be sent');
  await p.click('#mfa-cancel');
  await p.waitForSelector('#embedded:not([hidden])');
  assert.equal(await p.isHidden('#error'), true);
  assert.equal(await p.isHidden('#mfa'), true);
  assert.deepEqual(errors, []);
  await context.close();
});

test('signed in: in sight, dates as dates, the ID token\'s checks as made, the access token verified, the requests listed', async () => {
  const { context, p, errors } = await open({ width: 1000 });
  await p.click('#login');
  await providerLogin(p);
  await inSight(p);
  // Dates: a <time> with the claim's instant, and the number kept.
  const exp = await p.$eval('#claims tr[data-claim="exp"] td:nth-child(2)', (td) => ({ iso: td.querySelector('time')?.dateTime, text: td.textContent }));
  const raw = Number(exp.text.match(/(\d{10})\)$/)[1]);
  assert.equal(exp.iso, new Date(raw * 1000).toISOString());
  for (const claim of ['iat', 'updated_at']) assert.ok(await p.$(`#claims tr[data-claim="${claim}"] time`), claim);
  // A redirect login sent a nonce, so its check is listed.
  const checks = await p.$$eval('#verified li', (lis) => lis.map((li) => li.textContent));
  assert.match(await p.textContent('#verified'), /^Signature verified \((RS256|ES256), kid /);
  assert.ok(checks.includes('nonce is the one sent with the login'), checks.join(' | '));
  // The access token, verified on the page.
  assert.match(await p.getAttribute('#at-verified', 'class'), /\bok\b/);
  assert.match(await p.textContent('#at-verified'), /Verified on this page with the package's Verifier/);
  assert.equal(await p.textContent('#at-claims tr[data-claim="aud"] td:nth-child(2)'), CLIENT.audience);
  assert.ok(await p.$('#at-claims tr[data-claim="exp"] time'));
  // The requests, each with its reason.
  const rows = await p.$$eval('#network-list li', (lis) => lis.map((li) => ({ kind: li.dataset.kind, status: li.dataset.status, text: li.textContent })));
  const find = (re) => rows.find((r) => re.test(r.text));
  assert.ok(find(/oidc_wasm_bg\.wasm.*WebAssembly module/), 'the module');
  assert.ok(find(/openid-configuration.*discovery/), 'discovery');
  assert.ok(find(/\/auth.*login page \(PKCE S256, state, nonce\)/), 'the login page');
  assert.equal(find(/exchange the authorization code/)?.status, '200');
  assert.ok(find(/\/jwks.*JWKS/), 'the keys');
  assert.ok(find(/Verifier \(access token\)/), 'the Verifier\'s own requests');
  // "Get access token": from the cache, no request; the expiry as a date.
  const before = rows.length;
  await p.click('#token');
  await p.waitForSelector('#tokens tr[data-claim="expires_at"] time');
  assert.equal(await p.$$eval('#network-list li', (lis) => lis.filter((li) => /\/token/.test(li.textContent)).length),
    rows.filter((r) => /\/token/.test(r.text)).length, 'served from the cache');
  assert.ok(before > 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a password login: no nonce check is claimed', async () => {
  const { context, p } = await open();
  await p.fill('#pw-username', 'alice');
  await p.fill('#pw-password', 'wonderland');
  await p.click('#pw-login');
  await signedIn(p);
  const text = await p.textContent('#verified');
  assert.doesNotMatch(text, /nonce is the one/);
  assert.match(text, /No nonce: this grant sends none/);
  assert.doesNotMatch(await p.textContent('#claims'), /nonce/);
  await context.close();
});

test('without an audience the access token is opaque, and the page says so', async () => {
  const { context, p, errors } = await open({ config: { audience: undefined } });
  await p.click('#login');
  await providerLogin(p);
  assert.match(await p.textContent('#at-verified'), /^Opaque \(\d+ characters\): not a JWT/);
  assert.equal(await p.isHidden('#at-claims'), true);
  assert.deepEqual(errors, []);
  await context.close();
});

test('390 px wide: no horizontal overflow, signed out, with an error, during MFA with the outbox, signed in', async () => {
  await post('/__test/auth0/reset', {});
  const { context, p, errors } = await open({ width: 390 });
  assert.equal(await overflow(p), 0, 'signed out');
  await p.fill('#pl-phone', '12345');
  await p.click('#pl-sms-send');
  await p.waitForSelector('#error:not([hidden])');
  assert.equal((await errorShown(p)).after, 'pl-phone');
  assert.match(await p.textContent('#error-message'), /E\.164/);
  assert.equal(await overflow(p), 0, 'with an error');
  await p.fill('#pw-username', 'dave');
  await p.fill('#pw-password', 'push-secret');
  await p.click('#pw-login');
  await p.click('#mfa-choices button[data-authenticator^="push"]');
  await p.waitForSelector('#outbox-list li[data-state="pending"] button.approve');
  assert.equal(await p.isHidden('#error'), true, 'the phone number\'s error went with the next action');
  assert.equal(await overflow(p), 0, 'MFA, a push in the outbox');
  // Approve down in the outbox; once signed in, the signed-in view is brought into sight.
  await p.$eval('#network', (el) => el.scrollIntoView({ block: 'end' }));
  assert.ok(await p.evaluate(() => scrollY) > 300, 'scrolled down');
  await p.click('#outbox-list li[data-state="pending"] button.approve');
  await signedIn(p);
  await inSight(p);
  await p.click('#token');
  await p.waitForSelector('#tokens tr[data-claim="call"]');
  assert.equal(await overflow(p), 0, 'signed in, tokens and requests listed');
  // Nothing sticks out of its card either.
  const wide = await p.evaluate(() => [...document.querySelectorAll('main *')]
    .filter((el) => el.getClientRects().length && el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
    .map((el) => el.id || el.className || el.tagName));
  assert.deepEqual(wide, []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('userinfo, then logout revoking the refresh token: both listed in the requests panel after the way back', async () => {
  const { context, p, errors } = await open();
  await p.fill('#pw-username', 'alice');
  await p.fill('#pw-password', 'wonderland');
  await p.click('#pw-login');
  await signedIn(p);
  await p.click('#userinfo');
  await p.waitForSelector('#userinfo-section:not([hidden])');
  assert.equal(await p.textContent('#userinfo-claims tr[data-claim="sub"] td:nth-child(2)'), 'auth0|alice');
  assert.ok(await p.$('#userinfo-claims tr[data-claim="updated_at"] time'));
  const revocations = async () => (await env.api('/__test/stats')).routes.revocation ?? 0;
  const before = await revocations();
  await p.check('#logout-revoke');
  await p.click('#logout');
  await p.waitForURL(`${env.demo.origin}/`);
  await p.waitForSelector('#login:not([disabled])');
  assert.equal(await revocations() - before, 1);
  const rows = await p.$$eval('#network-list li', (lis) => lis.map((li) => li.textContent));
  const i = (re) => rows.findIndex((t) => re.test(t));
  assert.ok(i(/\/me.*200.*userinfo/) >= 0, rows.join('\n'));
  assert.ok(i(/revocation.*200.*revoke the refresh token/) > i(/\/me/), rows.join('\n'));
  assert.ok(i(/\/v2\/logout.*log out at the provider/) > i(/revocation/), rows.join('\n'));
  assert.deepEqual(errors, []);
  await context.close();
});
