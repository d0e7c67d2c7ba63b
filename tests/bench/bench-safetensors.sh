#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/bench/bench-safetensors.sh [PAIRS]
#
# Opening a large safetensors file must read its header only. Generates
# two synthetic files (S: 200 MB, L: 2 GB, beside T, a 280-byte one; 64 F32 tensors each, real data
# written, not sparse) into BENCH_OUT once, then times whole-process
# `graft-cli inspect FILE` against `head -c 8+N FILE` (reading exactly the
# header bytes, the least any reader can do), alternating A B A B ...
# (PAIRS pairs, default 15, after a warm-up), and measures peak RSS of
# both with /usr/bin/time. Prints name, median, min-max and the median of
# the per-pair ratios; the RSS of S and L shows whether memory is flat in
# file size.
#
# Environment: BUILD_DIR (default _build), GRAFT_CLI, BENCH_OUT (default
# tests/bench/out, git-ignored).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
build_dir=${BUILD_DIR:-_build}
cli=${GRAFT_CLI:-$build_dir/app/graft-cli}
out=${BENCH_OUT:-tests/bench/out}
pairs=${1:-15}
mkdir -p "$out"

GRAFT_BENCH_DIR=$root/tests/bench exec /usr/bin/python3 - "$cli" "$pairs" "$out" <<'PYTHON'
import json
import os
import statistics
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.environ["GRAFT_BENCH_DIR"])
import benchlib  # noqa: E402

cli, pairs, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]


def generate(path, total_bytes, n_tensors=64):
    """A safetensors file of n_tensors F32 matrices, total_bytes of data."""
    if os.path.exists(path) and os.path.getsize(path) > total_bytes:
        return
    per = total_bytes // n_tensors // 4 // 1024 * 1024
    header, offset = {"__metadata__": {"format": "pt"}}, 0
    for i in range(n_tensors):
        header[f"layers.{i}.weight"] = {"dtype": "F32", "shape": [per // 1024, 1024],
                                        "data_offsets": [offset, offset + per * 4]}
        offset += per * 4
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    block = bytes(range(256)) * 4096          # 1 MiB of non-zero bytes
    with open(path + ".tmp", "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text)
        left = offset
        while left > 0:
            n = min(left, len(block))
            f.write(block[:n])
            left -= n
    os.replace(path + ".tmp", path)


def run_timed(argv):
    return benchlib.run_timed(argv, "bench-safetensors")


def peak_rss(argv, runs=3):
    return benchlib.peak_rss(argv, runs, "bench-safetensors")


# T, a 280-byte file, is graft-cli's floor: process start-up and library set-up.
files = {"T": ("tests/data/torch/hostile/valid_reference.safetensors", 0),
         "S": (os.path.join(out, "synthetic-200M.safetensors"), 200 << 20),
         "L": (os.path.join(out, "synthetic-2G.safetensors"), 2 << 30)}
for key, (path, size) in files.items():
    if size:
        generate(path, size)

for key, (path, size) in files.items():
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
    graft = [cli, "inspect", path]
    head = ["head", "-c", str(8 + n), path]
    run_timed(graft), run_timed(head)
    a, b, ratios = [], [], []
    for _ in range(pairs):
        x, y = run_timed(graft), run_timed(head)
        a.append(x), b.append(y), ratios.append(x / y)
    gb = os.path.getsize(path) / 1e9
    print(f"{key} ({gb:.2f} GB, header {n} B)")
    print(f"  graft-cli inspect   median {statistics.median(a):7.2f} ms  min-max "
          f"{min(a):7.2f} - {max(a):7.2f} ms   ratio {statistics.median(ratios):.2f}x head -c")
    print(f"  head -c 8+N         median {statistics.median(b):7.2f} ms  min-max "
          f"{min(b):7.2f} - {max(b):7.2f} ms")
    print(f"  peak RSS            graft-cli {peak_rss(graft) / 1024:.1f} MiB   "
          f"head -c {peak_rss(head) / 1024:.1f} MiB")
PYTHON
