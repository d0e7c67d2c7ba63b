#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/bench/bench-series.sh [COUNTS…]
#
# A training run of the ResNet50-sized synthetic checkpoint (R, 103 MB, 320
# tensors): COUNTS copies (default 5 20 50) in a folder under BENCH_OUT,
# then whole-process `graft-cli series FOLDER --json` with /usr/bin/time:
# wall time and peak RSS per count. Memory must not grow with the count:
# only the first and the previous checkpoint stay open, and each tensor is
# read when its figures are computed. The copies are deleted afterwards.
#
# Environment: BUILD_DIR, GRAFT_CLI, BENCH_OUT as for bench-inspect.sh.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
build_dir=${BUILD_DIR:-_build}
cli=${GRAFT_CLI:-$build_dir/app/graft-cli}
out=${BENCH_OUT:-tests/bench/out}
generator=${GRAFT_BENCH_GENERATOR:-$root/../shared/bench/gen_checkpoints.py}
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(5 20 50)

mkdir -p "$out"
if [ ! -s "$out/resnet50.h5" ]; then
  /usr/bin/python3 "$generator" resnet50 "$out/resnet50.h5.tmp"
  mv "$out/resnet50.h5.tmp" "$out/resnet50.h5"
fi

for n in "${counts[@]}"; do
  run="$out/run-$n"
  rm -rf "$run"
  mkdir -p "$run"
  for i in $(seq -w 1 "$n"); do
    cp "$out/resnet50.h5" "$run/step-$i.h5"
  done
  sync
  stats=$( { /usr/bin/time -f "%e %M" "$cli" series "$run" --json >/dev/null; } 2>&1 | tail -n1)
  awk -v n="$n" -v s="$stats" 'BEGIN { split (s, f, " ");
    printf "%3d checkpoints (%5.1f GB): %7.1f s, peak RSS %6.1f MiB\n", n, n * 0.103, f[1], f[2] / 1024 }'
  rm -rf "$run"
done
