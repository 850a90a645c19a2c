// Cloudflare Workers (workerd) and other runtimes that import .wasm files as compiled
// WebAssembly.Module objects (wrangler, miniflare's module rules): no fetch, no eval.
import wasmModule from './oidc_wasm_bg.wasm';
import cryptoModule from './oidc_wasm_crypto_bg.wasm';
import * as cryptoGlue from './oidc_wasm_crypto.js';
import { _setLoader, _initSync, _setWasmCryptoLoader } from './core.js';

_setLoader(() => _initSync(wasmModule), { eager: true });
// The signature arithmetic module (compiled with the Worker), instantiated when first needed
// (verifySync, crypto: 'wasm').
_setWasmCryptoLoader({
  sync: () => {
    cryptoGlue.initSync({ module: cryptoModule });
    return cryptoGlue;
  },
});

export * from './core.js';
export * from './spa.js';
