# SPDX-License-Identifier: GPL-3.0-or-later
"""What the whole-process benchmarks share: timing a process, its peak RSS."""
import os
import statistics
import subprocess
import sys
import time


def run_timed(argv, who="bench"):
    """Wall time of one whole process, in ms; fails loudly on a non-zero exit."""
    with open(os.devnull, "wb") as null:
        t0 = time.perf_counter_ns()
        rc = subprocess.call(argv, stdout=null, stderr=subprocess.PIPE)
        t1 = time.perf_counter_ns()
    if rc != 0:
        sys.exit(f"{who}: {' '.join(argv)} exited with status {rc}")
    return (t1 - t0) / 1e6


def peak_rss(argv, runs=3, who="bench"):
    """Median peak RSS in KiB over RUNS runs, from /usr/bin/time."""
    values = []
    for _ in range(runs):
        r = subprocess.run(["/usr/bin/time", "-f", "%e %M"] + argv,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            sys.exit(f"{who}: {' '.join(argv)} exited with status {r.returncode}")
        values.append(int(r.stderr.strip().splitlines()[-1].split()[1]))
    return statistics.median(values)
