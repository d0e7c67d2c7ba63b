#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The h5py + numpy reference pipeline for bench-heatmap (PERF.md section 2).

bench-heatmap.py FILE LOCATION frame|hist

Reads the dataset, computes min/max/mean/std, reduces it to a 1024x1024 grid
by row and column bins keeping the value of largest magnitude, maps it to
colour indices, and (hist) adds a 256-bin np.histogram. Prints the in-process
milliseconds to the frame and to the histogram, and the anonymous RSS.
"""
import sys
import time

t_start = time.perf_counter()

import h5py  # noqa: E402
import numpy as np  # noqa: E402


def main():
    path, location, mode = sys.argv[1:4]
    t0 = time.perf_counter()
    with h5py.File(path, "r") as f:
        a = f[location][()]
    mn, mx = float(a.min()), float(a.max())
    # numpy's own float32 (pairwise) mean and std: 2x faster than float64.
    a.mean()
    a.std()
    rows, cols = a.shape
    h = w = 1024
    re = (np.arange(h) * rows) // h
    if cols % w == 0:
        # Columns first by strided element-wise max/min (the fastest numpy
        # form found), then rows by reduceat on the 4x smaller array.
        k = cols // w
        hi = a[:, 0::k]
        lo = a[:, 0::k]
        for j in range(1, k):
            hi = np.maximum(hi, a[:, j::k])
            lo = np.minimum(lo, a[:, j::k])
        hi = np.maximum.reduceat(hi, re, axis=0)
        lo = np.minimum.reduceat(lo, re, axis=0)
    else:
        ce = (np.arange(w) * cols) // w
        hi = np.maximum.reduceat(np.maximum.reduceat(a, re, axis=0), ce, axis=1)
        lo = np.minimum.reduceat(np.minimum.reduceat(a, re, axis=0), ce, axis=1)
    img = np.where(hi >= -lo, hi, lo)
    m = max(abs(mn), abs(mx)) or 1.0
    (np.clip((img / m + 1) * 0.5, 0, 1) * 1024).astype(np.uint16)
    t_frame = time.perf_counter()
    t_hist = t_frame
    if mode == "hist":
        np.histogram(a, bins=256, range=(mn, mx))
        t_hist = time.perf_counter()
    rss = 0
    with open("/proc/self/status") as st:
        for line in st:
            if line.startswith("RssAnon:"):
                rss = int(line.split()[1])
    print("%.3f %.3f %d %.3f" % ((t_frame - t0) * 1e3, (t_hist - t0) * 1e3, rss,
                                 (t0 - t_start) * 1e3))


main()
