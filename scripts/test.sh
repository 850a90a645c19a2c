#!/usr/bin/env bash
# Every test: installs what is missing, then runs the Rust core natively (and, in CI or with
# FUZZ=1, every fuzz target for 60 s: scripts/fuzz-ci.sh), builds the npm package
# (with the size budget), runs the wasm layer's tests in Node and headless Chromium, and the JS
# suites: the local provider, the packed package in Node, Deno, workerd and Chromium, and the
# demo end to end in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
START=$SECONDS
step() { printf '\n==> %s (%ss)\n' "$*" $((SECONDS - START)); }

step "setup"
bash scripts/setup.sh
# shellcheck disable=SC1091
. .build/env.sh

step "cargo test (native core)"
cargo test --locked

if cargo clippy --version >/dev/null 2>&1; then
  step "cargo clippy (native and wasm32)"
  cargo clippy --locked --all-targets -- -D warnings
  cargo clippy --locked --target wasm32-unknown-unknown --lib -- -D warnings
  cargo clippy --locked --target wasm32-unknown-unknown --lib --no-default-features -- -D warnings
  cargo clippy --locked --target wasm32-unknown-unknown --lib --no-default-features --features verifier -- -D warnings
fi

step "cargo check of the fuzz targets (so API changes cannot break them unnoticed)"
cargo check -q --manifest-path fuzz/Cargo.toml --bins

# In CI (CI=true) or with FUZZ=1: a few minutes (one build, then 60 s per target, two at a time).
if [ "${CI:-}" = true ] || [ "${FUZZ:-}" = 1 ]; then
  step "fuzzing: each fuzz target 60 s on its committed corpus, stable toolchain (scripts/fuzz-ci.sh)"
  bash scripts/fuzz-ci.sh
fi

step "build the npm package (size budget checked)"
bash scripts/build.sh

step "build.sh again with nothing changed: the three module builds skipped (and a changed input is seen)"
again=$(bash scripts/build.sh)
[ "$(grep -cE '^pkg(/verifier)?/oidc_wasm(_crypto)?: unchanged ' <<<"$again")" = 3 ] \
  || { printf '%s\n' "$again"; echo "a second build.sh with nothing changed built a module again" >&2; exit 1; }
changed=$(RUSTFLAGS="${RUSTFLAGS:-} --cfg oidc_wasm_stamp_probe" bash scripts/build.sh --dry-run)
[ "$(grep -cE '^pkg(/verifier)?/oidc_wasm(_crypto)?: would be built ' <<<"$changed")" = 3 ] \
  || { printf '%s\n' "$changed"; echo "build.sh did not see a changed input (RUSTFLAGS)" >&2; exit 1; }

step "type check of a consumer (tsc --noEmit)"
bash tests/types/check.sh

step "the smallest login build (Cargo feature client alone), for its size and for tests/runtimes/features.test.mjs"
bash scripts/size-features.sh minimal

step "wasm layer tests in Node and headless Chromium (wasm-bindgen-test)"
# No -q: cargo would pass it on to wasm-bindgen-test-runner, which refuses it.
node scripts/with-provider.mjs -- cargo test --locked --target wasm32-unknown-unknown --test wasm_node --test wasm_browser

step "JS suites: provider, packed package in Node / Deno / workerd / Chromium, demo end to end"
node --test --test-concurrency=1 tests/provider/ tests/runtimes/ tests/e2e/

step "OpenID RP conformance, offline: the faulty provider's modules against the package in Node (README, tests/conformance/)"
node --test tests/conformance/

step "the README's recipes: apps built from the packed package with Vite, webpack, Rollup and esbuild, signed in with in Chromium; a Worker, Deno and Node API given a real token"
node --test --test-concurrency=1 tests/bundlers/

step "all tests passed"
