#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tools/run.sh [FILE...]
#
# Installs missing Debian packages, builds Graft and runs it: the GUI when it
# has been built, else `graft-cli inspect` on each FILE, or on the two bundled
# example checkpoints when no FILE is given.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build_dir=${BUILD_DIR:-_build}

tools/setup-deps.sh
BUILD_DIR=$build_dir tools/build.sh

if [ -x "$build_dir/app/graft" ]; then
  # No file: the bundled example pair, said to be examples in the window.
  [ $# -eq 0 ] && set -- --examples
  exec "$build_dir/app/graft" "$@"
fi

if [ $# -eq 0 ]; then
  set -- data/seq_conv.keras data/seq_conv_newhead.keras
fi
status=0
for file in "$@"; do
  echo "== $file"
  "$build_dir/app/graft-cli" inspect "$file" || status=$?
done
exit $status
