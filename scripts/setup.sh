#!/usr/bin/env bash
# Install everything the build, the demo and the tests need. Idempotent: a re-run on a ready
# machine takes a few seconds. Needs root (or sudo) for apt on a fresh Debian machine.
#
#  1. Chromium and chromedriver (Debian's), for wasm-bindgen-test and Playwright; g++ for libFuzzer.
#  2. The wasm32-unknown-unknown target: rustup where it can download; otherwise Debian's Rust
#     toolchain with a wasm32 std built once into its sysroot (selected through .build/env.sh).
#     OIDC_WASM_TOOLCHAIN chooses the route: unset = as just described; `rustup` = rustup's
#     toolchain only (fails if it can't provide the target); `debian` = Debian's toolchain even
#     where rustup's would do. The choice is written to .build/env.sh, which build.sh and test.sh
#     source, so every later cargo/rustc call uses that toolchain.
#  3. wasm-bindgen-cli at exactly the version Cargo.lock pins.
#  4. The JS tooling from package-lock.json (`npm ci`): the test provider, Playwright, miniflare,
#     deno, esbuild, jose, and wasm-opt (npm binaryen; Debian's binaryen breaks wasm-bindgen output).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
mkdir -p .build
ENV_FILE=.build/env.sh
log() { printf '[setup] %s\n' "$*" >&2; }
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
APT_UPDATED=0
apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} = 0 ] && return 0
  if [ $APT_UPDATED = 0 ]; then $SUDO apt-get update -q >/dev/null; APT_UPDATED=1; fi
  log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

# 1. Browser
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  apt_install chromium chromium-driver
fi
# A C++ compiler for libFuzzer (scripts/fuzz-ci.sh builds the fuzz targets with it).
command -v c++ >/dev/null || apt_install g++

# 2. wasm32 target
ROUTE=${OIDC_WASM_TOOLCHAIN:-}
case "$ROUTE" in
  ""|rustup|debian) ;;
  *) echo "[setup] OIDC_WASM_TOOLCHAIN must be 'rustup', 'debian' or unset (got '$ROUTE')" >&2; exit 2 ;;
esac
# Decide with the PATH that .build/env.sh sets, and not with a Debian selection inherited from a
# shell that sourced an earlier .build/env.sh.
export PATH="$HOME/.cargo/bin:$PATH"
if [ "$ROUTE" != debian ]; then
  [ "${RUSTUP_TOOLCHAIN:-}" != debian ] || unset RUSTUP_TOOLCHAIN
  [ "${RUSTC:-}" != /usr/bin/rustc ] || unset RUSTC RUSTDOC
fi
: > "$ENV_FILE.tmp"
# rustup's toolchain: env.sh drops a Debian selection inherited from a shell that sourced an earlier one.
use_rustup() {
  printf '%s\n' '[ "${RUSTUP_TOOLCHAIN:-}" != debian ] || unset RUSTUP_TOOLCHAIN' \
    '[ "${RUSTC:-}" != /usr/bin/rustc ] || unset RUSTC RUSTDOC' >> "$ENV_FILE.tmp"
}
has_wasm_std() { local d; d=$(rustc --print target-libdir --target wasm32-unknown-unknown 2>/dev/null) && [ -d "$d" ] && ls "$d"/libstd-*.rlib >/dev/null 2>&1; }
if [ "$ROUTE" != debian ] && command -v rustc >/dev/null && has_wasm_std; then
  log "wasm32 target: present ($(rustc --version))"
  use_rustup
elif [ "$ROUTE" != debian ] && command -v rustup >/dev/null && timeout 180 rustup target add wasm32-unknown-unknown >/dev/null 2>&1 && has_wasm_std; then
  log "wasm32 target: installed with rustup"
  use_rustup
elif [ "$ROUTE" = rustup ]; then
  if command -v rustup >/dev/null; then
    echo "[setup] OIDC_WASM_TOOLCHAIN=rustup: \`rustup target add wasm32-unknown-unknown\` failed or timed out" \
      "for $(rustc --version 2>/dev/null || echo 'the active toolchain'); unset OIDC_WASM_TOOLCHAIN to use Debian's toolchain instead" >&2
  else
    echo "[setup] OIDC_WASM_TOOLCHAIN=rustup: rustup is not installed; unset OIDC_WASM_TOOLCHAIN to use Debian's toolchain" >&2
  fi
  exit 1
else
  if [ "$ROUTE" = debian ]; then
    log "wasm32 target: Debian's toolchain (OIDC_WASM_TOOLCHAIN=debian)"
  else
    log "wasm32 target: rustup cannot provide it; using Debian's toolchain with a wasm32 std built from source"
  fi
  apt_install rustc-web cargo-web rust-web-src rust-web-llvm lld-22
  LIBDIR=$(/usr/bin/rustc --print target-libdir --target wasm32-unknown-unknown)
  if ! cmp -s <(/usr/bin/rustc -vV) "$LIBDIR/../rustc-vV" 2>/dev/null; then
    log "building the wasm32 std for $(/usr/bin/rustc --version) (about a minute)"
    tmp=$(mktemp -d)
    mkdir -p "$tmp/src" && echo '#![no_std]' > "$tmp/src/lib.rs"
    printf '[package]\nname = "wasm-sysroot"\nversion = "0.0.0"\nedition = "2021"\n' > "$tmp/Cargo.toml"
    (unset RUSTUP_TOOLCHAIN CARGO_TARGET_DIR CARGO_BUILD_TARGET RUSTFLAGS CARGO_ENCODED_RUSTFLAGS
     RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 /usr/bin/cargo build -q --release --manifest-path "$tmp/Cargo.toml" \
       --target wasm32-unknown-unknown -Zbuild-std=std,panic_abort,proc_macro,test)
    $SUDO rm -rf "$LIBDIR" && $SUDO mkdir -p "$LIBDIR"
    find "$tmp/target/wasm32-unknown-unknown/release/deps" -maxdepth 1 \
      \( -name 'lib*.rlib' -o -name 'lib*.rmeta' \) ! -name 'libwasm_sysroot-*' -exec $SUDO cp {} "$LIBDIR/" \;
    /usr/bin/rustc -vV | $SUDO tee "$LIBDIR/../rustc-vV" >/dev/null
    rm -rf "$tmp"
  fi
  # Where rustup's proxies come first on PATH, select Debian's toolchain through a linked toolchain.
  if command -v rustup >/dev/null; then
    [ "$(rustup run debian rustc -vV 2>/dev/null)" = "$(/usr/bin/rustc -vV)" ] || rustup toolchain link debian /usr >/dev/null
    echo 'export RUSTUP_TOOLCHAIN=debian' >> "$ENV_FILE.tmp"
  fi
  echo 'export RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc' >> "$ENV_FILE.tmp"
fi
echo "export PATH=\"$ROOT/node_modules/.bin:\$HOME/.cargo/bin:\$PATH\"" >> "$ENV_FILE.tmp"
mv "$ENV_FILE.tmp" "$ENV_FILE"
# shellcheck disable=SC1090
. "$ENV_FILE"
if ! has_wasm_std; then
  echo "[setup] $(rustc --version 2>/dev/null || echo rustc) selected by $ENV_FILE has no wasm32-unknown-unknown std" >&2
  exit 1
fi

# 3. wasm-bindgen-cli at the locked version
[ -f Cargo.lock ] || cargo generate-lockfile -q
WBG=$(sed -n '/^name = "wasm-bindgen"$/{n;s/^version = "\(.*\)"$/\1/p;}' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WBG" ]; then
  log "cargo install wasm-bindgen-cli $WBG (about 3 minutes)"
  cargo install -q --force wasm-bindgen-cli --version "$WBG"
fi

# 4. JS tooling
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then apt_install nodejs npm; fi
if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json .build/package-lock.installed; then
  log "npm ci"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
  cp package-lock.json .build/package-lock.installed
fi
log "ready: $(rustc --version), $(wasm-bindgen --version), wasm-opt $(wasm-opt --version | awk '{print $3}'), node $(node --version), $(chromium --version 2>/dev/null | head -1)"
