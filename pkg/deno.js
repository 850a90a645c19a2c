// Deno: the .wasm is read from disk and instantiated synchronously at import. Without read
// permission for the package directory, `await init()` reports why (ERR_INIT_FAILED).
import { _setLoader, _initSync, _setWasmCryptoLoader } from './core.js';
import * as cryptoGlue from './oidc_wasm_crypto.js';

_setLoader(() => _initSync(Deno.readFileSync(new URL('./oidc_wasm_bg.wasm', import.meta.url))), { eager: true });
// The signature arithmetic module, read when first needed (verifySync, crypto: 'wasm').
_setWasmCryptoLoader({
  sync: () => {
    cryptoGlue.initSync({ module: Deno.readFileSync(new URL('./oidc_wasm_crypto_bg.wasm', import.meta.url)) });
    return cryptoGlue;
  },
});

export * from './core.js';
export * from './spa.js';
