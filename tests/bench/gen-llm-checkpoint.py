#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes an LLM-shaped Keras 3 checkpoint in bfloat16, about 5.5 GB.

Usage: gen-llm-checkpoint.py OUT_DIR [--compressed] [--blocks N]

A 256000 x 2304 token embedding and N (default 26) transformer blocks of
EinsumDense kernels -- query, key, value (2304, 8, 256), attention output
(8, 256, 2304), two gating (2304, 9216) and one down projection
(9216, 2304) -- with their layer norms, laid out as Keras 3 writes
`.weights.h5` files: layers/<snake class name>/vars/<i>, bfloat16 stored as
an HDF5 opaque type of size 2 with the attribute dtype = "bfloat16" (the
upper 16 bits of the float32). Without --compressed: sharded at 2 GB into
llm_0000N.weights.h5 shards and their llm.weights.json index, the way
Keras's ShardedH5IOStore does (tests/data/make-sharded.py describes it).
With --compressed: one llm-deflate.weights.h5, every dataset chunked
(256 rows) and deflate-compressed.

The values are a seeded random float32 block repeated, cut to bfloat16:
realistic enough for heatmaps and statistics, and fast to write.
Uses Debian's python3-h5py and python3-numpy only.
"""
import json
import os
import sys

import h5py
import numpy as np

VOCAB, D, HEADS, HEAD_DIM, FF = 256000, 2304, 8, 256, 9216
SHARD = 2 * 1000 ** 3


def tensors(n_blocks):
    """(group, index, shape) in Keras's order."""
    yield "layers/reversible_embedding", 0, (VOCAB, D)
    e = 0
    for b in range(n_blocks):
        yield f"layers/layer_normalization_{2 * b}" if b else "layers/layer_normalization", 0, (D,)
        for shape in ((D, HEADS, HEAD_DIM),) * 3 + ((HEADS, HEAD_DIM, D),):
            yield f"layers/einsum_dense_{e}" if e else "layers/einsum_dense", 0, shape
            e += 1
        yield f"layers/layer_normalization_{2 * b + 1}", 0, (D,)
        for shape in ((D, FF), (D, FF), (FF, D)):
            yield f"layers/einsum_dense_{e}", 0, shape
            e += 1


def bf16_block(n, rng):
    f = (rng.standard_normal(n) * 0.02).astype(np.float32)
    return (f.view(np.uint32) >> 16).astype(np.uint16)


def write(f, path, shape, block, compressed):
    opaque = np.dtype("V2")
    kw = {}
    if compressed:
        kw = {"chunks": (min(shape[0], 256),) + tuple(shape[1:]), "compression": "gzip",
              "compression_opts": 1}
    ds = f.create_dataset(path, shape=shape, dtype=opaque, **kw)
    ds.attrs["dtype"] = "bfloat16"
    row = int(np.prod(shape[1:])) if len(shape) > 1 else int(shape[0])
    rows = len(shape) > 1 and shape[0] or 1
    step = max(1, (1 << 24) // row)
    for r0 in range(0, rows, step):
        r1 = min(rows, r0 + step)
        n = (r1 - r0) * row
        data = np.resize(block, n).view(opaque)
        if len(shape) > 1:
            ds[r0:r1] = data.reshape((r1 - r0,) + tuple(shape[1:]))
        else:
            ds[...] = data.reshape(shape)


def main():
    out = sys.argv[1]
    compressed = "--compressed" in sys.argv
    n_blocks = int(sys.argv[sys.argv.index("--blocks") + 1]) if "--blocks" in sys.argv else 26
    os.makedirs(out, exist_ok=True)
    block = bf16_block(1 << 20, np.random.default_rng(1))
    if compressed:
        with h5py.File(os.path.join(out, "llm-deflate.weights.h5"), "w") as f:
            for group, i, shape in tensors(n_blocks):
                write(f, f"{group}/vars/{i}", shape, block, True)
        return
    shard, size, f, weight_map, total = 0, 0, None, {}, 0
    for group, i, shape in tensors(n_blocks):
        nbytes = int(np.prod(shape)) * 2
        if f is None or (size + nbytes > SHARD and size > 0):
            if f is not None:
                f.close()
                shard += 1
            f = h5py.File(os.path.join(out, f"llm_{shard:05d}.weights.h5"), "w")
            size = 0
        write(f, f"{group}/vars/{i}", shape, block, False)
        weight_map.setdefault("/" + group + "/vars", f"llm_{shard:05d}.weights.h5")
        size += nbytes
        total += nbytes
    f.close()
    with open(os.path.join(out, "llm.weights.json"), "w") as idx:
        json.dump({"metadata": {"total_size": float(total)}, "weight_map": weight_map}, idx, indent=2)


if __name__ == "__main__":
    main()
