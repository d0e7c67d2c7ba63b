#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/fuzz/run-fuzzers.sh [SECONDS] [TARGET...]
#
# Builds the libFuzzer targets with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer in _build-fuzz, seeds them from tests/data (and
# from ../shared/corpus when present), and runs each for SECONDS (default 60).
# Crashes, hangs and oversized allocations land in _build-fuzz/findings/.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(keras-h5 keras-zip net-config npy pickle safetensors)
build=_build-fuzz
corpus_dir=${GRAFT_CORPUS_DIR:-$root/../shared/corpus}

if ! command -v clang >/dev/null; then
  echo "run-fuzzers: clang is needed (apt-get install clang libclang-rt-14-dev)" >&2
  exit 1
fi
if [ ! -f "$build/build.ninja" ]; then
  CC=clang meson setup "$build" -Dfuzzing=true -Dgui=disabled -Db_sanitize=address,undefined \
    -Db_lundef=false -Dbuildtype=debugoptimized >/dev/null
fi
ninja -C "$build" -j"${NINJA_JOBS:-2}" $(printf 'tests/fuzz/fuzz-%s ' "${targets[@]}") >/dev/null

seed () {
  local target=$1 dir=$build/seeds/$1
  mkdir -p "$dir"
  case $target in
    keras-h5)
      cp tests/data/keras/*.h5 tests/data/quirks/*.h5 tests/data/broken/*.h5 "$dir"/ 2>/dev/null || true
      [ -d "$corpus_dir/keras" ] && find "$corpus_dir/keras" -name '*.h5' -size -200k -exec cp {} "$dir"/ \; ;;
    keras-zip)
      cp tests/data/keras/*.keras tests/data/broken/*.keras "$dir"/ 2>/dev/null || true
      [ -d "$corpus_dir/keras" ] && find "$corpus_dir/keras" -name '*.keras' -size -200k -exec cp {} "$dir"/ \; ;;
    npy)
      cp tests/data/keras/*.npy "$dir"/ ;;
    safetensors)
      cp tests/data/torch/*.safetensors "$dir"/ ;;
    pickle)
      cp tests/data/torch/*.legacy.pt "$dir"/
      for f in tests/data/torch/*.pt tests/data/torch/hostile/*.pt; do
        case $f in *.legacy.pt) continue ;; esac
        m=$(unzip -Z1 "$f" 2>/dev/null | grep 'data\.pkl$' | head -n1 || true)
        [ -n "$m" ] && unzip -p "$f" "$m" > "$dir/$(basename "$f" .pt).pkl" || true
      done ;;
    net-config)
      for f in tests/data/keras/*.keras $( [ -d "$corpus_dir/keras" ] && ls "$corpus_dir"/keras/*.keras ); do
        unzip -p "$f" config.json > "$dir/$(basename "$f" .keras).json" 2>/dev/null || true
      done ;;
  esac
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=suppressions=$root/tests/lsan.supp
for target in "${targets[@]}"; do
  seed "$target"
  mkdir -p "$build/corpus/$target" "$build/findings/$target"
  echo "== fuzz-$target for ${seconds}s"
  "$build/tests/fuzz/fuzz-$target" "$build/corpus/$target" "$build/seeds/$target" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
    -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    -artifact_prefix="$build/findings/$target/" -print_final_stats=1 \
    > "$build/findings/$target.log" 2>&1 || echo "   fuzz-$target stopped: see $build/findings/$target.log"
  grep -E "stat::number_of_executed_units|cov: |corp: " "$build/findings/$target.log" | tail -2 | sed 's/^/   /'
  n=$(find "$build/findings/$target" -type f | wc -l)
  echo "   findings: $n (replay them with tests/fuzz/triage.py $target)"
done
