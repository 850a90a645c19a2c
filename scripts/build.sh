#!/usr/bin/env bash
# Build the npm package in pkg/: the release wasm, the wasm-bindgen glue (--target web, loaded by
# the hand-written per-runtime entry points), wasm-opt, package.json's exports from the list of
# entry points and runtimes (scripts/runtimes.mjs), and the size report.
# Usage: scripts/build.sh [--profile release|release-speed] [--no-size-check] [--force] [--dry-run]
#
# Each module (pkg/ and pkg/verifier/) has its own cargo target directory (target/m-full,
# target/m-verifier), so building one does not invalidate the other. A module whose inputs are
# unchanged is not built at all: next to its outputs, a stamp (.build-stamp) holds a hash of the
# inputs (src/, Cargo.toml, Cargo.lock, .cargo/config.toml, the features, the profile, the build
# commands, the tool versions, RUSTFLAGS and the like); the module is rebuilt when the hash differs
# or an output is missing, and always with --force. --dry-run only says which module would be built.
# The size report is likewise printed from .build/ when the files it measures are unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f .build/env.sh ] || bash scripts/setup.sh
# shellcheck disable=SC1091
. .build/env.sh
PROFILE=release
CHECK=1
FORCE=0
DRY=0
while [ $# -gt 0 ]; do
  case "$1" in
    --profile) PROFILE=$2; shift 2 ;;
    --no-size-check) CHECK=0; shift ;;
    --force) FORCE=1; shift ;;
    --dry-run) DRY=1; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
OPT=-Oz; [ "$PROFILE" = release ] || OPT=-O3

# build_module FEATURES OUT_DIR TARGET_DIR NAME: the crate with these Cargo features, its glue and
# wasm in OUT_DIR (NAME.js, NAME_bg.wasm).
build_module() {
  local features=$1 out=$2 tdir=$3 name=$4
  cargo build -q --profile "$PROFILE" --target wasm32-unknown-unknown --lib --no-default-features --features "$features" \
    --target-dir "$tdir"
  wasm-bindgen --target web --out-dir "$out" --out-name "$name" "$tdir/wasm32-unknown-unknown/$PROFILE/oidc_wasm.wasm"
  # wasm-bindgen output uses these post-MVP features; every runtime we support has them. The
  # producers and target_features sections are for toolchains, not for runtimes.
  wasm-opt "$OPT" --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
    --enable-reference-types --enable-multivalue --converge --strip-producers --strip-target-features \
    "$out/${name}_bg.wasm" -o "$out/${name}_bg.wasm"
}

# What a module's build depends on besides its features: computed once.
# (npm's wasm-opt is an 11 MB script that takes most of a second to start: its hash names it.)
TOOLS=$("${RUSTC:-rustc}" -vV; cargo -V; wasm-bindgen --version; echo "wasm-opt $(sha256sum "$(readlink -f "$(command -v wasm-opt)")")")
SOURCES=$(find src -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum;
  sha256sum Cargo.toml Cargo.lock; [ ! -f .cargo/config.toml ] || sha256sum .cargo/config.toml; [ ! -f build.rs ] || sha256sum build.rs)
BUILD_ENV=$(env | grep -E '^(RUSTC|RUSTUP_TOOLCHAIN|RUSTFLAGS|RUSTC_[A-Z_]*|CARGO_ENCODED_RUSTFLAGS|CARGO_BUILD_[A-Z_]*|CARGO_PROFILE_[A-Z_]*|CARGO_TARGET_WASM32_[A-Z_]*)=' | LC_ALL=C sort || true)

# module FEATURES OUT_DIR TARGET_DIR [NAME]: build_module, unless the stamp in OUT_DIR says its
# inputs are unchanged (NAME defaults to oidc_wasm; each NAME has its own stamp).
module() {
  local features=$1 out=$2 tdir=$3 name=${4:-oidc_wasm} hash f missing=0 stamp
  stamp="$out/.build-stamp"; [ "$name" = oidc_wasm ] || stamp="$out/.build-stamp-$name"
  local outputs=("$name.js" "$name.d.ts" "${name}_bg.wasm" "${name}_bg.wasm.d.ts")
  hash=$(printf '%s\n' "features=$features" "profile=$PROFILE" "opt=$OPT" "target-dir=$tdir" "name=$name" "$(declare -f build_module)" \
    "$TOOLS" "$BUILD_ENV" "$SOURCES" | sha256sum | cut -d' ' -f1)
  for f in "${outputs[@]}"; do [ -f "$out/$f" ] || missing=1; done
  if [ "$FORCE" = 0 ] && [ "$missing" = 0 ] && [ "$(cat "$stamp" 2>/dev/null)" = "$hash" ]; then
    echo "$out/$name: unchanged (inputs ${hash:0:12}), module build skipped"
    return
  fi
  if [ "$DRY" = 1 ]; then echo "$out/$name: would be built (inputs ${hash:0:12})"; return; fi
  mkdir -p "$out"
  rm -f "$stamp"
  for f in "${outputs[@]}"; do rm -f "$out/$f"; done
  build_module "$features" "$out" "$tdir" "$name"
  echo "$hash" > "$stamp"
  echo "$out/$name: built (inputs ${hash:0:12})"
}

# The whole package: every part but the signature arithmetic, which is a module of its own.
module client,auth0,device,more-algorithms,verifier pkg target/m-full

# This library's own signature arithmetic (rsa, p256): loaded by the JavaScript layer only where
# it is needed (verifySync where WebCrypto is asynchronous, crypto: 'wasm', no WebCrypto, a key the
# platform refuses). Shared by both entry points. It shares the verifier's target directory (the
# same dependencies); the stamps keep either from being rebuilt needlessly.
module wasm-crypto,more-algorithms pkg target/m-verifier oidc_wasm_crypto

# `oidc-wasm/verifier`: the Verifier alone, in a module without the login code (about a quarter
# smaller), for APIs and edge workers. Its entry points are written in pkg/verifier/ (the verifier's
# exports only); core.js is shared as a copy (it loads the glue next to it).
module verifier,more-algorithms pkg/verifier target/m-verifier
[ "$DRY" = 0 ] || exit 0
# The licenses ship in the package (the root's files are the source).
cp LICENSE-MIT LICENSE-APACHE pkg/
# The entry points and runtimes of scripts/runtimes.mjs: core.js copied next to the verifier's glue,
# package.json's exports, sideEffects and files written from the list (when they differ), and every
# file they name checked to be there (a runtime's entry is written in each entry point's directory).
node scripts/runtimes.mjs package

# The size report (brotli at quality 11 takes seconds), unless what it measures is as it was.
REPORT=.build/size-report.txt
report_hash=$( (echo "check=$CHECK"; sha256sum scripts/size-report.mjs scripts/size-budget.json scripts/runtimes.mjs pkg/*.js pkg/oidc_wasm_bg.wasm \
  pkg/oidc_wasm_crypto_bg.wasm pkg/verifier/*.js pkg/verifier/oidc_wasm_bg.wasm) | sha256sum | cut -d' ' -f1)
if [ -f "$REPORT" ] && [ -f .build/size-report.json ] && [ "$(cat "$REPORT.stamp" 2>/dev/null)" = "$report_hash" ]; then
  cat "$REPORT"
  echo "(size report of unchanged files, from $REPORT)"
else
  rm -f "$REPORT.stamp"
  if [ "$CHECK" = 1 ]; then node scripts/size-report.mjs --check; else node scripts/size-report.mjs; fi > "$REPORT.tmp" \
    || { cat "$REPORT.tmp"; exit 1; }
  mv "$REPORT.tmp" "$REPORT"
  cat "$REPORT"
  echo "$report_hash" > "$REPORT.stamp"
fi
