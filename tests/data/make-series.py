#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/data/make-series.py: the training-run fixture of tests/data/series.
#
# Five checkpoints (step-0 … step-4) of the mlp_functional model, as Keras 3
# .weights.h5 files, whose every weight drifts by a known amount: step t
# holds W_t = W_0 + t·ε·E, with E orthogonal to W_0 and ‖E‖ = ‖W_0‖, and ε
# chosen per weight (listed in drift.json). So, exactly:
#   ‖W_t‖ / ‖W_0‖            = sqrt(1 + (tε)²)
#   ‖W_t − W_0‖ / ‖W_0‖      = tε
#   ‖W_t − W_{t−1}‖ / ‖W_{t−1}‖ = ε / sqrt(1 + ((t−1)ε)²)
#   cos(W_t, W_0)            = 1 / sqrt(1 + (tε)²)
# Needs Debian's python3-h5py and python3-numpy; the files are committed.
import json
import os
import shutil

import h5py
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
base = os.path.join(here, "keras", "mlp_functional.weights.h5")
out = os.path.join(here, "series")
eps = {"layers/dense/vars/0": 0.05, "layers/dense/vars/1": 0.0,
       "layers/dense_1/vars/0": 0.2, "layers/dense_1/vars/1": 0.1}
rng = np.random.default_rng(7)
os.makedirs(out, exist_ok=True)

with h5py.File(base, "r") as f:
    w0 = {k: f[k][()].astype(np.float64) for k in eps}
directions = {}
for k, w in w0.items():
    r = rng.standard_normal(w.shape)
    e = r - (np.sum(r * w) / np.sum(w * w)) * w
    directions[k] = e * (np.linalg.norm(w) / np.linalg.norm(e))

for t in range(5):
    path = os.path.join(out, f"step-{t}.weights.h5")
    shutil.copyfile(base, path)
    with h5py.File(path, "r+") as f:
        for k in eps:
            f[k][...] = (w0[k] + t * eps[k] * directions[k]).astype(np.float32)
    os.utime(path, (1_700_000_000 + 60 * t, 1_700_000_000 + 60 * t))

with open(os.path.join(out, "drift.json"), "w") as f:
    json.dump({"steps": 5, "epsilon": {"dense1/kernel": eps["layers/dense/vars/0"],
                                        "dense1/bias": eps["layers/dense/vars/1"],
                                        "dense2/kernel": eps["layers/dense_1/vars/0"],
                                        "dense2/bias": eps["layers/dense_1/vars/1"]}}, f, indent=2)
