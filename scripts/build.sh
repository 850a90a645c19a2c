#!/usr/bin/env bash
# Build the npm package in pkg/: the release wasm, the wasm-bindgen glue (--target web, loaded by
# the hand-written per-runtime entry points), wasm-opt, and the size report.
# Usage: scripts/build.sh [--profile release|release-speed] [--no-size-check]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f .build/env.sh ] || bash scripts/setup.sh
# shellcheck disable=SC1091
. .build/env.sh
PROFILE=release
CHECK=1
while [ $# -gt 0 ]; do
  case "$1" in
    --profile) PROFILE=$2; shift 2 ;;
    --no-size-check) CHECK=0; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
OPT=-Oz; [ "$PROFILE" = release ] || OPT=-O3

# module FEATURES OUT_DIR [NAME]: build the crate with these Cargo features into OUT_DIR's glue
# and wasm (NAME.js, NAME_bg.wasm; NAME defaults to oidc_wasm).
module() {
  local features=$1 out=$2 name=${3:-oidc_wasm}
  cargo build -q --profile "$PROFILE" --target wasm32-unknown-unknown --lib --no-default-features --features "$features"
  rm -f "$out/$name.js" "$out/$name.d.ts" "$out/${name}_bg.wasm" "$out/${name}_bg.wasm.d.ts"
  wasm-bindgen --target web --out-dir "$out" --out-name "$name" "target/wasm32-unknown-unknown/$PROFILE/oidc_wasm.wasm"
  # wasm-bindgen output uses these post-MVP features; every runtime we support has them. The
  # producers and target_features sections are for toolchains, not for runtimes.
  wasm-opt "$OPT" --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
    --enable-reference-types --enable-multivalue --converge --strip-producers --strip-target-features \
    "$out/${name}_bg.wasm" -o "$out/${name}_bg.wasm"
}

# The whole package: every part but the signature arithmetic, which is a module of its own.
module client,auth0,device,more-algorithms,verifier pkg

# This library's own signature arithmetic (rsa, p256): loaded by the JavaScript layer only where
# it is needed (verifySync where WebCrypto is asynchronous, crypto: 'wasm', no WebCrypto, a key the
# platform refuses). Shared by both entry points.
module wasm-crypto,more-algorithms pkg oidc_wasm_crypto

# `oidc-wasm/verifier`: the Verifier alone, in a module without the login code (about a quarter
# smaller), for APIs and edge workers. Its entry points are pkg/'s with the verifier's exports
# only, and core.js is shared as a copy (it loads the glue next to it).
mkdir -p pkg/verifier
module verifier,more-algorithms pkg/verifier
cp pkg/core.js pkg/verifier/core.js
for f in browser.js node.js deno.js workerd.js; do
  sed -e "s#^export \* from './core.js';#export { AuthError, init, isReady, Verifier, createVerifier, authErrorResponse, decodeJwtUnverified, errorCodes, loadWasmCrypto, _glue, _signatureBackend, _wasmCrypto } from './core.js';#" \
    -e "/^export \* from '.\/spa.js';/d" -e "s#'./oidc_wasm_crypto#'../oidc_wasm_crypto#g" "pkg/$f" > "pkg/verifier/$f"
  grep -q "createVerifier" "pkg/verifier/$f" || { echo "pkg/verifier/$f: the export line was not rewritten" >&2; exit 1; }
done
if [ "$CHECK" = 1 ]; then node scripts/size-report.mjs --check; else node scripts/size-report.mjs; fi
