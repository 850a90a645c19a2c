// The drop-in test: the same app code run once with the real @auth0/auth0-spa-js 2.28 and once
// with oidc-wasm (each bundled with esbuild), in headless Chromium against the local provider in
// its Auth0 shape (issuer with a trailing slash, /authorize, /oauth/token, /v2/logout), and the
// observable results compared: the /authorize and /v2/logout URLs and parameters, the
// transaction, the storage keys and entry shapes after login, the is.authenticated cookies,
// checkSession without the cookie making no request, the error classes and their fields, and a
// user signed in with one library still signed in after swapping to the other, both ways.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { startProvider } from '../provider/server.mjs';
import { startDemoServer } from '../../scripts/demo-server.mjs';
import { launchChromium } from '../js/chromium.mjs';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const PKG = resolve(process.env.OIDC_WASM_PKG_DIR ?? join(ROOT, 'pkg'));
const CLIENT_ID = 'oidc-wasm-spa';
const AUDIENCE = 'https://api.oidc-wasm.test';
const LIBS = ['auth0', 'oidc'];

let dir, server, provider, browser;

// The page: loads one library (chosen by ?lib=, remembered for the callback in sessionStorage)
// and constructs a client at once, before anything has loaded (auth0-spa-js apps do that).
const PAGE = `<!doctype html><meta charset="utf-8"><title>drop-in</title><body><script type="module">
const q = new URL(location.href).searchParams.get('lib');
if (q) sessionStorage.setItem('dropin.lib', q);
const name = sessionStorage.getItem('dropin.lib');
const lib = await import(name === 'auth0' ? '/dropin/auth0.js' : '/dropin/oidc.js');
window.readyAtConstruct = typeof lib.isReady === 'function' ? lib.isReady() : null;
try {
  new lib.Auth0Client({ domain: location.origin, clientId: 'at-page-load' });
  window.ctorError = null;
} catch (e) {
  window.ctorError = String(e?.message ?? e);
}
window.lib = lib;
window.libName = name;
</script></body>`;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'oidc-wasm-dropin-'));
  writeFileSync(join(dir, 'index.html'), PAGE);
  writeFileSync(join(dir, 'auth0-entry.mjs'), "export * from '@auth0/auth0-spa-js';\n");
  writeFileSync(join(dir, 'oidc-entry.mjs'), "export * from 'oidc-wasm';\n");
  await build({
    entryPoints: { auth0: join(dir, 'auth0-entry.mjs'), oidc: join(dir, 'oidc-entry.mjs') }, bundle: true, format: 'esm',
    platform: 'browser', outdir: dir, logLevel: 'error', nodePaths: [join(ROOT, 'node_modules')],
    alias: { 'oidc-wasm': join(PKG, 'browser.js') },
  });
  // esbuild keeps `new URL('./oidc_wasm_bg.wasm', import.meta.url)`: the asset goes next to the bundle.
  copyFileSync(join(PKG, 'oidc_wasm_bg.wasm'), join(dir, 'oidc_wasm_bg.wasm'));
  server = await startDemoServer({ port: 0, mounts: [['/dropin/', dir], ['/callback', dir]] });
  provider = await startProvider({ port: 0, clientOrigins: [server.origin], auth0Tenant: true, quiet: true });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await Promise.allSettled([server?.close(), provider?.close()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The client options of the app, the same for both libraries. */
function options(extra = {}) {
  return { domain: provider.issuer, clientId: CLIENT_ID, cacheLocation: 'localstorage', useRefreshTokens: true,
    ...extra, authorizationParams: { redirect_uri: `${server.origin}/callback`, audience: AUDIENCE, scope: 'openid profile email',
      ...(extra.authorizationParams ?? {}) } };
}

/** Open the app page with `lib` in `context` (a new one when absent). */
async function open(lib, context) {
  const ctx = context ?? await browser.newContext();
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.origin}/dropin/?lib=${lib}`);
  await page.waitForFunction(() => window.lib !== undefined);
  return { context: ctx, page, errors };
}

/** Run `fn(lib, arg)` in the page, where `lib` is the library's module. */
function run(page, fn, arg) {
  return page.evaluate(`(async (arg) => (${fn.toString()})(window.lib, arg))(${JSON.stringify(arg) ?? 'undefined'})`);
}

/** Storage and cookies of the page, without the test's own flag. */
async function snapshot(page, context) {
  const s = await page.evaluate(() => ({
    local: Object.fromEntries(Object.entries(localStorage).map(([k, v]) => [k, JSON.parse(v)])),
    session: Object.fromEntries(Object.entries(sessionStorage).filter(([k]) => k !== 'dropin.lib').map(([k, v]) => [k, JSON.parse(v)])),
  }));
  s.cookies = (await context.cookies()).filter((c) => c.name.includes(CLIENT_ID) || c.name.includes('auth0'));
  return s;
}

/** The shape of a value: its member names, recursively for plain objects (values left out). */
function shape(v) {
  if (Array.isArray(v)) return 'array';
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, shape(v[k])]));
  return typeof v;
}

/** Log in as alice with `lib`: redirect, the provider's form, the callback handled. */
async function login(lib, { context, authorizationParams = { scope: 'read:messages' }, appState = { to: '/inbox' } } = {}) {
  const opened = await open(lib, context);
  const { page } = opened;
  // openUrl keeps the page here, so the transaction can be read before leaving.
  const url = await run(page, async (l, a) => {
    let target;
    await new l.Auth0Client(a.options).loginWithRedirect({ authorizationParams: a.authorizationParams, appState: a.appState,
      openUrl: (u) => { target = u; } });
    return target;
  }, { options: options(), authorizationParams, appState });
  const tx = await snapshot(page, opened.context);
  await page.goto(url);
  await page.waitForSelector('#username');
  await page.fill('#username', 'alice');
  await page.fill('#password', 'wonderland');
  await page.click('button[type=submit]');
  await page.waitForURL(`${server.origin}/callback?**`);
  await page.waitForFunction(() => window.lib !== undefined);
  const result = await run(page, async (l, o) => new l.Auth0Client(o).handleRedirectCallback(), options());
  return { ...opened, url: new URL(url), tx, result, after: await snapshot(page, opened.context) };
}

/** Query parameters as an object, the random ones reduced to their form. */
function params(url) {
  const out = {};
  for (const [k, v] of new URL(url).searchParams) {
    out[k] = ['state', 'nonce', 'code_challenge'].includes(k) ? (/^[A-Za-z0-9_~.+/=\-]{20,}$/.test(v) ? 'random' : v) : v;
  }
  return out;
}

test('at page load, the constructor runs before anything is loaded, as auth0-spa-js\'s', async () => {
  for (const lib of LIBS) {
    const { context, errors } = await open(lib);
    const page = context.pages()[0];
    assert.equal(await page.evaluate(() => window.ctorError), null, lib);
    if (lib === 'oidc') assert.equal(await page.evaluate(() => window.readyAtConstruct), false, 'constructed before the module loaded');
    assert.deepEqual(errors, []);
    await context.close();
  }
  // An option the module checks is reported at the first async call, as an AuthError.
  const { context, page } = await open('oidc');
  const e = await run(page, async (l) => {
    const c = new l.Auth0Client({ domain: 'http://insecure.example', clientId: 'c' });
    return c.getTokenSilently().then(() => null, (err) => ({ code: err.code, generic: err instanceof l.GenericError }));
  });
  assert.deepEqual(e, { code: 'ERR_CONFIG_INSECURE_ISSUER', generic: true });
  await context.close();
});

test('login: the same /authorize parameters, transaction, storage keys, entry shapes and cookies', async () => {
  const seen = {};
  for (const lib of LIBS) {
    const r = await login(lib);
    const { auth0Client: _, ...p } = params(r.url);
    assert.equal(r.url.pathname, '/authorize', lib);
    const txKey = `a0.spajs.txs.${CLIENT_ID}`;
    const { created_at: _c, max_age: _m, ...tx } = r.tx.session[txKey] ?? {};
    const local = r.after.local;
    const user = local[`@@auth0spajs@@::${CLIENT_ID}::@@user@@`];
    const tokenKey = Object.keys(local).find((k) => !k.endsWith('@@user@@'));
    const cookies = Object.fromEntries(r.after.cookies.map((c) => [c.name, { value: c.value, path: c.path,
      days: Math.round((c.expires * 1000 - Date.now()) / 864e5) }]));
    seen[lib] = {
      params: p, tx: shape(tx), txScope: tx.scope, txAudience: tx.audience, appState: tx.appState,
      result: r.result, localKeys: Object.keys(local).sort(), sessionKeys: Object.keys(r.after.session),
      entry: shape(local[tokenKey]), entryBody: { scope: local[tokenKey]?.body.scope, audience: local[tokenKey]?.body.audience,
        client_id: local[tokenKey]?.body.client_id, token_type: local[tokenKey]?.body.token_type },
      user: shape(user), userClaims: user?.decodedToken?.user, cookies,
      expiresAt: local[tokenKey] ? local[tokenKey].expiresAt - Math.floor(Date.now() / 1000) : null,
    };
    assert.deepEqual(r.errors, [], lib);
    await r.context.close();
  }
  const [a, o] = [seen.auth0, seen.oidc];
  // The scope: openid, the configured one, offline_access (useRefreshTokens), the call's own.
  assert.equal(a.params.scope, 'openid profile email offline_access read:messages');
  assert.deepEqual(o.params, a.params);
  assert.deepEqual(o.tx, a.tx);
  assert.deepEqual([o.txScope, o.txAudience, o.appState], [a.txScope, a.txAudience, a.appState]);
  assert.deepEqual(o.result, a.result);
  assert.deepEqual(a.localKeys, [`@@auth0spajs@@::${CLIENT_ID}::${AUDIENCE}::openid profile email offline_access read:messages`,
    `@@auth0spajs@@::${CLIENT_ID}::@@user@@`].sort());
  assert.deepEqual(o.localKeys, a.localKeys);
  assert.deepEqual(o.sessionKeys, a.sessionKeys, 'the transaction is gone');
  assert.deepEqual(o.entry, a.entry);
  assert.deepEqual(o.entryBody, a.entryBody);
  assert.deepEqual(o.user, a.user);
  assert.deepEqual(o.userClaims, a.userClaims);
  assert.ok(Math.abs(o.expiresAt - a.expiresAt) < 120, `${o.expiresAt} ${a.expiresAt}`);
  assert.deepEqual(Object.keys(a.cookies).sort(), [`_legacy_auth0.${CLIENT_ID}.is.authenticated`, `auth0.${CLIENT_ID}.is.authenticated`]);
  assert.deepEqual(o.cookies, a.cookies);
  assert.equal(a.cookies[`auth0.${CLIENT_ID}.is.authenticated`].days, 1, 'sessionCheckExpiryDays defaults to 1');
});

test('useCookiesForTransactions and sessionCheckExpiryDays: the same cookies; a refresh sends the same parameters', async () => {
  const seen = {};
  for (const lib of LIBS) {
    const context = await browser.newContext();
    const { page } = await open(lib, context);
    const o = options({ useCookiesForTransactions: true, sessionCheckExpiryDays: 3 });
    const url = await run(page, async (l, a) => {
      let target;
      await new l.Auth0Client(a).loginWithRedirect({ authorizationParams: { scope: 'read:messages' }, openUrl: (u) => { target = u; } });
      return target;
    }, o);
    const txCookies = (await context.cookies()).filter((c) => c.name.includes('a0.spajs.txs'));
    const tx = JSON.parse(decodeURIComponent(txCookies.find((c) => !c.name.startsWith('_legacy_')).value));
    const session = await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k !== 'dropin.lib'));
    await page.goto(url);
    await page.waitForSelector('#username');
    await page.fill('#username', 'alice');
    await page.fill('#password', 'wonderland');
    await page.click('button[type=submit]');
    await page.waitForURL(`${server.origin}/callback?**`);
    await page.waitForFunction(() => window.lib !== undefined);
    await run(page, async (l, a) => new l.Auth0Client(a).handleRedirectCallback(), o);
    // (The provider's own cookies are on the same host: only this client's are compared.)
    const cookies = (await context.cookies()).filter((c) => c.name.includes(CLIENT_ID)).map((c) => ({ name: c.name, value: c.value,
      days: Math.round((c.expires * 1000 - Date.now()) / 864e5) })).sort((x, y) => x.name.localeCompare(y.name));
    // A refresh with a scope of the call's own: auth0-spa-js sends neither scope nor audience.
    const body = page.waitForRequest((r) => r.method() === 'POST' && r.url().startsWith(provider.issuer) && /refresh_token/.test(r.postData() ?? ''));
    await run(page, async (l, a) => new l.Auth0Client(a).getTokenSilently({ authorizationParams: { scope: 'read:messages' }, cacheMode: 'off' }), o);
    const sent = new URLSearchParams((await body).postData());
    seen[lib] = { txCookieNames: txCookies.map((c) => c.name).sort(), txDays: txCookies.map((c) => Math.round((c.expires * 1000 - Date.now()) / 864e5)),
      tx: shape(tx), session, cookies, refresh: { scope: sent.get('scope'), audience: sent.get('audience'),
        grant_type: sent.get('grant_type'), client_id: sent.get('client_id') } };
    await context.close();
  }
  const [a, o] = [seen.auth0, seen.oidc];
  assert.deepEqual(a.txCookieNames, [`_legacy_a0.spajs.txs.${CLIENT_ID}`, `a0.spajs.txs.${CLIENT_ID}`]);
  assert.deepEqual(a.session, [], 'not in sessionStorage');
  assert.deepEqual(a.cookies.map((c) => [c.name, c.days]), [[`_legacy_auth0.${CLIENT_ID}.is.authenticated`, 3], [`auth0.${CLIENT_ID}.is.authenticated`, 3]],
    'the transaction cookies are gone after the callback');
  assert.deepEqual(a.refresh, { scope: null, audience: null, grant_type: 'refresh_token', client_id: CLIENT_ID });
  const { tx: otx, ...orest } = o;
  const { tx: atx, ...arest } = a;
  assert.deepEqual(orest, arest);
  const { created_at: _c, max_age: _m, ...otxShape } = otx;
  assert.deepEqual(otxShape, atx);
});

test('checkSession without the is.authenticated cookie makes no request; with it, it signs the user in again', async () => {
  for (const lib of LIBS) {
    const { context, page } = await open(lib);
    const requests = [];
    page.on('request', (r) => { if (r.url().startsWith(provider.issuer)) requests.push(r.url()); });
    const r = await run(page, async (l, o) => {
      const c = new l.Auth0Client(o);
      await c.checkSession();
      const created = await l.createAuth0Client(o);
      return { auth: await c.isAuthenticated(), created: await created.isAuthenticated() };
    }, options({ cacheLocation: 'memory', useRefreshTokens: false }));
    assert.deepEqual(r, { auth: false, created: false }, lib);
    assert.deepEqual(requests, [], `${lib}: no request without the cookie`);
    await context.close();
  }
  // Signed in (the provider session and the cookie are there), a memory cache is empty after a
  // reload: checkSession signs the user in again with prompt=none in an iframe, for both.
  for (const lib of LIBS) {
    const { context, page } = await login(lib, { authorizationParams: {} });
    await page.goto(`${server.origin}/dropin/?lib=${lib}`);
    await page.waitForFunction(() => window.lib !== undefined);
    const silent = page.waitForRequest((r) => r.url().startsWith(`${provider.issuer}/authorize`) && r.url().includes('prompt=none'));
    const r = await run(page, async (l, o) => {
      const c = await l.createAuth0Client(o);
      return { auth: await c.isAuthenticated(), sub: (await c.getUser())?.sub };
    }, options({ cacheLocation: 'memory', useRefreshTokens: false }));
    const p = params((await silent).url());
    assert.deepEqual(r, { auth: true, sub: 'auth0|alice' }, lib);
    assert.equal(p.response_mode, 'web_message', lib);
    await context.close();
  }
});

test('a user signed in with one library is still signed in after swapping to the other, both ways', async () => {
  for (const [first, second] of [['auth0', 'oidc'], ['oidc', 'auth0']]) {
    const { context, page } = await login(first);
    const before = await run(page, async (l, o) => {
      const c = new l.Auth0Client(o);
      return { token: await c.getTokenSilently(), sub: (await c.getUser())?.sub };
    }, options());
    await page.close();
    const other = await open(second, context);
    const tokenRequests = [];
    other.page.on('request', (r) => { if (r.method() === 'POST' && r.url().startsWith(provider.issuer)) tokenRequests.push(r.url()); });
    const r = await run(other.page, async (l, o) => {
      const c = new l.Auth0Client(o);
      const out = { auth: await c.isAuthenticated(), sub: (await c.getUser())?.sub, email: (await c.getUser())?.email,
        raw: typeof (await c.getIdTokenClaims())?.__raw, token: await c.getTokenSilently() };
      // The refresh token the other library stored is used, and the result stored for it.
      out.refreshed = await c.getTokenSilently({ cacheMode: 'off' });
      return out;
    }, options());
    assert.equal(r.auth, true, `${first} -> ${second}`);
    assert.equal(r.sub, 'auth0|alice');
    assert.equal(r.email, 'alice@oidc-wasm.test');
    assert.equal(r.raw, 'string');
    assert.equal(r.token, before.token, 'the cached access token is read as it is');
    assert.notEqual(r.refreshed, before.token);
    assert.equal(tokenRequests.length, 1, `one refresh: ${tokenRequests}`);
    // And back: the first library reads what the second wrote.
    // The refreshed token is kept under the key asked for, beside the login's (whose refresh
    // token was rotated in place); the ID token entry is kept.
    const keys = Object.keys((await snapshot(other.page, context)).local).sort();
    assert.deepEqual(keys, [`@@auth0spajs@@::${CLIENT_ID}::${AUDIENCE}::openid profile email offline_access read:messages`,
      `@@auth0spajs@@::${CLIENT_ID}::${AUDIENCE}::openid profile email offline_access`,
      `@@auth0spajs@@::${CLIENT_ID}::@@user@@`].sort(), `${first} -> ${second}`);
    await other.page.close();
    const back = await open(first, context);
    const b = await run(back.page, async (l, o) => {
      const c = new l.Auth0Client(o);
      return { token: await c.getTokenSilently(), sub: (await c.getUser())?.sub };
    }, options());
    assert.deepEqual(b, { token: r.refreshed, sub: 'auth0|alice' }, `${second} -> ${first}`);
    await context.close();
  }
});

test('logout: the same /v2/logout URL; the cache and the cookies are gone, then the provider session', async () => {
  const urls = {};
  for (const lib of LIBS) {
    const { context, page } = await login(lib);
    const returnTo = `${server.origin}/`;
    urls[lib] = await run(page, async (l, a) => {
      let target;
      await new l.Auth0Client(a.o).logout({ logoutParams: { returnTo: a.returnTo, federated: true }, openUrl: (u) => { target = u; } });
      return target;
    }, { o: options(), returnTo });
    const left = await snapshot(page, context);
    assert.deepEqual(Object.keys(left.local), [], `${lib}: the cache is cleared`);
    assert.deepEqual(left.cookies, [], `${lib}: the is.authenticated cookies are removed`);
    // A real logout, by navigation: the provider ends its session and sends the browser back.
    await run(page, (l, a) => { new l.Auth0Client(a.o).logout({ logoutParams: { returnTo: a.returnTo } }); }, { o: options(), returnTo });
    await page.waitForURL(returnTo);
    const last = (await (await fetch(`${provider.issuer}/__test/auth0/logouts`)).json()).logouts.at(-1);
    assert.deepEqual(last.query.filter(([k]) => k !== 'auth0Client'), [['client_id', CLIENT_ID], ['returnTo', returnTo]], lib);
    // The provider session ended: silent authentication now answers login_required.
    const silent = await open(lib, context);
    const e = await run(silent.page, async (l, o) => new l.Auth0Client(o).getTokenSilently().then(() => null,
      (err) => ({ generic: err instanceof l.GenericError, error: err.error })), options({ useRefreshTokens: false }));
    assert.deepEqual(e, { generic: true, error: 'login_required' }, lib);
    await context.close();
  }
  const strip = (u) => { const x = new URL(u); x.searchParams.delete('auth0Client'); return x.href.replace('federated=', 'federated'); };
  assert.equal(strip(urls.auth0), `${provider.issuer}/v2/logout?client_id=${CLIENT_ID}&returnTo=${encodeURIComponent(`${server.origin}/`)}&federated`);
  assert.equal(strip(urls.oidc), strip(urls.auth0));
  assert.equal(urls.oidc, strip(urls.auth0), 'oidc-wasm sends no auth0Client telemetry');
});

test('errors: the same classes and fields', async () => {
  const seen = {};
  for (const lib of LIBS) {
    const { context, page } = await open(lib);
    seen[lib] = await run(page, async (l, a) => {
      const describe = (e) => ({
        classes: ['GenericError', 'AuthenticationError', 'TimeoutError', 'PopupTimeoutError', 'PopupCancelledError', 'PopupOpenError',
          'MfaRequiredError', 'MissingRefreshTokenError', 'MissingScopesError', 'UseDpopNonceError', 'ConnectError',
          'InvalidConfigurationError'].filter((n) => typeof l[n] === 'function' && e instanceof l[n]),
        error: e.error, error_description: e.error_description, state: e.state, appState: e.appState, audience: e.audience, scope: e.scope,
      });
      const out = {};
      // No refresh token in the cache.
      out.missing = await new l.Auth0Client(a.o).getTokenSilently().then(() => null, describe);
      // No session at the provider: prompt=none answers login_required.
      out.login = await new l.Auth0Client({ ...a.o, useRefreshTokens: false }).getTokenSilently().then(() => null, describe);
      // The popup cannot be opened.
      const open = window.open;
      window.open = () => null;
      out.popup = await new l.Auth0Client(a.o).loginWithPopup().then(() => null, describe);
      window.open = open;
      // A popup that never answers: the library's own timeout (1 s here) ends the wait.
      const silentPopup = { location: { href: '' }, closed: false, close() { this.closed = true; } };
      out.popupTimeout = await new l.Auth0Client(a.o).loginWithPopup({}, { popup: silentPopup, timeoutInSeconds: 1 }).then(() => null, describe);
      // The provider answers the redirect with an error.
      let url;
      const c = new l.Auth0Client(a.o);
      await c.loginWithRedirect({ appState: { back: 1 }, openUrl: (u) => { url = u; } });
      const state = new URL(url).searchParams.get('state');
      // (With the iss the provider sends, RFC 9207, which auth0-spa-js ignores.)
      out.callback = await c.handleRedirectCallback(`${a.origin}/callback?error=access_denied&error_description=nope&state=${encodeURIComponent(state)}`
        + `&iss=${encodeURIComponent(`${a.o.domain}/`)}`)
        .then(() => null, describe);
      out.callbackState = out.callback?.state === state;
      delete out.callback.state;
      out.exported = ['GenericError', 'AuthenticationError', 'TimeoutError', 'PopupTimeoutError', 'PopupCancelledError', 'PopupOpenError',
        'MfaRequiredError', 'MissingRefreshTokenError', 'MissingScopesError', 'UseDpopNonceError', 'ConnectError',
        'InvalidConfigurationError', 'MfaError', 'MfaListAuthenticatorsError', 'MfaEnrollmentError', 'MfaChallengeError',
        'MfaVerifyError', 'MfaEnrollmentFactorsError'].filter((n) => typeof l[n] !== 'function');
      return out;
    }, { o: options(), origin: server.origin });
    if (lib === 'oidc') {
      seen.codes = await run(page, async (l, o) => {
        const e = await new l.Auth0Client(o).getTokenSilently().catch((x) => x);
        return { isAuthError: e instanceof l.AuthError, code: e.code };
      }, options());
      // An error the module reports takes its class from its code: mfa_required is a MfaRequiredError.
      seen.mfa = await run(page, async (l, o) => {
        const e = await new l.Auth0Client(o).loginWithPassword({ username: 'carol', password: 'mfa-secret',
          realm: 'Username-Password-Authentication' }).then(() => null, (x) => x);
        return { classes: ['GenericError', 'AuthError', 'MfaRequiredError'].filter((n) => e instanceof l[n]), code: e?.code,
          error: e?.error, token: typeof e?.mfa_token, requirements: typeof e?.mfa_requirements };
      }, options());
    }
    await context.close();
  }
  const [a, o] = [seen.auth0, seen.oidc];
  assert.deepEqual(a.missing.classes, ['GenericError', 'MissingRefreshTokenError']);
  assert.equal(a.login.error, 'login_required');
  assert.deepEqual(a.popup.classes, ['GenericError', 'PopupOpenError']);
  assert.deepEqual(a.callback.classes, ['GenericError', 'AuthenticationError']);
  assert.deepEqual(a.exported, []);
  assert.deepEqual(a.popupTimeout.classes, ['GenericError', 'TimeoutError', 'PopupTimeoutError']);
  for (const k of ['missing', 'login', 'popup', 'popupTimeout', 'callback', 'callbackState', 'exported']) {
    if (k === 'login') {
      assert.deepEqual([o.login.classes, o.login.error], [a.login.classes, a.login.error]);
    } else {
      assert.deepEqual(o[k], a[k], k);
    }
  }
  assert.deepEqual(seen.codes, { isAuthError: true, code: 'ERR_MISSING_REFRESH_TOKEN' }, 'AuthError and its code remain');
  assert.deepEqual(seen.mfa, { classes: ['GenericError', 'AuthError', 'MfaRequiredError'], code: 'ERR_MFA_REQUIRED', error: 'mfa_required',
    token: 'string', requirements: 'object' });
});

test('with issuer instead of domain, oidc-wasm keeps RP-initiated logout at the end_session_endpoint', async () => {
  const { context, page } = await open('oidc');
  const url = await run(page, async (l, a) => {
    let target;
    await new l.Auth0Client({ issuer: a.issuer, clientId: a.clientId }).logout({ logoutParams: { returnTo: a.returnTo },
      openUrl: (u) => { target = u; } });
    return target;
  }, { issuer: `${provider.issuer}/`, clientId: CLIENT_ID, returnTo: `${server.origin}/` });
  const u = new URL(url);
  assert.equal(`${u.origin}${u.pathname}`, `${provider.issuer}/session/end`);
  assert.deepEqual([...u.searchParams], [['client_id', CLIENT_ID], ['post_logout_redirect_uri', `${server.origin}/`]]);
  await context.close();
});
