// A TypeScript application using oidc-wasm, type-checked by tests/types/check.sh against the packed
// package as `npm install` puts it in node_modules (types found through package.json "exports").
// It is compiled, never run: every export of 'oidc-wasm' and 'oidc-wasm/verifier' is used the way
// an application would, `expectType` pins the types that matter, and each `@ts-expect-error`
// is a mistake the declarations must refuse (tsc fails if one is accepted).
import {
  AuthError,
  AuthClient,
  Auth0Client,
  InMemoryCache,
  StorageCache,
  OidcClient,
  Verifier,
  init,
  isReady,
  createAuthClient,
  createAuth0Client,
  createOidcClient,
  createVerifier,
  authErrorResponse,
  parseCallbackUrl,
  createPkcePair,
  pkceChallenge,
  decodeJwtUnverified,
  errorCodes,
  loadWasmCrypto,
  GenericError,
  MissingRefreshTokenError,
  PopupTimeoutError,
  MfaRequiredError,
} from 'oidc-wasm';
import type {
  AuthErrorCode,
  AuthErrorKind,
  AuthorizationParams,
  AuthClientOptions,
  CallbackParams,
  GetTokenSilentlyOptions,
  ICache,
  JWTPayload,
  LoginTransaction,
  LogoutOptions,
  OidcClientOptions,
  ProviderMetadata,
  RedirectLoginOptions,
  TokenDetails,
  TokenResponse,
  User,
  VerifierOptions,
  VerifyResult,
} from 'oidc-wasm';
import * as edge from 'oidc-wasm/verifier';
import type {
  AuthErrorCode as EdgeAuthErrorCode,
  AuthErrorKind as EdgeAuthErrorKind,
  JWTPayload as EdgeJWTPayload,
  VerifierOptions as EdgeVerifierOptions,
  VerifyResult as EdgeVerifyResult,
} from 'oidc-wasm/verifier';

/** Compiles only when T is exactly Expected (not a subtype, not `any`). */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
function expectType<Expected>() {
  return <T>(value: T & (Equals<T, Expected> extends true ? unknown : never)): T => value;
}

// ---- loading ----
export async function loading(wasmUrl: URL): Promise<boolean> {
  await init();
  await init(wasmUrl);
  await init(fetch(wasmUrl));
  // (Any object is a WebAssembly.Module to TypeScript, whose Module type has no members, so what
  // init() accepts cannot be checked here beyond null and undefined.)
  // @ts-expect-error init resolves to nothing: isReady() says whether the module is loaded
  const loaded: boolean = await init();
  console.log(loaded);
  return expectType<boolean>()(isReady());
}

// ---- the single-page app session (auth0-spa-js surface) ----
interface AppState { returnTo: string }

interface MyUser extends User { 'https://example.com/roles'?: string[] }

export async function spa(): Promise<void> {
  const options: AuthClientOptions = {
    domain: 'tenant.eu.auth0.com',
    clientId: 'YOUR_CLIENT_ID',
    useRefreshTokens: true,
    cacheLocation: 'localstorage',
    authorizationParams: { redirect_uri: `${location.origin}/callback`, audience: 'https://api.example', scope: 'openid profile email read:messages' },
  };
  const auth = expectType<AuthClient>()(await createAuthClient(options));

  const login: RedirectLoginOptions<AppState> = { appState: { returnTo: '/inbox' }, authorizationParams: { prompt: 'login' } };
  await auth.loginWithRedirect(login);
  await auth.loginWithRedirect({ openUrl: (url) => { window.location.replace(url); } });
  const { appState } = await auth.handleRedirectCallback<AppState>();
  if (appState) history.replaceState(null, '', appState.returnTo);

  const token = expectType<string>()(await auth.getTokenSilently());
  const details = expectType<TokenDetails>()(await auth.getTokenSilently({ detailedResponse: true, cacheMode: 'off' }));
  expectType<number>()(details.expires_in);
  const silent: GetTokenSilentlyOptions = { authorizationParams: { audience: 'https://api.example', scope: 'read:messages' }, timeoutInSeconds: 10 };
  await fetch('https://api.example/messages', { headers: { Authorization: `Bearer ${token || await auth.getTokenSilently(silent)}` } });
  // @ts-expect-error cacheMode is 'on', 'off' or 'cache-only'
  await auth.getTokenSilently({ cacheMode: 'never' });

  await auth.loginWithPopup({ authorizationParams: { screen_hint: 'signup' } }, { timeoutInSeconds: 120 });
  expectType<string | undefined>()(await auth.getTokenWithPopup({ authorizationParams: { audience: 'https://api.example' } }));
  const user = await auth.getUser<MyUser>();
  expectType<MyUser | undefined>()(user);
  if (user?.email_verified) console.log(user.email, user['https://example.com/roles']?.join(','));
  const claims = await auth.getIdTokenClaims();
  if (claims) expectType<string>()(claims.__raw);
  if (!expectType<boolean>()(await auth.isAuthenticated())) await auth.checkSession();
  const info: JWTPayload = await auth.getUserInfo();
  console.log(info.sub);

  const device = await auth.startDeviceFlow({ authorizationParams: { scope: 'openid offline_access' } });
  console.log(`go to ${device.verification_uri} and enter ${device.user_code}`);
  const abort = new AbortController();
  const deviceTokens: TokenResponse = await device.poll({ signal: abort.signal });
  console.log(deviceTokens.access_token);

  const bye: LogoutOptions = { logoutParams: { returnTo: location.origin }, revokeRefreshToken: true };
  await auth.logout(bye);
  await auth.logout({ openUrl: false });

  // The auth0-spa-js names are the same API.
  const auth0: AuthClient = await createAuth0Client({ domain: 'tenant.auth0.com', clientId: 'spa' });
  const direct = new Auth0Client({ issuer: 'https://op.example', clientId: 'spa', cacheLocation: 'memory' });
  expectType<AuthClient>()(direct);
  await auth0.getTokenSilently({ cacheMode: 'cache-only' });

  // @ts-expect-error clientId is required
  await createAuthClient({ domain: 'tenant.auth0.com' });
  // @ts-expect-error cacheLocation 'cookie' does not exist
  await createAuthClient({ domain: 'tenant.auth0.com', clientId: 'spa', cacheLocation: 'cookie' });
}

// ---- caches ----
class CountingCache implements ICache {
  #inner = new InMemoryCache();
  gets = 0;
  async get(key: string): Promise<unknown> { this.gets++; return this.#inner.get(key); }
  async set(key: string, entry: unknown): Promise<void> { this.#inner.set(key, entry); }
  async remove(key: string): Promise<void> { this.#inner.remove(key); }
  async allKeys(): Promise<string[]> { return this.#inner.allKeys(); }
}

export async function caches(): Promise<AuthClient[]> {
  const inMemory = new InMemoryCache();
  inMemory.set('k', { access_token: 'x' });
  expectType<string[]>()(inMemory.allKeys());
  const inStorage: ICache = new StorageCache(sessionStorage);
  await inStorage.set('k', { access_token: 'x' });
  // @ts-expect-error a StorageCache is over a Web Storage object
  new StorageCache(new Map<string, string>());
  return [
    new AuthClient({ domain: 'tenant.auth0.com', clientId: 'spa', cache: new CountingCache() }),
    new AuthClient({ domain: 'tenant.auth0.com', clientId: 'spa', cache: inMemory }),
    new AuthClient({ domain: 'tenant.auth0.com', clientId: 'spa', cache: new StorageCache(localStorage) }),
  ];
}

// ---- Auth0's Authentication API: passwordless, password, sign-up, MFA ----
export async function auth0Api(auth: AuthClient, readOtp: () => Promise<string>): Promise<TokenResponse> {
  await auth.passwordless.start({ connection: 'email', email: 'alice@example.com', send: 'link',
    authParams: { redirect_uri: `${location.origin}/callback` }, appState: { returnTo: '/' } });
  await auth.passwordless.start({ connection: 'sms', phone_number: '+15555550100' });
  const byCode = await auth.passwordless.verify({ connection: 'sms', phone_number: '+15555550100', otp: await readOtp() });
  console.log(byCode.id_token_claims?.sub);
  // @ts-expect-error passwordless connections are 'email' or 'sms'
  await auth.passwordless.start({ connection: 'carrier-pigeon', email: 'alice@example.com' });

  await auth.signup({ connection: 'Username-Password-Authentication', email: 'carol@example.com', password: 'correct horse',
    user_metadata: { plan: 'free' } });
  await auth.changePassword({ connection: 'Username-Password-Authentication', email: 'carol@example.com' });

  try {
    return await auth.loginWithPassword({ username: 'carol', password: 'correct horse', realm: 'Username-Password-Authentication' });
  } catch (e) {
    if (!(e instanceof AuthError) || e.code !== 'ERR_MFA_REQUIRED' || !e.mfa_token) throw e;
    const mfaToken: string = e.mfa_token;
    const needs = e.mfa_requirements?.challenge?.map((c) => c.type) ?? [];
    const authenticators = await auth.mfa.getAuthenticators(mfaToken);
    const active = authenticators.find((a) => a.active);
    if (!active && e.mfa_requirements?.enroll) {
      const enrolled = await auth.mfa.enroll({ mfaToken, authenticatorType: 'otp' });
      console.log(enrolled.barcode_uri, enrolled.recovery_codes);
    }
    if (needs.includes('oob')) {
      const { oob_code } = await auth.mfa.challenge({ mfaToken, challengeType: 'oob', authenticatorId: active?.id });
      const approved = await auth.mfa.verify({ mfaToken, oobCode: oob_code, interval: 5, signal: AbortSignal.timeout(60_000) });
      return approved;
    }
    // @ts-expect-error authenticatorType is 'otp' or 'oob'
    await auth.mfa.enroll({ mfaToken, authenticatorType: 'webauthn' });
    const verified = await auth.mfa.verify({ mfaToken, otp: await readOtp() });
    if (verified.recovery_code) console.log('keep this recovery code:', verified.recovery_code);
    if (active) await auth.mfa.deleteAuthenticator(active.id, mfaToken);
    return verified;
  }
}

// ---- errors ----
export function describe(e: unknown): string {
  if (e instanceof AuthError) {
    const code: AuthErrorCode = e.code;
    const kind: AuthErrorKind = e.kind;
    switch (e.code) {
      case 'ERR_LOGIN_REQUIRED':
      case 'ERR_CONSENT_REQUIRED':
        return 'log in again';
      case 'ERR_RATE_LIMITED':
        return `try again in ${e.retry_after ?? 60} s`;
      case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
        return `claim ${e.claim} ${e.reason === 'missing' ? 'is missing' : 'is wrong'}`;
      case 'ERR_OAUTH_ERROR':
        return `${e.error}: ${e.error_description ?? ''} (HTTP ${e.status ?? '?'})`;
      // @ts-expect-error not an error code
      case 'ERR_NO_SUCH_CODE':
        return 'unreachable';
      default:
        return `${code} (${kind}): ${e.message}`;
    }
  }
  return String(e);
}

export function errors(): AuthError {
  const codes = errorCodes();
  expectType<Record<AuthErrorCode, AuthErrorKind>>()(codes);
  const kind: AuthErrorKind = codes.ERR_NETWORK;
  // @ts-expect-error errorCodes() maps codes to kinds
  const wrong: number = codes.ERR_TIMEOUT;
  console.log(kind, wrong);
  const err = new AuthError('ERR_CONFIG_INVALID_OPTION', 'bad option', { kind: 'config' });
  // A subclass names itself (PopupTimeoutError, MfaRequiredError, ...): a string.
  expectType<string>()(err.name);
  // @ts-expect-error code is read-only
  err.code = 'ERR_INTERNAL';
  return err;
}

// ---- the protocol steps (OidcClient) ----
export async function protocol(store: Map<string, LoginTransaction>): Promise<TokenResponse> {
  const options: OidcClientOptions = { issuer: 'https://op.example', clientId: 'spa', leeway: 30, httpTimeoutInSeconds: 5,
    authorizationParams: { redirect_uri: `${location.origin}/callback` } };
  const client = expectType<OidcClient>()(await createOidcClient(options));
  const same = new OidcClient(options);
  console.log(client.issuer, same.clientId);
  const metadata: ProviderMetadata = await client.discover();
  console.log(metadata.token_endpoint, metadata.end_session_endpoint);
  const params: AuthorizationParams = { scope: 'openid profile email', max_age: 3600, prompt: 'login', ui_locales: 'fr', custom_flag: true };
  const { url, transaction } = await client.buildAuthorizeUrl(params);
  store.set(transaction.state, transaction);
  console.log(`redirect to ${url}`);

  const callback: CallbackParams = parseCallbackUrl(location.href);
  if (callback.error) throw new Error(callback.error_description ?? callback.error);
  const kept = store.get(callback.state ?? '');
  if (!kept) throw new Error('unknown state');
  const tokens = await client.handleCallback(new URL(location.href), kept);
  expectType<JWTPayload | undefined>()(tokens.id_token_claims);
  if (tokens.refresh_token) {
    const refreshed = await client.refresh(tokens.refresh_token, 'openid offline_access', undefined, tokens.id_token_claims?.sub);
    await client.revoke(refreshed.refresh_token ?? tokens.refresh_token, 'refresh_token');
  }
  const profile = await client.userinfo(tokens.access_token, String(tokens.id_token_claims?.sub));
  console.log(profile.sub);
  location.assign(await client.logoutUrl({ returnTo: location.origin, id_token_hint: tokens.id_token }));
  // @ts-expect-error handleCallback needs the transaction kept since buildAuthorizeUrl
  await client.handleCallback(location.href);
  client.free();

  const pair = createPkcePair();
  expectType<'S256'>()(pair.code_challenge_method);
  const challenge: string = pkceChallenge(pair.code_verifier);
  console.log(challenge === pair.code_challenge);
  const { header, claims } = decodeJwtUnverified(tokens.access_token);
  console.log(header.alg, claims.exp);
  return client.clientCredentials({ clientSecret: 'server-side only', audience: 'https://api.example' });
}

// ---- verifying bearer tokens (an API or an edge worker), from the main entry point ----
export async function api(request: Request): Promise<Response> {
  const options: VerifierOptions = {
    issuer: 'https://tenant.auth0.com/',
    audience: ['https://api.example', 'https://api2.example'],
    typ: 'at+jwt',
    requiredScopes: ['read:messages'],
    algorithms: ['RS256', 'ES256'],
    tokenCacheSize: 1000,
    crypto: 'platform',
    onWarning: (message) => console.warn(message),
  };
  const verifier = expectType<Verifier>()(await createVerifier(options));
  const cache = verifier.exportJwksCache();
  if (cache) new Verifier(options).importJwksCache(cache);
  try {
    const result: VerifyResult = await verifier.verifyRequest(request);
    const again = verifier.verifySync(request.headers.get('authorization')!.slice(7));
    console.log(again.protectedHeader.kid);
    return new Response(`hello ${result.payload.sub}`);
  } catch (e) {
    return authErrorResponse(e, { realm: 'api', scope: 'read:messages' });
  }
}

export async function verifierMistakes(options: VerifierOptions, token: string): Promise<void> {
  // @ts-expect-error crypto is 'platform' or 'wasm'
  await createVerifier({ ...options, crypto: 'native' });
  // @ts-expect-error an audience is required
  await createVerifier({ issuer: 'https://tenant.auth0.com/' });
  // @ts-expect-error verifySync is synchronous: its result is no promise
  await (await createVerifier(options)).verifySync(token).then(() => undefined);
  // @ts-expect-error verifyRequest takes a Request, not a token
  await (await createVerifier(options)).verifyRequest(token);
}

// ---- the same from 'oidc-wasm/verifier' (an edge worker's smaller module) ----
const edgeOptions: EdgeVerifierOptions = { issuer: 'https://tenant.auth0.com/', audience: 'https://api.example',
  jwksUri: 'https://tenant.auth0.com/.well-known/jwks.json', jwksMaxAge: 600, jwksCooldown: 30, jwksTimeout: 5,
  clockTolerance: 60, maxTokenAge: 3600, maxTokenBytes: 8192, requiredClaims: ['sub'], crypto: 'wasm' };
let edgeVerifier: edge.Verifier | undefined;

export default {
  async fetch(request: Request): Promise<Response> {
    await edge.init();
    if (!edge.isReady()) throw new Error('not ready');
    edgeVerifier ??= await edge.createVerifier(edgeOptions);
    try {
      const { payload, protectedHeader }: EdgeVerifyResult = await edgeVerifier.verifyRequest(request);
      const claims: EdgeJWTPayload = payload;
      const peek = edge.decodeJwtUnverified(request.headers.get('authorization')?.slice(7) ?? '');
      console.log(protectedHeader.alg, peek.header.kid, claims.scope);
      return Response.json({ sub: claims.sub });
    } catch (e) {
      if (e instanceof edge.AuthError && e.kind === 'network') {
        const kind: EdgeAuthErrorKind = edge.errorCodes()[e.code];
        return new Response(`keys unavailable (${kind})`, { status: 503 });
      }
      if (e instanceof edge.AuthError) {
        const code: EdgeAuthErrorCode = e.code;
        console.log(code);
      }
      return edge.authErrorResponse(e, { realm: 'edge' });
    }
  },
  verifyOffline(token: string): EdgeVerifyResult | null {
    try {
      return (edgeVerifier ?? new edge.Verifier(edgeOptions)).verifySync(token);
    } catch {
      return null;
    }
  },
  snapshot(): object | null {
    const exported = edgeVerifier?.exportJwksCache() ?? null;
    if (exported) edgeVerifier?.importJwksCache(exported);
    edgeVerifier?.free();
    return exported;
  },
};

/** What an auth0-spa-js app does with its errors, and loading the signature arithmetic for verifySync. */
export async function dropIn(client: AuthClient, verifier: Verifier, token: string): Promise<string | undefined> {
  try {
    return await client.getTokenSilently();
  } catch (e) {
    if (e instanceof MissingRefreshTokenError || (e instanceof GenericError && e.error === 'login_required')) {
      await client.loginWithRedirect();
      return undefined;
    }
    if (e instanceof PopupTimeoutError) e.popup.close();
    if (e instanceof MfaRequiredError) console.log(e.mfa_token?.length, e.mfa_requirements);
    if (e instanceof AuthError) expectType<AuthErrorCode>()(e.code);
    // @ts-expect-error GenericError has no code: AuthError has
    if (e instanceof GenericError) console.log(e.code);
    await loadWasmCrypto();
    expectType<Promise<void>>()(loadWasmCrypto());
    return verifier.verifySync(token).payload.sub;
  }
}
