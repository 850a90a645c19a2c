// The shared part of every entry point: loading state, AuthError, and the idiomatic API over the
// wasm-bindgen glue. Each runtime's entry point (browser.js, node.js, deno.js, workerd.js) only
// says how to get the .wasm bytes or module.
import initWasm, * as glue from './oidc_wasm.js';

/**
 * auth0-spa-js's base error class, so that `e instanceof GenericError` holds for every error
 * oidc-wasm throws (AuthError extends it): the server's (or auth0-spa-js's) `error` and
 * `error_description`.
 */
export class GenericError extends Error {
  constructor(error, error_description, options) {
    super(error_description, options);
    this.name = 'GenericError';
    this.error = error;
    this.error_description = error_description;
  }

  static fromPayload({ error, error_description }) {
    return new GenericError(error, error_description);
  }
}

/**
 * An error from oidc-wasm. `code` is stable (see `errorCodes`); `kind` says whose move it is.
 * It is a GenericError (auth0-spa-js's), and where auth0-spa-js throws a subclass of it
 * (MfaRequiredError, MissingRefreshTokenError, TimeoutError, ...), oidc-wasm throws that class,
 * which extends AuthError (`AuthError.from` picks it from the code; spa.js defines them).
 */
export class AuthError extends GenericError {
  /** @internal `(code, message, details) => AuthError | undefined`, set by spa.js. */
  static classify = null;

  constructor(code, message, details = {}) {
    super(details.error ?? undefined, details.error_description ?? undefined, details.cause ? { cause: details.cause } : undefined);
    this.message = message;
    this.name = 'AuthError';
    this.code = code;
    this.kind = details.kind ?? 'internal';
    for (const k of ['error', 'error_description']) if (this[k] === undefined || this[k] === null) delete this[k];
    for (const k of ['status', 'error_uri', 'mfa_token', 'mfa_requirements', 'retry_after', 'claim', 'reason']) {
      if (details[k] !== undefined && details[k] !== null) this[k] = details[k];
    }
  }

  /**
   * @internal The error for `code`: an instance of auth0-spa-js's class for it when one has been
   * registered in `AuthError.classify` (by spa.js), else an AuthError.
   */
  static from(code, message, details = {}) {
    return AuthError.classify?.(code, message, details) ?? new AuthError(code, message, details);
  }
}

let loader = null;
let loading = null;
let ready = false;

/** @internal Each entry point registers how to load the wasm. An eager loader runs at import. */
export function _setLoader(fn, { eager = false } = {}) {
  loader = fn;
  if (eager) {
    try {
      fn();
      ready = true;
      loading = Promise.resolve();
    } catch {
      // Left for init() to retry and report with a clear error.
    }
  }
}

function loadError(e) {
  return e instanceof AuthError ? e : new AuthError('ERR_INIT_FAILED',
    `the oidc-wasm WebAssembly module could not be loaded: ${e?.message ?? e}`, { kind: 'internal', cause: e });
}

/**
 * Load and instantiate the WebAssembly module. Memoized: every call returns the same promise,
 * and a failed load can be retried. `source` (optional) overrides where the module comes from:
 * a URL, a Response, bytes or a WebAssembly.Module.
 */
export function init(source) {
  if (ready) return Promise.resolve();
  if (!loading) {
    loading = (async () => {
      if (source !== undefined) await initWasm({ module_or_path: await source });
      else if (loader) await loader();
      else throw new Error('no loader registered for this runtime');
      ready = true;
    })().catch((e) => { loading = null; throw loadError(e); });
  }
  return loading;
}

/** Whether the module is loaded, so the synchronous functions can be called. */
export function isReady() {
  return ready;
}

/** @internal Instantiate from bytes or a WebAssembly.Module, synchronously. */
export function _initSync(module) {
  glue.initSync({ module });
}

/** @internal Instantiate from a URL (fetch + instantiateStreaming where available). */
export function _initFromUrl(url) {
  return initWasm({ module_or_path: url });
}

function requireReady(what) {
  if (!ready) {
    throw new AuthError('ERR_NOT_INITIALIZED',
      `${what} was called before the WebAssembly module was loaded: await init() (or any async API) first`,
      { kind: 'internal' });
  }
}

/** Turn whatever the wasm layer threw into an AuthError; nothing else escapes. */
function toAuthError(e) {
  if (e instanceof AuthError) return e;
  if (e && typeof e === 'object' && typeof e.code === 'string' && typeof e.kind === 'string') {
    return AuthError.from(e.code, e.message, e);
  }
  if (typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.RuntimeError) {
    return new AuthError('ERR_INTERNAL', `oidc-wasm hit an internal error (${e.message}); please report it`,
      { kind: 'internal', cause: e });
  }
  return new AuthError('ERR_INTERNAL', `oidc-wasm failed unexpectedly: ${e?.message ?? e}`, { kind: 'internal', cause: e });
}

function call(what, fn) {
  requireReady(what);
  try {
    return fn();
  } catch (e) {
    throw toAuthError(e);
  }
}

async function callAsync(fn) {
  if (!ready) await init();
  try {
    return await fn();
  } catch (e) {
    throw toAuthError(e);
  }
}

const json = (s) => JSON.parse(s);

/**
 * `target[name]` (bound), or ERR_FEATURE_NOT_BUILT when this build of the module left that part
 * out (the Cargo features auth0, device, verifier; the npm package has them all).
 */
function built(target, name, feature) {
  const f = target[name];
  if (typeof f !== 'function') {
    throw new AuthError('ERR_FEATURE_NOT_BUILT',
      `this build of oidc-wasm leaves out ${name} (Cargo feature "${feature}"): build the module with that feature`, { kind: 'config' });
  }
  return glue === target ? f : f.bind(target);
}

/** @internal The wasm-bindgen exports, for the session layer (spa.js). */
export const _glue = glue;

/** JSON text of an argument; anything JSON cannot express (a function, a cycle, a BigInt) is ERR_INVALID_ARGUMENT. */
function arg(value, what) {
  let text;
  try {
    text = JSON.stringify(value);
  } catch (e) {
    throw new AuthError('ERR_INVALID_ARGUMENT', `${what} cannot be serialized: ${e.message}`, { kind: 'config' });
  }
  if (typeof text !== 'string') {
    throw new AuthError('ERR_INVALID_ARGUMENT', `${what} must be a JSON object, not ${typeof value}`, { kind: 'config' });
  }
  return text;
}

/**
 * Make one request the module named (`{ method, url, headers, body, timeoutMs }`) and read its
 * answer whole. Every request of the library leaves through here.
 */
function send({ method = 'GET', url, headers, body, timeoutMs }) {
  return readAnswer(url, { method, headers, body, signal: globalThis.AbortSignal?.timeout?.(timeoutMs) });
}

const ABORTED = Symbol('aborted');

/**
 * Wakes the flows of one client that wait (step 3) for another flow's answer: the provider
 * metadata or the signing keys that flow is fetching for all of them.
 */
class Waker {
  #waiting = null;
  #wake = null;
  wait() {
    if (!this.#waiting) this.#waiting = new Promise((resolve) => { this.#wake = resolve; });
    return this.#waiting;
  }
  wake() {
    const wake = this.#wake;
    this.#waiting = null;
    this.#wake = null;
    wake?.();
  }
}

/** Where the module describes a flow's step (see `drive`), found on first use. */
let flowHeadAt = 0;
const utf8 = new TextDecoder();

/**
 * Perform the steps of one flow of the module until it ends (see WasmFlow in src/wasm/client.rs):
 * 0 done, 1 send a request, 2 check a signature, 3 wait for another flow; a session flow's own
 * steps (4 and up: storage, lock, timer, window) go to `host` (spa.js). The module decides every
 * step and what each answer means; this only carries them out.
 */
async function drive(flow, waker, check, host, signal) {
  // An app's AbortSignal (a session flow's): whatever step is under way is left, the module is
  // told, and its next step is the call's cancellation error.
  const aborted = signal ? new Promise((resolve) => {
    if (signal.aborted) resolve(ABORTED);
    else signal.addEventListener('abort', () => resolve(ABORTED), { once: true });
  }) : null;
  const until = (p) => (aborted ? Promise.race([p, aborted]) : p);
  try {
    for (;;) {
      if (signal?.aborted) flow.cancel();
      const step = flow.next(); // throws the flow's error
      // The step as the module describes it in its memory (Head, src/wasm/mod.rs), read now:
      // the next call into the module rewrites it.
      const buffer = memory().buffer;
      const h = new Uint32Array(buffer, flowHeadAt ||= glue.flowHead(), 10);
      const text = h[9] ? utf8.decode(new Uint8Array(buffer, h[8], h[9])) : undefined;
      if (step === 0) return text === undefined ? undefined : json(text);
      if (step > 3) {
        // A session's own step (storage, lock, timer, window): performed by the session layer.
        await until(host(step, flow, text));
      } else if (step === 1) {
        const r = await until(send(json(text)));
        if (r === ABORTED) continue;
        if (r.error) flow.receiveFailure(...failure(r.error));
        else flow.receive(r.status, r.headers, r.body);
        waker.wake();
      } else if (step === 2) {
        // Copies: the memory may grow (detaching these views) while the platform works.
        const signature = new Uint8Array(buffer, h[4], h[5]).slice();
        const input = new Uint8Array(buffer, h[6], h[7]).slice();
        const ok = await until(check(algs()[h[3]], text, signature, input));
        if (ok !== ABORTED) flow.signatureChecked(ok);
      } else {
        await until(waker.wait());
      }
    }
  } finally {
    flow.free();
    waker.wake();
  }
}

/** The Auth0 calls of `auth0Call` / `auth0Grant` (wire names), by the module's export for each. */
const AUTH0_OPS = {
  passwordless_start: (c, p) => c.passwordlessStart(arg(p, 'the parameters')),
  mfa_authenticators: (c, p) => c.mfaAuthenticators(String(p.mfa_token ?? '')),
  mfa_associate: (c, p) => c.mfaAssociate(arg(p, 'the parameters')),
  mfa_challenge: (c, p) => c.mfaChallenge(arg(p, 'the parameters')),
  mfa_delete: (c, p) => c.mfaDelete(String(p.mfa_token ?? ''), String(p.authenticator_id ?? '')),
  signup: (c, p) => c.signup(arg(p, 'the parameters')),
  change_password: (c, p) => c.changePassword(arg(p, 'the parameters')),
  passwordless_otp: (c, p) => c.passwordlessOtp(arg(p, 'the parameters')),
  password: (c, p) => c.passwordGrant(arg(p, 'the parameters')),
  mfa_otp: (c, p) => c.mfaGrant(arg({ mfa_token: p.mfa_token, otp: p.otp ?? '' }, 'the parameters')),
  mfa_oob: (c, p) => c.mfaGrant(arg({ mfa_token: p.mfa_token, oob_code: p.oob_code ?? '', binding_code: p.binding_code }, 'the parameters')),
  mfa_recovery_code: (c, p) => c.mfaGrant(arg({ mfa_token: p.mfa_token, recovery_code: p.recovery_code ?? '' }, 'the parameters')),
};
const AUTH0_EXPORT = { passwordless_start: 'passwordlessStart', mfa_authenticators: 'mfaAuthenticators', mfa_associate: 'mfaAssociate',
  mfa_challenge: 'mfaChallenge', mfa_delete: 'mfaDelete', signup: 'signup', change_password: 'changePassword',
  passwordless_otp: 'passwordlessOtp', password: 'passwordGrant', mfa_otp: 'mfaGrant', mfa_oob: 'mfaGrant', mfa_recovery_code: 'mfaGrant' };

/**
 * A client of one OpenID Provider (found through discovery) for one client id.
 * Construct it after init(), or use createOidcClient(), which loads the module first.
 * Each method runs one flow of the module (src/driver.rs), performing the steps it names.
 */
export class OidcClient {
  #inner;
  #metadata = null;
  #waker = new Waker();
  #check = null;

  constructor(options) {
    const { crypto, ...rest } = options && typeof options === 'object' ? options : {};
    this.#inner = call('new OidcClient()', () => new (built(glue, 'WasmClient', 'client'))(arg(options && typeof options === 'object' ? rest : options ?? {}, 'the client options')));
    // ID token signatures are checked by the platform's crypto where there is one (as Verifier
    // does), else by the module with this library's own arithmetic, loaded when first needed.
    this.#check = signatureCheckerFor(crypto === 'wasm' ? null : platformBackend);
    this.#inner.usePlatformCrypto(true);
  }

  get issuer() { return this.#inner.issuer; }
  get clientId() { return this.#inner.clientId; }

  /** Run the flow `start(inner)` returns (an export of the module's client) to its end. */
  #run(start) {
    return callAsync(() => drive(start(this.#inner), this.#waker, this.#check));
  }

  /** @internal Run a session flow (src/spa): `host(step, flow)` performs its own steps. */
  _session(start, host, signal) {
    return callAsync(() => drive(start(this.#inner), this.#waker, this.#check, host, signal));
  }

  /** @internal The session's options (spa.js); the configured scope becomes the session's. */
  _configureSession(options, auth0) {
    call('configureSession()', () => this.#inner.configureSession(arg(options, 'the session options'), auth0));
  }

  /** @internal The scope a call of the session asks for. */
  _sessionScope(scope) {
    return call('sessionScope()', () => this.#inner.sessionScope(scope ?? undefined));
  }

  /** The provider metadata (fetched once; OIDC Discovery §4). A failed fetch is retried next call. */
  discover() {
    if (!this.#metadata) {
      this.#metadata = this.#run((c) => c.discover());
      this.#metadata.catch(() => { this.#metadata = null; });
    }
    return this.#metadata;
  }

  /** The /authorize URL and the transaction to keep until the callback. */
  buildAuthorizeUrl(authorizationParams = {}) {
    return this.#run((c) => c.authorizationUrl(arg(authorizationParams ?? {}, 'authorizationParams')));
  }

  /**
   * Validate the callback URL against its transaction, exchange the code, and validate the ID
   * token (signature against the provider's JWKS, OIDC Core §3.1.3.7). The result carries the
   * verified claims as `id_token_claims`.
   */
  handleCallback(url, transaction) {
    return this.#run((c) => c.handleCallback(String(url), arg(transaction ?? null, 'the login transaction')));
  }

  /**
   * `handleCallback` for an authorization response that arrived as parameters (the `response`
   * object of a `web_message` answer), handed to the module as they are.
   */
  handleCallbackResponse(response, transaction) {
    const pairs = new URLSearchParams(Object.entries(response ?? {}).filter(([, v]) => typeof v === 'string'));
    return this.#run((c) => c.handleCallbackParams(pairs.toString(), arg(transaction ?? null, 'the login transaction')));
  }

  /** The refresh-token grant (RFC 6749 §6); a new ID token must be for `expectedSub`. */
  refresh(refreshToken, scope, audience, expectedSub) {
    return this.#run((c) => c.refresh(String(refreshToken), scope ?? undefined, audience ?? undefined, expectedSub ?? undefined));
  }

  /**
   * @internal Auth0 Authentication API calls by wire name (passwordless_start, mfa_authenticators,
   * mfa_associate, mfa_challenge, mfa_delete, signup, change_password), each a module export of its own.
   */
  auth0Call(op, params) {
    return this.#auth0(op, params);
  }

  /** @internal Auth0 token grants by wire name (passwordless_otp, password, mfa_otp, mfa_oob, mfa_recovery_code). */
  auth0Grant(op, params) {
    return this.#auth0(op, params);
  }

  #auth0(op, params) {
    const start = AUTH0_OPS[op];
    if (!start) {
      return Promise.reject(new AuthError('ERR_INVALID_ARGUMENT', `unknown operation ${JSON.stringify(op)}`, { kind: 'config' }));
    }
    return this.#run((c) => {
      built(c, AUTH0_EXPORT[op], 'auth0');
      return start(c, params ?? {});
    });
  }

  /** @internal RFC 8628 device authorization and one poll of its token request. */
  deviceAuthorize(scope, audience) {
    return this.#run((c) => built(c, 'deviceAuthorize', 'device')(scope ?? undefined, audience ?? undefined));
  }

  /** @internal */
  deviceToken(deviceCode) {
    return this.#run((c) => built(c, 'deviceToken', 'device')(String(deviceCode)));
  }

  /** The userinfo claims (OIDC Core §5.3); `sub` must be `expectedSub`. */
  userinfo(accessToken, expectedSub) {
    return this.#run((c) => c.userinfo(String(accessToken), String(expectedSub)));
  }

  /**
   * The client credentials grant (RFC 6749 §4.4) for a confidential client, e.g. an edge worker
   * calling an API. Refused in a browser page, where a secret cannot be kept.
   */
  async clientCredentials({ clientSecret, audience } = {}) {
    if (typeof globalThis.document !== 'undefined') {
      throw new AuthError('ERR_CLIENT_SECRET_IN_BROWSER',
        'the client credentials grant needs a client secret, which a browser page cannot keep: call it from a server or an edge worker',
        { kind: 'config' });
    }
    return this.#run((c) => c.clientCredentials(String(clientSecret ?? ''), audience ?? undefined));
  }

  /** Revoke a token (RFC 7009), e.g. a refresh token at logout. */
  async revoke(token, tokenTypeHint) {
    await this.#run((c) => c.revoke(String(token), tokenTypeHint ?? undefined));
  }

  /** The provider's logout URL ({ returnTo, federated, id_token_hint }). */
  logoutUrl(params = {}) {
    return this.#run((c) => c.logoutUrl(arg(params ?? {}, 'logoutParams')));
  }

  /** Release the wasm memory of this client. */
  free() { this.#inner.free(); }
}

/** Load the module if needed, then create an OidcClient (options are validated at once). */
export async function createOidcClient(options) {
  await init();
  return new OidcClient(options);
}

/** The authorization response parameters of a callback URL: { code, state, error, error_description, iss }. */
export function parseCallbackUrl(url) {
  return call('parseCallbackUrl()', () => json(built(glue, 'parseCallbackUrl', 'client')(String(url))));
}

/** A fresh PKCE pair (RFC 7636, S256). */
export function createPkcePair() {
  return call('createPkcePair()', () => json(built(glue, 'createPkcePair', 'client')()));
}

/** The S256 code_challenge of a code_verifier (RFC 7636 §4.2). */
export function pkceChallenge(codeVerifier) {
  return call('pkceChallenge()', () => built(glue, 'pkceChallenge', 'client')(String(codeVerifier)));
}

/** Decode a JWT WITHOUT verifying its signature or claims: { header, claims }. Trust nothing in it. */
export function decodeJwtUnverified(token) {
  return call('decodeJwtUnverified()', () => json(glue.decodeJwtUnverified(String(token))));
}


// ---- signature checks by the platform ----
// The core decides everything (parsing, alg allow-list, crit, key selection, signature length,
// claims); only the signature arithmetic itself is handed to the platform's crypto, which is
// native code and much faster than WebAssembly. This library's own arithmetic (a module of its
// own, see loadWasmCrypto) is used where there is no platform crypto, for verifySync with an
// asynchronous backend, and whenever the platform refuses a key or throws, so the outcome is the
// same either way (tests/runtimes check this on the
// Wycheproof vectors and the attack catalogue in every runtime).
const WEBCRYPTO = {
  RS256: [{ name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, { name: 'RSASSA-PKCS1-v1_5' }],
  RS384: [{ name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-384' }, { name: 'RSASSA-PKCS1-v1_5' }],
  RS512: [{ name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-512' }, { name: 'RSASSA-PKCS1-v1_5' }],
  PS256: [{ name: 'RSA-PSS', hash: 'SHA-256' }, { name: 'RSA-PSS', saltLength: 32 }],
  ES256: [{ name: 'ECDSA', namedCurve: 'P-256' }, { name: 'ECDSA', hash: 'SHA-256' }],
};

/** @internal WebCrypto (SubtleCrypto) as a signature backend: asynchronous. */
export const _webCryptoBackend = {
  name: 'webcrypto',
  sync: false,
  importKey: (jwk, alg) => globalThis.crypto.subtle.importKey('jwk', jwk, WEBCRYPTO[alg][0], false, ['verify']),
  verify: (alg, key, signature, data) => globalThis.crypto.subtle.verify(WEBCRYPTO[alg][1], key, signature, data),
};

let platformBackend = globalThis.crypto?.subtle ? _webCryptoBackend : null;

/** @internal An entry point may install its runtime's faster backend (node:crypto in Node). */
export function _setSignatureBackend(backend) {
  platformBackend = backend;
}

/**
 * The platform's check of one signature for the module: `(alg, publicJwkJson, signature, data)`
 * to a promise of true / false, or undefined when the platform cannot decide (the module's own
 * arithmetic then does). Imported keys are kept, a few at a time.
 */
function platformCheckFor(backend) {
  const keys = new Map();
  return async (alg, jwk, signature, data) => {
    try {
      const id = `${alg} ${jwk}`;
      let key = keys.get(id);
      if (key === undefined) {
        key = await backend.importKey(JSON.parse(jwk), alg);
        if (keys.size >= 16) keys.clear();
        keys.set(id, key);
      }
      return (await backend.verify(alg, key, signature, data)) === true;
    } catch {
      return undefined;
    }
  };
}

/**
 * The platform's check, then, where it cannot decide (no platform crypto, a key it refuses), the
 * arithmetic module's: `(alg, publicJwkJson, signature, data)` to a promise of true / false.
 */
function signatureCheckerFor(backend) {
  const platform = backend ? platformCheckFor(backend) : null;
  return async (alg, jwk, signature, data) => {
    const ok = platform ? await platform(alg, jwk, signature, data) : undefined;
    if (ok !== undefined) return ok;
    await loadWasmCrypto();
    try {
      return wasmCryptoNow().verifySignatureWasm(jwk, alg, data, signature) === true;
    } catch {
      return false; // a key the module refuses verifies nothing
    }
  };
}

// ---- this library's own signature arithmetic (rsa, p256), a module of its own ----
// Loaded only where it is needed: verifySync where the platform's crypto is asynchronous,
// crypto: 'wasm', a runtime without WebCrypto, a key the platform refuses. Node, Deno and workerd
// load it synchronously on first use; browsers fetch it (loadWasmCrypto).
let cryptoSource = null;
let cryptoGlue = null;
let cryptoLoading = null;

/** @internal Each entry point says how to load the arithmetic module: `{ sync: () => glue }` or `{ load: async () => glue }`. */
export function _setWasmCryptoLoader(source) {
  cryptoSource = source;
}

/** The arithmetic module's exports if it is loaded, or can be loaded at once; else null. */
function wasmCryptoNow() {
  if (!cryptoGlue && cryptoSource?.sync) {
    try {
      cryptoGlue = cryptoSource.sync();
    } catch (e) {
      throw loadError(e);
    }
  }
  return cryptoGlue;
}

/**
 * Load the module with this library's own signature arithmetic (memoized; a failed load can be
 * retried). Needed before `verifySync` in a browser, where WebCrypto is asynchronous;
 * `createVerifier({ crypto: 'wasm' })` and every asynchronous call load it themselves.
 */
export function loadWasmCrypto() {
  if (cryptoGlue) return Promise.resolve();
  if (!cryptoLoading) {
    cryptoLoading = (async () => {
      if (cryptoSource?.load) cryptoGlue = await cryptoSource.load();
      else if (!wasmCryptoNow()) throw new Error('this runtime registered no loader for the signature arithmetic module');
    })().catch((e) => { cryptoLoading = null; throw loadError(e); });
  }
  return cryptoLoading;
}

const cryptoNotLoaded = () => new AuthError('ERR_WASM_CRYPTO_NOT_LOADED',
  'this call needs the library\'s own signature arithmetic (verifySync where the platform\'s crypto is asynchronous, or crypto: "wasm"), a module loaded on demand: await loadWasmCrypto() first',
  { kind: 'config' });

/** @internal The arithmetic module as a signature backend: synchronous, once loaded. */
export const _wasmBackend = {
  name: 'wasm',
  sync: true,
  importKey: (jwk, alg) => {
    const g = wasmCryptoNow();
    if (!g) throw cryptoNotLoaded();
    const text = typeof jwk === 'string' ? jwk : JSON.stringify(jwk);
    return { handle: g.importKey(text, alg), jwk: text, alg };
  },
  verify: (alg, key, signature, data) => {
    const g = wasmCryptoNow();
    if (!g) throw cryptoNotLoaded();
    let ok = g.verify(key.handle, signature, data);
    if (ok === undefined) { // the module dropped the key (too many imported): import it again
      key.handle = g.importKey(key.jwk, key.alg);
      ok = g.verify(key.handle, signature, data);
    }
    return ok === true;
  },
};

/** @internal The arithmetic module's exports, loaded (for tests that compare it with the platform). */
export async function _wasmCrypto() {
  await loadWasmCrypto();
  return wasmCryptoNow();
}

/** @internal The backend verifiers use by default (null: the arithmetic module). */
export function _signatureBackend() {
  return platformBackend;
}

/** The module's algorithms, in its order (verifyPrepareNow names them by index). */
let ALGS = null;
/** The module's algorithm names, in its order (a prepared verification names its algorithm by index). */
const algs = () => (ALGS ??= json(glue.algorithmNames()));
/** The module's memory (for the views of a flow's step and of a prepared verification). */
let wasmMemory = null;
const memory = () => (wasmMemory ??= glue.wasmMemory());
const isThenable = (v) => v !== null && typeof v === 'object' && typeof v.then === 'function';

/** Module-private: hands a JWKS fetch started before the module was loaded to a new Verifier. */
const adoptJwksFetch = Symbol('adoptJwksFetch');

/**
 * Verifies JWTs (access tokens for your API, or ID tokens) locally against the issuer's JWKS.
 * Keys are fetched once and cached (10 min, Cache-Control honoured); an unknown kid triggers one
 * refetch at most every 30 s; concurrent verifications share one fetch; when the JWKS endpoint is
 * down, the keys held keep working and `onWarning` is told. Signatures are checked with the
 * platform's crypto where it has one (`crypto: 'wasm'` forces the module's own).
 */
export class Verifier {
  #inner;
  #onWarning;
  #backend;
  #keys = new Map();
  /** Keys imported into the arithmetic module, for tokens the platform could not decide. */
  #ownKeys = new Map();
  #keysGeneration = -1;
  #headAt = 0;
  #head = null;
  /**
   * The requests under way for this verifier's keys (discovery, JWKS), one at a time, shared by
   * the verifications that wait for them: it rejects with the error they then get.
   */
  #io = null;

  constructor(options = {}) {
    const { onWarning, crypto, ...rest } = options && typeof options === 'object' ? options : { options };
    if (crypto !== undefined && crypto !== 'platform' && crypto !== 'wasm') {
      throw new AuthError('ERR_CONFIG_INVALID_OPTION', 'crypto must be "platform" (the default) or "wasm"', { kind: 'config' });
    }
    this.#onWarning = typeof onWarning === 'function' ? onWarning : (w) => console.warn(`oidc-wasm: ${w}`);
    this.#backend = crypto === 'wasm' || !platformBackend ? _wasmBackend : platformBackend;
    this.#inner = call('new Verifier()', () => new (built(glue, 'WasmVerifier', 'verifier'))(arg(rest, 'the verifier options')));
    this.#headAt = this.#inner.headAddress();
  }

  #warn() {
    const w = this.#inner.takeWarnings();
    if (w !== undefined) for (const m of json(w)) this.#onWarning(m);
  }

  /**
   * Prepared verification `handle`, as the module describes it in its memory (nothing is
   * copied): a Uint32Array of [handle, generation, key index, alg index, signature address,
   * signature length, signing input address, its length], to read before any await (the next
   * prepare rewrites it). The bytes it points at stay put until verifyFinish.
   */
  #prepared(handle) {
    const buffer = memory().buffer;
    if (this.#head?.buffer !== buffer) this.#head = new Uint32Array(buffer, this.#headAt, 8);
    const h = this.#head;
    // Another verification may have been prepared while this one awaited its keys.
    if (h[0] !== handle && !(this.#inner.describe(handle) && h[0] === handle)) {
      throw new AuthError('ERR_INTERNAL', 'the prepared verification was forgotten (too many at once)', { kind: 'internal' });
    }
    return h;
  }

  /**
   * The backend's key for key `index` of the set of `generation` (null: the backend refused it),
   * kept in `keys` (the platform's, or the arithmetic module's).
   */
  #platformKey(generation, index, alg, backend = this.#backend, keys = this.#keys) {
    if (generation !== this.#keysGeneration) {
      this.#keys.clear();
      this.#ownKeys.clear();
      this.#keysGeneration = generation;
    }
    // A number, not a string: no allocation per verification.
    const id = index * algs().length + algs().indexOf(alg);
    let key = keys.get(id);
    if (key === undefined) {
      const jwk = this.#inner.publicKey(generation, index);
      try {
        key = jwk === undefined ? null : backend.importKey(json(jwk), alg);
      } catch {
        key = null;
      }
      if (isThenable(key)) {
        key = key.then((k) => { keys.set(id, k); return k; }, () => { keys.set(id, null); return null; });
      }
      keys.set(id, key);
    }
    return key;
  }

  /**
   * The backend's signature check: true / false, a promise of the raw answer, or undefined when
   * it could not decide.
   */
  #platformCheck(key, alg, h, backend = this.#backend) {
    if (!key) return undefined;
    try {
      // Views of the module's memory (h is read after the last call into the module): WebCrypto
      // copies the bytes at the call, node:crypto and the arithmetic module verify before returning.
      const buffer = memory().buffer;
      const ok = backend.verify(alg, key, new Uint8Array(buffer, h[4], h[5]), new Uint8Array(buffer, h[6], h[7]));
      return isThenable(ok) ? ok : ok === true;
    } catch {
      return undefined;
    }
  }

  /**
   * Ends a prepared verification once the backend answered `ok`: where it could not decide, the
   * arithmetic module decides (loaded: see verify and verifySync); a key it refuses too verifies
   * nothing. Then the claims. The result (JSON), or undefined when verifyClaims gave it already.
   */
  #finish(handle, ok) {
    if (ok === undefined && this.#backend !== _wasmBackend) {
      let h = this.#prepared(handle);
      const alg = algs()[h[3]];
      const key = this.#platformKey(h[1], h[2], alg, _wasmBackend, this.#ownKeys);
      h = this.#prepared(handle); // importing the key may have grown the memory
      ok = this.#platformCheck(key, alg, h, _wasmBackend);
    }
    return this.#inner.verifyFinish(handle, ok === true);
  }

  /** Drop prepared verification `handle` (its check cannot be made) and throw `e`. */
  #abandon(handle, e) {
    this.#inner.verifyFinish(handle, undefined);
    throw e;
  }

  #share(io) {
    const shared = io.finally(() => { if (this.#io === shared) this.#io = null; });
    shared.catch(() => {}); // reported to the verifications that wait for it, if any
    this.#io = shared;
    return shared;
  }

  /**
   * Make the requests the module wants before `token` can be verified (`nextRequest`: the
   * discovery document, the JWKS when its cache policy says so) and hand it the answers; or wait
   * for those under way. The module decides what to fetch and what an answer means.
   */
  #load(token) {
    if (this.#io) return this.#io;
    let next = this.#inner.nextRequest(token); // throws the last fetch's error when it is all there is
    if (next === undefined) return undefined;
    return this.#share((async () => {
      for (let i = 0; next !== undefined && i < 3; i++, next = this.#inner.nextRequest(token)) {
        const request = json(next);
        const { url } = request;
        const r = await send(request);
        if (r.error) this.#inner.receiveFailure(url, ...failure(r.error));
        else this.#inner.receive(url, r.status, r.headers, r.body);
      }
    })());
  }

  /** Verify a token (fetching keys when needed): { payload, protectedHeader }. */
  async verify(token) {
    token = String(token);
    if (!ready) await init();
    try {
      if (this.#io) await this.#io;
      if (this.#backend === _wasmBackend && !wasmCryptoNow()) await loadWasmCrypto();
      // The usual case needs no I/O.
      let r = this.#inner.verifyPrepareNow(token);
      if (r === null) {
        await this.#load(token);
        r = this.#inner.verifyPrepareSync(token);
      }
      if (typeof r === 'string') return json(r);
      const handle = r;
      let h = this.#prepared(handle);
      const alg = algs()[h[3]];
      let key = this.#platformKey(h[1], h[2], alg);
      if (isThenable(key)) key = await key;
      // Read again: fetching the key may have grown the memory or prepared another token.
      h = this.#prepared(handle);
      let ok = this.#platformCheck(key, alg, h);
      let early;
      if (isThenable(ok)) {
        // The payload is read and judged, and the result parsed, while the platform checks the
        // signature; the result is returned only if the signature then verifies.
        const text = this.#inner.verifyClaims(handle);
        if (text !== undefined) early = json(text);
        try {
          ok = (await ok) === true;
        } catch {
          ok = undefined;
        }
      }
      if (ok === undefined && !wasmCryptoNow()) {
        // The platform could not decide: the arithmetic module will.
        try {
          await loadWasmCrypto();
        } catch (e) {
          this.#abandon(handle, e);
        }
      }
      const text = this.#finish(handle, ok);
      return text === undefined ? early : json(text);
    } catch (e) {
      throw toAuthError(e);
    } finally {
      this.#warn();
    }
  }

  /**
   * Verify with the keys already loaded, no network: ERR_JWKS_NOT_LOADED when there are none.
   * Uses the platform's crypto when it is synchronous (Node), else the module's own.
   */
  verifySync(token) {
    token = String(token);
    return call('verifySync()', () => {
      const backend = this.#backend.sync ? this.#backend : _wasmBackend;
      const r = this.#inner.verifyPrepareSync(token);
      if (typeof r === 'string') return json(r);
      const handle = r;
      if (backend === _wasmBackend && !wasmCryptoNow()) this.#abandon(handle, cryptoNotLoaded());
      let h = this.#prepared(handle);
      const alg = algs()[h[3]];
      const key = this.#platformKey(h[1], h[2], alg, backend, backend === this.#backend ? this.#keys : this.#ownKeys);
      h = this.#prepared(handle); // importing the key may have grown the memory
      const ok = this.#platformCheck(key, alg, h, backend);
      if (ok === undefined && backend !== _wasmBackend && !wasmCryptoNow()) this.#abandon(handle, cryptoNotLoaded());
      return json(this.#finish(handle, ok));
    });
  }

  /**
   * Verify the bearer token of a Request (RFC 6750 §2.1: `Authorization: Bearer <token>`).
   * A request without one is ERR_BEARER_TOKEN_MISSING.
   */
  async verifyRequest(request) {
    if (!ready) await init();
    const header = String(request?.headers?.get?.('authorization') ?? '');
    return this.verify(call('verifyRequest()', () => glue.bearerToken(header)));
  }

  /** The JWKS cache as a JSON-serializable object (null before the first fetch), e.g. to keep in KV. */
  exportJwksCache() {
    return call('exportJwksCache()', () => json(this.#inner.exportJwksCache()));
  }

  /** Load a cache exported earlier (for the same jwks_uri). */
  importJwksCache(cache) {
    call('importJwksCache()', () => this.#inner.importJwksCache(arg(cache ?? null, 'the JWKS cache')));
    this.#warn();
  }

  /** Release the verifier's WebAssembly memory. */
  free() { this.#inner.free(); }

  /**
   * @internal See createVerifier: `pending` is the early JWKS fetch's answer (see readAnswer),
   * which the module takes as its first fetch of `uri` when it wants it. Verifications wait for it.
   */
  [adoptJwksFetch](uri, pending) {
    this.#share(pending.then((r) => {
      if (r.error) this.#inner.adoptJwksFailure(uri, ...failure(r.error));
      else this.#inner.adoptJwksResponse(uri, r.status, r.headers, r.body);
    }));
  }
}

/**
 * `fetch(url, init)` with its answer read whole: a promise of `{ status, headers, body }`, the
 * headers as `name: value` lines, or of `{ error }` when the request or the body failed.
 */
async function readAnswer(url, init) {
  try {
    const r = await fetch(url, init);
    let headers = '';
    r.headers.forEach((value, name) => { headers += `${name}: ${value}\n`; });
    return { status: r.status, headers, body: await r.text() };
  } catch (error) {
    return { error };
  }
}

/** A failed fetch's error as the module takes it: its name and message. */
const failure = (e) => [String(e?.name ?? ''), String(e?.message ?? e)];

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The module's first JWKS request (GET jwksUri, its Accept header and timeout), started while the
 * module loads, for a jwksUri it accepts (https, or http on loopback), its answer read (see
 * readAnswer); else undefined.
 */
function prefetchJwks(options) {
  const uri = options?.jwksUri;
  if (typeof uri !== 'string' || typeof fetch !== 'function' || typeof globalThis.AbortSignal?.timeout !== 'function') return undefined;
  const seconds = options.jwksTimeout ?? 5;
  if (typeof seconds !== 'number' || !(seconds >= 0 && seconds <= 600)) return undefined;
  try {
    const url = new URL(uri);
    if (!(url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname)))) return undefined;
    return readAnswer(uri, { headers: { accept: 'application/jwk-set+json, application/json' },
      signal: AbortSignal.timeout(Math.max(1, seconds * 1000)) });
  } catch {
    return undefined;
  }
}

/**
 * Load the module if needed, then create a Verifier (options are validated at once). When the
 * module has to be loaded first (browsers) and `jwksUri` is given, the keys are fetched while it
 * loads, so the first verification does not wait for them.
 */
export async function createVerifier(options) {
  const loaded = ready;
  // The module's request goes out first: it is on the critical path (download, compile), the
  // JWKS is not (it arrives while the module compiles). On one origin, the first request gets
  // the connection the page already holds; the second waits for a new one.
  const moduleLoad = init();
  const keys = loaded ? undefined : prefetchJwks(options);
  await moduleLoad;
  const verifier = new Verifier(options);
  if (options?.crypto === 'wasm' || !platformBackend) await loadWasmCrypto();
  if (keys) verifier[adoptJwksFetch](options.jwksUri, keys);
  return verifier;
}

const quoted = (s) => `"${String(s).replace(/[\\"]/g, '\\$&').replace(/[\r\n]/g, ' ')}"`;

/**
 * The Response for a request whose bearer token was refused (RFC 6750 §3): 401 with
 * `WWW-Authenticate: Bearer ... error="invalid_token"`, 403 with `error="insufficient_scope"` when
 * the token lacked a required scope, and a bare 401 challenge when there was no token at all.
 */
export function authErrorResponse(error, { realm, scope } = {}) {
  const params = [];
  if (realm) params.push(`realm=${quoted(realm)}`);
  let status = 401;
  if (error?.code === 'ERR_BEARER_TOKEN_MISSING') {
    // §3.1: no error code when the request lacked authentication information.
  } else if (error?.code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && error.claim === 'scope') {
    status = 403;
    params.push('error="insufficient_scope"');
    if (scope) params.push(`scope=${quoted(scope)}`);
  } else {
    params.push('error="invalid_token"');
    if (error?.message) params.push(`error_description=${quoted(error.message)}`);
  }
  const challenge = params.length ? `Bearer ${params.join(', ')}` : 'Bearer';
  return new Response(null, { status, headers: { 'www-authenticate': challenge, 'cache-control': 'no-store' } });
}

/** Every error code, mapped to its kind. */
export function errorCodes() {
  return call('errorCodes()', () => json(glue.errorCodes()));
}
