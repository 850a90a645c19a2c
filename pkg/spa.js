// The single-page-app session, with the surface of @auth0/auth0-spa-js: redirect login and
// callback, a token cache, silent refresh with rotating refresh tokens, the user's verified
// claims, logout. Protocol rules live in the WebAssembly core; this file keeps state in the
// browser (storage, locks, navigation).
import { AuthError, OidcClient, decodeJwtUnverified, init, parseCallbackUrl, _glue } from './core.js';

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

// ---- auth0-spa-js 2.28's storage, used with `domain` (Auth0 mode) so a signed-in user survives a
// swap of the import either way: its cache entries, its ID token entry, its key manifest (for a
// cache without allKeys), its transaction and its is.authenticated cookie. The cache keys
// themselves come from the module (cacheKey / findCacheKey).
const A0_PREFIX = '@@auth0spajs@@';
const A0_TX_PREFIX = 'a0.spajs.txs';
const A0_DEFAULT_AUDIENCE = 'default';
const A0_OLD_IS_AUTHENTICATED = 'auth0.is.authenticated';
/** The claims auth0-spa-js leaves out of `decodedToken.user` (its jwt.ts). */
const A0_NOT_USER = new Set(['iss', 'aud', 'exp', 'nbf', 'iat', 'jti', 'azp', 'nonce', 'auth_time', 'at_hash', 'c_hash', 'acr',
  'amr', 'sub_jwk', 'cnf', 'sip_from_tag', 'sip_date', 'sip_callid', 'sip_cseq_num', 'sip_via_branch', 'orig', 'dest', 'mky',
  'events', 'toe', 'txn', 'rph', 'sid', 'vot', 'vtm']);

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

/** JSON in a Web Storage area (auth0-spa-js's SessionStorage), as a cookieJar-like store. */
function jsonStore(area) {
  return {
    get(key) {
      try { return JSON.parse(area?.getItem(key) ?? 'null') ?? undefined; } catch { return undefined; }
    },
    save(key, value) { area?.setItem(key, JSON.stringify(value)); },
    remove(key) { area?.removeItem(key); },
  };
}

/** The scope the provider granted, as auth0-spa-js keeps it beside the one asked for. */
const granted = (tokens) => (typeof tokens.scope === 'string' ? { oauthTokenScope: tokens.scope } : {});

/**
 * An OpenID Connect session in a single-page app. The constructor is synchronous and needs
 * nothing loaded (as auth0-spa-js's, it can run at page load): the module is loaded, and the
 * options it checks are checked, at the first async call. `createAuthClient(options)` does both
 * at once.
 *
 * With `domain` (Auth0), it behaves as auth0-spa-js 2.28 does and keeps its storage formats
 * (cache entries, transaction, is.authenticated cookie, logout at /v2/logout); with `issuer`, any
 * OpenID Provider, with this library's own formats and RP-initiated logout.
 */
export class AuthClient {
  #oidcOptions;
  #oidc = null;
  #options;
  #cache;
  #clientId;
  #defaults;
  #configScope;
  #auth0;
  #cookies;
  #inflight = new Map();

  constructor(options = {}) {
    const { cacheLocation, cache, useRefreshTokens = false, useRefreshTokensFallback = false, leeway = 60,
      authorizeTimeoutInSeconds, sessionCheckExpiryDays, cookieDomain, useCookiesForTransactions = false,
      legacySameSiteCookie = true, ...rest } = options ?? {};
    this.#options = { cacheLocation, cache, useRefreshTokens, useRefreshTokensFallback, leeway, authorizeTimeoutInSeconds,
      sessionCheckExpiryDays: sessionCheckExpiryDays || 1, cookieDomain, useCookiesForTransactions };
    this.#auth0 = typeof rest.domain === 'string' && (rest.issuer === undefined || rest.issuer === null);
    const params = { ...(rest.authorizationParams ?? {}) };
    this.#configScope = typeof params.scope === 'string' ? params.scope : DEFAULT_SCOPE;
    params.scope = withOpenid(`${this.#configScope}${useRefreshTokens ? ' offline_access' : ''}`);
    if (!params.redirect_uri && globalThis.location?.origin) params.redirect_uri = globalThis.location.origin;
    this.#defaults = params;
    this.#oidcOptions = { ...rest, leeway, authorizationParams: params };
    // The same id the module will use (it trims it); a missing one is reported at the first call.
    this.#clientId = typeof rest.clientId === 'string' ? rest.clientId.trim() : '';
    this.#cookies = cookieJar({ legacy: legacySameSiteCookie !== false, domain: cookieDomain });
    this.#cache = pickCache(this.#options);
  }

  /** The protocol client, created once the module is loaded (its options are checked then). */
  async #client() {
    if (!this.#oidc) {
      this.#oidc = (async () => {
        await init();
        return new OidcClient(this.#oidcOptions);
      })();
      this.#oidc.catch(() => { this.#oidc = null; });
    }
    return this.#oidc;
  }

  /**
   * The scope to ask for: `openid`, the configured scope and `offline_access` with
   * useRefreshTokens (auth0-spa-js's injectDefaultScopes); with Auth0, a call's own scope is
   * added to those (its scopesToRequest), with any other provider it replaces the configured one.
   */
  #scope(scope) {
    const rt = this.#options.useRefreshTokens ? ' offline_access' : '';
    if (this.#auth0) return withOpenid(`${this.#configScope}${rt} ${scope ?? ''}`);
    return scope ? withOpenid(`${scope}${rt}`) : this.#defaults.scope;
  }

  // ---- keys and the manifest (so storage is never scanned; with Auth0, auth0-spa-js's rule:
  // the cache's allKeys when it has one, else its key manifest) ----
  #manifestKey() { return this.#auth0 ? `${A0_PREFIX}::${this.#clientId}` : `@@oidc-wasm@@::${this.#clientId}::@@manifest@@`; }
  #userKey() { return `${A0_PREFIX}::${this.#clientId}::@@user@@`; }
  async #manifest() {
    if (this.#auth0 && typeof this.#cache.allKeys === 'function') {
      return (await this.#cache.allKeys()).filter((k) => typeof k === 'string' && k.startsWith(A0_PREFIX));
    }
    const m = await this.#cache.get(this.#manifestKey());
    return Array.isArray(m?.keys) ? m.keys.filter((k) => typeof k === 'string') : [];
  }
  /** The keys of token sets (with Auth0, not its ID token entry nor its manifest). */
  async #tokenKeys() {
    const keys = await this.#manifest();
    return this.#auth0 ? keys.filter((k) => k !== this.#userKey() && k !== this.#manifestKey()) : keys;
  }
  async #setManifest(keys) {
    if (this.#auth0 && typeof this.#cache.allKeys === 'function') return;
    if (keys.length) await this.#cache.set(this.#manifestKey(), { keys: [...new Set(keys)] });
    else await this.#cache.remove(this.#manifestKey());
  }
  #key(audience, scope) {
    return _glue.cacheKey(this.#clientId, audience ?? this.#defaults.audience ?? undefined, this.#scope(scope));
  }

  /**
   * The entry under `key`, as `{ body }` with this library's names (expires_at, audience absent
   * for none). With Auth0, auth0-spa-js's `{ body, expiresAt }`: an expired entry it stripped to
   * its refresh token is kept (no access token).
   */
  async #entry(key) {
    const v = await this.#cache.get(key);
    if (this.#auth0) {
      const b = v?.body;
      // What it cannot read is left alone: the key space is shared with auth0-spa-js.
      const ok = b && typeof b === 'object' && (typeof b.access_token === 'string' || typeof b.refresh_token === 'string');
      if (!ok) return undefined;
      const { audience, ...rest } = b;
      return { body: { ...rest, audience: audience === A0_DEFAULT_AUDIENCE ? undefined : audience, expires_at: v.expiresAt } };
    }
    const ok = v && typeof v === 'object' && v.body && typeof v.body.access_token === 'string';
    if (v !== undefined && v !== null && !ok) await this.#cache.remove(key);
    return ok ? v : undefined;
  }
  async #find(audience, scope) {
    await init();
    const wanted = this.#key(audience, scope);
    const found = _glue.findCacheKey(JSON.stringify(await this.#manifest()), wanted);
    return found ? { key: found, entry: await this.#entry(found) } : { key: wanted, entry: undefined };
  }

  /** Write `body` (this library's names) under `key`, in the format of the mode. */
  async #write(key, body) {
    if (!this.#auth0) {
      await this.#cache.set(key, { body });
      return;
    }
    const { id_token: idToken, id_token_claims: claims, expires_at: expiresAt, audience, scope_requested: _, ...rest } = body;
    const expiresIn = typeof rest.expires_in === 'number' ? rest.expires_in : Math.max(0, (expiresAt ?? 0) - Math.floor(Date.now() / 1000));
    // auth0-spa-js's CacheEntry: the ID token goes to the user entry.
    const entry = { ...rest, expires_in: expiresIn, audience: audience ?? A0_DEFAULT_AUDIENCE, client_id: this.#clientId };
    await this.#cache.set(key, { body: entry, expiresAt: expiresAt ?? Math.floor(Date.now() / 1000) + expiresIn });
    if (idToken && claims) {
      // auth0-spa-js's decodedToken: the parts, the header, the claims (with __raw) and the user.
      const user = Object.fromEntries(Object.entries(claims).filter(([k]) => !A0_NOT_USER.has(k)));
      const [header, payload, signature] = idToken.split('.');
      const decodedToken = { encoded: { header, payload, signature }, header: decodeJwtUnverified(idToken).header,
        claims: { __raw: idToken, ...claims }, user };
      await this.#cache.set(this.#userKey(), { id_token: idToken, decodedToken });
      await this.#setManifest([...await this.#manifest(), this.#userKey()]);
    }
  }

  async #save(key, body) {
    await this.#write(key, body);
    await this.#setManifest([...await this.#manifest(), key]);
    if (this.#auth0) this.#cookies.save(this.#isAuthenticatedCookie(), true, this.#options.sessionCheckExpiryDays);
  }

  #isAuthenticatedCookie() { return `auth0.${this.#clientId}.is.authenticated`; }

  // ---- transactions ----
  // A login in progress (state, nonce, PKCE verifier) is kept in sessionStorage, keyed by state,
  // so two logins in two tabs do not clash. A magic link opens in a new tab, so its transaction
  // is kept in localStorage instead. Either is used once and purged after an hour. With Auth0, a
  // redirect login's transaction is auth0-spa-js's: one, `a0.spajs.txs.<clientId>`, in
  // sessionStorage or (useCookiesForTransactions) a cookie for a day.
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

  #a0TxStore() {
    return this.#options.useCookiesForTransactions ? this.#cookies : jsonStore(storage('sessionStorage'));
  }

  /** auth0-spa-js's LoginTransaction (with what the module also needs: max_age, created_at). */
  #saveA0Transaction(t, appState) {
    const tx = { nonce: t.nonce, scope: t.scope, audience: t.audience ?? A0_DEFAULT_AUDIENCE, appState,
      code_verifier: t.code_verifier, redirect_uri: t.redirect_uri, ...(t.organization ? { organization: t.organization } : {}),
      state: t.state, response_type: 'code', max_age: t.max_age ?? undefined, created_at: t.created_at };
    this.#a0TxStore().save(`${A0_TX_PREFIX}.${this.#clientId}`, tx, 1);
  }

  /** auth0-spa-js's transaction, removed (one use, as it does), in the module's form. */
  #takeA0Transaction() {
    const store = this.#a0TxStore();
    const key = `${A0_TX_PREFIX}.${this.#clientId}`;
    const tx = store.get(key);
    store.remove(key);
    if (!tx || typeof tx !== 'object' || !tx.code_verifier) return null;
    const transaction = { state: tx.state ?? '', nonce: tx.nonce, code_verifier: tx.code_verifier,
      redirect_uri: tx.redirect_uri ?? this.#defaults.redirect_uri, scope: tx.scope,
      audience: tx.audience === A0_DEFAULT_AUDIENCE ? null : tx.audience ?? null, max_age: tx.max_age ?? null,
      organization: tx.organization ?? null, created_at: tx.created_at ?? Math.floor(Date.now() / 1000) };
    return { transaction, appState: tx.appState };
  }

  /** The transaction of `state`, removed wherever it was kept: one use only. */
  #takeTransaction(state) {
    const a0 = this.#auth0 ? this.#takeA0Transaction() : null;
    const key = `${TX_PREFIX}${this.#clientId}.${state ?? ''}`;
    let found = null;
    for (const s of [storage('sessionStorage'), storage('localStorage')]) {
      let tx = null;
      try { tx = JSON.parse(s?.getItem(key) ?? 'null'); } catch { /* corrupt: treated as missing */ }
      s?.removeItem(key);
      if (!found && tx?.transaction) found = tx;
    }
    // A magic link's own transaction (by state) wins over a redirect login's.
    return found ?? a0;
  }

  /** Redirect to the provider's login page. */
  async loginWithRedirect({ authorizationParams = {}, appState, openUrl, fragment } = {}) {
    const oidc = await this.#client();
    // auth0-spa-js always asks for response_mode=query on a redirect login.
    const { url, transaction } = await oidc.buildAuthorizeUrl({ ...authorizationParams, scope: this.#scope(authorizationParams.scope),
      ...(this.#auth0 ? { response_mode: 'query' } : {}) });
    if (this.#auth0) this.#saveA0Transaction(transaction, appState);
    else this.#saveTransaction(storage('sessionStorage'), transaction, appState);
    const target = fragment ? `${url}#${fragment}` : url;
    if (typeof openUrl === 'function') await openUrl(target);
    else globalThis.location.assign(target);
  }

  /**
   * Handle the redirect back from the provider (after loginWithRedirect, or a passwordless magic
   * link): state checked, code exchanged, ID token validated, tokens cached. Resolves to
   * `{ appState }`. An error answer of the provider is an AuthenticationError (with `state` and
   * `appState`).
   */
  async handleRedirectCallback(url = globalThis.location?.href) {
    const oidc = await this.#client();
    const params = parseCallbackUrl(url);
    // One use only, whatever happens next: a reload of the callback URL cannot replay it.
    const tx = this.#takeTransaction(params.state);
    if (!tx?.transaction) {
      throw new AuthError('ERR_CALLBACK_STATE_MISMATCH',
        'no login in progress matches this callback (already handled, expired, or started elsewhere): log in again',
        // The provider's error when it sent one; else, with Auth0, auth0-spa-js's.
        { kind: 'verification', error: params.error ?? (this.#auth0 ? 'missing_transaction' : undefined),
          error_description: params.error ? params.error_description ?? undefined : this.#auth0 ? 'Invalid state' : undefined });
    }
    let tokens;
    try {
      tokens = await oidc.handleCallback(url, tx.transaction);
    } catch (e) {
      if (params.error && e.error === params.error) {
        throw new AuthenticationError(e.error, e.error_description ?? e.error, params.state ?? undefined, tx.appState,
          { code: e.code, message: e.message, kind: e.kind, error_uri: e.error_uri, status: e.status });
      }
      if (e.code === 'ERR_CALLBACK_STATE_MISMATCH' && e.error === undefined) {
        e.error = 'state_mismatch';
        e.error_description = 'Invalid state';
      }
      throw e;
    }
    const key = _glue.cacheKey(this.#clientId, tx.transaction.audience ?? undefined, tx.transaction.scope);
    await this.#save(key, { ...tokens, scope: tx.transaction.scope, ...granted(tokens), audience: tx.transaction.audience ?? undefined });
    return this.#auth0 ? { appState: tx.appState, response_type: 'code' } : { appState: tx.appState };
  }

  /**
   * An access token: from the cache while it has more than `leeway` seconds to live, else
   * refreshed with the refresh token (rotation: the new one replaces the old one everywhere).
   * Concurrent calls share one request; across tabs, refreshes are serialised with Web Locks.
   */
  async getTokenSilently({ authorizationParams = {}, cacheMode = 'on', detailedResponse = false, timeoutInSeconds } = {}) {
    await init();
    const { audience, scope } = authorizationParams;
    const respond = async (e) => (detailedResponse
      ? { access_token: e.body.access_token, id_token: e.body.id_token ?? (await this.#idToken())?.id_token,
        token_type: e.body.token_type ?? 'Bearer', scope: e.body.oauthTokenScope ?? e.body.scope,
        expires_in: Math.max(0, Math.floor(e.body.expires_at - Date.now() / 1000)) }
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
      try {
        const body = await this.#authorizeInWindow('iframe', { audience, scope, prompt: 'none' }, undefined, timeoutInSeconds);
        return { body };
      } catch (e) {
        // auth0-spa-js ends the local session when the provider's has ended.
        if (this.#auth0 && e.error === 'login_required') await this.#clearLocal();
        throw e;
      }
    }
    if (!rt) {
      const aud = audience ?? this.#defaults.audience ?? A0_DEFAULT_AUDIENCE;
      throw new MissingRefreshTokenError(aud, this.#scope(scope), { kind: 'server',
        message: `no refresh token for audience ${aud}: log in again (loginWithRedirect), with useRefreshTokens for offline_access` });
    }
    const sub = (await this.#claims())?.sub;
    let body;
    try {
      // auth0-spa-js sends neither scope nor audience with a refresh token (the grant's own apply).
      body = this.#auth0
        ? await (await this.#client()).refresh(rt.token, undefined, undefined, sub)
        : await (await this.#client()).refresh(rt.token, scope ? this.#scope(scope) : undefined, audience, sub);
    } catch (e) {
      if (e.error === 'invalid_grant') await this.#dropRefreshToken(rt.token);
      throw e;
    }
    const usedScope = scope ? this.#scope(scope) : entry?.body.scope ?? this.#defaults.scope;
    // auth0-spa-js keeps the result under the key asked for.
    const newKey = entry && !this.#auth0 ? key : this.#key(audience, scope);
    // With Auth0, `scope` is the one asked for (the key's) and the granted one `oauthTokenScope`, as auth0-spa-js keeps them.
    const merged = { ...(entry?.body ?? {}), ...body, scope: this.#auth0 ? this.#scope(scope) : body.scope ?? usedScope,
      ...(typeof body.scope === 'string' ? { oauthTokenScope: body.scope } : {}),
      audience: audience ?? this.#defaults.audience ?? undefined };
    if (!body.refresh_token) merged.refresh_token = rt.token;
    await this.#save(newKey, merged);
    if (body.refresh_token && body.refresh_token !== rt.token) await this.#replaceRefreshToken(rt.token, body.refresh_token);
    return { body: merged };
  }

  async #anyRefreshToken(audience) {
    const aud = audience ?? this.#defaults.audience ?? 'default';
    for (const k of await this.#tokenKeys()) {
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
    const oidc = await this.#client();
    const params = { ...extra, response_mode: 'web_message' };
    if (audience) params.audience = audience;
    params.scope = this.#scope(scope);
    const [{ url, transaction }, meta] = await Promise.all([oidc.buildAuthorizeUrl(params), oidc.discover()]);
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
      timer = setTimeout(() => {
        const details = { kind: 'network',
          message: `the provider did not answer the ${kind === 'iframe' ? 'silent authentication' : 'popup'} within ${seconds} s` };
        done(reject, kind === 'iframe' ? new TimeoutError(details) : new PopupTimeoutError(win, details));
      }, seconds * 1000);
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
          done(reject, new PopupOpenError({ message: 'the popup was blocked: call loginWithPopup from a click handler' }));
          return;
        }
        win.location.href = url;
        // The popup posts its answer and closes itself: a close is taken as a cancel only when
        // seen twice, so an answer already on its way (a task queued behind this one) wins.
        let closedOnce = false;
        closedPoll = setInterval(() => {
          if (win.closed && closedOnce) done(reject, new PopupCancelledError(win, { message: 'the popup was closed before the login finished' }));
          closedOnce = win.closed;
        }, 500);
      }
    });
    const tokens = await (await this.#client()).handleCallbackResponse(response, transaction);
    const key = _glue.cacheKey(this.#clientId, transaction.audience ?? undefined, transaction.scope);
    const body = { ...tokens, scope: transaction.scope, ...granted(tokens), audience: transaction.audience ?? undefined };
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
    await this.#save(_glue.cacheKey(this.#clientId, aud, scope), { ...body, scope, ...granted(body), audience: aud });
    return body;
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
        this.#saveTransaction(storage('localStorage'), transaction, appState);
        return sent;
      },
      verify: async ({ connection, email, phone_number, otp, audience, scope } = {}) => {
        const tokens = await (await this.#client()).auth0Grant('passwordless_otp',
          { realm: connection, username: connection === 'sms' ? phone_number : email, otp, audience, scope: scope ? this.#scope(scope) : undefined });
        return this.#endLogin(tokens, audience);
      },
    };
  }

  /**
   * Embedded login with a password: the password-realm grant when `realm` (a database connection)
   * is given, else the password grant. A user who needs MFA gets ERR_MFA_REQUIRED with mfa_token.
   */
  async loginWithPassword({ username, password, realm, audience, scope } = {}) {
    const tokens = await (await this.#client()).auth0Grant('password', { username, password, realm, audience, scope: scope ? this.#scope(scope) : undefined });
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
      verify: async ({ mfaToken, otp, oobCode, bindingCode, recoveryCode, audience, interval = 5, expiresIn = 300, signal } = {}) => {
        if (otp !== undefined) return this.#endLogin(await (await this.#client()).auth0Grant('mfa_otp', { mfa_token: mfaToken, otp }), audience);
        if (recoveryCode !== undefined) {
          return this.#endLogin(await (await this.#client()).auth0Grant('mfa_recovery_code', { mfa_token: mfaToken, recovery_code: recoveryCode }), audience);
        }
        const deadline = Date.now() + expiresIn * 1000;
        const cancelled = () => new AuthError('ERR_MFA_CANCELLED', 'the MFA verification was cancelled', { kind: 'config', error: 'cancelled' });
        let wait = interval;
        for (;;) {
          try {
            const tokens = await unlessAborted(
              (await this.#client()).auth0Grant('mfa_oob', { mfa_token: mfaToken, oob_code: oobCode, binding_code: bindingCode }), signal, cancelled);
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
    const d = await (await this.#client()).deviceAuthorize(scope ? this.#scope(scope) : undefined, audience);
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
            const tokens = await unlessAborted((await this.#client()).deviceToken(deviceCode), signal, cancelled);
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
    return (await this.#client()).userinfo(token, claims.sub);
  }

  /** Rotation: the new refresh token replaces the old one in every entry that held it. */
  async #replaceRefreshToken(oldToken, newToken) {
    for (const k of await this.#tokenKeys()) {
      const e = await this.#entry(k);
      if (e?.body.refresh_token === oldToken) await this.#write(k, { ...e.body, refresh_token: newToken });
    }
  }

  async #dropRefreshToken(token) {
    for (const k of await this.#tokenKeys()) {
      const e = await this.#entry(k);
      if (e?.body.refresh_token === token) {
        const { refresh_token: _, ...rest } = e.body;
        await this.#write(k, rest);
      }
    }
  }

  /**
   * The ID token and its verified claims: `{ id_token, claims }`. With Auth0, from auth0-spa-js's
   * ID token entry (`@@auth0spajs@@::<clientId>::@@user@@`, with the user it derived).
   */
  async #idToken() {
    await init();
    if (this.#auth0) {
      const v = await this.#cache.get(this.#userKey());
      const claims = v?.decodedToken?.claims;
      if (!v || typeof v.id_token !== 'string' || !claims || typeof claims !== 'object') return undefined;
      const { __raw: _, ...rest } = claims;
      return { id_token: v.id_token, claims: rest, user: v.decodedToken.user };
    }
    const first = (await this.#find(undefined, undefined)).entry;
    if (first?.body.id_token_claims) return { id_token: first.body.id_token, claims: first.body.id_token_claims };
    for (const k of await this.#manifest()) {
      const e = await this.#entry(k);
      if (e?.body.id_token_claims) return { id_token: e.body.id_token, claims: e.body.id_token_claims };
    }
    return undefined;
  }

  async #claims() {
    return (await this.#idToken())?.claims;
  }

  /** The user's profile: the verified ID token claims without the protocol ones. */
  async getUser() {
    const t = await this.#idToken();
    if (!t) return undefined;
    if (t.user && typeof t.user === 'object') return { ...t.user };
    const notUser = this.#auth0 ? A0_NOT_USER : PROTOCOL_CLAIMS;
    return Object.fromEntries(Object.entries(t.claims).filter(([k]) => !notUser.has(k)));
  }

  /** Every verified ID token claim, and the raw token as `__raw`. */
  async getIdTokenClaims() {
    const t = await this.#idToken();
    return t ? { ...t.claims, __raw: t.id_token } : undefined;
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
  async checkSession(options) {
    if (this.#auth0) {
      const name = this.#isAuthenticatedCookie();
      if (!this.#cookies.get(name)) {
        if (!this.#cookies.get(A0_OLD_IS_AUTHENTICATED)) return;
        // auth0-spa-js moves the cookie of its earlier versions to the per-client name.
        this.#cookies.save(name, true, this.#options.sessionCheckExpiryDays);
        this.#cookies.remove(A0_OLD_IS_AUTHENTICATED);
      }
      try { await this.getTokenSilently(options); } catch { /* as auth0-spa-js: the app asks again when it needs a token */ }
      return;
    }
    try {
      await this.getTokenSilently(options);
    } catch (e) {
      const quiet = ['ERR_LOGIN_REQUIRED', 'ERR_CONSENT_REQUIRED', 'ERR_INTERACTION_REQUIRED', 'ERR_MISSING_REFRESH_TOKEN'];
      if (!(e instanceof AuthError) || !(quiet.includes(e.code) || e.error === 'invalid_grant')) throw e;
    }
  }

  /** Remove every entry of this client (and, with Auth0, its cookies), whatever is readable. */
  async #clearLocal(keys) {
    if (!keys) {
      keys = [];
      try { keys = await this.#manifest(); } catch { /* unreadable manifest */ }
    }
    // auth0-spa-js removes the keys that name this client; so are the entries an earlier version
    // of this library kept under its own manifest.
    if (this.#auth0) {
      const legacy = `@@oidc-wasm@@::${this.#clientId}::@@manifest@@`;
      let old = [];
      try { old = (await this.#cache.get(legacy))?.keys ?? []; } catch { /* unreadable */ }
      keys = [...keys.filter((k) => k.includes(this.#clientId)), this.#userKey(), legacy,
        ...(Array.isArray(old) ? old.filter((k) => typeof k === 'string') : [])];
    }
    for (const k of keys) {
      try { await this.#cache.remove(k); } catch { /* keep going */ }
    }
    try { await this.#cache.remove(this.#manifestKey()); } catch { /* keep going */ }
    if (this.#auth0) {
      this.#cookies.remove(this.#isAuthenticatedCookie());
      this.#cookies.remove(`auth0.${this.#clientId}.organization_hint`);
    }
  }

  /**
   * Clear the session and go to the provider's logout (openUrl: false to stay). With `domain`,
   * Auth0's `/v2/logout` as auth0-spa-js builds it (`client_id`, `returnTo`, `federated`); with
   * `issuer`, RP-initiated logout (`post_logout_redirect_uri`, `id_token_hint`). With
   * `revokeRefreshToken`, the refresh tokens held are revoked first (RFC 7009); a failed
   * revocation does not stop the logout.
   */
  async logout({ logoutParams = {}, openUrl, revokeRefreshToken = false } = {}) {
    await init();
    let idToken;
    try { idToken = (await this.#idToken())?.id_token; } catch { /* unreadable */ }
    // Clearing never depends on the stored data being readable.
    let keys = [];
    try { keys = await this.#manifest(); } catch { /* unreadable manifest */ }
    if (revokeRefreshToken) {
      const tokens = new Set();
      for (const k of keys) {
        if (this.#auth0 && k === this.#userKey()) continue;
        try { const rt = (await this.#entry(k))?.body.refresh_token; if (rt) tokens.add(rt); } catch { /* skipped */ }
      }
      const oidc = await this.#client();
      await Promise.allSettled([...tokens].map((t) => oidc.revoke(t, 'refresh_token')));
    }
    await this.#clearLocal(keys);
    if (openUrl === false) return;
    const url = await (await this.#client()).logoutUrl({ ...logoutParams, id_token_hint: idToken });
    if (typeof openUrl === 'function') await openUrl(url);
    else globalThis.location.assign(url);
  }

  /**
   * Load the module, create an AuthClient and check its options; with `domain`, then
   * `checkSession()`, as auth0-spa-js's createAuth0Client does.
   */
  static async create(options) {
    const client = new AuthClient(options);
    await client.#client();
    if (client.#auth0) await client.checkSession();
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
