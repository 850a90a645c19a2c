// The single-page-app session, with the surface of @auth0/auth0-spa-js: redirect login and
// callback, a token cache, silent refresh with rotating refresh tokens, the user's verified
// claims, logout. Protocol rules live in the WebAssembly core; this file keeps state in the
// browser (storage, locks, navigation).
import { AuthError, OidcClient, init } from './core.js';

// ---- auth0-spa-js 2.28's error classes, so that an app written for it keeps its `instanceof`
// checks and the fields it reads (error, error_description, state, appState, mfa_token, audience,
// ...). Each extends AuthError (and so GenericError, defined in core.js), keeping the stable
// `code` and `kind`; the constructors take auth0-spa-js's arguments, then optional AuthError
// details ({ code, message, kind, ... }). `AuthError.from` (used for every error the module
// reports) picks the class from the code, in `classify` below: the one place where codes map to
// classes. (Here rather than in a file of their own: the package's builds copy core.js and
// spa.js.)

/** `value`, or '' when it is empty or in `exclude` (auth0-spa-js's messages). */
const orEmpty = (value, exclude = []) => (value && !exclude.includes(value) ? value : '');

export class InvalidConfigurationError extends AuthError {
  constructor(message, suggestion, details = {}) {
    super(details.code ?? 'ERR_CONFIG_INVALID_OPTION', details.message ?? `${message} ${suggestion}`,
      { kind: 'config', ...details, error: 'invalid_configuration', error_description: `${message} ${suggestion}` });
    this.suggestion = suggestion;
    this.name = 'InvalidConfigurationError';
  }
}

/** The provider answered the authorization request with an error (at the redirect callback). */
export class AuthenticationError extends AuthError {
  constructor(error, error_description, state, appState = null, details = {}) {
    super(details.code ?? 'ERR_OAUTH_ERROR', details.message ?? error_description, { kind: 'server', ...details, error, error_description });
    this.state = state;
    this.appState = appState;
    this.name = 'AuthenticationError';
  }
}

/** The connect-account flow's callback carried an error (auth0-spa-js's; not thrown by oidc-wasm yet). */
export class ConnectError extends AuthError {
  constructor(error, error_description, connection, state, appState = null, details = {}) {
    super(details.code ?? 'ERR_OAUTH_ERROR', details.message ?? error_description, { kind: 'server', ...details, error, error_description });
    this.connection = connection;
    this.state = state;
    this.appState = appState;
    this.name = 'ConnectError';
  }
}

/** Silent authentication or a request took too long. */
export class TimeoutError extends AuthError {
  constructor(details = {}) {
    super(details.code ?? 'ERR_TIMEOUT', details.message ?? 'Timeout', { kind: 'network', ...details, error: 'timeout', error_description: 'Timeout' });
    this.name = 'TimeoutError';
  }
}

/** The login popup was not completed in time. */
export class PopupTimeoutError extends TimeoutError {
  constructor(popup, details = {}) {
    super(details);
    this.popup = popup;
    this.name = 'PopupTimeoutError';
  }
}

/** The login popup was closed before the login ended. */
export class PopupCancelledError extends AuthError {
  constructor(popup, details = {}) {
    super(details.code ?? 'ERR_POPUP_CLOSED', details.message ?? 'Popup closed',
      { kind: 'config', ...details, error: 'cancelled', error_description: 'Popup closed' });
    this.popup = popup;
    this.name = 'PopupCancelledError';
  }
}

/** The popup could not be opened (window.open returned null). */
export class PopupOpenError extends AuthError {
  constructor(details = {}) {
    const description = 'Unable to open a popup for loginWithPopup - window.open returned `null`';
    super(details.code ?? 'ERR_POPUP_BLOCKED', details.message ?? description,
      { kind: 'config', ...details, error: 'popup_open', error_description: description });
    this.name = 'PopupOpenError';
  }
}

/** A token request was answered `mfa_required`: `mfa_token` and `mfa_requirements` go on. */
export class MfaRequiredError extends AuthError {
  constructor(error, error_description, mfa_token, mfa_requirements, details = {}) {
    super(details.code ?? 'ERR_MFA_REQUIRED', details.message ?? error_description,
      { kind: 'server', ...details, error, error_description, mfa_token, mfa_requirements });
    this.mfa_token = mfa_token;
    this.mfa_requirements = mfa_requirements;
    this.name = 'MfaRequiredError';
  }
}

/** There is no refresh token for this audience and scope. */
export class MissingRefreshTokenError extends AuthError {
  constructor(audience, scope, details = {}) {
    const description = `Missing Refresh Token (audience: '${orEmpty(audience, ['default'])}', scope: '${orEmpty(scope)}')`;
    super(details.code ?? 'ERR_MISSING_REFRESH_TOKEN', details.message ?? description,
      { kind: 'server', ...details, error: 'missing_refresh_token', error_description: description });
    this.audience = audience;
    this.scope = scope;
    this.name = 'MissingRefreshTokenError';
  }
}

/** Scopes asked for are missing after a refresh (auth0-spa-js's, with MRRT; not thrown by oidc-wasm yet). */
export class MissingScopesError extends AuthError {
  constructor(audience, scope, details = {}) {
    const description = `Missing requested scopes after refresh (audience: '${orEmpty(audience, ['default'])}', missing scope: '${orEmpty(scope)}')`;
    super(details.code ?? 'ERR_OAUTH_ERROR', details.message ?? description,
      { kind: 'server', ...details, error: 'missing_scopes', error_description: description });
    this.audience = audience;
    this.scope = scope;
    this.name = 'MissingScopesError';
  }
}

/** The server refused a DPoP proof's nonce (auth0-spa-js's; oidc-wasm has no DPoP yet). */
export class UseDpopNonceError extends AuthError {
  constructor(newDpopNonce, details = {}) {
    super(details.code ?? 'ERR_OAUTH_ERROR', details.message ?? 'Server rejected DPoP proof: wrong nonce',
      { kind: 'server', ...details, error: 'use_dpop_nonce', error_description: 'Server rejected DPoP proof: wrong nonce' });
    this.newDpopNonce = newDpopNonce;
    this.name = 'UseDpopNonceError';
  }
}

/** The MFA API's errors (auth0-spa-js's MfaError and its subclasses). */
export class MfaError extends AuthError {
  constructor(error, error_description, details = {}) {
    super(details.code ?? 'ERR_OAUTH_ERROR', details.message ?? error_description, { kind: 'server', ...details, error, error_description });
    this.name = 'MfaError';
  }
}
export class MfaListAuthenticatorsError extends MfaError {
  constructor(error, error_description, details) { super(error, error_description, details); this.name = 'MfaListAuthenticatorsError'; }
}
export class MfaEnrollmentError extends MfaError {
  constructor(error, error_description, details) { super(error, error_description, details); this.name = 'MfaEnrollmentError'; }
}
export class MfaChallengeError extends MfaError {
  constructor(error, error_description, details) { super(error, error_description, details); this.name = 'MfaChallengeError'; }
}
export class MfaVerifyError extends MfaError {
  constructor(error, error_description, details) { super(error, error_description, details); this.name = 'MfaVerifyError'; }
}
export class MfaEnrollmentFactorsError extends MfaError {
  constructor(error, error_description, details) { super(error, error_description, details); this.name = 'MfaEnrollmentFactorsError'; }
}

/**
 * The class for an error the module (or this layer) reports, from its code and the server's
 * `error`; undefined leaves it a plain AuthError (itself a GenericError: `login_required`,
 * `consent_required`, `invalid_grant`, ... are GenericErrors in auth0-spa-js too).
 */
function classify(code, message, details = {}) {
  const d = { ...details, code, message };
  if (details.error === 'use_dpop_nonce') return new UseDpopNonceError(undefined, d);
  switch (code) {
    case 'ERR_MFA_REQUIRED':
      return new MfaRequiredError(details.error ?? 'mfa_required', details.error_description ?? message,
        details.mfa_token, details.mfa_requirements, d);
    case 'ERR_MISSING_REFRESH_TOKEN':
      return new MissingRefreshTokenError(details.audience ?? 'default', details.scope ?? '', d);
    case 'ERR_TIMEOUT':
      // Only a plain timeout: an expired device code or MFA challenge keeps its own `error`.
      return details.error === undefined || details.error === null || details.error === 'timeout' ? new TimeoutError(d) : undefined;
    case 'ERR_POPUP_BLOCKED':
      return new PopupOpenError(d);
    case 'ERR_POPUP_CLOSED':
      return new PopupCancelledError(details.popup, d);
    default:
      return undefined;
  }
}

AuthError.classify = classify;


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
async function storageLock(name, { holdMs = 15_000, waitMs = 20_000 } = {}) {
  const ls = storage('localStorage');
  if (!ls) return { contended: false, release() {} };
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
  return { contended, release() { if (readLock(ls.getItem(key))?.owner === me) ls.removeItem(key); } };
}

/**
 * The cross-tab lock `name`: Web Locks where the browser has them (held until `release()`), else
 * the localStorage mutex. Resolves to `{ contended, release }`; `contended` says whether another
 * tab held it first.
 */
function acquireLock(name) {
  const locks = globalThis.navigator?.locks;
  if (!locks?.request) return storageLock(name);
  return new Promise((resolve, reject) => {
    let release;
    const held = new Promise((r) => { release = r; });
    const busy = Symbol('busy');
    locks.request(name, { ifAvailable: true }, (lock) => {
      if (!lock) return busy;
      resolve({ contended: false, release });
      return held;
    }).then((v) => {
      if (v !== busy) return;
      locks.request(name, () => { resolve({ contended: true, release }); return held; }).catch(reject);
    }, reject);
  });
}

// ---- auth0-spa-js 2.28's cookies (its is.authenticated cookie, and its transaction with
// useCookiesForTransactions), so a signed-in user survives a swap of the import either way. What
// goes in them, and its cache entries, are the module's (src/spa).

/** A cookie's value as es-cookie (auth0-spa-js's cookie library) reads it. */
const decodeCookiePart = (s) => s.replace(/(%[0-9A-Za-z]{2})+/g, (m) => { try { return decodeURIComponent(m); } catch { return m; } });

function readCookie(name) {
  let jar = '';
  try { jar = globalThis.document?.cookie ?? ''; } catch { return undefined; }
  for (const part of jar ? jar.split('; ') : []) {
    const i = part.indexOf('=');
    if (i < 0 || decodeCookiePart(part.slice(0, i)) !== name) continue;
    let v = part.slice(i + 1);
    if (v.startsWith('"')) v = v.slice(1, -1);
    try { return JSON.parse(decodeCookiePart(v)); } catch { return undefined; }
  }
  return undefined;
}

function writeCookie(name, value, { days, domain, secure, sameSiteNone } = {}) {
  const doc = globalThis.document;
  if (!doc) return;
  // Encoded as es-cookie encodes, so both libraries write the same bytes.
  const v = value === undefined ? '' : encodeURIComponent(JSON.stringify(value))
    .replace(/%(23|24|26|2B|3A|3C|3E|3D|2F|3F|40|5B|5D|5E|60|7B|7D|7C)/g, decodeURIComponent);
  let c = `${encodeURIComponent(name)}=${v}; path=/`;
  if (days !== undefined) c += `; expires=${new Date(Date.now() + days * 864e5).toUTCString()}`;
  if (domain) c += `; domain=${domain}`;
  if (secure) c += '; secure';
  if (sameSiteNone) c += '; samesite=none';
  doc.cookie = c;
}

/**
 * auth0-spa-js's cookie storage: with `legacySameSiteCookie` (its default) each cookie has a
 * `_legacy_` twin without SameSite=None, for browsers that refuse that attribute; on https both
 * are `secure`.
 */
function cookieJar({ legacy = true, domain } = {}) {
  const https = () => globalThis.location?.protocol === 'https:';
  return {
    get: (key) => readCookie(key) ?? (legacy ? readCookie(`_legacy_${key}`) : undefined),
    save(key, value, days) {
      if (legacy) writeCookie(`_legacy_${key}`, value, { days, domain, secure: https() });
      writeCookie(key, value, { days, domain, secure: https(), sameSiteNone: https() });
    },
    remove(key) {
      for (const k of legacy ? [key, `_legacy_${key}`] : [key]) writeCookie(k, undefined, { days: -1, domain });
    },
  };
}

const POPUP_FEATURES = 'left=100,top=100,width=400,height=600,resizable,scrollbars=yes,status=1';
const errorText = (e) => String(e?.name && e?.message ? `${e.name}: ${e.message}` : e?.message ?? e);

/**
 * An OpenID Connect session in a single-page app. The constructor is synchronous and needs
 * nothing loaded (as auth0-spa-js's, it can run at page load): the module is loaded, and the
 * options it checks are checked, at the first async call. `createAuthClient(options)` does both
 * at once.
 *
 * With `domain` (Auth0), it behaves as auth0-spa-js 2.28 does and keeps its storage formats
 * (cache entries, transaction, is.authenticated cookie, logout at /v2/logout); with `issuer`, any
 * OpenID Provider, with this library's own formats and RP-initiated logout. Every rule of the
 * session (the cache and its keys, scopes, when to refresh and how, the lock, what a logout
 * clears) is the module's (src/spa); this class performs its steps.
 */
export class AuthClient {
  #oidcOptions;
  #sessionOptions;
  #oidc = null;
  #cache;
  #auth0;
  #cookies;

  constructor(options = {}) {
    const { cacheLocation, cache, useRefreshTokens = false, useRefreshTokensFallback = false, leeway = 60,
      authorizeTimeoutInSeconds, sessionCheckExpiryDays, cookieDomain, useCookiesForTransactions = false,
      legacySameSiteCookie = true, ...rest } = options ?? {};
    this.#auth0 = typeof rest.domain === 'string' && (rest.issuer === undefined || rest.issuer === null);
    const params = { ...(rest.authorizationParams ?? {}) };
    if (!params.redirect_uri && globalThis.location?.origin) params.redirect_uri = globalThis.location.origin;
    this.#oidcOptions = { ...rest, leeway, authorizationParams: params };
    this.#cache = pickCache({ cacheLocation, cache });
    this.#sessionOptions = { useRefreshTokens, useRefreshTokensFallback, leeway, authorizeTimeoutInSeconds,
      sessionCheckExpiryDays, useCookiesForTransactions, authorizationParams: params,
      cacheListsKeys: typeof this.#cache.allKeys === 'function', cacheShared: !(this.#cache instanceof InMemoryCache) };
    this.#cookies = cookieJar({ legacy: legacySameSiteCookie !== false, domain: cookieDomain });
  }

  /** The protocol client, created once the module is loaded (its options are checked then). */
  async #client() {
    if (!this.#oidc) {
      this.#oidc = (async () => {
        await init();
        const oidc = new OidcClient(this.#oidcOptions);
        oidc._configureSession(this.#sessionOptions, this.#auth0);
        return oidc;
      })();
      this.#oidc.catch(() => { this.#oidc = null; });
    }
    return this.#oidc;
  }

  /** The scope a call asks for (the module's rule: openid, offline_access, the configured scope). */
  async #scope(scope) {
    return (await this.#client())._sessionScope(scope);
  }

  /**
   * Run a session flow of the module (`start(wasmClient)`), performing its steps: storage reads
   * and writes, the cross-tab lock, timers, and the iframe or popup (`popup`: the window already
   * opened for it). A lock still held when the flow ends (an error) is released.
   */
  async #session(start, { popup, signal } = {}) {
    const oidc = await this.#client();
    let release = null;
    const host = async (step, f, detail) => {
      const d = JSON.parse(detail);
      try {
        switch (step) {
          case 4: { // read
            if (d.area === 'sessionStorage' || d.area === 'localStorage') {
              f.answer(storage(d.area)?.getItem(d.key) ?? undefined);
              return;
            }
            const v = d.area === 'cookie' ? this.#cookies.get(d.key) : await this.#cache.get(d.key);
            f.answer(v === undefined || v === null ? undefined : JSON.stringify(v));
            return;
          }
          case 5: // list the cache's keys
            f.answer(JSON.stringify(await this.#cache.allKeys()));
            return;
          case 6: // write
            if (d.area === 'sessionStorage' || d.area === 'localStorage') storage(d.area)?.setItem(d.key, d.value);
            else if (d.area === 'cookie') this.#cookies.save(d.key, JSON.parse(d.value), d.days ?? undefined);
            else await this.#cache.set(d.key, JSON.parse(d.value));
            f.answer();
            return;
          case 7: // remove
            if (d.area === 'sessionStorage' || d.area === 'localStorage') storage(d.area)?.removeItem(d.key);
            else if (d.area === 'cookie') this.#cookies.remove(d.key);
            else await this.#cache.remove(d.key);
            f.answer();
            return;
          case 8: { // take the cross-tab lock
            const lock = await acquireLock(d.name);
            release = lock.release;
            f.answer(lock.contended ? 'contended' : 'free');
            return;
          }
          case 9: // release it
            release?.();
            release = null;
            f.answer();
            return;
          case 10: // wait until
            await sleep(Math.max(0, d.until - Date.now()));
            f.answer();
            return;
          case 11: { // an authorization in a window, answered by web_message
            let response;
            try {
              response = await this.#window(d.kind, d.url, d.origin, d.timeout, popup);
            } catch (why) {
              f.failed(String(why));
              return;
            }
            f.answer(new URLSearchParams(Object.entries(response ?? {}).filter(([, v]) => typeof v === 'string')).toString());
            return;
          }
          default:
            throw new AuthError('ERR_INTERNAL', `the module asked for an unknown session step ${step}`, { kind: 'internal' });
        }
      } catch (e) {
        if (e instanceof AuthError) throw e;
        // What the storage said (a full quota, a cache that threw): the module decides.
        f.failed(errorText(e));
      }
    };
    try {
      return await oidc._session(start, host, signal);
    } finally {
      release?.();
    }
  }

  /**
   * Show `url` in a hidden iframe or a popup and resolve to the authorization response the page
   * posts (`web_message`): taken only from the provider's `origin` and from that very window.
   * Rejects with what happened: 'timeout', 'closed', 'blocked' or 'nodocument'.
   */
  #window(kind, url, origin, seconds, popup) {
    const doc = globalThis.document;
    if (!doc) return Promise.reject('nodocument');
    let frame = null;
    let win = popup ?? null;
    return new Promise((resolve, reject) => {
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
        if (e.origin !== origin) return;
        const source = frame ? frame.contentWindow : win;
        if (e.source && source && e.source !== source) return;
        if (e.data?.type !== 'authorization_response' || typeof e.data.response !== 'object') return;
        done(resolve, e.data.response);
      };
      globalThis.addEventListener('message', onMessage);
      timer = setTimeout(() => done(reject, 'timeout'), seconds * 1000);
      if (kind === 'iframe') {
        frame = doc.createElement('iframe');
        frame.setAttribute('width', '0');
        frame.setAttribute('height', '0');
        frame.style.display = 'none';
        frame.src = url;
        doc.body.appendChild(frame);
      } else {
        win = win ?? globalThis.open('', 'oidc-wasm:authorize:popup', POPUP_FEATURES);
        if (!win) {
          done(reject, 'blocked');
          return;
        }
        win.location.href = url;
        // The popup posts its answer and closes itself: a close is taken as a cancel only when
        // seen twice, so an answer already on its way (a task queued behind this one) wins.
        let closedOnce = false;
        closedPoll = setInterval(() => {
          if (win.closed && closedOnce) done(reject, 'closed');
          closedOnce = win.closed;
        }, 500);
      }
    });
  }

  /** Redirect to the provider's login page. */
  async loginWithRedirect({ authorizationParams = {}, appState, openUrl, fragment } = {}) {
    const url = await this.#session((c) => c.sessionLogin(JSON.stringify(authorizationParams ?? {}),
      appState === undefined ? undefined : JSON.stringify(appState)));
    const target = fragment ? `${url}#${fragment}` : url;
    if (typeof openUrl === 'function') await openUrl(target);
    else globalThis.location.assign(target);
  }

  /**
   * Handle the redirect back from the provider (after loginWithRedirect, or a passwordless magic
   * link): the login's transaction taken (one use), state checked, code exchanged, ID token
   * validated, tokens cached. Resolves to `{ appState }`. An error answer of the provider is an
   * AuthenticationError (with `state` and `appState`).
   */
  async handleRedirectCallback(url = globalThis.location?.href) {
    const out = await this.#session((c) => c.sessionCallback(String(url)));
    if (out?.failure) {
      const e = out.failure;
      throw new AuthenticationError(e.error, e.error_description ?? e.error, out.state ?? undefined, out.appState ?? undefined,
        { code: e.code, message: e.message, kind: e.kind, error_uri: e.error_uri, status: e.status });
    }
    return out;
  }

  /**
   * An access token: from the cache while it has more than `leeway` seconds to live, else
   * refreshed with the refresh token (rotation: the new one replaces the old one everywhere) or,
   * without one, by a hidden iframe. Across tabs, refreshes are serialised with a lock, and a tab
   * that waited adopts what its sibling wrote.
   */
  async getTokenSilently({ authorizationParams = {}, cacheMode = 'on', detailedResponse = false, timeoutInSeconds } = {}) {
    const { audience, scope } = authorizationParams;
    return (await this.#session((c) => c.silentToken(audience ?? undefined, scope ?? undefined, cacheMode, !!detailedResponse,
      timeoutInSeconds ?? undefined))) ?? undefined;
  }

  /** Log in in a popup (call it from a click handler, so the browser allows the window). */
  async loginWithPopup({ authorizationParams = {} } = {}, { popup, timeoutInSeconds } = {}) {
    // Open the window at once, still inside the click, before any await.
    const win = popup ?? globalThis.open?.('', 'oidc-wasm:authorize:popup', POPUP_FEATURES) ?? undefined;
    try {
      await this.#session((c) => c.popupLogin(JSON.stringify(authorizationParams ?? {}), timeoutInSeconds ?? undefined), { popup: win });
    } catch (e) {
      if (e.code === 'ERR_TIMEOUT') throw new PopupTimeoutError(win, { code: e.code, message: e.message, kind: e.kind });
      if (e instanceof PopupCancelledError) e.popup = win;
      throw e;
    }
  }

  /** A token obtained by logging in again in a popup (for consent or a new audience). */
  async getTokenWithPopup({ authorizationParams = {} } = {}, config = {}) {
    await this.loginWithPopup({ authorizationParams }, config);
    return this.getTokenSilently({ authorizationParams, cacheMode: 'cache-only' });
  }

  /** Cache the tokens of a grant that ended a login (passwordless, password, MFA, device). */
  #endLogin(tokens, audience) {
    return this.#session((c) => c.remember(JSON.stringify(tokens), audience ?? undefined, undefined));
  }

  /**
   * Passwordless (Auth0): `start` sends a code or a link by email or SMS (phone numbers in E.164),
   * `verify` exchanges the code and ends like a login (ID token verified, tokens cached).
   */
  get passwordless() {
    return {
      start: async ({ connection, email, phone_number, send = 'code', authParams, appState } = {}) => {
        if (send !== 'link') return (await this.#client()).auth0Call('passwordless_start', { connection, email, phone_number, send, authParams });
        // A magic link is a login by redirect: its parameters are those of /authorize (state,
        // nonce, PKCE, redirect_uri), and the transaction waits, in localStorage, for the tab
        // the link opens in, where handleRedirectCallback ends the login.
        const { url, transaction } = await (await this.#client()).buildAuthorizeUrl(authParams ?? {});
        const linkParams = Object.fromEntries([...new URL(url).searchParams].filter(([k]) => k !== 'client_id'));
        const sent = await (await this.#client()).auth0Call('passwordless_start', { connection, email, phone_number, send, authParams: linkParams });
        await this.#session((c) => c.keepLink(JSON.stringify(transaction), appState === undefined ? undefined : JSON.stringify(appState)));
        return sent;
      },
      verify: async ({ connection, email, phone_number, otp, audience, scope } = {}) => {
        const tokens = await (await this.#client()).auth0Grant('passwordless_otp',
          { realm: connection, username: connection === 'sms' ? phone_number : email, otp, audience, scope: scope ? await this.#scope(scope) : undefined });
        return this.#endLogin(tokens, audience);
      },
    };
  }

  /**
   * Embedded login with a password: the password-realm grant when `realm` (a database connection)
   * is given, else the password grant. A user who needs MFA gets ERR_MFA_REQUIRED with mfa_token.
   */
  async loginWithPassword({ username, password, realm, audience, scope } = {}) {
    const tokens = await (await this.#client()).auth0Grant('password', { username, password, realm, audience, scope: scope ? await this.#scope(scope) : undefined });
    return this.#endLogin(tokens, audience);
  }

  /** Create a user in a database connection (/dbconnections/signup). */
  async signup({ connection, email, password, user_metadata, ...profile } = {}) {
    return (await this.#client()).auth0Call('signup', { connection, email, password, user_metadata, ...profile });
  }

  /** Send a change-password email (/dbconnections/change_password). */
  async changePassword({ connection, email, organization } = {}) {
    return (await this.#client()).auth0Call('change_password', { connection, email, organization });
  }

  /**
   * MFA (Auth0), after a token request answered ERR_MFA_REQUIRED with `mfa_token`: list, enroll,
   * challenge and verify authenticators. `verify` ends like a login. An out-of-band proof (push,
   * SMS) is polled: `authorization_pending` waits `interval` seconds, `slow_down` adds 5 s
   * (as RFC 8628 §3.5), and polling stops at `expiresIn` seconds or when `signal` aborts.
   */
  get mfa() {
    const call = async (op, p) => (await this.#client()).auth0Call(op, p);
    return {
      getAuthenticators: (mfaToken) => call('mfa_authenticators', { mfa_token: mfaToken }),
      enroll: ({ mfaToken, authenticatorType, oobChannel, phoneNumber, email } = {}) =>
        call('mfa_associate', { mfa_token: mfaToken, authenticator_type: authenticatorType, oob_channel: oobChannel,
          phone_number: phoneNumber, email }),
      challenge: ({ mfaToken, challengeType, authenticatorId } = {}) =>
        call('mfa_challenge', { mfa_token: mfaToken, challenge_type: challengeType, authenticator_id: authenticatorId }),
      deleteAuthenticator: (authenticatorId, mfaToken) => call('mfa_delete', { authenticator_id: authenticatorId, mfa_token: mfaToken }),
      verify: async ({ mfaToken, otp, oobCode, bindingCode, recoveryCode, audience, interval, expiresIn, signal } = {}) => {
        if (otp !== undefined) return this.#endLogin(await (await this.#client()).auth0Grant('mfa_otp', { mfa_token: mfaToken, otp }), audience);
        if (recoveryCode !== undefined) {
          return this.#endLogin(await (await this.#client()).auth0Grant('mfa_recovery_code', { mfa_token: mfaToken, recovery_code: recoveryCode }), audience);
        }
        return this.#session((c) => c.mfaPoll(String(mfaToken ?? ''), String(oobCode ?? ''), bindingCode ?? undefined, audience ?? undefined,
          interval ?? undefined, expiresIn ?? undefined), { signal });
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
    const d = await (await this.#client()).deviceAuthorize(scope ? await this.#scope(scope) : undefined, audience);
    const { device_code: deviceCode, scope_requested: scopeRequested, ...shown } = d;
    return {
      ...shown,
      poll: ({ signal } = {}) => this.#session((c) => c.devicePoll(deviceCode, Number(d.interval), Number(d.expires_in),
        scopeRequested ?? undefined, audience ?? undefined), { signal }),
    };
  }

  /** The userinfo claims for the session's access token; `sub` must match the ID token's. */
  async getUserInfo({ authorizationParams = {} } = {}) {
    const claims = await this.getIdTokenClaims();
    if (!claims) throw new AuthError('ERR_LOGIN_REQUIRED', 'nobody is logged in: log in first', { kind: 'server', error: 'login_required' });
    const token = await this.getTokenSilently({ authorizationParams });
    return (await this.#client()).userinfo(token, claims.sub);
  }

  /** The user's profile: the verified ID token claims without the protocol ones. */
  async getUser() {
    return (await this.#session((c) => c.sessionUser(false))) ?? undefined;
  }

  /** Every verified ID token claim, and the raw token as `__raw`. */
  async getIdTokenClaims() {
    return (await this.#session((c) => c.sessionUser(true))) ?? undefined;
  }

  /** Whether a user is logged in (a verified ID token is cached). */
  async isAuthenticated() {
    return (await this.getUser()) !== undefined;
  }

  /**
   * Refresh the session if possible; never throws for login_required or a missing refresh token.
   * With Auth0, as auth0-spa-js: nothing at all (no iframe, no refresh) unless the
   * `auth0.<clientId>.is.authenticated` cookie says a login happened within
   * `sessionCheckExpiryDays`, and no error is thrown.
   */
  async checkSession({ authorizationParams = {}, timeoutInSeconds } = {}) {
    const { audience, scope } = authorizationParams;
    await this.#session((c) => c.checkSession(audience ?? undefined, scope ?? undefined, timeoutInSeconds ?? undefined, false));
  }

  /**
   * Clear the session and go to the provider's logout (openUrl: false to stay). With `domain`,
   * Auth0's `/v2/logout` as auth0-spa-js builds it (`client_id`, `returnTo`, `federated`); with
   * `issuer`, RP-initiated logout (`post_logout_redirect_uri`, `id_token_hint`). With
   * `revokeRefreshToken`, the refresh tokens held are revoked first (RFC 7009); a failed
   * revocation does not stop the logout.
   */
  async logout({ logoutParams = {}, openUrl, revokeRefreshToken = false } = {}) {
    const url = await this.#session((c) => c.sessionLogout(JSON.stringify(logoutParams ?? {}), !!revokeRefreshToken, openUrl !== false));
    if (openUrl === false) return;
    if (typeof openUrl === 'function') await openUrl(url);
    else globalThis.location.assign(url);
  }

  /**
   * Load the module, create an AuthClient and check its options, then restore the session as
   * auth0-spa-js's createAuth0Client does: when the `is.authenticated` cookie says a login happened
   * (within `sessionCheckExpiryDays`), a silent refresh (the refresh token where one is kept, the
   * hidden iframe otherwise); nothing at all otherwise, and never an error.
   */
  static async create(options) {
    const client = new AuthClient(options);
    await client.#client();
    if (client.#auth0) await client.checkSession();
    else await client.#session((c) => c.checkSession(undefined, undefined, undefined, true));
    return client;
  }
}

/** Load the module, then create an AuthClient (see AuthClient.create). */
export function createAuthClient(options) {
  return AuthClient.create(options);
}

/** auth0-spa-js names. */
export const Auth0Client = AuthClient;
export const createAuth0Client = createAuthClient;
