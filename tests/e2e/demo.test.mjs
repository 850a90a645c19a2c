// The demo, used as a person would: open the page, click "Log in", fill the provider's login
// form, land back on the app, see the ID token's claims. Headless Chromium, real provider.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startProvider } from '../provider/server.mjs';
import { startDemoServer } from '../../scripts/demo-server.mjs';
import { launchChromium } from '../js/chromium.mjs';

const CLIENT = { clientId: 'oidc-wasm-spa', scope: 'openid profile email offline_access', audience: 'https://api.oidc-wasm.test' };
let demo, provider, browser;

before(async () => {
  demo = await startDemoServer({ port: 0, pkgDir: process.env.OIDC_WASM_PKG_DIR });
  // Access tokens live 63 s: with the 60 s leeway they count as expired 3 s after issue.
  provider = await startProvider({ port: 0, clientOrigins: [demo.origin], quiet: true, accessTokenTtl: 63 });
  demo.setConfig({ issuer: provider.issuer, ...CLIENT });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await Promise.allSettled([demo?.close(), provider?.close()]);
});

async function newPage() {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  return { page, errors };
}

/** What a person does: open the demo, click "Log in", fill the provider's form, land back. */
async function login(page) {
  await page.goto(`${demo.origin}/`);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await page.waitForURL(`${provider.issuer}/**`);
  await page.fill('#username', 'alice');
  await page.fill('#password', 'wonderland');
  await page.click('button[type=submit]');
  await page.waitForSelector('#result:not([hidden])');
}

test('a person logs in through the demo and sees their claims', async () => {
  const { page, errors } = await newPage();
  await login(page);
  assert.equal(await page.textContent('#user-name'), 'Alice Liddell');
  const claim = async (name) => page.textContent(`#claims tr[data-claim="${name}"] td:nth-child(2)`);
  assert.equal(await claim('sub'), 'auth0|alice');
  assert.equal(await claim('iss'), provider.issuer);
  assert.equal(await claim('aud'), CLIENT.clientId);
  assert.equal(await claim('email'), 'alice@oidc-wasm.test');
  assert.ok((await claim('nonce')).length >= 43, 'the nonce we sent comes back');
  assert.match(await page.textContent('#verified'), /^Signature verified \((RS256|ES256), kid /);
  assert.equal(new URL(page.url()).search, '', 'the callback parameters are removed from the address bar');
  assert.deepEqual(errors, []);
  // The provider saw exactly one code exchange.
  const stats = await (await fetch(`${provider.issuer}/__test/stats`)).json();
  assert.equal(JSON.stringify(stats).includes('authorization_code'), true);
  await page.close();
});

/** Run `fn` in a fresh browser context with the demo configured with `config`, then restore. */
async function withDemo(config, fn) {
  demo.setConfig({ issuer: provider.issuer, ...CLIENT, ...config });
  const context = await browser.newContext();
  try {
    return await fn(context);
  } finally {
    demo.setConfig({ issuer: provider.issuer, ...CLIENT });
    await context.close();
  }
}

/** Waits until the page's cached access token counts as expired (its lifetime minus the leeway). */
const untilExpired = (page) => page.evaluate(async () => {
  const deadline = Date.now() + 60_000;
  while (await window.oidcDemo.client.getTokenSilently({ cacheMode: 'cache-only' }) !== undefined) {
    if (Date.now() > deadline) throw new Error('the access token did not expire within 60 s');
    await new Promise((r) => { setTimeout(r, 100); });
  }
});

const grants = async () => (await (await fetch(`${provider.issuer}/__test/stats`)).json()).grants;
const tokenCell = (page, name) => page.textContent(`#tokens tr[data-claim="${name}"] td:nth-child(2)`);

test('the session: cached token, refresh with rotation after expiry, one request for many callers, logout', async () => {
  const { page, errors } = await newPage();
  await login(page);
  const before = await grants();
  // Served from the cache: no request.
  await page.getByRole('button', { name: 'Get access token' }).click();
  await page.waitForSelector('#tokens tr[data-claim="call"]');
  const firstJti = await tokenCell(page, 'jti');
  assert.equal((await grants()).refresh_token.total, before.refresh_token.total, 'no refresh while the token is fresh');
  // After expiry (leeway included): one refresh, a new token, the refresh token rotated.
  await untilExpired(page);
  const rtBefore = await page.evaluate(() => window.oidcDemo.client.getTokenSilently({ cacheMode: 'cache-only' }));
  assert.equal(rtBefore, undefined, 'cache-only gives nothing once the token counts as expired');
  await page.getByRole('button', { name: 'Get access token' }).click();
  await page.waitForFunction(() => document.querySelector('#tokens tr[data-claim="call"] td:nth-child(2)')?.textContent === '2');
  assert.notEqual(await tokenCell(page, 'jti'), firstJti);
  let g = await grants();
  assert.equal(g.refresh_token.total - before.refresh_token.total, 1);
  assert.equal(g.refresh_token.error, 0);
  // Many callers at once, cache bypassed: one request, everybody gets the same token.
  const tokens = await page.evaluate(() => Promise.all(Array.from({ length: 5 },
    () => window.oidcDemo.client.getTokenSilently({ cacheMode: 'off' }))));
  assert.equal(new Set(tokens).size, 1);
  g = await grants();
  assert.equal(g.refresh_token.total - before.refresh_token.total, 2, 'five concurrent calls made one request');
  assert.equal(g.refresh_token.error, 0, 'the rotated refresh token was used, never a spent one');
  // Refresh tokens never reach browser storage with the default memory cache.
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
  const refreshTokens = await page.evaluate(() => Promise.resolve(window.oidcDemo.client.getTokenSilently({ detailedResponse: true })));
  assert.ok(refreshTokens.access_token);
  assert.ok(!/refresh_token/.test(stored), `storage holds ${stored}`);
  assert.equal(await page.evaluate(() => window.oidcDemo.client.isAuthenticated()), true);
  // Logout: the provider ends the session and sends the browser back.
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.waitForURL(`${demo.origin}/`);
  await page.waitForSelector('#login:not([disabled])');
  assert.equal(await page.evaluate(() => window.oidcDemo.client.isAuthenticated()), false);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a wrong password keeps the person on the login form', async () => {
  const { page } = await newPage();
  await page.goto(`${demo.origin}/`);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await page.waitForURL(`${provider.issuer}/**`);
  await page.fill('#username', 'alice');
  await page.fill('#password', 'not-the-password');
  await page.click('button[type=submit]');
  await page.waitForSelector('#username');
  assert.ok(page.url().startsWith(provider.issuer));
  await page.close();
});

test('reloading a handled callback URL gives a typed error, not a broken page', async () => {
  const { page, errors } = await newPage();
  await page.goto(`${demo.origin}/callback?code=stale&state=unknown-state`);
  await page.waitForSelector('#error:not([hidden])');
  assert.equal(await page.textContent('#error-code'), 'ERR_CALLBACK_STATE_MISMATCH');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a provider error on the callback is shown with the server words', async () => {
  const { page } = await newPage();
  await page.goto(`${demo.origin}/`);
  // Start a login to have a transaction, then come back with an error for its state.
  const authorizeRequest = page.waitForRequest((r) => r.url().startsWith(`${provider.issuer}/auth?`));
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  const s = new URL((await authorizeRequest).url()).searchParams.get('state');
  await page.waitForURL(`${provider.issuer}/**`);
  await page.goto(`${demo.origin}/callback?error=access_denied&error_description=The%20user%20said%20no&state=${encodeURIComponent(s)}&iss=${encodeURIComponent(provider.issuer)}`);
  await page.waitForSelector('#error:not([hidden])');
  assert.equal(await page.textContent('#error-code'), 'ERR_OAUTH_ERROR');
  assert.equal(await page.textContent('#error-oauth'), 'access_denied');
  assert.equal(await page.textContent('#error-description'), 'The user said no');
  await page.close();
});

for (const minutes of [-5, 5]) {
  test(`a device clock ${Math.abs(minutes)} minutes ${minutes < 0 ? 'behind' : 'ahead'}: login, cache and refresh still work`, async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.clock.install({ time: Date.now() + minutes * 60_000 });
    await page.clock.resume();
    await login(page);
    assert.equal(await page.textContent('#user-name'), 'Alice Liddell');
    const before = await grants();
    const a = await page.evaluate(() => window.oidcDemo.client.getTokenSilently());
    assert.equal((await grants()).refresh_token.total, before.refresh_token.total, 'served from the cache');
    await page.clock.fastForward(4000);
    const b = await page.evaluate(() => window.oidcDemo.client.getTokenSilently());
    assert.notEqual(a, b);
    assert.equal((await grants()).refresh_token.total - before.refresh_token.total, 1, 'refreshed once after expiry');
    await context.close();
  });
}

for (const locks of ['Web Locks', 'the localStorage fallback']) test(`two tabs asking at the same moment (${locks}): one refresh, both get the new token, no invalid_grant`, async () => {
  // Leeway 50 s on 63 s tokens: a token counts as expired 13 s after issue, so the tab that
  // comes second has 13 s to adopt the sibling's fresh token even on a loaded machine.
  await withDemo({ cacheLocation: 'localstorage', leeway: 50 }, async (context) => {
    if (locks !== 'Web Locks') await context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'locks', { get: () => undefined }));
    const tab1 = await context.newPage();
    await login(tab1);
    const tab2 = await context.newPage();
    await tab2.goto(`${demo.origin}/`);
    await tab2.waitForFunction(() => window.oidcDemo?.client);
    assert.equal(await tab2.evaluate(() => window.oidcDemo.client.isAuthenticated()), true, 'the session is shared');
    await untilExpired(tab1);
    const before = await grants();
    const [t1, t2] = await Promise.all([tab1, tab2].map((p) => p.evaluate(() => window.oidcDemo.client.getTokenSilently())));
    const g = await grants();
    assert.equal(g.refresh_token.total - before.refresh_token.total, 1, 'exactly one refresh');
    assert.equal(g.refresh_token.error - before.refresh_token.error, 0, 'no invalid_grant');
    assert.equal(t1, t2, 'the second tab adopted the token the first one obtained');
  });
});

test('a provider that is down: a clear error, and the session is intact afterwards', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await login(page);
  await untilExpired(page);
  await page.route(`${provider.issuer}/**`, (route) => route.abort('connectionrefused'));
  const e = await page.evaluate(() => window.oidcDemo.client.getTokenSilently().then(() => null, (e) => ({ code: e.code, name: e.name, message: e.message })));
  assert.equal(e?.code, 'ERR_NETWORK', JSON.stringify(e));
  assert.equal(e.name, 'AuthError');
  assert.equal(await page.evaluate(() => window.oidcDemo.client.isAuthenticated()), true, 'still logged in');
  await page.unroute(`${provider.issuer}/**`);
  const t = await page.evaluate(() => window.oidcDemo.client.getTokenSilently());
  assert.ok(t.length > 100, 'the refresh token survived the outage');
  await context.close();
});

test('without refresh tokens, getTokenSilently uses prompt=none in a hidden iframe (web_message)', async () => {
  await withDemo({ scope: 'openid profile email', useRefreshTokens: false }, async (context) => {
    const page = await context.newPage();
    await login(page);
    const before = await grants();
    const first = await page.evaluate(() => window.oidcDemo.client.getTokenSilently());
    const fresh = await page.evaluate(() => window.oidcDemo.client.getTokenSilently({ cacheMode: 'off' }));
    assert.notEqual(first, fresh);
    const g = await grants();
    assert.equal(g.authorization_code.total - before.authorization_code.total, 1, 'one code exchange from the iframe');
    assert.equal(g.refresh_token.total - before.refresh_token.total, 0);
    assert.equal(await page.locator('iframe').count(), 0, 'the iframe is removed');
    // A page with no provider session gets login_required.
    const other = await browser.newContext();
    const anon = await other.newPage();
    await anon.goto(`${demo.origin}/`);
    await anon.waitForFunction(() => window.oidcDemo?.client);
    const e = await anon.evaluate(() => window.oidcDemo.client.getTokenSilently().then(() => null, (e) => ({ code: e.code, error: e.error })));
    assert.deepEqual(e, { code: 'ERR_LOGIN_REQUIRED', error: 'login_required' });
    await other.close();
  });
});

test('popup login: the popup logs in, the page gets verified claims without leaving', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${demo.origin}/`);
  await page.waitForSelector('#popup:not([disabled])');
  const [popup] = await Promise.all([context.waitForEvent('page'), page.click('#popup')]);
  await popup.waitForSelector('#username');
  await popup.fill('#username', 'alice');
  await popup.fill('#password', 'wonderland');
  await popup.click('button[type=submit]');
  await page.waitForSelector('#result:not([hidden])');
  assert.equal(await page.textContent('#user-name'), 'Alice Liddell');
  assert.equal(new URL(page.url()).pathname, '/', 'the page never navigated');
  await context.close();
});

test('corrupt or foreign data in storage is ignored and cleaned; logout still works', async () => {
  // Without the iframe fallback: a missing refresh token is reported as such.
  await withDemo({ cacheLocation: 'localstorage', useRefreshTokensFallback: false }, async (context) => {
    const page = await context.newPage();
    await page.goto(`${demo.origin}/`);
    await page.evaluate(() => {
      localStorage.setItem('@@oidc-wasm@@::oidc-wasm-spa::@@manifest@@', '{"keys": ["@@oidc-wasm@@::oidc-wasm-spa::x::openid", 7]}');
      localStorage.setItem('@@oidc-wasm@@::oidc-wasm-spa::x::openid', '{not json');
      localStorage.setItem('@@auth0spajs@@::someone-else', '{"body":{"access_token":"theirs"}}');
      sessionStorage.setItem('oidc-wasm.tx.oidc-wasm-spa', 'garbage');
    });
    await page.reload();
    await page.waitForFunction(() => window.oidcDemo?.client);
    const r = await page.evaluate(async () => {
      const c = window.oidcDemo.client;
      const out = { auth: await c.isAuthenticated(), user: await c.getUser() ?? null };
      out.token = await c.getTokenSilently().then(() => null, (e) => e.code);
      await c.logout({ openUrl: false });
      out.left = Object.keys(localStorage).sort();
      return out;
    });
    assert.deepEqual(r, { auth: false, user: null, token: 'ERR_MISSING_REFRESH_TOKEN', left: ['@@auth0spajs@@::someone-else'] });
    await login(page);
    assert.equal(await page.textContent('#user-name'), 'Alice Liddell', 'a normal login afterwards');
  });
});

test('a reload restores the session: the memory cache is empty, the provider\'s session signs the user in again', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const frames = [];
  page.on('request', (r) => { if (r.url().startsWith(`${provider.issuer}/auth?`) && r.url().includes('prompt=none')) frames.push(r.url()); });
  await login(page);
  assert.deepEqual(frames, [], 'no silent login before the reload');
  await page.reload();
  await page.waitForSelector('#result:not([hidden])');
  assert.equal(await page.textContent('#user-name'), 'Alice Liddell');
  assert.match(await page.textContent('#how'), /Session found when the page loaded/);
  assert.equal(frames.length, 1, 'restored by one silent login in a hidden iframe (prompt=none)');
  assert.ok(frames[0].includes('response_mode=web_message'));
  // Logged out, a reload makes no request to the provider at all (the is.authenticated cookie is gone).
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.waitForURL(`${demo.origin}/`);
  await page.waitForSelector('#login:not([disabled])');
  const before = frames.length;
  await page.reload();
  await page.waitForSelector('#login:not([disabled])');
  assert.equal(frames.length, before);
  await context.close();
});

test('logout can revoke the refresh token (RFC 7009)', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await login(page);
  const routes = async () => (await (await fetch(`${provider.issuer}/__test/stats`)).json()).routes;
  const before = (await routes()).revocation ?? 0;
  await page.evaluate(() => window.oidcDemo.client.logout({ openUrl: false, revokeRefreshToken: true }));
  assert.equal(((await routes()).revocation ?? 0) - before, 1);
  assert.equal(await page.evaluate(() => window.oidcDemo.client.isAuthenticated()), false);
  await context.close();
});
