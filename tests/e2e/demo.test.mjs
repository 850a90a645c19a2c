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
  provider = await startProvider({ port: 0, clientOrigins: [demo.origin], quiet: true });
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

test('a person logs in through the demo and sees their claims', async () => {
  const { page, errors } = await newPage();
  await page.goto(`${demo.origin}/`);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${provider.issuer}/**`);
  await page.fill('#username', 'alice');
  await page.fill('#password', 'wonderland');
  await page.click('button[type=submit]');
  await page.waitForSelector('#result:not([hidden])');
  assert.equal(await page.textContent('#user-name'), 'Alice Liddell');
  const claim = async (name) => page.textContent(`#claims tr[data-claim="${name}"] td:nth-child(2)`);
  assert.equal(await claim('sub'), 'auth0|alice');
  assert.equal(await claim('iss'), provider.issuer);
  assert.equal(await claim('aud'), CLIENT.clientId);
  assert.equal(await claim('email'), 'alice@oidc-wasm.test');
  assert.ok((await claim('nonce')).length >= 43, 'the nonce we sent comes back');
  assert.match(await page.textContent('#verified'), /^Signature verified \((RS256|ES256), kid /);
  assert.equal(new URL(page.url()).search, '', 'the callback parameters are removed from the address bar');
  assert.equal(await page.textContent('#tokens tr[data-claim="refresh_token"] td:nth-child(2)'), 'issued (kept in memory only)');
  assert.deepEqual(errors, []);
  // The provider saw exactly one code exchange.
  const stats = await (await fetch(`${provider.issuer}/__test/stats`)).json();
  assert.equal(JSON.stringify(stats).includes('authorization_code'), true);
  await page.close();
});

test('a wrong password keeps the person on the login form', async () => {
  const { page } = await newPage();
  await page.goto(`${demo.origin}/`);
  await page.getByRole('button', { name: 'Log in' }).click();
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
  await page.getByRole('button', { name: 'Log in' }).click();
  const s = new URL((await authorizeRequest).url()).searchParams.get('state');
  await page.waitForURL(`${provider.issuer}/**`);
  await page.goto(`${demo.origin}/callback?error=access_denied&error_description=The%20user%20said%20no&state=${encodeURIComponent(s)}&iss=${encodeURIComponent(provider.issuer)}`);
  await page.waitForSelector('#error:not([hidden])');
  assert.equal(await page.textContent('#error-code'), 'ERR_OAUTH_ERROR');
  assert.equal(await page.textContent('#error-oauth'), 'access_denied');
  assert.equal(await page.textContent('#error-description'), 'The user said no');
  await page.close();
});
