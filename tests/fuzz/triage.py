#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Replays the findings of one fuzz target and groups them by what failed
and where: the sanitizer's verdict, the first frame in a library, and the
first frame in Graft's own code.

Usage: tests/fuzz/triage.py TARGET [BUILD_DIR]   (default _build-fuzz)
"""
import collections
import concurrent.futures
import glob
import os
import re
import subprocess
import sys

LIBS = ("graft_", "H5", "zip_", "json_", "g_")


def replay(binary, path, env):
    try:
        r = subprocess.run([binary, path], capture_output=True, text=True, timeout=20, env=env)
    except subprocess.TimeoutExpired:
        return ("hang (over 20 s)", "-", "-"), path
    out = r.stderr
    m = re.search(r"ERROR: (\w+Sanitizer: [\w-]+)|runtime error: ([^\n]*)|(out-of-memory)"
                  r"|(ERROR: libFuzzer: timeout)", out)
    if m:
        kind = next(g for g in m.groups() if g)
    else:
        kind = "no failure on replay" if r.returncode == 0 else f"exit status {r.returncode}"
    frames = re.findall(r"#\d+ 0x[0-9a-f]+ in (\S+)", out)
    lib = next((f for f in frames if f.startswith(LIBS) and not f.startswith("g_malloc")), "-")
    ours = next((f for f in frames if f.startswith("graft_")), "-")
    return (kind, lib, ours), path


def main(argv):
    target = argv[1]
    build = argv[2] if len(argv) > 2 else "_build-fuzz"
    binary = f"{build}/tests/fuzz/fuzz-{target}"
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ,
               ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1:malloc_limit_mb=1024",
               LSAN_OPTIONS=f"suppressions={root}/tests/lsan.supp",
               UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1")
    files = sorted(glob.glob(f"{build}/findings/{target}/*"))
    groups = collections.defaultdict(list)
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for key, path in pool.map(lambda p: replay(binary, p, env), files):
            groups[key].append(os.path.basename(path))
    print(f"{len(files)} findings of fuzz-{target}")
    for (kind, lib, ours), names in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        print(f"{len(names):5}  {kind}  in {lib}  (graft: {ours})  e.g. {names[0]}")


if __name__ == "__main__":
    main(sys.argv)
