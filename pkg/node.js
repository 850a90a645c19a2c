// Node.js: the .wasm is read from disk and instantiated synchronously at import, so the whole
// API is usable at once.
import { readFileSync } from 'node:fs';
import { nodeCryptoBackend } from './node-crypto.js';
import { _setLoader, _initSync, _setSignatureBackend, _setWasmCryptoLoader } from './core.js';
import * as cryptoGlue from './oidc_wasm_crypto.js';

_setLoader(() => _initSync(readFileSync(new URL('./oidc_wasm_bg.wasm', import.meta.url))), { eager: true });
// The signature arithmetic module, read when first needed (node:crypto decides almost everything).
_setWasmCryptoLoader({
  sync: () => {
    cryptoGlue.initSync({ module: readFileSync(new URL('./oidc_wasm_crypto_bg.wasm', import.meta.url)) });
    return cryptoGlue;
  },
});

// Signature arithmetic by node:crypto (see node-crypto.js).
_setSignatureBackend(nodeCryptoBackend);

export * from './core.js';
export * from './spa.js';
