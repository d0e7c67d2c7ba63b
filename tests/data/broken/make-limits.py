#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Makes the checkpoints that hit Graft's limits, one limit each (see
README.md): a model_config nested too deep for a recursive JSON parser, a
tensor of rank 9, a dataset kept in an external file, and a virtual
dataset. Run with Debian's python3 (h5py, NumPy) from this folder."""
import shutil

import h5py
import numpy as np

SRC = "../keras/mlp_functional.legacy_weights.h5"
KERNEL = "dense1/dense1/kernel"

# model_config of 2 000 nested lists, past GRAFT_MAX_JSON_DEPTH (512); a
# recursive parser given 100 000 of them overflows its stack.
shutil.copy("../keras/mlp_functional.legacy.h5", "deep-json-config.h5")
with h5py.File("deep-json-config.h5", "r+") as f:
    del f.attrs["model_config"]
    f.attrs.create("model_config", "[" * 2000 + "]" * 2000,
                   dtype=h5py.string_dtype("ascii"))

# A Keras 3 weights file with a rank-9 variable.
with h5py.File("rank-9.weights.h5", "w", libver="earliest") as f:
    f.create_group("vars").attrs["name"] = "model"
    v = f.create_group("layers/dense/vars")
    v.attrs["name"] = "dense"
    v["0"] = np.ones((1,) * 9, dtype=np.float32)


def replace_kernel(path, make):
    shutil.copy(SRC, path)
    with h5py.File(path, "r+") as f:
        data = f[KERNEL][()]
        del f[KERNEL]
        make(f, data)


# The kernel's values live in another file: reading it would read that file.
replace_kernel("external-storage.h5", lambda f, data: f.create_dataset(
    KERNEL, shape=data.shape, dtype=data.dtype, external=[("/etc/hostname", 0, data.nbytes)]))


def virtual(f, data):
    layout = h5py.VirtualLayout(shape=data.shape, dtype=data.dtype)
    layout[:] = h5py.VirtualSource("/etc/passwd-weights.h5", "kernel", shape=data.shape)
    f.create_virtual_dataset(KERNEL, layout, fillvalue=0)


# The kernel is a virtual dataset mapping another file's dataset.
replace_kernel("virtual-dataset.h5", virtual)
