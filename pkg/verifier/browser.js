// oidc-wasm/verifier (the Verifier alone, over its own module) in browsers: as ../browser.js.
// core.js is pkg/core.js, copied next to this module's glue by scripts/build.sh.
import { _setLoader, _initFromUrl, _setWasmCryptoLoader } from './core.js';

_setLoader(() => _initFromUrl(new URL('./oidc_wasm_bg.wasm', import.meta.url)));
// The signature arithmetic module (pkg/'s, shared) is fetched only when needed (see loadWasmCrypto).
_setWasmCryptoLoader({
  load: async () => {
    const glue = await import('../oidc_wasm_crypto.js');
    await glue.default({ module_or_path: new URL('../oidc_wasm_crypto_bg.wasm', import.meta.url) });
    return glue;
  },
});

export {
  AuthError, init, isReady, Verifier, createVerifier, authErrorResponse, decodeJwtUnverified, errorCodes, loadWasmCrypto,
  _glue, _signatureBackend, _wasmCrypto,
} from './core.js';
