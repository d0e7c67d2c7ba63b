#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/bench/bench-spectrum.sh [PAIRS]
#
# Every spectrum of the VGG16-sized synthetic checkpoint (V, 553 MB; the
# 25088×4096 fc1 included), whole process: `graft-cli spectrum V --json`
# against numpy computing the singular values of the same tensors, read with
# h5py and reshaped the same way (numpy.linalg.svd(…, compute_uv=False),
# LAPACK's gesdd on the float32 matrix). Runs alternate A B (PAIRS pairs,
# default 2: one run takes about a minute). Prints both times and the
# median of the per-pair ratios graft / numpy.
#
# Environment: BUILD_DIR, GRAFT_CLI, BENCH_OUT as for bench-inspect.sh.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
build_dir=${BUILD_DIR:-_build}
cli=${GRAFT_CLI:-$build_dir/app/graft-cli}
out=${BENCH_OUT:-tests/bench/out}
pairs=${1:-2}
generator=${GRAFT_BENCH_GENERATOR:-$root/../shared/bench/gen_checkpoints.py}

mkdir -p "$out"
if [ ! -s "$out/vgg16.h5" ]; then
  /usr/bin/python3 "$generator" vgg16 "$out/vgg16.h5.tmp"
  mv "$out/vgg16.h5.tmp" "$out/vgg16.h5"
fi

exec /usr/bin/python3 - "$cli" "$pairs" "$out/vgg16.h5" <<'PYTHON'
import statistics
import subprocess
import sys
import time

cli, pairs, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]

NUMPY = r'''
import sys, h5py, numpy as np
names = []
with h5py.File(sys.argv[1], "r") as f:
    f.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) and o.ndim >= 2 else None)
    for n in names:
        w = f[n][()]
        sv = np.linalg.svd(w.reshape(-1, w.shape[-1]), compute_uv=False)
'''


def timed(argv):
    t0 = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


graft = [cli, "spectrum", path, "--json"]
numpy = ["/usr/bin/python3", "-c", NUMPY, path]
a, b, r = [], [], []
for _ in range(pairs):
    x, y = timed(graft), timed(numpy)
    a.append(x), b.append(y), r.append(x / y)
    print(f"graft-cli spectrum {x:7.2f} s   numpy svd {y:7.2f} s   ratio {x / y:.3f}", flush=True)
print(f"median: graft-cli {statistics.median(a):.2f} s, numpy {statistics.median(b):.2f} s, "
      f"ratio {statistics.median(r):.3f}")
PYTHON
