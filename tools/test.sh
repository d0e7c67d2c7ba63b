#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tools/test.sh [MESON TEST ARGS...]
#
# Installs missing Debian packages, builds Graft and runs the whole test
# suite (under a virtual X server when xvfb-run exists, for the UI tests);
# then builds it again with AddressSanitizer and UndefinedBehaviorSanitizer
# in _build-asan and runs the whole suite there too (GRAFT_SANITIZERS=0
# skips that pass). Prints one summary line over both runs:
# "N passed, N failed[, N skipped]", counted over the individual TAP
# subtests of every test binary.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build_dir=${BUILD_DIR:-_build}

tools/setup-deps.sh
BUILD_DIR=$build_dir tools/build.sh

runner=()
if command -v xvfb-run >/dev/null 2>&1; then
  runner=(xvfb-run -a -s "-screen 0 1280x1024x24")
fi

rm -f "$build_dir/meson-logs/testlog.json"
status=0
"${runner[@]}" meson test -C "$build_dir" --print-errorlogs "$@" || status=$?

logs=("$build_dir/meson-logs/testlog.json")
if [ "${GRAFT_SANITIZERS:-1}" != 0 ]; then
  asan_dir=${ASAN_BUILD_DIR:-_build-asan}
  if [ ! -f "$asan_dir/build.ninja" ]; then
    meson setup "$asan_dir" -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug \
      >/dev/null
  fi
  ninja -C "$asan_dir" -j "${NINJA_JOBS:-$(nproc)}" >/dev/null
  rm -f "$asan_dir/meson-logs/testlog.json"
  # Full stacks through GLib so that tests/lsan.supp can match library
  # leaks by name; GTK draws with cairo, not GL, under the sanitizers,
  # and the UI scripts give each pointer step three times as long.
  ASAN_OPTIONS=fast_unwind_on_malloc=0:detect_leaks=1 \
  LSAN_OPTIONS=suppressions=$root/tests/lsan.supp \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  GSK_RENDERER=cairo GDK_DEBUG=gl-disable GRAFT_UI_SLOW=3 \
    "${runner[@]}" meson test -C "$asan_dir" --print-errorlogs --timeout-multiplier 4 "$@" ||
    status=$?
  logs+=("$asan_dir/meson-logs/testlog.json")
fi

summary_status=0
/usr/bin/python3 tools/tap-summary.py "${logs[@]}" || summary_status=$?

if [ $status -ne 0 ] || [ $summary_status -ne 0 ]; then
  exit 1
fi
