// Node.js: the .wasm is read from disk and instantiated synchronously at import, so the whole
// API is usable at once.
import { readFileSync } from 'node:fs';
import { _setLoader, _initSync } from './core.js';

_setLoader(() => _initSync(readFileSync(new URL('./oidc_wasm_bg.wasm', import.meta.url))), { eager: true });

export * from './core.js';
export * from './spa.js';
