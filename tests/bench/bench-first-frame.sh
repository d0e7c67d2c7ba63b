#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/bench/bench-first-frame.sh [PAIRS]
#
# Whole-process first heatmap frame of a big kernel: Graft against the C
# floor program floor-frame (PERF.md section 2, issue 12), and against
# h5py + numpy. Every round runs, for each figure, Graft then the floor
# (then the Python reference where there is one), so the runs alternate
# A B A B ...; the first round is a warm-up and is not counted, then
# PAIRS rounds (default 7). Each process is timed with a monotonic
# nanosecond clock around it. Prints, per figure: Graft's median and
# min-max, the floor's, the median (and min-max) of the per-round ratios
# Graft / floor, and the target; then the in-process figures the programs
# print themselves, and /usr/bin/time counters (peak RSS, page faults) of
# a few separate runs.
#
# Figures (BENCH_FIGURES=a,b,... picks some):
#   fc1-png    graft-cli render V fc1/kernel -o X.png   vs floor-frame-png --png
#   fc1-frame  bench-heatmap --child frame V fc1/kernel vs floor-frame, and h5py+numpy
#   fc1-hist   bench-heatmap --child hist V fc1/kernel  vs floor-frame --hist, and h5py+numpy
#   bf16-frame bench-heatmap --child frame INDEX reversible_embedding/kernel vs floor-frame on its shard
#   bf16-png   graft-cli render INDEX reversible_embedding/kernel -o X.png vs floor-frame-png --png
#
# Environment: BUILD_DIR (default _build), GRAFT_CLI (default
# $BUILD_DIR/app/graft-cli), BENCH_OUT (default tests/bench/out, where
# vgg16.h5 and llm/ were generated; see README.md).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
build_dir=${BUILD_DIR:-_build}
cli=${GRAFT_CLI:-$build_dir/app/graft-cli}
out=${BENCH_OUT:-tests/bench/out}
pairs=${1:-7}

for tool in "$cli" "$build_dir/tests/bench/bench-heatmap" "$build_dir/tests/bench/floor-frame" \
            "$build_dir/tests/bench/floor-frame-png" /usr/bin/time /usr/bin/python3; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "bench-first-frame: $tool not found (build first: ninja -C $build_dir)" >&2
    exit 1
  fi
done
for file in "$out/vgg16.h5" "$out/llm/llm.weights.json"; do
  if [ ! -s "$file" ]; then
    echo "bench-first-frame: $file missing (see tests/bench/README.md to generate it)" >&2
    exit 1
  fi
done

GRAFT_BENCH_DIR=$root/tests/bench exec /usr/bin/python3 - "$root" "$build_dir" "$cli" "$out" "$pairs" <<'PYTHON'
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.environ["GRAFT_BENCH_DIR"])
import benchlib  # noqa: E402

root, build, cli, out, pairs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
bench = os.path.join(build, "tests", "bench")
heatmap = os.path.join(bench, "bench-heatmap")
floor = os.path.join(bench, "floor-frame")
floor_png = os.path.join(bench, "floor-frame-png")
script = os.path.join(root, "tests", "bench", "bench-heatmap.py")
V = os.path.join(out, "vgg16.h5")
FC1 = "/fc1/fc1/kernel:0"
INDEX = os.path.join(out, "llm", "llm.weights.json")
EMB = "/layers/reversible_embedding/vars/0"
tmp = tempfile.mkdtemp(prefix="bench-first-frame-")


def shard_of(index, group):
    """The shard file the sharded index maps a layer's variables to."""
    import json
    with open(index) as f:
        return os.path.join(os.path.dirname(index), json.load(f)["weight_map"][group])


SHARD = shard_of(INDEX, "/layers/reversible_embedding/vars")
py = "/usr/bin/python3"

# name, label, graft argv, floor argv, h5py+numpy argv or None, target ratio
figures = [
    ("fc1-png", "fc1 first frame, PNG written",
     [cli, "render", V, "fc1/kernel", "-o", os.path.join(tmp, "g.png")],
     [floor_png, "--png", os.path.join(tmp, "f.png"), V, FC1], None, 1.2),
    ("fc1-frame", "fc1 first frame (RGBA in memory)",
     [heatmap, "--child", "frame", V, "fc1/kernel"], [floor, V, FC1],
     [py, script, V, FC1, "frame"], 1.2),
    ("fc1-hist", "fc1 frame + stats + 256-bin hist",
     [heatmap, "--child", "hist", V, "fc1/kernel"], [floor, "--hist", V, FC1],
     [py, script, V, FC1, "hist"], 1.2),
    ("bf16-frame", "bf16 embedding first frame (RGBA)",
     [heatmap, "--child", "frame", INDEX, "reversible_embedding/kernel"], [floor, SHARD, EMB],
     None, 1.5),
    ("bf16-png", "bf16 embedding first frame, PNG",
     [cli, "render", INDEX, "reversible_embedding/kernel", "-o", os.path.join(tmp, "g16.png")],
     [floor_png, "--png", os.path.join(tmp, "f16.png"), SHARD, EMB], None, 1.5),
]
wanted = os.environ.get("BENCH_FIGURES")
if wanted:
    figures = [f for f in figures if f[0] in wanted.split(",")]


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def in_process(name, text):
    """What a program printed about itself: bench-heatmap --child and
    floor-frame print frame_ms hist_ms (floor-frame-png a third, png_ms),
    bench-heatmap.py frame_ms hist_ms; graft-cli render prints nothing."""
    parts = text.split()
    field = 1 if name.endswith("hist") else 2 if name.endswith("png") else 0
    return float(parts[field]) if len(parts) > field else None


def spread(values):
    return f"{statistics.median(values):8.1f} ms ({min(values):7.1f}-{max(values):7.1f})"


head = subprocess.run(["git", "-C", root, "log", "-1", "--format=%h %s"], text=True,
                      stdout=subprocess.PIPE).stdout.strip()
dirty = subprocess.run(["git", "-C", root, "status", "--porcelain", "core", "app"], text=True,
                       stdout=subprocess.PIPE).stdout.strip()
print(f"# first frame, whole process: Graft vs the C floor (floor-frame), {pairs} rounds "
      f"after a warm-up; {os.cpu_count()} CPUs")
print(f"# Graft: {cli} and {heatmap}, built from {head[:72]}"
      f"{' (core/ or app/ modified!)' if dirty else ''}")
print(f"# V = {V}; bf16 = {INDEX} (floor reads {os.path.basename(SHARD)}:{EMB})")
load_start = loadavg()
print(f"# load average at start: {load_start}")
sys.stdout.flush()

times = {name: ([], [], []) for name, *_ in figures}
inproc = {name: ([], [], []) for name, *_ in figures}
for round_ in range(pairs + 1):
    for name, label, a, b, c, target in figures:
        runs = [a, b] + ([c] if c else [])
        for k, argv in enumerate(runs):
            ms, text = benchlib.run_timed_output(argv, "bench-first-frame")
            if round_ == 0:
                continue
            times[name][k].append(ms)
            value = in_process(name, text)
            if value is not None:
                inproc[name][k].append(value)

print()
print(f"{'figure':<36} {'Graft':<29} {'floor':<29} {'Graft/floor':<22} target")
for name, label, a, b, c, target in figures:
    ta, tb, tc = times[name]
    ratios = [x / y for x, y in zip(ta, tb)]
    r = statistics.median(ratios)
    verdict = "met" if r <= target else "MISSED"
    print(f"{label:<36} {spread(ta)} {spread(tb)} {r:5.2f}× ({min(ratios):.2f}-{max(ratios):.2f})"
          f"   ≤ {target}×: {verdict}")
print()
print("h5py + numpy (bench-heatmap.py), whole process, same rounds:")
for name, label, a, b, c, target in figures:
    ta, tb, tc = times[name]
    if not tc:
        continue
    ahead_graft = [z / x for x, z in zip(ta, tc)]
    ahead_floor = [z / y for y, z in zip(tb, tc)]
    r = statistics.median(ahead_graft)
    print(f"{label:<36} h5py+numpy {spread(tc)}   Graft {r:5.1f}× ahead "
          f"({min(ahead_graft):.1f}-{max(ahead_graft):.1f}; ≥ 10×: {'met' if r >= 10 else 'MISSED'})"
          f"   floor {statistics.median(ahead_floor):5.1f}× ahead")
print()
print("in-process (as each program reports it, from open to the frame, histogram or PNG written):")
for name, label, a, b, c, target in figures:
    ia, ib, ic = inproc[name]
    cols = []
    if ia:
        cols.append(f"Graft {statistics.median(ia):8.1f} ms")
    if ib:
        cols.append(f"floor {statistics.median(ib):8.1f} ms")
    if ia and ib:
        cols.append(f"ratio {statistics.median([x / y for x, y in zip(ia, ib)]):5.2f}×")
    if ic:
        cols.append(f"h5py+numpy {statistics.median(ic):8.1f} ms")
    print(f"{label:<36} " + "   ".join(cols))
load_end = loadavg()
print(f"# load average at end: {load_end}")
sys.stdout.flush()

print()
print("/usr/bin/time, median of 3 separate runs each (wall s, peak RSS MiB, major/minor faults):")
for name, label, a, b, c, target in figures:
    for who, argv in (("Graft", a), ("floor", b)):
        e, rss, major, minor = benchlib.time_counters(argv, 3, "bench-first-frame")
        print(f"{label:<36} {who:<6} {e:5.2f} s  {rss / 1024:7.1f} MiB  faults {major:.0f} / {minor:7.0f}")
shutil.rmtree(tmp, ignore_errors=True)
PYTHON
