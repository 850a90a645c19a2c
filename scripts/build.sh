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
cargo build -q --profile "$PROFILE" --target wasm32-unknown-unknown --lib
rm -f pkg/oidc_wasm.js pkg/oidc_wasm.d.ts pkg/oidc_wasm_bg.wasm pkg/oidc_wasm_bg.wasm.d.ts
wasm-bindgen --target web --out-dir pkg --out-name oidc_wasm "target/wasm32-unknown-unknown/$PROFILE/oidc_wasm.wasm"
# wasm-bindgen output uses these post-MVP features; every runtime we support has them.
wasm-opt "$OPT" --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
  --enable-reference-types --enable-multivalue --converge pkg/oidc_wasm_bg.wasm -o pkg/oidc_wasm_bg.wasm
if [ "$CHECK" = 1 ]; then node scripts/size-report.mjs --check; else node scripts/size-report.mjs; fi
