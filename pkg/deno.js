// Deno: the .wasm is read from disk and instantiated synchronously at import. Without read
// permission for the package directory, `await init()` reports why (ERR_INIT_FAILED).
import { _setLoader, _initSync } from './core.js';

_setLoader(() => _initSync(Deno.readFileSync(new URL('./oidc_wasm_bg.wasm', import.meta.url))), { eager: true });

export * from './core.js';
export * from './spa.js';
