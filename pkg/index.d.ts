// Types of the oidc-wasm npm package (every runtime entry point exports the same API).

/** Whose move it is after an error. */
export type AuthErrorKind = 'config' | 'server' | 'protocol' | 'verification' | 'network' | 'internal';

/**
 * A DOM class's instance type (Window, Storage) where TypeScript's DOM library is loaded, and
 * `never` in a project without it (a Worker's), whose types then still compile.
 */
type DomInstance<Name extends string> = typeof globalThis extends Record<Name, { prototype: infer T }> ? T : never;

/** Stable error codes. */
export type AuthErrorCode =
  | 'ERR_CONFIG_MISSING_CLIENT_ID'
  | 'ERR_CONFIG_MISSING_ISSUER'
  | 'ERR_CONFIG_INVALID_ISSUER'
  | 'ERR_CONFIG_INSECURE_ISSUER'
  | 'ERR_CONFIG_INVALID_REDIRECT_URI'
  | 'ERR_CONFIG_INVALID_OPTION'
  | 'ERR_INVALID_ARGUMENT'
  | 'ERR_OAUTH_ERROR'
  | 'ERR_LOGIN_REQUIRED'
  | 'ERR_CONSENT_REQUIRED'
  | 'ERR_INTERACTION_REQUIRED'
  | 'ERR_MFA_REQUIRED'
  | 'ERR_DISCOVERY_ISSUER_MISMATCH'
  | 'ERR_DISCOVERY_INVALID'
  | 'ERR_ENDPOINT_NOT_SUPPORTED'
  | 'ERR_UNEXPECTED_STATUS'
  | 'ERR_RESPONSE_NOT_JSON'
  | 'ERR_RESPONSE_INVALID'
  | 'ERR_RESPONSE_TOO_LARGE'
  | 'ERR_CALLBACK_STATE_MISMATCH'
  | 'ERR_CALLBACK_INVALID'
  | 'ERR_CALLBACK_ISSUER_MISMATCH'
  | 'ERR_JWT_MALFORMED'
  | 'ERR_JWS_INVALID'
  | 'ERR_JOSE_ALG_NOT_ALLOWED'
  | 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED'
  | 'ERR_JWKS_NO_MATCHING_KEY'
  | 'ERR_JWKS_MULTIPLE_MATCHING_KEYS'
  | 'ERR_JWKS_NOT_LOADED'
  | 'ERR_JWKS_INVALID'
  | 'ERR_JWK_INVALID'
  | 'ERR_JWT_EXPIRED'
  | 'ERR_JWT_CLAIM_VALIDATION_FAILED'
  | 'ERR_BEARER_TOKEN_MISSING'
  | 'ERR_MISSING_REFRESH_TOKEN'
  | 'ERR_POPUP_BLOCKED'
  | 'ERR_POPUP_CLOSED'
  | 'ERR_MFA_CANCELLED'
  | 'ERR_CLIENT_SECRET_IN_BROWSER'
  | 'ERR_DEVICE_FLOW_CANCELLED'
  | 'ERR_FEATURE_NOT_BUILT'
  | 'ERR_WASM_CRYPTO_NOT_LOADED'
  | 'ERR_RATE_LIMITED'
  | 'ERR_AUTHORIZATION_PENDING'
  | 'ERR_MANAGEMENT_API_ERROR'
  | 'ERR_MANAGEMENT_UNKNOWN_OPERATION'
  | 'ERR_MANAGEMENT_MISSING_PARAMETER'
  | 'ERR_NETWORK'
  | 'ERR_TIMEOUT'
  | 'ERR_NOT_INITIALIZED'
  | 'ERR_INIT_FAILED'
  | 'ERR_INTERNAL'
  | 'ERR_STORAGE';

/** Every error oidc-wasm throws or rejects with. */
/**
 * auth0-spa-js's base error class: every error oidc-wasm throws is one (AuthError extends it), so
 * `e instanceof GenericError` and `e.error === 'login_required'` work as they do with auth0-spa-js.
 */
export class GenericError extends Error {
  constructor(error: string, error_description: string);
  /**
   * The OAuth 2.0 `error` when a server refused (`login_required`, `invalid_grant`, ...), or
   * auth0-spa-js's own (`timeout`, `cancelled`, `popup_open`, ...). Typed as auth0-spa-js types
   * it; on an AuthError that no server answered (a configuration or network error) it is
   * undefined at run time: test `code` there.
   */
  error: string;
  /** The server's `error_description` (see `error`). */
  error_description: string;
  static fromPayload(payload: { error: string; error_description: string }): GenericError;
}

/**
 * An error from oidc-wasm. Where auth0-spa-js throws a subclass of GenericError, oidc-wasm throws
 * that class (below), which extends AuthError: `code` and `kind` stay.
 */
export class AuthError extends GenericError {
  constructor(code: AuthErrorCode | string, message: string, details?: Partial<AuthError> & { cause?: unknown });
  readonly name: string;
  /** Stable code: test against this, not against the message. */
  readonly code: AuthErrorCode;
  readonly kind: AuthErrorKind;
  /** The server's `error_uri`. */
  readonly error_uri?: string;
  /** The HTTP status of the response that caused the error. */
  readonly status?: number;
  /** Auth0 `mfa_required`: the token to continue with the MFA API. */
  readonly mfa_token?: string;
  /** Auth0 `mfa_required`: what the user must do (`challenge` with enrolled types, or `enroll`). */
  readonly mfa_requirements?: { challenge?: { type: string }[]; enroll?: { type: string }[] };
  /** ERR_RATE_LIMITED: seconds to wait before trying again. */
  readonly retry_after?: number;
  /** ERR_JWT_CLAIM_VALIDATION_FAILED / ERR_JWT_EXPIRED: the claim that failed. */
  readonly claim?: string;
  /** ERR_JWT_CLAIM_VALIDATION_FAILED: `missing`, `invalid` or `check_failed`. */
  readonly reason?: 'missing' | 'invalid' | 'check_failed';
}

/** AuthError details a class below also takes, after auth0-spa-js's own arguments. */
export type AuthErrorDetails = Partial<Pick<AuthError, 'code' | 'message' | 'kind' | 'status' | 'error_uri'>> & { cause?: unknown };
/** The `mfa_requirements` of an mfa_required answer (auth0-spa-js's MfaRequirements). */
export interface MfaRequirements { enroll?: Array<{ type: string }>; challenge?: Array<{ type: string }> }

// auth0-spa-js 2.28's error classes, with its constructor arguments and fields.
/** An invalid combination of options (auth0-spa-js's; error 'invalid_configuration'). */
export class InvalidConfigurationError extends AuthError {
  constructor(message: string, suggestion: string, details?: AuthErrorDetails);
  suggestion: string;
}
/** The provider answered the login with an error (handleRedirectCallback): with `state` and `appState`. */
export class AuthenticationError extends AuthError {
  constructor(error: string, error_description: string, state: string, appState?: any, details?: AuthErrorDetails);
  state: string;
  appState: any;
}
/** The connect-account flow's callback error (auth0-spa-js's; not thrown by oidc-wasm yet). */
export class ConnectError extends AuthError {
  constructor(error: string, error_description: string, connection: string, state: string, appState?: any, details?: AuthErrorDetails);
  connection: string;
  state: string;
  appState: any;
}
/** Silent authentication or a request timed out (error 'timeout', code ERR_TIMEOUT). */
export class TimeoutError extends AuthError {
  constructor(details?: AuthErrorDetails);
}
/** The login popup was not completed in time. */
export class PopupTimeoutError extends TimeoutError {
  constructor(popup: DomInstance<'Window'>, details?: AuthErrorDetails);
  popup: DomInstance<'Window'>;
}
/** The login popup was closed first (error 'cancelled', code ERR_POPUP_CLOSED). */
export class PopupCancelledError extends AuthError {
  constructor(popup: DomInstance<'Window'>, details?: AuthErrorDetails);
  popup: DomInstance<'Window'>;
}
/** The popup could not be opened (error 'popup_open', code ERR_POPUP_BLOCKED). */
export class PopupOpenError extends AuthError {
  constructor(details?: AuthErrorDetails);
}
/** A token request was answered mfa_required (code ERR_MFA_REQUIRED). */
export class MfaRequiredError extends AuthError {
  constructor(error: string, error_description: string, mfa_token: string, mfa_requirements: MfaRequirements, details?: AuthErrorDetails);
  mfa_token: string;
  mfa_requirements: MfaRequirements;
}
/** No refresh token for this audience and scope (error 'missing_refresh_token', code ERR_MISSING_REFRESH_TOKEN). */
export class MissingRefreshTokenError extends AuthError {
  constructor(audience: string, scope: string, details?: AuthErrorDetails);
  audience: string;
  scope: string;
}
/** Scopes missing after a refresh (auth0-spa-js's, with MRRT; not thrown by oidc-wasm yet). */
export class MissingScopesError extends AuthError {
  constructor(audience: string, scope: string, details?: AuthErrorDetails);
  audience: string;
  scope: string;
}
/** A DPoP nonce was refused (auth0-spa-js's; oidc-wasm has no DPoP yet). */
export class UseDpopNonceError extends AuthError {
  constructor(newDpopNonce: string | undefined, details?: AuthErrorDetails);
  newDpopNonce: string | undefined;
}
/** auth0-spa-js's MFA API errors (exported; oidc-wasm's mfa methods throw AuthError for now). */
export class MfaError extends AuthError {
  constructor(error: string, error_description: string, details?: AuthErrorDetails);
}
export class MfaListAuthenticatorsError extends MfaError {}
export class MfaEnrollmentError extends MfaError {}
export class MfaChallengeError extends MfaError {}
export class MfaVerifyError extends MfaError {}
export class MfaEnrollmentFactorsError extends MfaError {}

/** Parameters of `/authorize`: Auth0's and OIDC Core's, plus any custom string parameter. */
export interface AuthorizationParams {
  redirect_uri?: string;
  /** `openid` is always added. Default: "openid profile email". */
  scope?: string;
  audience?: string;
  connection?: string;
  organization?: string;
  invitation?: string;
  prompt?: 'none' | 'login' | 'consent' | 'select_account' | string;
  max_age?: number;
  screen_hint?: 'signup' | 'login' | string;
  login_hint?: string;
  ui_locales?: string;
  acr_values?: string;
  response_mode?: 'query' | 'fragment' | 'form_post' | 'web_message' | string;
  [custom: string]: string | number | boolean | undefined;
}

export interface OidcClientOptions {
  /** Any OpenID Provider's issuer (found through discovery). Give this or `domain`. */
  issuer?: string;
  /** Auth0 style: `tenant.auth0.com` (https implied), or a full loopback origin for local tests. */
  domain?: string;
  clientId: string;
  /** Defaults for every `/authorize` request. */
  authorizationParams?: AuthorizationParams;
  /** Timeout of each HTTP request, in seconds (default 10). */
  httpTimeoutInSeconds?: number;
  /** Clock tolerance for ID token checks, in seconds (default 60). */
  leeway?: number;
}

/** What must be kept from the `/authorize` redirect until the callback. Contains a secret. */
export interface LoginTransaction {
  state: string;
  nonce: string;
  code_verifier: string;
  redirect_uri: string;
  scope: string;
  audience: string | null;
  max_age: number | null;
  organization: string | null;
  /** Seconds since the Unix epoch. */
  created_at: number;
}

export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in?: number;
  /** `now + expires_in`, seconds since the Unix epoch. */
  expires_at?: number;
  refresh_token?: string;
  id_token?: string;
  scope?: string;
  /** The ID token's claims, verified (signature and OIDC Core §3.1.3.7). */
  id_token_claims?: JWTPayload;
  [member: string]: unknown;
}

export interface JWTPayload {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  nbf?: number;
  iat?: number;
  jti?: string;
  scope?: string;
  [claim: string]: unknown;
}

export interface VerifierOptions {
  /** The issuer your tokens carry in `iss` (exact match). */
  issuer: string;
  /** The API identifier (or client id, for ID tokens) that `aud` must contain. */
  audience: string | string[];
  /** The JWKS URL; found through discovery of `issuer` when absent. */
  jwksUri?: string;
  /** Allowed algorithms (RS256, RS384, RS512, PS256, ES256). Default: what the issuer announces, else RS256 + ES256. */
  algorithms?: string[];
  /** Seconds of tolerance for exp, nbf, iat (default 60). Token dates may be fractional or negative (RFC 7519 §2) and are compared exactly. */
  clockTolerance?: number;
  /** Maximum age of a token from its `iat`, in seconds. */
  maxTokenAge?: number;
  requiredClaims?: string[];
  /** Scopes the token's `scope` (one string, space-separated) must all include (RFC 9068 §2.2.3). */
  requiredScopes?: string[];
  /** Expected header `typ`, e.g. "at+jwt" for RFC 9068 access tokens ("application/at+jwt" is the same; compared case-insensitively). */
  typ?: string;
  /**
   * 'rfc9068': JWT access tokens (RFC 9068): iss, exp, aud, sub, client_id, iat and jti are
   * required, and `typ` is "at+jwt" (the default typ with this profile; any other is refused).
   * 'jwt': RFC 7519 alone. Default: 'rfc9068' when `typ` is "at+jwt", else 'jwt'.
   */
  profile?: 'rfc9068' | 'jwt';
  /** Largest token accepted, in bytes (default 16384). */
  maxTokenBytes?: number;
  /** Seconds keys are kept before a refetch (default 600; a Cache-Control max-age from the endpoint wins, within 60 s to 24 h). */
  jwksMaxAge?: number;
  /** Minimum seconds between two JWKS fetches (default 30). */
  jwksCooldown?: number;
  /** Timeout of a JWKS or discovery fetch, in seconds (default 5). */
  jwksTimeout?: number;
  /** Remember up to this many verified tokens (by SHA-256), so a repeat costs microseconds; an entry never outlives the token's exp. Default 0 (off). */
  tokenCacheSize?: number;
  /** Called with warnings (keys skipped, a failed refresh served from stale keys). Default: console.warn. */
  onWarning?: (message: string) => void;
  /**
   * Who does the signature arithmetic. 'platform' (default): the runtime's native crypto where it
   * has one (node:crypto in Node, WebCrypto elsewhere; verifySync uses it only when it is
   * synchronous), every other check still in the module. 'wasm': the module's own pure-Rust code.
   * Both give the same result on every token.
   */
  crypto?: 'platform' | 'wasm';
}

export interface VerifyResult {
  payload: JWTPayload;
  protectedHeader: { alg: string; kid?: string; typ?: string; [member: string]: unknown };
}

export class Verifier {
  constructor(options: VerifierOptions);
  /** Verifies a token, fetching the issuer's keys when needed. */
  verify(token: string): Promise<VerifyResult>;
  /** Verifies with the keys already loaded; no network. ERR_JWKS_NOT_LOADED when there are none. */
  verifySync(token: string): VerifyResult;
  /** Verifies the `Authorization: Bearer` token of a request (RFC 6750 §2.1). */
  verifyRequest(request: Request): Promise<VerifyResult>;
  /** The JWKS cache as a JSON-serializable object, or null before the first fetch. */
  exportJwksCache(): object | null;
  /** Loads a cache exported earlier. */
  importJwksCache(cache: object): void;
  free(): void;
}

/**
 * Loads the module if needed and creates a Verifier. When the module still has to be loaded (in a
 * browser) and `jwksUri` is given, the keys are fetched while it loads, so the first
 * verification need not wait for them.
 */
export function createVerifier(options: VerifierOptions): Promise<Verifier>;
/** A 401 / 403 Response with the RFC 6750 §3 WWW-Authenticate challenge for a refused token. */
export function authErrorResponse(error: unknown, options?: { realm?: string; scope?: string }): Response;

export interface ProviderMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  userinfo_endpoint?: string;
  end_session_endpoint?: string;
  revocation_endpoint?: string;
  device_authorization_endpoint?: string;
  [member: string]: unknown;
}

export interface CallbackParams {
  code: string | null;
  state: string | null;
  error: string | null;
  error_description: string | null;
  error_uri: string | null;
  iss: string | null;
}

export class OidcClient {
  /** Validates the options at once (throws AuthError with an ERR_CONFIG_* code). Needs the module loaded. */
  constructor(options: OidcClientOptions);
  readonly issuer: string;
  readonly clientId: string;
  /** The provider metadata, fetched once (OIDC Discovery §4). */
  discover(): Promise<ProviderMetadata>;
  /** The `/authorize` URL (PKCE S256, state, nonce) and the transaction to keep until the callback. */
  buildAuthorizeUrl(authorizationParams?: AuthorizationParams): Promise<{ url: string; transaction: LoginTransaction }>;
  /** Checks the callback URL (state, iss per RFC 9207, error) and exchanges the code. */
  handleCallback(url: string | URL, transaction: LoginTransaction): Promise<TokenResponse>;
  /** `handleCallback` for a response that arrived as parameters (a `web_message` answer's `response`). */
  handleCallbackResponse(response: Record<string, unknown>, transaction: LoginTransaction): Promise<TokenResponse>;
  /** The refresh-token grant (RFC 6749 §6); a new ID token must be for `expectedSub`. */
  refresh(refreshToken: string, scope?: string, audience?: string, expectedSub?: string): Promise<TokenResponse>;
  /** The userinfo claims; `sub` must be `expectedSub` (OIDC Core §5.3.2). */
  userinfo(accessToken: string, expectedSub: string): Promise<JWTPayload>;
  /** The client credentials grant (RFC 6749 §4.4); refused in a browser page. */
  clientCredentials(params: { clientSecret: string; audience?: string }): Promise<TokenResponse>;
  /** Revokes a token (RFC 7009). */
  revoke(token: string, tokenTypeHint?: string): Promise<void>;
  /** The provider's logout URL: Auth0's /v2/logout for a domain, else end_session_endpoint. */
  logoutUrl(params?: { returnTo?: string; federated?: boolean; id_token_hint?: string }): Promise<string>;
  /** Releases the client's WebAssembly memory. */
  free(): void;
}

/** Loads the WebAssembly module once (memoized). `source` overrides where it comes from. */
export function init(source?: string | URL | Response | BufferSource | WebAssembly.Module | Promise<unknown>): Promise<void>;
/** Whether the synchronous functions can be called. */
export function isReady(): boolean;
/**
 * Load the module with this library's own signature arithmetic (RSA, P-256), which is loaded
 * only where it is needed. Call it before `verifySync` in a browser, where WebCrypto is
 * asynchronous (else `ERR_WASM_CRYPTO_NOT_LOADED`); Node, Deno and workerd load it by themselves,
 * and `createVerifier({ crypto: 'wasm' })` and every asynchronous call load it when they need it.
 * Memoized; a failed load can be retried.
 */
export function loadWasmCrypto(): Promise<void>;
/** Loads the module if needed and creates a client. */
export function createOidcClient(options: OidcClientOptions): Promise<OidcClient>;
/** The authorization response parameters of a callback URL (from the query, or the fragment). */
export function parseCallbackUrl(url: string | URL): CallbackParams;
/** A fresh PKCE pair (RFC 7636, S256). */
export function createPkcePair(): { code_verifier: string; code_challenge: string; code_challenge_method: 'S256' };
/** The S256 challenge of a verifier (RFC 7636 §4.2). */
export function pkceChallenge(codeVerifier: string): string;
/** Decodes a JWT WITHOUT verifying it. Nothing in the result can be trusted. */
export function decodeJwtUnverified(token: string): { header: Record<string, unknown>; claims: Record<string, unknown> };
/** Every error code, mapped to its kind. */
export function errorCodes(): Record<AuthErrorCode, AuthErrorKind>;

/** A token cache (auth0-spa-js's ICache): methods may return values or promises. */
export interface ICache {
  get(key: string): unknown | Promise<unknown>;
  set(key: string, entry: unknown): void | Promise<void>;
  remove(key: string): void | Promise<void>;
  allKeys(): string[] | Promise<string[]>;
}

export interface AuthClientOptions extends OidcClientOptions {
  /** Where tokens are cached (default 'memory': refresh tokens never touch browser storage). */
  cacheLocation?: 'memory' | 'localstorage' | 'sessionstorage';
  /** A custom cache instead of cacheLocation. */
  cache?: ICache;
  /** Ask for offline_access and refresh access tokens with the refresh-token grant. */
  useRefreshTokens?: boolean;
  useRefreshTokensFallback?: boolean;
  /** Seconds before expiry at which a cached access token counts as expired (default 60). */
  leeway?: number;
  authorizeTimeoutInSeconds?: number;
  /** Days the is.authenticated cookie lives (`auth0.<clientId>...` with `domain`, `oidc-wasm.<clientId>...` with `issuer`; default 1). */
  sessionCheckExpiryDays?: number;
  /** With `domain`: the domain of the cookies (is.authenticated, a cookie transaction). */
  cookieDomain?: string;
  /** With `domain`: keep the login transaction in a cookie instead of sessionStorage. */
  useCookiesForTransactions?: boolean;
  /** With `domain`: also write the `_legacy_` cookies (default true, as auth0-spa-js). */
  legacySameSiteCookie?: boolean;
}

export interface RedirectLoginOptions<TAppState = any> {
  authorizationParams?: AuthorizationParams;
  appState?: TAppState;
  /** Navigate yourself instead of location.assign. */
  openUrl?: (url: string) => void | Promise<void>;
  /** Appended to the /authorize URL as its fragment. */
  fragment?: string;
}

export interface GetTokenSilentlyOptions {
  authorizationParams?: { audience?: string; scope?: string; [custom: string]: unknown };
  cacheMode?: 'on' | 'off' | 'cache-only';
  detailedResponse?: boolean;
  timeoutInSeconds?: number;
}

export interface TokenDetails {
  access_token: string;
  id_token?: string;
  token_type?: string;
  scope?: string;
  expires_in: number;
}

export interface LogoutOptions {
  logoutParams?: { returnTo?: string; federated?: boolean; [custom: string]: unknown };
  /** false: clear the session without navigating; a function: navigate yourself. */
  openUrl?: false | ((url: string) => void | Promise<void>);
  /** Revoke the refresh tokens held before clearing (RFC 7009). */
  revokeRefreshToken?: boolean;
}

export interface User {
  sub?: string;
  name?: string;
  given_name?: string;
  family_name?: string;
  nickname?: string;
  picture?: string;
  email?: string;
  email_verified?: boolean;
  updated_at?: string | number;
  [claim: string]: unknown;
}

/**
 * The SPA session. The constructor is synchronous and loads nothing (options the module checks
 * are checked at the first async call); with `domain`, auth0-spa-js 2.28's behaviour and storage.
 */
export class AuthClient {
  constructor(options: AuthClientOptions);
  /** Load the module, create the client, check its options, then restore the session when the is.authenticated cookie says a login happened (checkSession; no request otherwise, never throws). */
  static create(options: AuthClientOptions): Promise<AuthClient>;
  loginWithRedirect<TAppState = any>(options?: RedirectLoginOptions<TAppState>): Promise<void>;
  /** With `domain`, `response_type: 'code'` too, as auth0-spa-js. */
  handleRedirectCallback<TAppState = any>(url?: string): Promise<{ appState?: TAppState; response_type?: 'code' }>;
  /** Log in in a popup (call from a click handler). */
  loginWithPopup(options?: { authorizationParams?: AuthorizationParams }, config?: { popup?: DomInstance<'Window'>; timeoutInSeconds?: number }): Promise<void>;
  getTokenWithPopup(options?: { authorizationParams?: AuthorizationParams }, config?: { popup?: DomInstance<'Window'>; timeoutInSeconds?: number }): Promise<string | undefined>;
  getTokenSilently(options: GetTokenSilentlyOptions & { detailedResponse: true }): Promise<TokenDetails>;
  getTokenSilently(options?: GetTokenSilentlyOptions): Promise<string>;
  getUser<TUser extends User = User>(): Promise<TUser | undefined>;
  getIdTokenClaims(): Promise<(JWTPayload & { __raw: string }) | undefined>;
  isAuthenticated(): Promise<boolean>;
  checkSession(options?: GetTokenSilentlyOptions): Promise<void>;
  logout(options?: LogoutOptions): Promise<void>;
  /** The device authorization grant (RFC 8628). */
  startDeviceFlow(options?: { authorizationParams?: { scope?: string; audience?: string } }): Promise<{
    user_code: string; verification_uri: string; verification_uri_complete?: string; expires_in: number; interval: number;
    poll(options?: { signal?: AbortSignal }): Promise<TokenResponse>;
  }>;
  /** The userinfo claims (OIDC Core §5.3), checked against the ID token's sub. */
  getUserInfo(options?: GetTokenSilentlyOptions): Promise<JWTPayload>;
  /**
   * Auth0 passwordless: send a code or a magic link, then verify the code (ends like a login).
   * With `send: 'link'`, `authParams` are authorization parameters (audience, scope,
   * redirect_uri...), the link carries this client's state, nonce and PKCE challenge, and
   * `handleRedirectCallback` in the tab the link opens ends the login, returning `appState`.
   */
  readonly passwordless: {
    start(params: { connection: 'email' | 'sms'; email?: string; phone_number?: string; send?: 'code' | 'link';
      authParams?: AuthorizationParams; appState?: unknown }): Promise<unknown>;
    verify(params: { connection: 'email' | 'sms'; email?: string; phone_number?: string; otp: string; audience?: string;
      scope?: string }): Promise<TokenResponse>;
  };
  /** Embedded login: password-realm grant with `realm`, else the password grant. */
  loginWithPassword(params: { username: string; password: string; realm?: string; audience?: string; scope?: string }): Promise<TokenResponse>;
  signup(params: { connection: string; email: string; password: string; username?: string; given_name?: string;
    family_name?: string; name?: string; nickname?: string; picture?: string; user_metadata?: Record<string, string> }): Promise<unknown>;
  changePassword(params: { connection: string; email: string; organization?: string }): Promise<unknown>;
  /** Auth0 MFA, after ERR_MFA_REQUIRED. */
  readonly mfa: {
    getAuthenticators(mfaToken: string): Promise<Array<{ id: string; authenticator_type: string; active: boolean; oob_channel?: string; name?: string }>>;
    enroll(params: { mfaToken: string; authenticatorType: 'otp' | 'oob'; oobChannel?: 'sms' | 'voice' | 'auth0' | 'email';
      phoneNumber?: string; email?: string }): Promise<{ authenticator_type: string; secret?: string; barcode_uri?: string;
      oob_code?: string; oob_channel?: string; binding_method?: string; recovery_codes?: string[] }>;
    challenge(params: { mfaToken: string; challengeType?: 'otp' | 'oob'; authenticatorId?: string }): Promise<{ challenge_type: string;
      oob_code?: string; binding_method?: string }>;
    verify(params: { mfaToken: string; otp?: string; oobCode?: string; bindingCode?: string; recoveryCode?: string; audience?: string;
      interval?: number; expiresIn?: number; signal?: AbortSignal }): Promise<TokenResponse & { recovery_code?: string }>;
    deleteAuthenticator(authenticatorId: string, mfaToken: string): Promise<unknown>;
  };
}
export const Auth0Client: typeof AuthClient;
export function createAuthClient(options: AuthClientOptions): Promise<AuthClient>;
export const createAuth0Client: typeof createAuthClient;
export class InMemoryCache implements ICache {
  get(key: string): unknown;
  set(key: string, entry: unknown): void;
  remove(key: string): void;
  allKeys(): string[];
}
/** A cache over Web Storage (what `cacheLocation: 'localstorage'` and `'sessionstorage'` use); values are JSON, anything unreadable is dropped. */
export class StorageCache implements ICache {
  constructor(storage: DomInstance<'Storage'>);
  get(key: string): unknown;
  set(key: string, entry: unknown): void;
  remove(key: string): void;
  allKeys(): string[];
}
