#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Configures (or reconfigures) the meson build directory and builds it.
# Used by run.sh and test.sh; BUILD_DIR overrides the default _build and
# NINJA_JOBS the number of parallel jobs.
set -euo pipefail

cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-_build}

if [ ! -f "$build_dir/build.ninja" ]; then
  meson setup "$build_dir"
elif [ ! -f "$build_dir/meson-private/coredata.dat" ]; then
  meson setup --wipe "$build_dir"
fi
# ninja re-runs meson by itself when a meson.build changed.
ninja -C "$build_dir" ${NINJA_JOBS:+-j "$NINJA_JOBS"}
