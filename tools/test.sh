#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tools/test.sh [MESON TEST ARGS...]
#
# Installs missing Debian packages, builds Graft and runs the whole test
# suite (under a virtual X server when xvfb-run exists, for the UI tests),
# then prints one summary line: "N passed, N failed[, N skipped]", counted
# over the individual TAP subtests of every test binary.
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

summary_status=0
/usr/bin/python3 tools/tap-summary.py "$build_dir/meson-logs/testlog.json" || summary_status=$?

if [ $status -ne 0 ] || [ $summary_status -ne 0 ]; then
  exit 1
fi
