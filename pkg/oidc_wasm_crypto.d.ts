/* tslint:disable */
/* eslint-disable */

/**
 * Import a public JWK (JSON) for `alg`: a handle for `verify`. Throws `ERR_JWK_INVALID` (or
 * another code) for a key this crate refuses, as WebCrypto's `importKey` would.
 */
export function importKey(jwk_json: string, alg: string): number;

/**
 * Whether `signature` over `input` verifies with the key of `handle`; undefined when that key
 * was dropped (import it again).
 */
export function verify(handle: number, signature: Uint8Array | number[], input: Uint8Array | number[]): boolean | undefined;

/**
 * This crate's own check of `signature` over `message` with a JWK (JSON) at once: whether it
 * verifies. A key that does not parse is an error.
 */
export function verifySignatureWasm(jwk_json: string, alg: string, message: Uint8Array | number[], signature: Uint8Array | number[]): boolean;

export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

export interface InitOutput {
    readonly memory: WebAssembly.Memory;
    readonly importKey: (a: number, b: number, c: number, d: number) => [number, number, number];
    readonly verify: (a: number, b: number, c: number, d: number, e: number) => number;
    readonly verifySignatureWasm: (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number) => [number, number, number];
    readonly __wbindgen_exn_store: (a: number) => void;
    readonly __externref_table_alloc: () => number;
    readonly __wbindgen_externrefs: WebAssembly.Table;
    readonly __wbindgen_malloc: (a: number, b: number) => number;
    readonly __wbindgen_realloc: (a: number, b: number, c: number, d: number) => number;
    readonly __wbindgen_free: (a: number, b: number, c: number) => void;
    readonly __externref_table_dealloc: (a: number) => void;
    readonly __wbindgen_start: () => void;
}

export type SyncInitInput = BufferSource | WebAssembly.Module;

/**
 * Instantiates the given `module`, which can either be bytes or
 * a precompiled `WebAssembly.Module`.
 *
 * @param {{ module: SyncInitInput }} module - Passing `SyncInitInput` directly is deprecated.
 *
 * @returns {InitOutput}
 */
export function initSync(module: { module: SyncInitInput } | SyncInitInput): InitOutput;

/**
 * If `module_or_path` is {RequestInfo} or {URL}, makes a request and
 * for everything else, calls `WebAssembly.instantiate` directly.
 *
 * @param {{ module_or_path: InitInput | Promise<InitInput> }} module_or_path - Passing `InitInput` directly is deprecated.
 *
 * @returns {Promise<InitOutput>}
 */
export default function __wbg_init (module_or_path?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>): Promise<InitOutput>;
