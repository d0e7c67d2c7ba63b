#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the broken and hostile checkpoints of tests/data/broken/.

Usage: make-broken.py [OUT_DIR]     (default: the folder of this script)

Each file is a realistic Keras checkpoint apart from its one defect, built
from the Keras-generated fixtures in ../keras/ (mlp_functional mostly).
README.md lists the files and the error a reader must give for each.
Deterministic: running it again gives the same bytes (fixed zip dates, no
HDF5 object timestamps).

Uses Debian's python3-h5py and python3-numpy only. Nothing here is ever
unpickled; the .npz member is written with numpy's pickle support because
that is what Keras's NpzIOStore does, and a reader must refuse it.
"""

import hashlib
import io
import json
import os
import shutil
import struct
import sys
import warnings
import zipfile

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
KERAS = os.path.join(HERE, "..", "keras")
MODEL = "mlp_functional"
# A fixed timestamp for zip members, so the archives are reproducible.
ZIP_DATE = (2026, 1, 1, 0, 0, 0)


def fixture(suffix):
    return os.path.join(KERAS, MODEL + suffix)


def read_fixture(suffix):
    with open(fixture(suffix), "rb") as f:
        return f.read()


def keras_members():
    """The members of the fixture .keras archive, in order."""
    with zipfile.ZipFile(fixture(".keras")) as z:
        return [(info.filename, z.read(info.filename)) for info in z.infolist()]


def write_zip(path, members, compression=zipfile.ZIP_STORED, compresslevel=None):
    """Writes (name, bytes) members with fixed dates; duplicates allowed."""
    with warnings.catch_warnings():
        # zipfile warns "Duplicate name" and writes it anyway.
        warnings.simplefilter("ignore", UserWarning)
        with zipfile.ZipFile(path, "w") as z:
            for name, data in members:
                info = zipfile.ZipInfo(name, ZIP_DATE)
                info.compress_type = compression
                info.external_attr = 0o644 << 16
                z.writestr(info, data, compresslevel=compresslevel)


def h5_bytes(build):
    """Builds an HDF5 file in memory with build(h5py.File) and returns it."""
    buf = io.BytesIO()
    with h5py.File(buf, "w") as f:
        build(f)
    return buf.getvalue()


def copy_and_edit(out, src_suffix, edit):
    shutil.copyfile(fixture(src_suffix), out)
    with h5py.File(out, "r+") as f:
        edit(f)


# --- not HDF5 at all -------------------------------------------------------

def make_empty(out):
    open(out, "wb").close()


def make_truncated(out):
    data = read_fixture(".legacy_weights.h5")
    with open(out, "wb") as f:
        f.write(data[: len(data) // 2])


def make_html_page(out):
    # What a browser or `wget` of a GitHub "blob" URL saves instead of the file.
    page = """<!DOCTYPE html>
<html lang="en" data-color-mode="auto">
  <head>
    <meta charset="utf-8">
    <title>models/mlp_functional.h5 at main · example/keras-models · GitHub</title>
    <link rel="stylesheet" href="https://github.githubassets.com/assets/github.css">
  </head>
  <body class="logged-out env-production page-responsive">
    <div class="application-main">
      <div id="repo-content">
        <a href="/example/keras-models/raw/main/models/mlp_functional.h5">View raw</a>
        <p>(Sorry about that, but we can't show files that are this big right now.)</p>
      </div>
    </div>
  </body>
</html>
"""
    with open(out, "w", encoding="utf-8") as f:
        f.write(page)


def make_xml_page(out):
    # What a cloud bucket answers when the object is private or gone.
    page = """<?xml version="1.0" encoding="UTF-8"?>
<Error>
  <Code>AccessDenied</Code>
  <Message>Access Denied</Message>
  <Key>checkpoints/mlp_functional.h5</Key>
  <RequestId>4Z3Q9N2XKQ7V1B8C</RequestId>
  <HostId>h5o0ZFhP7VZJ2cX2bN6cTtQyWm1wP0jQ9y3Gk5aE8rU=</HostId>
</Error>
"""
    with open(out, "w", encoding="utf-8") as f:
        f.write(page)


def make_lfs_pointer(out):
    # A clone without `git lfs pull`: the pointer of the real fixture.
    data = read_fixture(".legacy_weights.h5")
    pointer = ("version https://git-lfs.github.com/spec/v1\n"
               f"oid sha256:{hashlib.sha256(data).hexdigest()}\n"
               f"size {len(data)}\n")
    with open(out, "w", encoding="ascii") as f:
        f.write(pointer)


# --- hostile or broken .keras archives ---------------------------------------

def make_duplicate_members(out):
    # Two model.weights.h5 entries with different contents: which one a
    # reader takes depends on the zip library, so it must refuse.
    members = keras_members()
    with zipfile.ZipFile(os.path.join(KERAS, "custom_var.keras")) as z:
        other = z.read("model.weights.h5")
    write_zip(out, members + [("model.weights.h5", other)])


def make_npz_weights(out):
    # Keras 3's NpzIOStore layout: one 0-d object array (a pickled dict of
    # arrays) per object path, "__root__" for the model itself.
    contents = {"__root__": {}}
    with h5py.File(fixture(".weights.h5"), "r") as f:
        for name in ("dense", "dense_1"):
            group = f["layers"][name]["vars"]
            contents["layers/" + name] = {k: group[k][()] for k in sorted(group)}
    buf = io.BytesIO()
    np.savez(buf, **{k: np.array(v, dtype=object) for k, v in contents.items()})
    members = [(n, d) for n, d in keras_members() if n != "model.weights.h5"]
    write_zip(out, members + [("model.weights.npz", buf.getvalue())])


def make_bad_config_keras(out):
    members = []
    for name, data in keras_members():
        if name == "config.json":
            data = data[: len(data) // 3]   # cut mid-object
        members.append((name, data))
    write_zip(out, members)


def make_zip_bomb(out):
    # A real Keras 3 weights file for Dense(40960 -> 1024) whose weights are
    # all zeros: 160 MiB that DEFLATE squeezes ~1000:1 into ~160 KB.
    n_in, n_out = 40960, 1024
    config = {
        "module": "keras", "class_name": "Sequential",
        "config": {"name": "sequential", "trainable": True, "layers": [
            {"module": "keras.layers", "class_name": "InputLayer",
             "config": {"batch_shape": [None, n_in], "dtype": "float32", "name": "input_layer"}},
            {"module": "keras.layers", "class_name": "Dense",
             "config": {"name": "dense", "trainable": True, "units": n_out,
                        "activation": "linear", "use_bias": True},
             "build_config": {"input_shape": [None, n_in]}}]},
        "registered_name": None,
        "build_config": {"input_shape": [None, n_in]},
    }

    def build(f):
        f.create_group("vars").attrs["name"] = "sequential"
        layers = f.create_group("layers")
        layers.create_group("input_layer").create_group("vars").attrs["name"] = "input_layer"
        vars_ = layers.create_group("dense").create_group("vars")
        vars_.attrs["name"] = "dense"
        vars_.create_dataset("0", data=np.zeros((n_in, n_out), np.float32))
        vars_.create_dataset("1", data=np.zeros((n_out,), np.float32))

    weights = h5_bytes(build)
    metadata = {"keras_version": "3.15.1", "date_saved": "2026-01-01@00:00:00"}
    members = [("metadata.json", json.dumps(metadata).encode()),
               ("config.json", json.dumps(config).encode()),
               ("model.weights.h5", weights)]
    write_zip(out, members, zipfile.ZIP_DEFLATED, 9)


def patch_zip_sizes(data, member, size):
    """Rewrites the uncompressed size of MEMBER in its local header and in
    the central directory (no zip64: SIZE < 4 GiB)."""
    data = bytearray(data)
    name = member.encode()
    # Local file header: signature, ..., uncompressed size at +22.
    pos = 0
    while True:
        pos = data.find(b"PK\x03\x04", pos)
        if pos < 0:
            break
        name_len = struct.unpack_from("<H", data, pos + 26)[0]
        if data[pos + 30: pos + 30 + name_len] == name:
            struct.pack_into("<I", data, pos + 22, size)
        pos += 4
    # Central directory header: uncompressed size at +24, name at +46.
    pos = 0
    while True:
        pos = data.find(b"PK\x01\x02", pos)
        if pos < 0:
            break
        name_len = struct.unpack_from("<H", data, pos + 28)[0]
        if data[pos + 46: pos + 46 + name_len] == name:
            struct.pack_into("<I", data, pos + 24, size)
        pos += 4
    return bytes(data)


def make_zip_bomb_declared(out):
    # The fixture archive with model.weights.h5 deflated, whose headers then
    # claim 4 GiB - 2 bytes uncompressed (a ratio of ~400000:1).
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in keras_members():
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    with open(out, "wb") as f:
        f.write(patch_zip_sizes(buf.getvalue(), "model.weights.h5", 0xFFFFFFFE))


# --- hostile or broken HDF5 ----------------------------------------------------

def make_external_link(out):
    # Legacy weights layout; dense1's kernel is a link into another file.
    def edit(f):
        del f["dense1/dense1/kernel"]
        f["dense1/dense1/kernel"] = h5py.ExternalLink("/etc/passwd", "/kernel")
    copy_and_edit(out, ".legacy_weights.h5", edit)


def make_soft_link(out):
    # Legacy weights layout; dense1's kernel is a soft link to dense2's.
    def edit(f):
        del f["dense1/dense1/kernel"]
        f["dense1/dense1/kernel"] = h5py.SoftLink("/dense2/dense2/kernel")
    copy_and_edit(out, ".legacy_weights.h5", edit)


def make_absurd_size(out):
    # Legacy weights layout; the dataspace of dense1's contiguous (3, 64)
    # kernel is patched to (1000000, 1000000): 4 TB declared in a 17 KB file,
    # while its layout message still says 768 bytes. HDF5 opens it happily.
    data = read_fixture(".legacy_weights.h5")
    old = struct.pack("<QQ", 3, 64)
    # The dataspace message holds dims then max dims: exactly two hits.
    assert data.count(old) == 2, "unexpected layout of the fixture"
    with open(out, "wb") as f:
        f.write(data.replace(old, struct.pack("<QQ", 1000000, 1000000)))


def make_absurd_size_chunked(out):
    # Legacy weights layout; dense1's kernel is a valid chunked dataset of
    # (1000000, 1000000) float32 with no chunk ever written (4 TB of fill
    # value). Legal HDF5, but nothing a reader may allocate.
    def edit(f):
        del f["dense1/dense1/kernel"]
        f["dense1/dense1"].create_dataset("kernel", shape=(1000000, 1000000),
                                          dtype=np.float32, chunks=(1000, 1000))
    copy_and_edit(out, ".legacy_weights.h5", edit)


def make_bad_model_config(out):
    # Legacy full-model file whose model_config JSON stops after "config": {
    def edit(f):
        del f.attrs["model_config"]
        f.attrs.create("model_config", '{"class_name": "Sequential", "config": {',
                       dtype=h5py.string_dtype("ascii"))
    copy_and_edit(out, ".legacy.h5", edit)


def make_deep_nesting(out):
    # Keras 3 weights layout of a Functional nested 100 times in itself:
    # layers/functional/layers/functional/.../layers/dense/vars/{0,1},
    # 200 groups deep before the vars group.
    depth = 100
    with h5py.File(fixture(".weights.h5"), "r") as src:
        kernel = src["layers/dense/vars/0"][()]
        bias = src["layers/dense/vars/1"][()]

    # Compact groups (libver="latest") keep the file small; without
    # timestamps the bytes are reproducible.
    gcpl = h5py.h5p.create(h5py.h5p.GROUP_CREATE)
    gcpl.set_obj_track_times(False)

    def subgroup(parent, name):
        return h5py.Group(h5py.h5g.create(parent.id, name.encode(), gcpl=gcpl))

    fcpl = h5py.h5p.create(h5py.h5p.FILE_CREATE)
    fcpl.set_obj_track_times(False)   # the root group's header
    fapl = h5py.h5p.create(h5py.h5p.FILE_ACCESS)
    fapl.set_libver_bounds(h5py.h5f.LIBVER_LATEST, h5py.h5f.LIBVER_LATEST)
    fid = h5py.h5f.create(out.encode(), h5py.h5f.ACC_TRUNC, fcpl=fcpl, fapl=fapl)
    with h5py.File(fid) as f:
        subgroup(f, "vars").attrs["name"] = "outer"
        group = f
        for level in range(depth):
            group = subgroup(subgroup(group, "layers"), "functional")
            subgroup(group, "vars").attrs["name"] = f"functional_{level}"
        vars_ = subgroup(subgroup(subgroup(group, "layers"), "dense"), "vars")
        vars_.attrs["name"] = "dense1"
        vars_.create_dataset("0", data=kernel, track_times=False)
        vars_.create_dataset("1", data=bias, track_times=False)


def make_lzf_filter(out):
    # Keras 3 weights layout with every dataset shuffle + LZF (h5py's
    # built-in filter 32000, which plain libhdf5 does not have). h5py
    # registers LZF as optional, so a chunk it cannot shrink is stored raw:
    # of these random weights only /layers/dense_1/vars/0 is really LZF
    # data, the other three are readable without the filter. A reader must
    # check the filter pipeline at open, not wait for a read to fail.
    with h5py.File(fixture(".weights.h5"), "r") as src, h5py.File(out, "w") as dst:
        def visit(name, obj):
            if isinstance(obj, h5py.Group):
                g = dst.require_group(name)
                for k, v in obj.attrs.items():
                    g.attrs[k] = v
            else:
                ds = dst.create_dataset(name, data=obj[()], chunks=obj.shape,
                                        compression="lzf", shuffle=True)
                mask = ds.id.get_chunk_info(0).filter_mask
                assert (mask == 0) == (name == "layers/dense_1/vars/0"), name
        for k, v in src.attrs.items():
            dst.attrs[k] = v
        src.visititems(visit)


FILES = [
    ("empty.h5", make_empty),
    ("truncated.h5", make_truncated),
    ("html-page.h5", make_html_page),
    ("page.xml.h5", make_xml_page),
    ("lfs-pointer.h5", make_lfs_pointer),
    ("duplicate-members.keras", make_duplicate_members),
    ("npz-weights.keras", make_npz_weights),
    ("bad-config.keras", make_bad_config_keras),
    ("zip-bomb.keras", make_zip_bomb),
    ("zip-bomb-declared.keras", make_zip_bomb_declared),
    ("external-link.h5", make_external_link),
    ("soft-link.h5", make_soft_link),
    ("absurd-size.h5", make_absurd_size),
    ("absurd-size-chunked.h5", make_absurd_size_chunked),
    ("bad-model-config.h5", make_bad_model_config),
    ("deep-nesting.h5", make_deep_nesting),
    ("lzf-filter.h5", make_lzf_filter),
]


def main(argv):
    out_dir = argv[1] if len(argv) > 1 else HERE
    for name, make in FILES:
        path = os.path.join(out_dir, name)
        if os.path.exists(path):
            os.remove(path)
        make(path)
        print(f"{name}: {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main(sys.argv)
