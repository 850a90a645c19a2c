#!/usr/bin/env bash
# Fuzzing as CI runs it: every [[bin]] target of fuzz/Cargo.toml built once, then each run for
# FUZZ_SECONDS (60) on a temporary copy of its committed corpus fuzz/corpus/<target>/, FUZZ_JOBS
# (2) at a time. A crash, a timeout or running out of memory fails the script and prints the
# reproducer (its path under fuzz/artifacts/<target>/ and its bytes in base64). Executions per
# target are printed and written to FUZZ_SUMMARY (.build/fuzz-summary.tsv).
#
# Needs only a stable toolchain (whichever .build/env.sh selects) and a C++ compiler for
# libFuzzer: the targets are built with the instrumentation cargo-fuzz asks rustc for
# (SanitizerCoverage through stable -C flags, `--cfg fuzzing`), without a sanitizer. Longer runs
# with AddressSanitizer (nightly, cargo-fuzz): fuzz/README.md.
#
# Usage: scripts/fuzz-ci.sh [target...]   (default: every target)
# Environment: FUZZ_SECONDS, FUZZ_JOBS, FUZZ_SUMMARY; FUZZ_MERGE=1 replaces fuzz/corpus/<target>/
# with the grown corpus minimized (libFuzzer's -merge=1, what `cargo fuzz cmin` runs), to commit;
# FUZZ_SANITIZER=address builds with AddressSanitizer (a nightly toolchain: RUSTUP_TOOLCHAIN=nightly).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
# shellcheck disable=SC1091
[ -f .build/env.sh ] && . .build/env.sh
SECONDS_EACH=${FUZZ_SECONDS:-60}
JOBS=${FUZZ_JOBS:-2}
SUMMARY=${FUZZ_SUMMARY:-$ROOT/.build/fuzz-summary.tsv}
log() { printf '[fuzz] %s\n' "$*" >&2; }

# The targets: every [[bin]] name in fuzz/Cargo.toml, in order.
mapfile -t ALL < <(awk '/^\[\[bin\]\]/ { bin = 1; next } /^\[/ { bin = 0 } bin && /^name *=/ { gsub(/^name *= *"|" *$/, ""); print }' fuzz/Cargo.toml)
[ ${#ALL[@]} -gt 0 ] || { echo "[fuzz] no [[bin]] target in fuzz/Cargo.toml" >&2; exit 1; }
if [ $# -gt 0 ]; then TARGETS=("$@"); else TARGETS=("${ALL[@]}"); fi
for t in "${TARGETS[@]}"; do
  printf '%s\n' "${ALL[@]}" | grep -qx -- "$t" || { echo "[fuzz] unknown target $t (fuzz/Cargo.toml has: ${ALL[*]})" >&2; exit 2; }
done

command -v c++ >/dev/null || { echo "[fuzz] libFuzzer needs a C++ compiler (c++): apt-get install g++" >&2; exit 1; }
HOST=$(rustc -vV | sed -n 's/^host: //p')
# The flags cargo-fuzz passes (its `--sanitizer none`), all of them stable.
FLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 -Cllvm-args=-sanitizer-coverage-inline-8bit-counters"
FLAGS="$FLAGS -Cllvm-args=-sanitizer-coverage-pc-table -Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing"
FLAGS="$FLAGS -Cdebug-assertions -Coverflow-checks"
TARGET_DIR=target
case "${FUZZ_SANITIZER:-none}" in
  none) ;;
  address) FLAGS="$FLAGS -Zsanitizer=address"; TARGET_DIR=target/asan ;;
  *) echo "[fuzz] FUZZ_SANITIZER must be none or address" >&2; exit 2 ;;
esac
# The main crate's locked versions (fuzz/Cargo.lock is not tracked); cargo adds libfuzzer-sys.
cp Cargo.lock fuzz/Cargo.lock
START=$SECONDS
log "building ${TARGETS[*]} ($(rustc --version), $HOST, sanitizer ${FUZZ_SANITIZER:-none})"
(cd fuzz && RUSTFLAGS="${RUSTFLAGS:-} $FLAGS" cargo build -q --release --target "$HOST" --target-dir "$TARGET_DIR" \
  $(printf -- '--bin %s ' "${TARGETS[@]}"))
BIN=$ROOT/fuzz/$TARGET_DIR/$HOST/release
log "built in $((SECONDS - START)) s"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# One target: its corpus copied, run, its figures written to $WORK/<target>.result.
run_one() {
  local t=$1 dir=$WORK/$1 rc=0
  mkdir -p "$dir/corpus" "$dir/artifacts"
  [ -d "fuzz/corpus/$t" ] && cp -R "fuzz/corpus/$t/." "$dir/corpus/"
  local seeds t0=$SECONDS; seeds=$(find "$dir/corpus" -type f | wc -l)
  "$BIN/$t" "$dir/corpus" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$dir/artifacts/" >"$dir/log" 2>&1 || rc=$?
  local execs secs cov ft
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -1) || true
  secs=$((SECONDS - t0))
  cov=$({ grep -oE 'cov: [0-9]+ ft: [0-9]+' "$dir/log" || true; } | tail -1 | awk '{print $2 "/" $4}')
  [ -n "$execs" ] || execs=$({ grep -oE '^#[0-9]+' "$dir/log" || true; } | tail -1 | tr -d '#')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "${execs:-0}" "$secs" "${cov:-?}" "$seeds" \
    "$(find "$dir/corpus" -type f | wc -l)" "$([ $rc = 0 ] && echo clean || echo "FAILED ($rc)")" >"$dir/result"
  if [ $rc != 0 ]; then
    mkdir -p "fuzz/artifacts/$t"
    cp "$dir"/artifacts/* "fuzz/artifacts/$t/" 2>/dev/null || true
  fi
  log "$t: $(cut -f2 "$dir/result") executions, $(cut -f7 "$dir/result")"
}

log "running each target for ${SECONDS_EACH} s, $JOBS at a time"
RUN_START=$SECONDS
running=0
for t in "${TARGETS[@]}"; do
  if [ "$running" -ge "$JOBS" ]; then wait -n || true; running=$((running - 1)); fi
  run_one "$t" &
  running=$((running + 1))
done
wait

mkdir -p "$(dirname "$SUMMARY")"
{
  printf 'target\texecutions\tseconds\tcov/ft\tcorpus_in\tcorpus_out\tresult\n'
  for t in "${TARGETS[@]}"; do cat "$WORK/$t/result"; done
} >"$SUMMARY"
printf '\n'
column -t -s $'\t' "$SUMMARY" 2>/dev/null || cat "$SUMMARY"
total=$(awk -F'\t' 'NR > 1 { s += $2 } END { print s + 0 }' "$SUMMARY")
log "$total executions in $((SECONDS - RUN_START)) s of fuzzing (build $((RUN_START - START)) s); summary: $SUMMARY"

if [ "${FUZZ_MERGE:-0}" = 1 ]; then
  for t in "${TARGETS[@]}"; do
    mkdir -p "$WORK/$t/min"
    "$BIN/$t" -merge=1 "$WORK/$t/min" "$WORK/$t/corpus" >"$WORK/$t/merge.log" 2>&1 || { tail "$WORK/$t/merge.log" >&2; exit 1; }
    rm -rf "fuzz/corpus/$t" && mkdir -p fuzz/corpus && cp -R "$WORK/$t/min" "fuzz/corpus/$t"
    log "$t: corpus minimized to $(find "fuzz/corpus/$t" -type f | wc -l) inputs, $(du -sk "fuzz/corpus/$t" | cut -f1) KB"
  done
fi

failed=0
for t in "${TARGETS[@]}"; do
  grep -q $'\tclean$' "$WORK/$t/result" && continue
  failed=1
  printf '\n==> %s failed; the end of its log:\n' "$t" >&2
  tail -n 60 "$WORK/$t/log" >&2
  for f in "fuzz/artifacts/$t"/*; do
    [ -f "$f" ] || continue
    printf '\nreproducer %s (%s bytes): reproduce with\n  %s %s\nbase64:\n' "$f" "$(wc -c <"$f")" "fuzz/$TARGET_DIR/$HOST/release/$t" "$f" >&2
    head -c 65536 "$f" | base64 >&2
  done
done
exit $failed
