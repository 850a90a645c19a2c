#!/usr/bin/env bash
# Builds the module with parts left out (Cargo features, see Cargo.toml) and reports each build's
# size beside the full one, so an application can see what leaving a part out saves.
#   scripts/size-features.sh [--force] [variant ...]    (default: all; variants below)
# Each build goes to .build/size/<variant>/ as a complete package (the hand-written JS from pkg/,
# the variant's own glue and wasm); the table is also written to .build/size/report.json.
# The builds use the full module's cargo target directory (target/m-full, see scripts/build.sh):
# its dependencies are compiled already. A variant replaces only this crate's artifact there, which
# costs the package nothing: build.sh skips a module whose inputs are unchanged without asking
# cargo, and after a change of the sources the crate is compiled again either way. As in build.sh,
# a variant whose inputs (sources, features, build commands, tool versions) are unchanged since its
# last build, according to the stamp in its directory, is not built again, unless --force.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f .build/env.sh ] || bash scripts/setup.sh
# shellcheck disable=SC1091
. .build/env.sh
# The signature arithmetic (feature wasm-crypto) is a module of its own in the package, loaded on
# demand; `with-wasm-crypto` measures it built into the main module instead, as before.
declare -A FEATURES=(
  [full]="client,auth0,device,more-algorithms,verifier"
  [no-auth0]="client,device,more-algorithms,verifier"
  [no-device]="client,auth0,more-algorithms,verifier"
  [no-more-algorithms]="client,auth0,device,verifier"
  [no-verifier]="client,auth0,device,more-algorithms"
  [with-wasm-crypto]="client,auth0,device,more-algorithms,verifier,wasm-crypto"
  [minimal]="client"
  [verifier-only]="verifier,more-algorithms"
  [verifier-rs256-es256]="verifier"
)
FORCE=0
if [ "${1:-}" = --force ]; then FORCE=1; shift; fi
ORDER=(full no-auth0 no-device no-more-algorithms no-verifier with-wasm-crypto minimal verifier-only verifier-rs256-es256)
[ $# -gt 0 ] && ORDER=("$@")
for v in "${ORDER[@]}"; do
  [ -n "${FEATURES[$v]+x}" ] || { echo "unknown variant $v (${!FEATURES[*]})" >&2; exit 2; }
done
TARGET_DIR=target/m-full
# build_variant FEATURES OUT_DIR: the module with these features, its glue and wasm in OUT_DIR.
build_variant() {
  local features=$1 out=$2
  # The target directory keeps the dependencies; only this crate is rebuilt per variant.
  cargo build -q --locked --release --target wasm32-unknown-unknown --lib --no-default-features --features "$features" \
    --target-dir "$TARGET_DIR"
  wasm-bindgen --target web --out-dir "$out" --out-name oidc_wasm "$TARGET_DIR/wasm32-unknown-unknown/release/oidc_wasm.wasm"
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
    --enable-reference-types --enable-multivalue --converge --strip-producers --strip-target-features \
    "$out/oidc_wasm_bg.wasm" -o "$out/oidc_wasm_bg.wasm"
}
# What every variant's build depends on besides its features (see scripts/build.sh).
TOOLS=$("${RUSTC:-rustc}" -vV; cargo -V; wasm-bindgen --version; echo "wasm-opt $(sha256sum "$(readlink -f "$(command -v wasm-opt)")")")
SOURCES=$(find src -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum;
  sha256sum Cargo.toml Cargo.lock; [ ! -f .cargo/config.toml ] || sha256sum .cargo/config.toml; [ ! -f build.rs ] || sha256sum build.rs)
BUILD_ENV=$(env | grep -E '^(RUSTC|RUSTUP_TOOLCHAIN|RUSTFLAGS|RUSTC_[A-Z_]*|CARGO_ENCODED_RUSTFLAGS|CARGO_BUILD_[A-Z_]*|CARGO_PROFILE_[A-Z_]*|CARGO_TARGET_WASM32_[A-Z_]*)=' | LC_ALL=C sort || true)
for v in "${ORDER[@]}"; do
  out=.build/size/$v
  hash=$(printf '%s\n' "features=${FEATURES[$v]}" "$(declare -f build_variant)" "$TOOLS" "$BUILD_ENV" "$SOURCES" | sha256sum | cut -d' ' -f1)
  if [ "$FORCE" = 0 ] && [ -f "$out/oidc_wasm_bg.wasm" ] && [ -f "$out/oidc_wasm.js" ] && [ "$(cat "$out/.build-stamp" 2>/dev/null)" = "$hash" ]; then
    echo "$v: unchanged (inputs ${hash:0:12}), build skipped"
  else
    rm -rf "$out"; mkdir -p "$out"
    build_variant "${FEATURES[$v]}" "$out"
    echo "$hash" > "$out/.build-stamp"
    echo "$v: built with features [${FEATURES[$v]}]"
  fi
done
# Each variant's package: the main entry point's written JS, one file per runtime, and types
# (scripts/runtimes.mjs), package.json, and the modules shared by every variant (the signature
# arithmetic, built by scripts/build.sh); then the table.
node --input-type=module - "${ORDER[@]}" <<'JS'
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { SHARED_JS, SHARED_MODULES, entryFile, entryPoint, moduleFiles, runtime, writtenFiles } from './scripts/runtimes.mjs';
const main = entryPoint('.');
const copied = [...writtenFiles(main), 'package.json', ...SHARED_JS, ...SHARED_MODULES.flatMap((m) => moduleFiles('', m.module))];
const sizes = (b) => ({ raw: b.length, gzip: gzipSync(b, { level: 9 }).length,
  brotli: brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length });
const rows = [];
for (const v of process.argv.slice(2)) {
  const dir = `.build/size/${v}`;
  for (const f of copied) copyFileSync(`pkg/${f}`, `${dir}/${f}`);
  const wasm = sizes(readFileSync(`${dir}/${main.module}_bg.wasm`));
  const total = { raw: 0, gzip: 0, brotli: 0 };
  // The SPA session (spa.js) counts only where there is a client to log in with.
  const client = readFileSync(`${dir}/${main.module}.js`, 'utf8').includes('class WasmClient');
  const browserFiles = [`${main.module}_bg.wasm`, `${main.module}.js`, ...main.js.filter((f) => client || f !== 'spa.js'),
    entryFile(main, runtime('browser'))];
  for (const f of browserFiles) {
    const s = sizes(readFileSync(`${dir}/${f}`));
    for (const k of Object.keys(total)) total[k] += s[k];
  }
  rows.push({ variant: v, wasm, browserTotal: total });
}
const full = rows.find((r) => r.variant === 'full');
console.log('variant                   wasm raw  wasm gzip  browser total gzip  brotli  saved vs full (gzip)');
for (const r of rows) {
  const saved = full ? `${full.browserTotal.gzip - r.browserTotal.gzip}` : '-';
  console.log(`${r.variant.padEnd(24)}  ${String(r.wasm.raw).padStart(8)}  ${String(r.wasm.gzip).padStart(9)}  ${String(r.browserTotal.gzip).padStart(18)}  ${String(r.browserTotal.brotli).padStart(6)}  ${saved.padStart(20)}`);
}
writeFileSync('.build/size/report.json', `${JSON.stringify(rows, null, 2)}\n`);
JS
