// Browsers, through a bundler (Vite, webpack 5, Rollup and Parcel resolve the
// `new URL(..., import.meta.url)` asset) or a plain <script type="module">. The module is fetched
// and compiled on the first async call or on `await init()`.
import { _setLoader, _initFromUrl } from './core.js';

_setLoader(() => _initFromUrl(new URL('./oidc_wasm_bg.wasm', import.meta.url)));

export * from './core.js';
export * from './spa.js';
