#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Makes small checkpoints with the quirks real files have but the Keras 3
corpus does not: split name attributes, fixed-length strings, Keras 1 and
tf.keras names, every dtype, chunked and compressed datasets.

Run with Debian's python3 (h5py, NumPy) from this folder. Values are fixed,
so the tests can check them exactly.
"""
import h5py
import numpy as np


def fixed(names):
    width = max(len(n) for n in names)
    return np.array([n.encode() for n in names], dtype=f"S{width}")


# Legacy weights file whose layer_names and weight_names are split into
# numbered chunks, stored as fixed-length NUL-padded strings (h5py 2 style),
# with Keras 1 and tf.keras weight names.
with h5py.File("split-names.h5", "w", libver="earliest") as f:
    f.attrs["keras_version"] = np.bytes_("2.2.4")
    f.attrs["backend"] = np.bytes_("tensorflow")
    layers = ["dense_1", "lstm_1", "flatten_1"]
    f.attrs["layer_names0"] = fixed(layers[:2])
    f.attrs["layer_names1"] = fixed(layers[2:])
    g = f.create_group("dense_1")
    g.attrs["weight_names0"] = fixed(["dense_1_W"])
    g.attrs["weight_names1"] = fixed(["dense_1_b"])
    g["dense_1_W"] = np.arange(6, dtype=np.float32).reshape(2, 3)
    g["dense_1_b"] = np.array([0.5, -0.5, 1.5], dtype=np.float32)
    g = f.create_group("lstm_1")
    g.attrs["weight_names"] = fixed(["lstm_1/kernel:0", "lstm_1/recurrent_kernel:0"])
    g.create_group("lstm_1")
    g["lstm_1/kernel:0"] = np.full((3, 8), 0.25, dtype=np.float32)
    g["lstm_1/recurrent_kernel:0"] = np.full((2, 8), -0.125, dtype=np.float32)
    g = f.create_group("flatten_1")
    g.attrs["weight_names"] = np.zeros((0,), dtype=np.float64)

# Keras 3 layout with every dtype, a scalar, and chunked/compressed data.
with h5py.File("dtypes.weights.h5", "w", libver="earliest") as f:
    f.create_group("vars").attrs["name"] = "dtypes"
    def layer(name):
        v = f.create_group(f"layers/{name}/vars")
        v.attrs["name"] = name
        return v
    v = layer("half")
    v["0"] = np.array([1.0, -2.0, 65504.0, 0.0], dtype=np.float16)
    v = layer("double")
    v["0"] = np.array([[1.0 / 3.0, 2.0], [-1e-300, 1e300]], dtype=np.float64)
    v = layer("ints")
    v["0"] = np.array([-128, 0, 127], dtype=np.int8)
    v["1"] = np.array([0, 200, 255], dtype=np.uint8)
    v["2"] = np.array([-(2**40), 2**40], dtype=np.int64)
    v["3"] = np.int32(7)
    v = layer("flags")
    v["0"] = np.array([True, False, True, True])
    v = layer("brain")
    # bfloat16 1.0, -2.5, 0.0 stored as raw 16-bit words, as Keras marks them.
    d = v.create_dataset("0", data=np.array([0x3F80, 0xC020, 0x0000], dtype=np.uint16))
    d.attrs["dtype"] = "bfloat16"
    v = layer("packed")
    data = (np.arange(64 * 48, dtype=np.float32).reshape(64, 48) - 1000.0) / 7.0
    v.create_dataset("0", data=data, chunks=(16, 16), compression="gzip",
                     compression_opts=6, shuffle=True)
    big_endian = np.arange(12, dtype=">f4").reshape(3, 4)
    v.create_dataset("1", data=big_endian)
