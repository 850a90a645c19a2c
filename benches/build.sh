#!/usr/bin/env bash
# Prepare the two builds the benchmark compares, without touching pkg/:
#   benches/.out/pkg-size   a copy of pkg/ (release profile: opt-level "z" + wasm-opt -Oz; run scripts/build.sh first):
#                           the main module, the signature arithmetic module (oidc_wasm_crypto) and the
#                           verifier/ entry point
#   benches/.out/pkg-speed  the same three modules in the release-speed profile (opt-level 3) + wasm-opt -O3,
#                           with pkg/'s hand-written JS files
# The speed build's modules have target directories of their own (target/bench-speed/<module>), so
# they neither wait for nor invalidate scripts/build.sh's, and a rebuild with nothing changed
# builds nothing (in one directory, each change of features rebuilds the crate).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f .build/env.sh ] || bash scripts/setup.sh
# shellcheck disable=SC1091
. .build/env.sh
OUT=benches/.out
TARGET=target/bench-speed
for f in pkg/oidc_wasm_bg.wasm pkg/oidc_wasm_crypto_bg.wasm pkg/verifier/oidc_wasm_bg.wasm pkg/verifier/core.js; do
  [ -f "$f" ] || { echo "$f is missing: run scripts/build.sh first" >&2; exit 1; }
done
rm -rf "$OUT/pkg-size" "$OUT/pkg-speed"
mkdir -p "$OUT/pkg-size" "$OUT/pkg-speed/verifier"
cp pkg/*.js pkg/*.wasm pkg/*.d.ts pkg/package.json "$OUT/pkg-size/"
cp -r pkg/verifier "$OUT/pkg-size/verifier"

# module DIR FEATURES OUT_DIR [NAME]: as scripts/build.sh's, in the release-speed profile with -O3,
# with target/bench-speed/DIR as target directory.
module() {
  local target=$TARGET/$1 features=$2 out=$3 name=${4:-oidc_wasm}
  cargo build -q --profile release-speed --target wasm32-unknown-unknown --target-dir "$target" --lib \
    --no-default-features --features "$features"
  wasm-bindgen --target web --out-dir "$out" --out-name "$name" "$target/wasm32-unknown-unknown/release-speed/oidc_wasm.wasm"
  wasm-opt -O3 --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
    --enable-reference-types --enable-multivalue --converge --strip-producers --strip-target-features \
    "$out/${name}_bg.wasm" -o "$out/${name}_bg.wasm"
}
# The same three modules as scripts/build.sh: the main one without the arithmetic, the arithmetic
# on its own, the verifier alone.
module main client,auth0,device,more-algorithms,verifier "$OUT/pkg-speed"
module crypto wasm-crypto,more-algorithms "$OUT/pkg-speed" oidc_wasm_crypto
module verifier verifier,more-algorithms "$OUT/pkg-speed/verifier"
# The hand-written entry points and package.json come from pkg/ (the glue is the speed build's own);
# the verifier's entry points are the ones scripts/build.sh derived from them.
for f in core.js spa.js browser.js node.js deno.js workerd.js index.d.ts package.json; do cp "pkg/$f" "$OUT/pkg-speed/"; done
for f in core.js browser.js node.js deno.js workerd.js index.d.ts; do cp "pkg/verifier/$f" "$OUT/pkg-speed/verifier/"; done
ls -l "$OUT"/pkg-size/*.wasm "$OUT"/pkg-size/verifier/*.wasm "$OUT"/pkg-speed/*.wasm "$OUT"/pkg-speed/verifier/*.wasm
