// Cloudflare Workers (workerd) and other runtimes that import .wasm files as compiled
// WebAssembly.Module objects (wrangler, miniflare's module rules): no fetch, no eval.
import wasmModule from './oidc_wasm_bg.wasm';
import { _setLoader, _initSync } from './core.js';

_setLoader(() => _initSync(wasmModule), { eager: true });

export * from './core.js';
export * from './spa.js';
