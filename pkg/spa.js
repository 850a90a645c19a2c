// The single-page-app session, with the surface of @auth0/auth0-spa-js: redirect login and
// callback, a token cache, silent refresh with rotating refresh tokens, the user's verified
// claims, logout. Protocol rules live in the WebAssembly core; this file keeps state in the
// browser (storage, locks, navigation).
import { AuthError, OidcClient, init, parseCallbackUrl, _glue } from './core.js';

const TX_PREFIX = 'oidc-wasm.tx.';
const DEFAULT_SCOPE = 'openid profile email';
const PROTOCOL_CLAIMS = new Set(['iss', 'aud', 'exp', 'nbf', 'iat', 'jti', 'azp', 'nonce', 'auth_time', 'at_hash',
  'c_hash', 'acr', 'amr', 'sub_jwk', 'cnf', 'sid', 'org_id', 'org_name']);

/** The in-memory cache (the default): nothing is written to browser storage. */
export class InMemoryCache {
  #m = new Map();
  get(key) { return this.#m.get(key); }
  set(key, value) { this.#m.set(key, value); }
  remove(key) { this.#m.delete(key); }
  allKeys() { return [...this.#m.keys()]; }
}

/** A Web Storage area, or undefined where there is none or it is blocked (sandboxed frames, workers). */
function storage(name) {
  try {
    return globalThis[name] ?? undefined;
  } catch {
    return undefined;
  }
}

/** Wait `seconds`; when `signal` aborts (or already has), reject at once with `cancelled()`. */
function pause(seconds, signal, cancelled) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) { reject(cancelled()); return; }
    const onAbort = () => { clearTimeout(timer); reject(cancelled()); };
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, seconds * 1000);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * `promise`, unless `signal` aborts first: then `cancelled()` is thrown at once, and a result that
 * arrives later is dropped (a cancelled login caches nothing).
 */
function unlessAborted(promise, signal, cancelled) {
  if (!signal) return promise;
  return new Promise((resolve, reject) => {
    if (signal.aborted) { promise.catch(() => {}); reject(cancelled()); return; }
    const onAbort = () => reject(cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then((v) => {
      signal.removeEventListener('abort', onAbort);
      if (signal.aborted) reject(cancelled()); else resolve(v);
    }, (e) => { signal.removeEventListener('abort', onAbort); reject(e); });
  });
}

/** A cache in localStorage or sessionStorage; values are JSON, anything unreadable is dropped. */
export class StorageCache {
  #s;
  constructor(storage) { this.#s = storage; }
  get(key) {
    const raw = this.#s.getItem(key);
    if (raw == null) return undefined;
    try {
      const v = JSON.parse(raw);
      if (v && typeof v === 'object') return v;
    } catch { /* corrupt or foreign: dropped below */ }
    this.#s.removeItem(key);
    return undefined;
  }
  set(key, value) { this.#s.setItem(key, JSON.stringify(value)); }
  remove(key) { this.#s.removeItem(key); }
  allKeys() { return Object.keys(this.#s); }
}

function pickCache(options) {
  if (options.cache) return options.cache;
  switch (options.cacheLocation ?? 'memory') {
    case 'memory': return new InMemoryCache();
    case 'localstorage': return new StorageCache(globalThis.localStorage);
    case 'sessionstorage': return new StorageCache(globalThis.sessionStorage);
    default:
      throw new AuthError('ERR_CONFIG_INVALID_OPTION',
        `cacheLocation must be 'memory', 'localstorage' or 'sessionstorage', not ${JSON.stringify(options.cacheLocation)}`,
        { kind: 'config' });
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const readLock = (raw) => { try { return JSON.parse(raw); } catch { return null; } };

/**
 * A cross-tab mutex in localStorage, for browsers without the Web Locks API: write an owner
 * mark, let competing writers settle, keep the lock only if the mark is still ours after two
 * settling periods (a write from another tab's process reaches this one with a delay, longer on a
 * busy machine). A holder that died leaves a mark that expires; a waiter that cannot get the lock
 * in time goes on without it (the refresh may then race, but the page never hangs).
 */
async function storageLock(name, fn, { holdMs = 15_000, waitMs = 20_000 } = {}) {
  const ls = globalThis.localStorage;
  if (!ls) return fn(false);
  let contended = false;
  const key = `${name}.lock`;
  const me = `${Date.now().toString(36)}.${Math.random().toString(36).slice(2)}`;
  const deadline = Date.now() + waitMs;
  for (;;) {
    const cur = readLock(ls.getItem(key));
    if (!cur || cur.expires < Date.now()) {
      ls.setItem(key, JSON.stringify({ owner: me, expires: Date.now() + holdMs }));
      await sleep(100);
      if (readLock(ls.getItem(key))?.owner === me) {
        await sleep(100);
        if (readLock(ls.getItem(key))?.owner === me) break;
      }
    }
    contended = true;
    if (Date.now() > deadline) break;
    await sleep(40 + Math.random() * 40);
  }
  try {
    return await fn(contended);
  } finally {
    if (readLock(ls.getItem(key))?.owner === me) ls.removeItem(key);
  }
}

const withOpenid = (scope) => [...new Set(['openid', ...String(scope ?? DEFAULT_SCOPE).split(/\s+/).filter(Boolean)])].join(' ');

/**
 * An OpenID Connect session in a single-page app. `new AuthClient(options)` needs the module
 * loaded (`await init()`); `createAuthClient(options)` loads it first.
 */
export class AuthClient {
  #oidc;
  #options;
  #cache;
  #clientId;
  #defaults;
  #inflight = new Map();

  constructor(options = {}) {
    const { cacheLocation, cache, useRefreshTokens = false, useRefreshTokensFallback = false, leeway = 60,
      authorizeTimeoutInSeconds, ...rest } = options;
    this.#options = { cacheLocation, cache, useRefreshTokens, useRefreshTokensFallback, leeway, authorizeTimeoutInSeconds };
    const params = { ...(rest.authorizationParams ?? {}) };
    params.scope = withOpenid(`${params.scope ?? DEFAULT_SCOPE}${useRefreshTokens ? ' offline_access' : ''}`);
    if (!params.redirect_uri && globalThis.location?.origin) params.redirect_uri = globalThis.location.origin;
    this.#defaults = params;
    this.#oidc = new OidcClient({ ...rest, leeway, authorizationParams: params });
    this.#clientId = this.#oidc.clientId;
    this.#cache = pickCache(this.#options);
  }

  // ---- keys and the manifest (so storage is never scanned) ----
  #manifestKey() { return `@@oidc-wasm@@::${this.#clientId}::@@manifest@@`; }
  async #manifest() {
    const m = await this.#cache.get(this.#manifestKey());
    return Array.isArray(m?.keys) ? m.keys.filter((k) => typeof k === 'string') : [];
  }
  async #setManifest(keys) {
    if (keys.length) await this.#cache.set(this.#manifestKey(), { keys: [...new Set(keys)] });
    else await this.#cache.remove(this.#manifestKey());
  }
  #key(audience, scope) {
    return _glue.cacheKey(this.#clientId, audience ?? this.#defaults.audience ?? undefined, withOpenid(scope ?? this.#defaults.scope));
  }
  async #entry(key) {
    const v = await this.#cache.get(key);
    const ok = v && typeof v === 'object' && v.body && typeof v.body.access_token === 'string';
    if (v !== undefined && v !== null && !ok) await this.#cache.remove(key);
    return ok ? v : undefined;
  }
  async #find(audience, scope) {
    const wanted = this.#key(audience, scope);
    const found = _glue.findCacheKey(JSON.stringify(await this.#manifest()), wanted);
    return found ? { key: found, entry: await this.#entry(found) } : { key: wanted, entry: undefined };
  }
  async #save(key, body) {
    await this.#cache.set(key, { body });
    await this.#setManifest([...await this.#manifest(), key]);
  }

  // ---- transactions ----
  // A login in progress (state, nonce, PKCE verifier) is kept in sessionStorage, keyed by state,
  // so two logins in two tabs do not clash. A magic link opens in a new tab, so its transaction
  // is kept in localStorage instead. Either is used once and purged after an hour.
  #purgeTransactions(s) {
    if (!s) return [];
    const listKey = `${TX_PREFIX}${this.#clientId}`;
    let states = [];
    try { states = JSON.parse(s.getItem(listKey) ?? '[]'); } catch { /* corrupt list: rebuilt */ }
    const now = Date.now() / 1000;
    const keep = [];
    for (const st of Array.isArray(states) ? states : []) {
      let tx = null;
      try { tx = JSON.parse(s.getItem(`${listKey}.${st}`)); } catch { /* dropped */ }
      if (tx?.transaction?.created_at > now - 3600) keep.push(st);
      else s.removeItem(`${listKey}.${st}`);
    }
    s.setItem(listKey, JSON.stringify(keep));
    return keep;
  }

  #saveTransaction(s, transaction, appState) {
    if (!s) return;
    const listKey = `${TX_PREFIX}${this.#clientId}`;
    const states = this.#purgeTransactions(s);
    s.setItem(`${listKey}.${transaction.state}`, JSON.stringify({ transaction, appState }));
    s.setItem(listKey, JSON.stringify([...states, transaction.state]));
  }

  /** The transaction of `state`, removed wherever it was kept: one use only. */
  #takeTransaction(state) {
    const key = `${TX_PREFIX}${this.#clientId}.${state ?? ''}`;
    let found = null;
    for (const s of [storage('sessionStorage'), storage('localStorage')]) {
      let tx = null;
      try { tx = JSON.parse(s?.getItem(key) ?? 'null'); } catch { /* corrupt: treated as missing */ }
      s?.removeItem(key);
      if (!found && tx?.transaction) found = tx;
    }
    return found;
  }

  /** Redirect to the provider's login page. */
  async loginWithRedirect({ authorizationParams = {}, appState, openUrl } = {}) {
    const { url, transaction } = await this.#oidc.buildAuthorizeUrl(authorizationParams);
    this.#saveTransaction(storage('sessionStorage'), transaction, appState);
    if (typeof openUrl === 'function') await openUrl(url);
    else globalThis.location.assign(url);
  }

  /**
   * Handle the redirect back from the provider (after loginWithRedirect, or a passwordless magic
   * link): state checked, code exchanged, ID token validated, tokens cached. Resolves to
   * `{ appState }`.
   */
  async handleRedirectCallback(url = globalThis.location?.href) {
    await init();
    const params = parseCallbackUrl(url);
    // One use only, whatever happens next: a reload of the callback URL cannot replay it.
    const tx = this.#takeTransaction(params.state);
    if (!tx?.transaction) {
      throw new AuthError('ERR_CALLBACK_STATE_MISMATCH',
        'no login in progress matches this callback (already handled, expired, or started elsewhere): log in again',
        { kind: 'verification', error: params.error ?? undefined, error_description: params.error_description ?? undefined });
    }
    const tokens = await this.#oidc.handleCallback(url, tx.transaction);
    const key = _glue.cacheKey(this.#clientId, tx.transaction.audience ?? undefined, tx.transaction.scope);
    await this.#save(key, { ...tokens, scope: tx.transaction.scope, audience: tx.transaction.audience ?? undefined });
    return { appState: tx.appState };
  }

  /**
   * An access token: from the cache while it has more than `leeway` seconds to live, else
   * refreshed with the refresh token (rotation: the new one replaces the old one everywhere).
   * Concurrent calls share one request; across tabs, refreshes are serialised with Web Locks.
   */
  async getTokenSilently({ authorizationParams = {}, cacheMode = 'on', detailedResponse = false, timeoutInSeconds } = {}) {
    await init();
    const { audience, scope } = authorizationParams;
    const respond = (e) => (detailedResponse
      ? { access_token: e.body.access_token, id_token: e.body.id_token, token_type: e.body.token_type,
        scope: e.body.scope, expires_in: Math.max(0, Math.floor(e.body.expires_at - Date.now() / 1000)) }
      : e.body.access_token);
    if (cacheMode !== 'off') {
      const { entry } = await this.#find(audience, scope);
      if (entry && !_glue.isExpired(entry.body.expires_at, this.#options.leeway)) return respond(entry);
      if (cacheMode === 'cache-only') return undefined;
    }
    const wanted = this.#key(audience, scope);
    let p = this.#inflight.get(wanted);
    if (!p) {
      p = this.#withLock((contended) => this.#refresh(audience, scope, cacheMode, timeoutInSeconds, contended))
        .finally(() => this.#inflight.delete(wanted));
      this.#inflight.set(wanted, p);
    }
    return respond(await p);
  }

  /** Run `fn(contended)` holding the cross-tab lock; `contended` says whether another tab held it first. */
  async #withLock(fn) {
    const name = `oidc-wasm.refresh.${this.#clientId}`;
    const locks = globalThis.navigator?.locks;
    if (!locks?.request) return storageLock(name, fn);
    const busy = Symbol('busy');
    const first = await locks.request(name, { ifAvailable: true }, (lock) => (lock ? fn(false) : busy));
    return first === busy ? locks.request(name, () => fn(true)) : first;
  }

  /**
   * After waiting for a sibling tab's lock: give its write to shared storage time to arrive.
   * Browsers propagate localStorage between tab processes asynchronously, and presenting the
   * refresh token the sibling just spent would make the provider revoke the whole grant (reuse
   * detection), so poll briefly for the sibling's fresh entry before refreshing ourselves.
   */
  async #adoptSiblingRefresh(audience, scope, entry) {
    if (this.#cache instanceof InMemoryCache) return null;
    const seenToken = entry?.body.refresh_token;
    for (let waited = 0; waited < 1000; waited += 25) {
      await sleep(25);
      const now = await this.#find(audience, scope);
      if (now.entry && !_glue.isExpired(now.entry.body.expires_at, this.#options.leeway)) return { fresh: now.entry };
      if (now.entry?.body.refresh_token && now.entry.body.refresh_token !== seenToken) return { changed: now };
    }
    return null;
  }

  async #refresh(audience, scope, cacheMode, timeoutInSeconds, contended = false) {
    // Read again inside the lock: a sibling tab may have just refreshed.
    let { key, entry } = await this.#find(audience, scope);
    if (cacheMode !== 'off' && entry && !_glue.isExpired(entry.body.expires_at, this.#options.leeway)) return entry;
    if (contended) {
      const sibling = await this.#adoptSiblingRefresh(audience, scope, entry);
      if (sibling?.fresh && cacheMode !== 'off') return sibling.fresh;
      if (sibling?.changed) ({ key, entry } = sibling.changed);
      else if (sibling?.fresh) ({ key, entry } = { key, entry: sibling.fresh });
    }
    const rt = entry?.body.refresh_token ? { token: entry.body.refresh_token } : await this.#anyRefreshToken(audience);
    const { useRefreshTokens, useRefreshTokensFallback } = this.#options;
    if (!rt && (!useRefreshTokens || useRefreshTokensFallback)) {
      // prompt=none in a hidden iframe, answered by web_message (OIDC Core §3.1.2.1).
      const body = await this.#authorizeInWindow('iframe', { audience, scope, prompt: 'none' }, undefined, timeoutInSeconds);
      return { body };
    }
    if (!rt) {
      throw new AuthError('ERR_MISSING_REFRESH_TOKEN',
        `no refresh token for audience ${audience ?? this.#defaults.audience ?? 'default'}: log in again (loginWithRedirect), with useRefreshTokens for offline_access`,
        { kind: 'server', error: 'missing_refresh_token' });
    }
    const sub = (await this.#claims())?.sub;
    let body;
    try {
      body = await this.#oidc.refresh(rt.token, scope ? withOpenid(scope) : undefined, audience, sub);
    } catch (e) {
      if (e.error === 'invalid_grant') await this.#dropRefreshToken(rt.token);
      throw e;
    }
    const usedScope = withOpenid(scope ?? entry?.body.scope ?? this.#defaults.scope);
    const newKey = entry ? key : this.#key(audience, scope);
    const merged = { ...(entry?.body ?? {}), ...body, scope: body.scope ?? usedScope,
      audience: audience ?? this.#defaults.audience ?? undefined };
    if (!body.refresh_token) merged.refresh_token = rt.token;
    await this.#save(newKey, merged);
    if (body.refresh_token && body.refresh_token !== rt.token) await this.#replaceRefreshToken(rt.token, body.refresh_token);
    return { body: merged };
  }

  async #anyRefreshToken(audience) {
    const aud = audience ?? this.#defaults.audience ?? 'default';
    for (const k of await this.#manifest()) {
      const e = await this.#entry(k);
      if (e?.body.refresh_token && (e.body.audience ?? 'default') === aud) return { token: e.body.refresh_token };
    }
    return null;
  }

  /**
   * An authorization request answered with response_mode=web_message in a hidden iframe or a
   * popup: the response is taken only from the provider's origin and from that very window,
   * then goes through the same state / iss / code exchange / ID token checks as a redirect.
   */
  async #authorizeInWindow(kind, { audience, scope, ...extra }, popup, timeoutInSeconds) {
    const doc = globalThis.document;
    if (!doc) {
      throw new AuthError('ERR_INVALID_ARGUMENT', `${kind === 'iframe' ? 'silent authentication' : 'popup login'} needs a browser page`, { kind: 'config' });
    }
    const params = { ...extra, response_mode: 'web_message' };
    if (audience) params.audience = audience;
    if (scope) params.scope = withOpenid(scope);
    const [{ url, transaction }, meta] = await Promise.all([this.#oidc.buildAuthorizeUrl(params), this.#oidc.discover()]);
    const providerOrigin = new URL(meta.authorization_endpoint).origin;
    const seconds = timeoutInSeconds ?? this.#options.authorizeTimeoutInSeconds ?? 60;
    let frame = null;
    let win = popup ?? null;
    const response = await new Promise((resolve, reject) => {
      let timer = null;
      let closedPoll = null;
      const done = (fn, v) => {
        clearTimeout(timer);
        clearInterval(closedPoll);
        globalThis.removeEventListener('message', onMessage);
        frame?.remove();
        fn(v);
      };
      const onMessage = (e) => {
        if (e.origin !== providerOrigin) return;
        const source = frame ? frame.contentWindow : win;
        if (e.source && source && e.source !== source) return;
        if (e.data?.type !== 'authorization_response' || typeof e.data.response !== 'object') return;
        done(resolve, e.data.response);
      };
      globalThis.addEventListener('message', onMessage);
      timer = setTimeout(() => done(reject, new AuthError('ERR_TIMEOUT',
        `the provider did not answer the ${kind === 'iframe' ? 'silent authentication' : 'popup'} within ${seconds} s`,
        { kind: 'network', error: 'timeout' })), seconds * 1000);
      if (kind === 'iframe') {
        frame = doc.createElement('iframe');
        frame.setAttribute('width', '0');
        frame.setAttribute('height', '0');
        frame.style.display = 'none';
        frame.src = url;
        doc.body.appendChild(frame);
      } else {
        win = win ?? globalThis.open('', 'oidc-wasm:authorize:popup', 'left=100,top=100,width=400,height=600,resizable,scrollbars=yes,status=1');
        if (!win) {
          done(reject, new AuthError('ERR_POPUP_BLOCKED', 'the popup was blocked: call loginWithPopup from a click handler', { kind: 'config' }));
          return;
        }
        win.location.href = url;
        closedPoll = setInterval(() => {
          if (win.closed) done(reject, new AuthError('ERR_POPUP_CLOSED', 'the popup was closed before the login finished', { kind: 'config', error: 'cancelled' }));
        }, 500);
      }
    });
    const callback = new URL(transaction.redirect_uri);
    for (const [k, v] of Object.entries(response)) if (typeof v === 'string') callback.searchParams.set(k, v);
    const tokens = await this.#oidc.handleCallback(callback.href, transaction);
    const key = _glue.cacheKey(this.#clientId, transaction.audience ?? undefined, transaction.scope);
    const body = { ...tokens, scope: transaction.scope, audience: transaction.audience ?? undefined };
    await this.#save(key, body);
    return body;
  }

  /** Log in in a popup (call it from a click handler, so the browser allows the window). */
  async loginWithPopup({ authorizationParams = {} } = {}, { popup, timeoutInSeconds } = {}) {
    // Open the window at once, still inside the click, before any await.
    const win = popup ?? globalThis.open?.('', 'oidc-wasm:authorize:popup', 'left=100,top=100,width=400,height=600,resizable,scrollbars=yes,status=1');
    await this.#authorizeInWindow('popup', { ...authorizationParams }, win ?? undefined, timeoutInSeconds);
  }

  /** A token obtained by logging in again in a popup (for consent or a new audience). */
  async getTokenWithPopup({ authorizationParams = {} } = {}, config = {}) {
    await this.loginWithPopup({ authorizationParams }, config);
    return this.getTokenSilently({ authorizationParams, cacheMode: 'cache-only' });
  }

  /** Cache the tokens of a grant that ended a login (passwordless, password, MFA). */
  async #endLogin(tokens, audience) {
    const scope = tokens.scope_requested ?? withOpenid(this.#defaults.scope);
    const aud = audience ?? this.#defaults.audience ?? undefined;
    const { scope_requested: _, ...body } = tokens;
    await this.#save(_glue.cacheKey(this.#clientId, aud, scope), { ...body, scope, audience: aud });
    return body;
  }

  /**
   * Passwordless (Auth0): `start` sends a code or a link by email or SMS (phone numbers in E.164),
   * `verify` exchanges the code and ends like a login (ID token verified, tokens cached).
   */
  get passwordless() {
    return {
      start: async ({ connection, email, phone_number, send = 'code', authParams, appState } = {}) => {
        if (send !== 'link') return this.#oidc.auth0Call('passwordless_start', { connection, email, phone_number, send, authParams });
        // A magic link is a login by redirect: its parameters are those of /authorize (state,
        // nonce, PKCE, redirect_uri), and the transaction waits, in localStorage, for the tab
        // the link opens in, where handleRedirectCallback ends the login.
        const { url, transaction } = await this.#oidc.buildAuthorizeUrl(authParams ?? {});
        const linkParams = Object.fromEntries([...new URL(url).searchParams].filter(([k]) => k !== 'client_id'));
        const sent = await this.#oidc.auth0Call('passwordless_start', { connection, email, phone_number, send, authParams: linkParams });
        this.#saveTransaction(storage('localStorage'), transaction, appState);
        return sent;
      },
      verify: async ({ connection, email, phone_number, otp, audience, scope } = {}) => {
        const tokens = await this.#oidc.auth0Grant('passwordless_otp',
          { realm: connection, username: connection === 'sms' ? phone_number : email, otp, audience, scope });
        return this.#endLogin(tokens, audience);
      },
    };
  }

  /**
   * Embedded login with a password: the password-realm grant when `realm` (a database connection)
   * is given, else the password grant. A user who needs MFA gets ERR_MFA_REQUIRED with mfa_token.
   */
  async loginWithPassword({ username, password, realm, audience, scope } = {}) {
    const tokens = await this.#oidc.auth0Grant('password', { username, password, realm, audience, scope });
    return this.#endLogin(tokens, audience);
  }

  /** Create a user in a database connection (/dbconnections/signup). */
  signup({ connection, email, password, user_metadata, ...profile } = {}) {
    return this.#oidc.auth0Call('signup', { connection, email, password, user_metadata, ...profile });
  }

  /** Send a change-password email (/dbconnections/change_password). */
  changePassword({ connection, email, organization } = {}) {
    return this.#oidc.auth0Call('change_password', { connection, email, organization });
  }

  /**
   * MFA (Auth0), after a token request answered ERR_MFA_REQUIRED with `mfa_token`: list, enroll,
   * challenge and verify authenticators. `verify` ends like a login. An out-of-band proof (push,
   * SMS) is polled: `authorization_pending` waits `interval` seconds, `slow_down` adds 5 s
   * (as RFC 8628 §3.5), and polling stops at `expiresIn` seconds or when `signal` aborts.
   */
  get mfa() {
    const call = (op, p) => this.#oidc.auth0Call(op, p);
    return {
      getAuthenticators: (mfaToken) => call('mfa_authenticators', { mfa_token: mfaToken }),
      enroll: ({ mfaToken, authenticatorType, oobChannel, phoneNumber, email } = {}) =>
        call('mfa_associate', { mfa_token: mfaToken, authenticator_type: authenticatorType, oob_channel: oobChannel,
          phone_number: phoneNumber, email }),
      challenge: ({ mfaToken, challengeType, authenticatorId } = {}) =>
        call('mfa_challenge', { mfa_token: mfaToken, challenge_type: challengeType, authenticator_id: authenticatorId }),
      deleteAuthenticator: (authenticatorId, mfaToken) => call('mfa_delete', { authenticator_id: authenticatorId, mfa_token: mfaToken }),
      verify: async ({ mfaToken, otp, oobCode, bindingCode, recoveryCode, audience, interval = 5, expiresIn = 300, signal } = {}) => {
        if (otp !== undefined) return this.#endLogin(await this.#oidc.auth0Grant('mfa_otp', { mfa_token: mfaToken, otp }), audience);
        if (recoveryCode !== undefined) {
          return this.#endLogin(await this.#oidc.auth0Grant('mfa_recovery_code', { mfa_token: mfaToken, recovery_code: recoveryCode }), audience);
        }
        const deadline = Date.now() + expiresIn * 1000;
        const cancelled = () => new AuthError('ERR_MFA_CANCELLED', 'the MFA verification was cancelled', { kind: 'config', error: 'cancelled' });
        let wait = interval;
        for (;;) {
          try {
            const tokens = await unlessAborted(
              this.#oidc.auth0Grant('mfa_oob', { mfa_token: mfaToken, oob_code: oobCode, binding_code: bindingCode }), signal, cancelled);
            return this.#endLogin(tokens, audience);
          } catch (e) {
            if (e.code === 'ERR_AUTHORIZATION_PENDING') { /* not answered yet */ } else if (e.error === 'slow_down') wait += 5;
            else throw e;
          }
          if (Date.now() + wait * 1000 > deadline) {
            throw new AuthError('ERR_TIMEOUT', 'the out-of-band MFA challenge was not answered in time: start again', { kind: 'network', error: 'expired_token' });
          }
          await pause(wait, signal, cancelled);
        }
      },
    };
  }

  /**
   * The device authorization grant (RFC 8628): returns what to show the user (`user_code`,
   * `verification_uri`, `verification_uri_complete`) and `poll()`, which polls at the server's
   * interval (slower on `slow_down`), stops on `expired_token` / `access_denied`, can be
   * cancelled with an AbortSignal, and ends like a login.
   */
  async startDeviceFlow({ authorizationParams = {} } = {}) {
    const { scope, audience } = authorizationParams;
    const d = await this.#oidc.deviceAuthorize(scope ? withOpenid(scope) : undefined, audience);
    const { device_code: deviceCode, scope_requested: scopeRequested, ...shown } = d;
    return {
      ...shown,
      poll: async ({ signal } = {}) => {
        let wait = d.interval;
        const deadline = Date.now() + d.expires_in * 1000;
        const cancelled = () => new AuthError('ERR_DEVICE_FLOW_CANCELLED', 'the device login was cancelled', { kind: 'config', error: 'cancelled' });
        for (;;) {
          await pause(wait, signal, cancelled);
          if (Date.now() > deadline) throw new AuthError('ERR_TIMEOUT', 'the device code expired: start again', { kind: 'network', error: 'expired_token' });
          try {
            const tokens = await unlessAborted(this.#oidc.deviceToken(deviceCode), signal, cancelled);
            return this.#endLogin({ ...tokens, scope_requested: scopeRequested }, audience);
          } catch (e) {
            const next = _glue.devicePollAfter(e.error ?? undefined, wait);
            if (next === undefined) throw e;
            wait = next;
          }
        }
      },
    };
  }

  /** The userinfo claims for the session's access token; `sub` must match the ID token's. */
  async getUserInfo({ authorizationParams = {} } = {}) {
    const claims = await this.#claims();
    if (!claims) throw new AuthError('ERR_LOGIN_REQUIRED', 'nobody is logged in: log in first', { kind: 'server', error: 'login_required' });
    const token = await this.getTokenSilently({ authorizationParams });
    return this.#oidc.userinfo(token, claims.sub);
  }

  /** Rotation: the new refresh token replaces the old one in every entry that held it. */
  async #replaceRefreshToken(oldToken, newToken) {
    for (const k of await this.#manifest()) {
      const e = await this.#entry(k);
      if (e?.body.refresh_token === oldToken) await this.#cache.set(k, { body: { ...e.body, refresh_token: newToken } });
    }
  }

  async #dropRefreshToken(token) {
    for (const k of await this.#manifest()) {
      const e = await this.#entry(k);
      if (e?.body.refresh_token === token) {
        const { refresh_token: _, ...rest } = e.body;
        await this.#cache.set(k, { body: rest });
      }
    }
  }

  async #anyEntryWithClaims() {
    const first = (await this.#find(undefined, undefined)).entry;
    if (first?.body.id_token_claims) return first;
    for (const k of await this.#manifest()) {
      const e = await this.#entry(k);
      if (e?.body.id_token_claims) return e;
    }
    return undefined;
  }

  async #claims() {
    return (await this.#anyEntryWithClaims())?.body.id_token_claims;
  }

  /** The user's profile: the verified ID token claims without the protocol ones. */
  async getUser() {
    const c = await this.#claims();
    if (!c) return undefined;
    return Object.fromEntries(Object.entries(c).filter(([k]) => !PROTOCOL_CLAIMS.has(k)));
  }

  /** Every verified ID token claim, and the raw token as `__raw`. */
  async getIdTokenClaims() {
    const e = await this.#anyEntryWithClaims();
    return e?.body.id_token_claims ? { ...e.body.id_token_claims, __raw: e.body.id_token } : undefined;
  }

  /** Whether a user is logged in (a verified ID token is cached). */
  async isAuthenticated() {
    return (await this.getUser()) !== undefined;
  }

  /** Refresh the session if possible; never throws for login_required or a missing refresh token. */
  async checkSession(options) {
    try {
      await this.getTokenSilently(options);
    } catch (e) {
      const quiet = ['ERR_LOGIN_REQUIRED', 'ERR_CONSENT_REQUIRED', 'ERR_INTERACTION_REQUIRED', 'ERR_MISSING_REFRESH_TOKEN'];
      if (!(e instanceof AuthError) || !(quiet.includes(e.code) || e.error === 'invalid_grant')) throw e;
    }
  }

  /**
   * Clear the session and go to the provider's logout (openUrl: false to stay). With
   * `revokeRefreshToken`, the refresh tokens held are revoked first (RFC 7009); a failed
   * revocation does not stop the logout.
   */
  async logout({ logoutParams = {}, openUrl, revokeRefreshToken = false } = {}) {
    let idToken;
    try { idToken = (await this.#find(undefined, undefined)).entry?.body.id_token; } catch { /* unreadable */ }
    // Clearing never depends on the stored data being readable.
    let keys = [];
    try { keys = await this.#manifest(); } catch { /* unreadable manifest */ }
    if (revokeRefreshToken) {
      const tokens = new Set();
      for (const k of keys) {
        try { const rt = (await this.#entry(k))?.body.refresh_token; if (rt) tokens.add(rt); } catch { /* skipped */ }
      }
      await Promise.allSettled([...tokens].map((t) => this.#oidc.revoke(t, 'refresh_token')));
    }
    for (const k of keys) {
      try { await this.#cache.remove(k); } catch { /* keep going */ }
    }
    try { await this.#cache.remove(this.#manifestKey()); } catch { /* keep going */ }
    if (openUrl === false) return;
    const url = await this.#oidc.logoutUrl({ ...logoutParams, id_token_hint: idToken });
    if (typeof openUrl === 'function') await openUrl(url);
    else globalThis.location.assign(url);
  }
}

/** Load the module if needed, then create an AuthClient. */
export async function createAuthClient(options) {
  await init();
  return new AuthClient(options);
}

/** auth0-spa-js names. */
export const Auth0Client = AuthClient;
export const createAuth0Client = createAuthClient;
