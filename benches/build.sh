#!/usr/bin/env bash
# Prepare the two builds the benchmark compares, without touching pkg/:
#   benches/.out/pkg-size   a copy of pkg/ (release profile: opt-level "z" + wasm-opt -Oz; run scripts/build.sh first),
#                           with its verifier/ entry point
#   benches/.out/pkg-speed  the release-speed profile (opt-level 3) + wasm-opt -O3, with pkg/'s JS files
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f .build/env.sh ] || bash scripts/setup.sh
# shellcheck disable=SC1091
. .build/env.sh
OUT=benches/.out
[ -f pkg/oidc_wasm_bg.wasm ] || { echo "pkg/ is not built: run scripts/build.sh first" >&2; exit 1; }
rm -rf "$OUT/pkg-size" "$OUT/pkg-speed"
mkdir -p "$OUT/pkg-size" "$OUT/pkg-speed"
cp pkg/*.js pkg/*.wasm pkg/*.d.ts pkg/package.json "$OUT/pkg-size/"
cp -r pkg/verifier "$OUT/pkg-size/verifier"

cargo build -q --profile release-speed --target wasm32-unknown-unknown --lib
wasm-bindgen --target web --out-dir "$OUT/pkg-speed" --out-name oidc_wasm target/wasm32-unknown-unknown/release-speed/oidc_wasm.wasm
wasm-opt -O3 --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
  --enable-reference-types --enable-multivalue "$OUT/pkg-speed/oidc_wasm_bg.wasm" -o "$OUT/pkg-speed/oidc_wasm_bg.wasm"
# The hand-written entry points and package.json come from pkg/ (the glue is the speed build's own).
for f in core.js spa.js browser.js node.js deno.js workerd.js index.d.ts package.json; do cp "pkg/$f" "$OUT/pkg-speed/"; done
ls -l "$OUT"/pkg-size/oidc_wasm_bg.wasm "$OUT"/pkg-speed/oidc_wasm_bg.wasm
