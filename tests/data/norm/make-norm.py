#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Makes the fixtures of tests/core/net/test-norm-layers.c.

Usage: make-norm.py [OUT_DIR]   (default: the folder of this script)

Keras is not needed (nor installed): each model is written the way Keras 3
saves it, and its expected output comes from a plain NumPy statement of
the layer's formula, in float64, not from any Graft code. For each model M:

* M.keras: a zip of metadata.json, config.json (a Keras 3 Functional
  config) and model.weights.h5 (the Keras 3 layout: the group of each layer
  in model.layers order is layers/<class in snake_case>[_N]/vars, carrying
  the layer name in @name, with the variables as datasets 0, 1, ... in the
  order the layer creates them; the root vars group names the model);
* M.input.npy: a float32 batch;
* M.output.npy: the expected float32 output.

The formulas (Keras 3, keras/src/layers/normalization/):

* GroupNormalization(groups, axis, epsilon, center, scale): the channels on
  `axis` split into `groups` runs of neighbours; each sample's values of one
  group, over all non-batch axes, share a mean and a (biased) variance;
  y = (x - mean) / sqrt(var + epsilon) * gamma + beta, gamma and beta of
  shape (channels,), created gamma first;
* UnitNormalization(axis): y = x / sqrt(max(sum(x^2 over axis), 1e-12));
* RMSNormalization(axis, epsilon): y = x / sqrt(mean(x^2 over axis) +
  epsilon) * scale, scale shaped like the normalised axes. Keras saves its
  axis as a list once the layer is built.

Uses Debian's python3-numpy and python3-h5py only.
"""

import io
import json
import os
import sys
import zipfile

import h5py
import numpy as np

RNG = np.random.default_rng(20240612)


def dtype_policy():
    return {"module": "keras", "class_name": "DTypePolicy",
            "config": {"name": "float32"}, "registered_name": None}


def initializer(name):
    return {"module": "keras.initializers", "class_name": name, "config": {},
            "registered_name": None}


def group_config(name, groups, axis=-1, epsilon=1e-3, center=True, scale=True):
    return {"class_name": "GroupNormalization", "config": {
        "name": name, "trainable": True, "dtype": dtype_policy(),
        "groups": groups, "axis": axis, "epsilon": epsilon,
        "center": center, "scale": scale,
        "beta_initializer": initializer("Zeros"),
        "gamma_initializer": initializer("Ones"),
        "beta_regularizer": None, "gamma_regularizer": None,
        "beta_constraint": None, "gamma_constraint": None}}


def unit_config(name, axis=-1):
    return {"class_name": "UnitNormalization", "config": {
        "name": name, "trainable": True, "dtype": dtype_policy(), "axis": axis}}


def rms_config(name, axis, epsilon=1e-6):
    return {"class_name": "RMSNormalization", "config": {
        "name": name, "trainable": True, "dtype": dtype_policy(),
        "axis": axis, "epsilon": epsilon}}


# --- the formulas, in float64 -------------------------------------------

def ref_group(x, groups, axis, epsilon, gamma, beta):
    axis = axis % x.ndim
    channels = x.shape[axis]
    if groups == -1:
        groups = channels
    split = x.shape[:axis] + (groups, channels // groups) + x.shape[axis + 1:]
    xg = x.reshape(split)
    over = tuple(a for a in range(1, xg.ndim) if a != axis)
    mean = xg.mean(axis=over, keepdims=True)
    var = ((xg - mean) ** 2).mean(axis=over, keepdims=True)
    y = ((xg - mean) / np.sqrt(var + epsilon)).reshape(x.shape)
    along = [1] * x.ndim
    along[axis] = channels
    if gamma is not None:
        y = y * gamma.reshape(along)
    if beta is not None:
        y = y + beta.reshape(along)
    return y


def ref_unit(x, axis):
    axes = tuple(axis) if isinstance(axis, list) else (axis,)
    squares = (x * x).sum(axis=axes, keepdims=True)
    return x / np.sqrt(np.maximum(squares, 1e-12))


def ref_rms(x, axis, epsilon, scale):
    axes = tuple(axis) if isinstance(axis, list) else (axis,)
    mean_square = (x * x).mean(axis=axes, keepdims=True)
    return x / np.sqrt(mean_square + epsilon) * scale


# --- Keras 3 files -------------------------------------------------------

def snake(class_name):
    # Keras's to_snake_case for the names used here.
    return {"InputLayer": "input_layer", "GroupNormalization": "group_normalization",
            "UnitNormalization": "unit_normalization",
            "RMSNormalization": "rms_normalization"}[class_name]


def keras_tensor(shape, source):
    return {"class_name": "__keras_tensor__",
            "config": {"shape": shape, "dtype": "float32", "keras_history": [source, 0, 0]}}


def functional(name, input_shape, layers):
    """layers: (entry, weights) in call order, each taking the previous output."""
    batch_shape = [None] + list(input_shape)
    entries = [{"module": "keras.layers", "class_name": "InputLayer",
                "config": {"batch_shape": batch_shape, "dtype": "float32", "sparse": False,
                           "ragged": False, "name": "x", "optional": False},
                "registered_name": None, "name": "x", "inbound_nodes": []}]
    previous = "x"
    for entry, _ in layers:
        layer_name = entry["config"]["name"]
        entries.append({"module": "keras.layers", "class_name": entry["class_name"],
                        "config": entry["config"], "registered_name": None,
                        "build_config": {"input_shape": batch_shape},
                        "name": layer_name,
                        "inbound_nodes": [{"args": [keras_tensor(batch_shape, previous)],
                                           "kwargs": {}}]})
        previous = layer_name
    return {"module": "keras.src.models.functional", "class_name": "Functional",
            "config": {"name": name, "trainable": True, "layers": entries,
                       "input_layers": ["x", 0, 0], "output_layers": [previous, 0, 0]},
            "registered_name": "Functional", "build_config": {"input_shape": None},
            "compile_config": {}}


def weights_h5(config, weights):
    """The Keras 3 weights file of @config; @weights maps a layer name to its
    variables in creation order."""
    buffer = io.BytesIO()
    seen = {}
    with h5py.File(buffer, "w") as f:
        for entry in config["config"]["layers"]:
            base = snake(entry["class_name"])
            count = seen.get(base, 0)
            seen[base] = count + 1
            group = f.create_group("layers/%s/vars" % (base if count == 0 else
                                                       "%s_%d" % (base, count)))
            group.attrs["name"] = entry["name"]
            for i, value in enumerate(weights.get(entry["name"], [])):
                group.create_dataset(str(i), data=value.astype(np.float32))
        f.create_group("vars").attrs["name"] = config["config"]["name"]
    return buffer.getvalue()


def write_keras(path, config, weights):
    members = [
        ("metadata.json", json.dumps({"keras_version": "3.15.1",
                                      "date_saved": "2024-06-12@00:00:00"})),
        ("config.json", json.dumps(config)),
        ("model.weights.h5", weights_h5(config, weights)),
    ]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            z.writestr(info, data)


def floats(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


# --- the models ----------------------------------------------------------

def make(out_dir, name, input_shape, layers, batch, x=None):
    """layers: (entry, weights, reference), reference taking the float64
    input of the layer and returning its output."""
    if x is None:
        x = floats(batch, *input_shape) * 2 + 0.5
    y = x.astype(np.float64)
    for _, _, reference in layers:
        y = reference(y)
    config = functional(name, input_shape, [(e, w) for e, w, _ in layers])
    weights = {e["config"]["name"]: w for e, w, _ in layers}
    write_keras(os.path.join(out_dir, name + ".keras"), config, weights)
    np.save(os.path.join(out_dir, name + ".input.npy"), x)
    np.save(os.path.join(out_dir, name + ".output.npy"), y.astype(np.float32))


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    f64 = lambda a: a.astype(np.float64)

    gamma, beta = floats(8) * 0.5 + 1, floats(8) * 0.3
    make(out_dir, "group_norm", (4, 4, 8), [
        (group_config("gn", 4), [gamma, beta],
         lambda y: ref_group(y, 4, -1, 1e-3, f64(gamma), f64(beta)))], 3)

    beta_first = floats(6) * 0.3
    make(out_dir, "group_norm_axis1", (6, 5), [
        (group_config("gn_first", 3, axis=1, epsilon=1e-5, scale=False), [beta_first],
         lambda y: ref_group(y, 3, 1, 1e-5, None, f64(beta_first)))], 2)

    x = floats(4, 10)
    x[2] = 0.0   # the floor of 1e-12 keeps an all-zero row at zero
    make(out_dir, "unit_norm", (10,), [
        (unit_config("un"), [], lambda y: ref_unit(y, -1))], 4, x)

    make(out_dir, "unit_norm_axes", (3, 5, 4), [
        (unit_config("un_axes", [1, 3]), [], lambda y: ref_unit(y, [1, 3]))], 2)

    scale = floats(12) * 0.5 + 1
    make(out_dir, "rms_norm", (6, 12), [
        (rms_config("rms", [-1]), [scale], lambda y: ref_rms(y, [-1], 1e-6, f64(scale)))], 2)

    scale_2d = floats(4, 5) * 0.5 + 1
    make(out_dir, "rms_norm_axes", (4, 5), [
        (rms_config("rms_axes", [1, 2], 1e-4), [scale_2d],
         lambda y: ref_rms(y, [1, 2], 1e-4, f64(scale_2d)))], 3)

    # All three in a row, two GroupNormalizations among them: Keras names
    # their groups group_normalization and group_normalization_1.
    g1, b1 = floats(8) * 0.5 + 1, floats(8) * 0.3
    s1 = floats(8) * 0.5 + 1
    g2, b2 = floats(8) * 0.5 + 1, floats(8) * 0.3
    make(out_dir, "norm_chain", (3, 4, 8), [
        (group_config("g1", 2), [g1, b1], lambda y: ref_group(y, 2, -1, 1e-3, f64(g1), f64(b1))),
        (rms_config("r1", [-1]), [s1], lambda y: ref_rms(y, [-1], 1e-6, f64(s1))),
        (group_config("g2", 8, epsilon=1e-4), [g2, b2],
         lambda y: ref_group(y, 8, -1, 1e-4, f64(g2), f64(b2))),
        (unit_config("u1", [2, 3]), [], lambda y: ref_unit(y, [2, 3]))], 2)


if __name__ == "__main__":
    main()
