// oidc-wasm/verifier (the Verifier alone, over its own module) in Cloudflare Workers (workerd)
// and the like: as ../workerd.js. core.js is pkg/core.js, copied here by scripts/build.sh.
import wasmModule from './oidc_wasm_bg.wasm';
import cryptoModule from '../oidc_wasm_crypto_bg.wasm';
import * as cryptoGlue from '../oidc_wasm_crypto.js';
import { _setLoader, _initSync, _setWasmCryptoLoader } from './core.js';

_setLoader(() => _initSync(wasmModule), { eager: true });
// The signature arithmetic module (pkg/'s, shared; compiled with the Worker), instantiated when
// first needed.
_setWasmCryptoLoader({
  sync: () => {
    cryptoGlue.initSync({ module: cryptoModule });
    return cryptoGlue;
  },
});

export {
  AuthError, init, isReady, Verifier, createVerifier, authErrorResponse, decodeJwtUnverified, errorCodes, loadWasmCrypto,
  _glue, _signatureBackend, _wasmCrypto,
} from './core.js';
