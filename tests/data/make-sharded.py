#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Makes a Keras 3 sharded weights checkpoint from a .weights.h5 file.

Usage: make-sharded.py [SOURCE.weights.h5 [OUT_DIR [MAX_SHARD_BYTES]]]

Defaults: keras/mlp_functional.weights.h5, keras/, 3600 bytes. Writes
OUT_DIR/mlp_functional_sharded.weights.json and the shards
mlp_functional_sharded_00000.weights.h5, _00001..., the way Keras 3's
ShardedH5IOStore (keras/src/saving/saving_lib.py, used by
model.save_weights(..., max_shard_size=...)) lays them out:

* variables are written in Keras's order: the root "vars" group, then each
  layer's layers/<name>/vars in model order (taken from the corpus .json
  next to the source), with vars/0, 1, ... numerically;
* a shard is full when adding the next variable would take it over
  MAX_SHARD_BYTES (the element count times the item size); the writer then
  starts the next shard and *continues the same vars group there*, so one
  vars group can be split over two shards;
* vars groups that carry metadata (the @name attribute) are created in the
  shard that is current when the writer reaches them, even when empty (the
  root "vars", "layers/input_layer/vars"); the continuation of a split group
  in the next shard gets the same @name here;
* the index maps each vars group that holds at least one variable to the
  shard where its *first* variable went (Keras never updates an entry), and
  metadata.total_size is the byte total of all variables, a float because
  Keras divides bits by 8.

With the defaults, mlp_functional (dense: 3x64 + 64, dense_1: 64x10 + 10
float32) gives shard 0 = dense/vars/{0,1} + dense_1/vars/0 (3584 bytes) and
shard 1 = dense_1/vars/1, while the index names only shard 0 for
"/layers/dense_1/vars". A reader must therefore look for a group's
variables in every shard, not only in the one the index names.

Uses Debian's python3-h5py and python3-numpy only.
"""

import json
import os
import sys

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def vars_groups(h5file, layer_order):
    """Returns every "vars" group in the order Keras's writer visits them:
    the root "vars" first, then the layers in model order. The file does not
    record that order, so it comes from @name and the model's layer names
    (layer_order, from the corpus .json next to the source); groups it does
    not name keep their depth-first link-name order."""
    order = []

    def walk(group):
        names = sorted(group.keys())
        if "vars" in names and isinstance(group["vars"], h5py.Group):
            order.append(group["vars"])
        for name in names:
            child = group[name]
            if name != "vars" and isinstance(child, h5py.Group):
                walk(child)

    walk(h5file)

    def rank(item):
        position, group = item
        if group.name == "/vars":
            return (-1, position)
        name = group.attrs.get("name")
        if isinstance(name, bytes):
            name = name.decode("utf-8")
        return (layer_order.get(name, len(layer_order)), position)

    return [group for _, group in sorted(enumerate(order), key=rank)]


def load_layer_order(source):
    """Maps layer name -> position from the corpus .json beside SOURCE."""
    path = source[: -len(".weights.h5")] + ".json" if source.endswith(".weights.h5") else ""
    if not path or not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as f:
        layers = json.load(f).get("layers", [])
    return {layer["name"]: i for i, layer in enumerate(layers)}


def var_keys(group):
    return sorted((k for k in group.keys() if isinstance(group[k], h5py.Dataset)),
                  key=lambda k: (not k.isdigit(), int(k) if k.isdigit() else 0, k))


def main(argv):
    source = argv[1] if len(argv) > 1 else os.path.join(HERE, "keras", "mlp_functional.weights.h5")
    out_dir = argv[2] if len(argv) > 2 else os.path.join(HERE, "keras")
    max_bytes = int(argv[3]) if len(argv) > 3 else 3600

    stem = os.path.basename(source)
    if stem.endswith(".weights.h5"):
        stem = stem[: -len(".weights.h5")]
    base = stem + "_sharded"
    index_path = os.path.join(out_dir, base + ".weights.json")

    shards = []          # open h5py.File objects, in order
    weight_map = {}
    total_size = 0.0
    current_bytes = 0

    def new_shard():
        name = f"{base}_{len(shards):05}.weights.h5"
        # libver default and track_order off: what Keras's h5py.File(path, "w") gives.
        shards.append(h5py.File(os.path.join(out_dir, name), "w"))
        return name

    def make_group(shard, src_group):
        dst = shard.require_group(src_group.name)
        for key, value in src_group.attrs.items():
            dst.attrs[key] = value
        return dst

    with h5py.File(source, "r") as src:
        shard_name = new_shard()
        for group in vars_groups(src, load_layer_order(source)):
            dst = make_group(shards[-1], group)
            for key in var_keys(group):
                data = group[key][()]
                n_bytes = int(np.prod(data.shape, dtype=np.int64)) * data.dtype.itemsize
                total_size += n_bytes
                if n_bytes > max_bytes:
                    sys.exit(f"{source}: {group.name}/{key} is {n_bytes} bytes, "
                             f"more than a shard ({max_bytes})")
                if current_bytes + n_bytes > max_bytes:
                    shard_name = new_shard()
                    dst = make_group(shards[-1], group)
                    current_bytes = 0
                current_bytes += n_bytes
                dst.create_dataset(key, data=data)
                weight_map.setdefault(group.name, shard_name)

    for shard in shards:
        shard.close()

    if len(shards) < 2:
        sys.exit(f"{source}: only one shard at {max_bytes} bytes a shard; lower the limit")

    with open(index_path, "w", encoding="utf-8") as f:
        json.dump({"metadata": {"total_size": total_size}, "weight_map": weight_map}, f, indent=4)
    print(f"{index_path}: {len(shards)} shards, {len(weight_map)} groups, {total_size:.0f} bytes")


if __name__ == "__main__":
    main(sys.argv)
