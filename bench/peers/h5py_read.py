#!/usr/bin/python3
"""Peers for bench/formats.mjs: write the NeuroX-layout HDF5 file the readers are timed on (h5py, as NeuroX's
HDF5ActivationsWriter writes it), and time reading it back with h5py the way NeuroX's loader does (each sentence
dataset read whole, swapaxes + reshape into rows), and the same rows as .npy with numpy.

    h5py_read.py write <out.hdf5> <sentences> <layers> <hidden> <float32|float16> <seed>
    h5py_read.py read <in.hdf5> <in.npy> <repeats>    -> one JSON line: best seconds of each peer
"""
import json
import sys
import time

import h5py
import numpy as np


def write(path, sentences, layers, hidden, dtype, seed):
    rng = np.random.default_rng(seed)
    lengths = rng.integers(5, 46, size=sentences)  # 25 tokens on average
    with h5py.File(path, "w") as f:
        index = {}
        for i, n in enumerate(lengths):
            a = rng.standard_normal((layers, int(n), hidden), dtype=np.float32)
            f.create_dataset(str(i), a.shape, dtype=dtype, data=a)
            index[f"sentence {i}"] = str(i)
        d = f.create_dataset("sentence_to_index", (1,), dtype=h5py.special_dtype(vlen=str))
        d[0] = json.dumps(index)
    print(json.dumps({"rows": int(lengths.sum())}))


def read(h5, npy, repeats):
    best_h5 = best_np = float("inf")
    rows = 0
    for _ in range(repeats):
        t = time.perf_counter()
        with h5py.File(h5, "r") as f:
            index = json.loads(f["sentence_to_index"][0])
            rows = 0
            for key in index.values():
                a = f[key][()]
                r = np.swapaxes(a, 0, 1).reshape(a.shape[1], -1).astype(np.float32, copy=False)
                rows += r.shape[0]
        best_h5 = min(best_h5, time.perf_counter() - t)
        t = time.perf_counter()
        x = np.load(npy)
        x.sum(dtype=np.float32)  # touch every value, as a reader's consumer would
        best_np = min(best_np, time.perf_counter() - t)
        del x
    print(json.dumps({"h5py": best_h5, "numpy": best_np, "rows": rows, "h5py_version": h5py.version.version, "hdf5_version": h5py.version.hdf5_version, "numpy_version": np.__version__}))


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6], int(sys.argv[7]))
    else:
        read(sys.argv[2], sys.argv[3], int(sys.argv[4]))
