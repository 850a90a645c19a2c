// oidc-wasm/verifier: the token Verifier alone, in a smaller WebAssembly module without the login
// code. The same API as the package's main entry point, limited to verification. Its AuthError is
// a class of its own at run time (the module is separate): test an error's `code`, which is the
// same in both entry points, or use `instanceof` with the AuthError of the entry point that threw.
export type { AuthErrorKind, AuthErrorCode, JWTPayload, VerifierOptions, VerifyResult } from '../index.js';
export { AuthError, Verifier, createVerifier, authErrorResponse, init, isReady, loadWasmCrypto, decodeJwtUnverified, errorCodes } from '../index.js';
