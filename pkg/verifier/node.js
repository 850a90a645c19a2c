// oidc-wasm/verifier (the Verifier alone, over its own module) in Node.js: as ../node.js.
// core.js is pkg/core.js, copied next to this module's glue by scripts/build.sh.
import { readFileSync } from 'node:fs';
import { nodeCryptoBackend } from '../node-crypto.js';
import { _setLoader, _initSync, _setSignatureBackend, _setWasmCryptoLoader } from './core.js';
import * as cryptoGlue from '../oidc_wasm_crypto.js';

_setLoader(() => _initSync(readFileSync(new URL('./oidc_wasm_bg.wasm', import.meta.url))), { eager: true });
// The signature arithmetic module (pkg/'s, shared), read when first needed.
_setWasmCryptoLoader({
  sync: () => {
    cryptoGlue.initSync({ module: readFileSync(new URL('../oidc_wasm_crypto_bg.wasm', import.meta.url)) });
    return cryptoGlue;
  },
});

// Signature arithmetic by node:crypto (see node-crypto.js).
_setSignatureBackend(nodeCryptoBackend);

export {
  AuthError, init, isReady, Verifier, createVerifier, authErrorResponse, decodeJwtUnverified, errorCodes, loadWasmCrypto,
  _glue, _signatureBackend, _wasmCrypto,
} from './core.js';
