#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/analysis/test-spectrum.py GRAFT_CLI FILE...
#
# Checks `graft-cli spectrum --json` against numpy (Debian's python3-numpy)
# on every weight matrix of the given checkpoints: each tensor is exported
# with `graft-cli export`, read into numpy, reshaped as `graft-cli` says it
# read it, and
#   - its singular values equal numpy.linalg.svd(…, compute_uv=False)
#     within 1e-4 × σmax (float64 SVD of the float32 values);
#   - the Frobenius norm, stable rank and effective rank agree within 1e-4
#     relative;
#   - α, xmin and the KS distance equal a small reference implementation of
#     the same estimator (Clauset, Shalizi and Newman; below) within 0.01.
# TAP output, one test per weight.
import json
import math
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
except ImportError:
    print("1..0 # SKIP numpy is not installed (apt-get install python3-numpy)")
    sys.exit(0)

MIN_TAIL, MIN_VALUES = 5, 10


def powerlaw_fit(lam):
    """The estimator of graft-powerlaw.c, written independently."""
    lam = np.sort(lam[lam > 0])
    n = len(lam)
    if n < MIN_VALUES:
        return None
    best = None
    for i in range(0, n - MIN_TAIL + 1):
        xmin = lam[i]
        if i > 0 and lam[i - 1] == xmin:
            continue
        tail = lam[i:]
        s = np.sum(np.log(tail / xmin))
        if not s > 0:
            continue
        nt = len(tail)
        alpha = 1 + nt / s
        p = 1 - (tail / xmin) ** (1 - alpha)
        j = np.arange(nt)
        d = max(np.max(np.abs(p - j / nt)), np.max(np.abs((j + 1) / nt - p)))
        if best is None or d < best[2]:
            best = (alpha, xmin, d, nt)
    return best


def cli(*args):
    return subprocess.run([graft_cli, *args], check=True, capture_output=True, text=True).stdout


graft_cli, files = sys.argv[1], sys.argv[2:]
cases = []
for f in files:
    for w in json.loads(cli("spectrum", f, "--json"))["weights"]:
        cases.append((f, w["path"]))
print(f"1..{len(cases)}")
failed = 0
with tempfile.TemporaryDirectory() as tmp:
    for k, (f, path) in enumerate(cases, 1):
        entry = json.loads(cli("spectrum", f, path, "--json"))["weights"][0]
        npy = os.path.join(tmp, "w.npy")
        cli("export", f, path, "-o", npy)
        w = np.load(npy).astype(np.float64).reshape(entry["matrix_shape"])
        sv = np.linalg.svd(w, compute_uv=False)
        got = np.array(entry["singular_values"])
        problems = []
        if got.shape != sv.shape or np.max(np.abs(got - sv)) > 1e-4 * max(sv[0], 1e-30):
            problems.append(f"singular values differ by {np.max(np.abs(got - sv)):.3g}")
        fro = math.sqrt(np.sum(sv ** 2))
        stable = fro ** 2 / sv[0] ** 2
        p = sv / np.sum(sv)
        erank = math.exp(-np.sum(p[p > 0] * np.log(p[p > 0])))
        for name, ref in (("frobenius", fro), ("stable_rank", stable), ("effective_rank", erank)):
            if abs(entry[name] - ref) > 1e-4 * abs(ref):
                problems.append(f"{name} {entry[name]} vs {ref}")
        fit = powerlaw_fit(sv ** 2 / max(w.shape))
        if fit is None:
            if entry["alpha"] is not None:
                problems.append("alpha given where no fit is possible")
        elif entry["alpha"] is None:
            problems.append(f"no alpha, reference {fit[0]:.4f}")
        else:
            for name, ref in (("alpha", fit[0]), ("ks", fit[2])):
                if abs(entry[name] - ref) > 0.01:
                    problems.append(f"{name} {entry[name]:.4f} vs {ref:.4f}")
            if abs(entry["xmin"] - fit[1]) > 0.01 * fit[1] or entry["n_tail"] != fit[3]:
                problems.append(f"xmin {entry['xmin']:.4g} (tail {entry['n_tail']}) vs "
                                f"{fit[1]:.4g} (tail {fit[3]})")
        desc = f"{os.path.basename(f)} {path} {entry['matrix_shape']}"
        if entry["alpha"] is not None:
            desc += f" α={entry['alpha']:.3f}"
        if problems:
            failed += 1
            print(f"not ok {k} - {desc}: " + "; ".join(problems))
        else:
            print(f"ok {k} - {desc}")
sys.exit(1 if failed else 0)
