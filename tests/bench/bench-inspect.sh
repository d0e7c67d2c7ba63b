#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/bench/bench-inspect.sh [PAIRS]
#
# Whole-process `graft-cli inspect FILE` against `h5dump -H FILE` on the
# VGG16-sized (V, 553 MB) and ResNet50-sized (R, 103 MB) synthetic
# checkpoints of ../shared/PERF.md. Runs alternate A B A B ... (PAIRS pairs,
# default 15, after one warm-up of each), timed with a monotonic
# nanosecond clock around each process; peak RSS comes from
# /usr/bin/time -f "%e %M" in separate runs. Prints one line per figure:
# name, median, min-max, and for graft-cli the median of the per-pair
# ratios graft-cli / h5dump -H.
#
# Environment: BUILD_DIR (default _build), GRAFT_CLI (default
# $BUILD_DIR/app/graft-cli), BENCH_OUT (default tests/bench/out, where the
# checkpoints are generated once; it is git-ignored).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
build_dir=${BUILD_DIR:-_build}
cli=${GRAFT_CLI:-$build_dir/app/graft-cli}
out=${BENCH_OUT:-tests/bench/out}
pairs=${1:-15}
generator=${GRAFT_BENCH_GENERATOR:-$root/../shared/bench/gen_checkpoints.py}

for tool in "$cli" h5dump /usr/bin/time /usr/bin/python3; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "bench-inspect: $tool not found (build first: tools/build.sh; set-up: tools/setup-deps.sh)" >&2
    exit 1
  fi
done

mkdir -p "$out"
for model in vgg16 resnet50; do
  if [ ! -s "$out/$model.h5" ]; then
    echo "bench-inspect: generating $out/$model.h5" >&2
    # Debian's python: h5py and numpy come from python3-h5py/python3-numpy.
    /usr/bin/python3 "$generator" "$model" "$out/$model.h5.tmp"
    mv "$out/$model.h5.tmp" "$out/$model.h5"
  fi
done

GRAFT_BENCH_DIR=$root/tests/bench exec /usr/bin/python3 - "$cli" "$pairs" "V=$out/vgg16.h5" "R=$out/resnet50.h5" <<'PYTHON'
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.environ["GRAFT_BENCH_DIR"])
import benchlib  # noqa: E402

cli, pairs, files = sys.argv[1], int(sys.argv[2]), sys.argv[3:]


def run_timed(argv):
    return benchlib.run_timed(argv, "bench-inspect")


def peak_rss(argv, runs=3):
    return benchlib.peak_rss(argv, runs, "bench-inspect")


def line(name, values, extra=""):
    print(f"{name:<34} median {statistics.median(values):8.2f} ms   "
          f"min-max {min(values):8.2f} - {max(values):8.2f} ms{extra}")


print(f"# graft-cli inspect vs h5dump -H, whole process, {pairs} alternating pairs "
      f"after a warm-up; {os.cpu_count()} CPUs")

# The floor: starting the process and linking its libraries, nothing read.
a, b = [cli, "--version"], ["h5dump", "--version"]
run_timed(a)
run_timed(b)
ta, tb = [], []
for _ in range(pairs):
    ta.append(run_timed(a))
    tb.append(run_timed(b))
ratios = [x / y for x, y in zip(ta, tb)]
line("start-up graft-cli --version", ta,
     f"   ratio vs h5dump --version: median {statistics.median(ratios):.2f}")
line("start-up h5dump --version", tb)
for spec in files:
    label, path = spec.split("=", 1)
    size_mb = os.path.getsize(path) / 1e6
    a = [cli, "inspect", path]
    b = ["h5dump", "-H", path]
    run_timed(a)
    run_timed(b)
    ta, tb = [], []
    for _ in range(pairs):
        ta.append(run_timed(a))
        tb.append(run_timed(b))
    ratios = [x / y for x, y in zip(ta, tb)]
    line(f"{label} graft-cli inspect ({size_mb:.0f} MB)", ta,
         f"   ratio vs h5dump -H: median {statistics.median(ratios):.2f} "
         f"(min-max {min(ratios):.2f} - {max(ratios):.2f})")
    line(f"{label} h5dump -H (reference)", tb)
    rss_a, rss_b = peak_rss(a), peak_rss(b)
    print(f"{label + ' peak RSS':<34} graft-cli {rss_a / 1024:7.1f} MiB   "
          f"h5dump -H {rss_b / 1024:7.1f} MiB   (file {size_mb:.0f} MB)")
PYTHON
