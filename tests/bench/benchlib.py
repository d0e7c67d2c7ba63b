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


def run_timed_output(argv, who="bench"):
    """Wall time of one whole process in ms, and what it printed on stdout."""
    t0 = time.perf_counter_ns()
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    t1 = time.perf_counter_ns()
    if r.returncode != 0:
        sys.exit(f"{who}: {' '.join(argv)} exited with status {r.returncode}: {r.stderr.strip()}")
    return (t1 - t0) / 1e6, r.stdout


def time_counters(argv, runs=3, who="bench"):
    """Medians over RUNS runs of /usr/bin/time's wall s, peak RSS KiB, major
    and minor page faults: (elapsed, max_rss, major, minor)."""
    rows = []
    for _ in range(runs):
        r = subprocess.run(["/usr/bin/time", "-f", "%e %M %F %R"] + argv,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            sys.exit(f"{who}: {' '.join(argv)} exited with status {r.returncode}")
        rows.append([float(x) for x in r.stderr.strip().splitlines()[-1].split()])
    return tuple(statistics.median(col) for col in zip(*rows))
