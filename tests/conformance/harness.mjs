// Shared setup of the RP conformance modules: the faulty provider (tests/provider/faulty-provider.mjs)
// and the package's Node entry point (pkg/node.js). No browser: the client builds the
// authorization URL, the provider answers it with its redirect (op.authorize), and that callback
// URL goes back to the client.
//
// Two views of the client in each module: OidcClient, each protocol step on its own (the typed
// error), and AuthClient as an app uses it, over a cache the test can read (nothing kept after a
// refusal). AuthClient keeps a login's transaction in sessionStorage; Node has none, so a Map
// stands in for it (installSessionStorage).
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { AuthClient, AuthError, OidcClient } from '../../pkg/node.js';
import {
  CONFORMANCE_CLIENT_ID as CLIENT_ID,
  CONFORMANCE_POST_LOGOUT_REDIRECT_URI as POST_LOGOUT_REDIRECT_URI,
  CONFORMANCE_REDIRECT_URI as REDIRECT_URI,
  CONFORMANCE_USER as USER,
  startFaultyProvider,
} from '../provider/faulty-provider.mjs';

export { AuthError, CLIENT_ID, POST_LOGOUT_REDIRECT_URI, REDIRECT_URI, USER };
export const SCOPE = 'openid profile email offline_access';

/**
 * Start the faulty provider for this test file with `module` (its conditions) and stop it after;
 * the returned object's `op` is set once `before` ran.
 */
export function useFaultyProvider(module, options) {
  const env = { op: null };
  before(async () => { env.op = await startFaultyProvider({ module, options }); });
  after(() => env.op?.close());
  return env;
}

/** A new OidcClient for the provider (nothing discovered or fetched yet). */
export function newClient(op, options = {}) {
  return new OidcClient({ issuer: op.issuer, clientId: CLIENT_ID, authorizationParams: { redirect_uri: REDIRECT_URI, scope: SCOPE }, ...options });
}

/** The client's authorization request, answered by the provider: { url, transaction, callbackUrl }. */
export async function authorize(op, client) {
  const { url, transaction } = await client.buildAuthorizeUrl();
  return { url, transaction, callbackUrl: await op.authorize(url) };
}

/** A whole login by redirect with OidcClient: the tokens handleCallback returns. */
export async function login(op, client) {
  const { transaction, callbackUrl } = await authorize(op, client);
  return client.handleCallback(callbackUrl, transaction);
}

/**
 * For assert.rejects: an AuthError with this `code`, and these members (`claim`, `reason`,
 * `error`, ...) when given.
 */
export function authError(code, members = {}) {
  return (e) => {
    assert.ok(e instanceof AuthError, `expected AuthError ${code}, got ${e?.stack ?? e}`);
    assert.equal(e.code, code, e.message);
    for (const [k, v] of Object.entries(members)) assert.equal(e[k], v, `${k} of ${e.code}: ${e.message}`);
    return true;
  };
}

/** A Web Storage over a Map, as sessionStorage for AuthClient's login transactions. */
class MemoryStorage {
  #m = new Map();
  get length() { return this.#m.size; }
  key(i) { return [...this.#m.keys()][i] ?? null; }
  getItem(k) { return this.#m.has(String(k)) ? this.#m.get(String(k)) : null; }
  setItem(k, v) { this.#m.set(String(k), String(v)); }
  removeItem(k) { this.#m.delete(String(k)); }
  clear() { this.#m.clear(); }
}

export function installSessionStorage() {
  globalThis.sessionStorage ??= new MemoryStorage();
}

/**
 * An app's session with AuthClient (`issuer`, refresh tokens) over a cache the test reads:
 * `store` (a Map of what the app keeps). `login()` runs loginWithRedirect (its URL captured),
 * the provider's answer, then handleRedirectCallback with that callback URL.
 */
export function appSession(op) {
  installSessionStorage();
  const store = new Map();
  const cache = {
    get: (k) => store.get(k),
    set: (k, v) => { store.set(k, structuredClone(v)); },
    remove: (k) => { store.delete(k); },
    allKeys: () => [...store.keys()],
  };
  const auth = new AuthClient({ issuer: op.issuer, clientId: CLIENT_ID, cache, useRefreshTokens: true,
    authorizationParams: { redirect_uri: REDIRECT_URI } });
  return {
    auth,
    store,
    /** The cached token set(s): every entry with an access token. */
    entries: () => [...store.values()].filter((v) => typeof v?.body?.access_token === 'string').map((v) => v.body),
    /** The redirect URI the provider sent the last login back to. */
    callbackUrl: null,
    async login() {
      let url;
      await auth.loginWithRedirect({ openUrl: (u) => { url = u; } });
      this.callbackUrl = await op.authorize(url);
      return auth.handleRedirectCallback(this.callbackUrl);
    },
  };
}

/**
 * After a refused login: the app kept nothing, nobody is signed in, and the login's transaction
 * was used up (the same callback again is ERR_CALLBACK_STATE_MISMATCH, RFC 6749 §10.12).
 */
export async function assertNothingKept(app) {
  assert.deepEqual([...app.store.keys()], [], 'nothing cached');
  assert.equal(await app.auth.isAuthenticated(), false);
  assert.equal(await app.auth.getUser(), undefined);
  if (app.callbackUrl) {
    await assert.rejects(app.auth.handleRedirectCallback(app.callbackUrl), authError('ERR_CALLBACK_STATE_MISMATCH'));
    assert.deepEqual([...app.store.keys()], [], 'nothing cached after a replay either');
  }
}

/**
 * The shape of most modules: a login whose token response the module spoils.
 *
 * 1. Control: with no fault (oidcc-client-test) the same login passes, so what follows is the
 *    fault's doing.
 * 2. With `module` (and `options`): OidcClient's handleCallback is refused as `expected` says,
 *    after exactly one token request (the spoiled answer did arrive).
 * 3. The same login in an app (AuthClient): refused the same way, and nothing is kept.
 *
 * Returns the spoiled ID token the provider issued ({ header, claims, token }).
 */
export async function expectRefusedLogin(op, module, expected, options) {
  op.use('oidcc-client-test');
  await login(op, newClient(op));
  op.use(module, options);
  const tokenRequests = op.count('/token', 'POST');
  const issued = op.idTokens.length;
  await assert.rejects(login(op, newClient(op)), expected);
  assert.equal(op.count('/token', 'POST'), tokenRequests + 1, 'the code was exchanged once');
  assert.equal(op.idTokens.length, issued + 1, 'the spoiled ID token was issued');
  const spoiled = op.idTokens.at(-1);
  const app = appSession(op);
  await assert.rejects(app.login(), expected);
  await assertNothingKept(app);
  return spoiled;
}

/**
 * Move this process's clock (Date.now, which the module reads too) `seconds` ahead until the
 * returned function is called: the time a cache or a cooldown waits for, without waiting.
 */
export function advanceClock(seconds) {
  const real = Date.now;
  Date.now = () => real() + seconds * 1000;
  return () => { Date.now = real; };
}
