#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Counts the TAP subtests of a meson test run.

Usage: tap-summary.py [TESTLOG.json ...]   (default _build/meson-logs/testlog.json)

Reads meson's testlog.json (one JSON object per test binary and line) and
counts every individual TAP result line of every binary: "ok" is a pass,
"not ok" a failure, and either one carrying a "# SKIP" (or "# TODO")
directive is a skip. A binary that failed, crashed or timed out without a
"not ok" line of its own (a crash after its last result, a missing plan,
a bail out) counts as one more failure. A test that does not speak TAP
counts as one result of its own.

Prints per-binary problems, then exactly one final line
"N passed, N failed" (", N skipped" when there are skips), and exits 1 when
anything failed, 0 otherwise.
"""

import json
import re
import sys

TAP_RESULT = re.compile(r"^(not ok|ok)\b(.*)$")
DIRECTIVE = re.compile(r"#\s*(SKIP|TODO)\b", re.IGNORECASE)
BAIL_OUT = re.compile(r"^Bail out!")
GOOD_RESULTS = {"OK", "EXPECTEDFAIL"}
SKIP_RESULTS = {"SKIP"}


def count_tap(text):
    """Returns (passed, failed, skipped, bailed) for one TAP stream."""
    passed = failed = skipped = 0
    bailed = False
    for raw in text.splitlines():
        line = raw.strip()
        if BAIL_OUT.match(line):
            bailed = True
            continue
        m = TAP_RESULT.match(line)
        if not m:
            continue
        # "ok 1 /path # SKIP why", "not ok 2 /path # TODO why"
        if DIRECTIVE.search(m.group(2)):
            skipped += 1
        elif m.group(1) == "ok":
            passed += 1
        else:
            failed += 1
    return passed, failed, skipped, bailed


def read_logs(paths):
    """Yields (path, line number, line) of every log; a missing log is an error."""
    for path in paths:
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                lines = f.readlines()
        except OSError as e:
            print(f"tap-summary: cannot read {path}: {e.strerror}", file=sys.stderr)
            yield path, 0, None
            continue
        for n, line in enumerate(lines, 1):
            yield path, n, line


def main(argv):
    paths = argv[1:] or ["_build/meson-logs/testlog.json"]
    passed = failed = skipped = 0

    for path, n, line in read_logs(paths):
        if line is None:
            failed += 1
            continue
        line = line.strip()
        if not line:
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            print(f"tap-summary: {path}:{n}: not JSON", file=sys.stderr)
            failed += 1
            continue

        name = entry.get("name", "?")
        result = entry.get("result", "")
        stdout = entry.get("stdout") or ""
        p, f_, s, bailed = count_tap(stdout)
        # testlog.json does not record the protocol: a test is TAP when it
        # printed TAP results.
        is_tap = bool(p + f_ + s) or bailed

        if not is_tap:
            if result in GOOD_RESULTS:
                p = 1
            elif result in SKIP_RESULTS:
                s = 1
            else:
                f_ = 1
        elif result not in GOOD_RESULTS | SKIP_RESULTS and f_ == 0:
            # Crashed, timed out, bad plan or non-zero exit with every line "ok".
            f_ = 1
            print(f"tap-summary: {name}: {result} (exit status "
                  f"{entry.get('returncode')}) after {p + s} results"
                  f"{', bailed out' if bailed else ''}", file=sys.stderr)
        elif result in SKIP_RESULTS and p + f_ + s == 0:
            s = 1

        if f_:
            print(f"tap-summary: {name}: {f_} failed", file=sys.stderr)
        passed += p
        failed += f_
        skipped += s

    summary = f"{passed} passed, {failed} failed"
    if skipped:
        summary += f", {skipped} skipped"
    print(summary)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
