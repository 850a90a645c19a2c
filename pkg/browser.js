// Browsers, through a bundler (Vite, webpack 5, Rollup and Parcel resolve the
// `new URL(..., import.meta.url)` asset) or a plain <script type="module">. The module is fetched
// and compiled on the first async call or on `await init()`.
import { _setLoader, _initFromUrl, _setWasmCryptoLoader } from './core.js';

_setLoader(() => _initFromUrl(new URL('./oidc_wasm_bg.wasm', import.meta.url)));
// The signature arithmetic module is fetched only when it is needed (see loadWasmCrypto).
_setWasmCryptoLoader({
  load: async () => {
    const glue = await import('./oidc_wasm_crypto.js');
    await glue.default({ module_or_path: new URL('./oidc_wasm_crypto_bg.wasm', import.meta.url) });
    return glue;
  },
});

export * from './core.js';
export * from './spa.js';
