// oidc-wasm/verifier (the Verifier alone, over its own module) in Deno: as ../deno.js.
// core.js is pkg/core.js, copied next to this module's glue by scripts/build.sh.
import { _setLoader, _initSync, _setWasmCryptoLoader } from './core.js';
import * as cryptoGlue from '../oidc_wasm_crypto.js';

_setLoader(() => _initSync(Deno.readFileSync(new URL('./oidc_wasm_bg.wasm', import.meta.url))), { eager: true });
// The signature arithmetic module (pkg/'s, shared), read when first needed.
_setWasmCryptoLoader({
  sync: () => {
    cryptoGlue.initSync({ module: Deno.readFileSync(new URL('../oidc_wasm_crypto_bg.wasm', import.meta.url)) });
    return cryptoGlue;
  },
});

export {
  AuthError, init, isReady, Verifier, createVerifier, authErrorResponse, decodeJwtUnverified, errorCodes, loadWasmCrypto,
  _glue, _signatureBackend, _wasmCrypto,
} from './core.js';
