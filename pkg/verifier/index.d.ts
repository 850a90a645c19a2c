// oidc-wasm/verifier: the token Verifier alone, in a smaller WebAssembly module without the login
// code. The same API as the package's main entry point, limited to verification.
export type { AuthErrorKind, AuthErrorCode, JWTPayload, VerifierOptions, VerifyResult } from '../index.js';
export { AuthError, Verifier, createVerifier, authErrorResponse, init, isReady, loadWasmCrypto, decodeJwtUnverified, errorCodes } from '../index.js';
