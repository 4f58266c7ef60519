#!/usr/bin/env python3
"""numpy.corrcoef peer for neurosieve's benchmark (bench/correlation.mjs), run as a long-lived worker.

Protocol: one JSON request per line on stdin, one JSON reply per line on stdout.
  {"op": "info"}                      -> versions, OpenBLAS core/config/threads, BLAS-related environment
  {"op": "load", "path": p}           -> loads the [T, D] .npy into memory; {"seconds": np.load time}
  {"op": "corrcoef"}                  -> c = np.corrcoef(x, rowvar=False) (float64 inside); {"seconds": corrcoef only}
  {"op": "sample", "pairs": [i, j, ...]} -> {"values": [c[i, j], ...]} (NaN, for zero-variance neurons, as null)
  {"op": "free"}                      -> drops x and c
  {"op": "quit"}
Errors reply {"error": message}. Only the corrcoef call is inside the timer: the JS side also measures the round trip.
"""
import ctypes
import json
import math
import os
import platform
import sys
import time
import warnings

try:
    import numpy as np
except ImportError as err:  # the JS side checks this first; keep the reply machine-readable anyway
    print(json.dumps({"error": f"numpy is not importable by {sys.executable}: {err}"}), flush=True)
    sys.exit(0)

warnings.simplefilter("ignore", RuntimeWarning)  # zero-variance neurons: corrcoef divides by 0 and gives NaN


def openblas_info():
    """Core kernel, build config and thread count of the OpenBLAS numpy loaded (via the library's own C API)."""
    np.dot(np.ones((2, 2)), np.ones((2, 2)))  # make sure BLAS is loaded
    paths = []
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                name = line.rsplit(" ", 1)[-1].strip()
                if "openblas" in name.lower() and ".so" in name and name not in paths:
                    paths.append(name)
    except OSError:
        pass
    # Debian maps OpenBLAS as libblas.so.3 and liblapack.so.3 under .../openblas-pthread/: prefer the BLAS one.
    paths.sort(key=lambda n: "lapack" in os.path.basename(n))
    path = paths[0] if paths else None
    if path is None:
        return {"library": None}
    info = {"library": os.path.realpath(path)}
    try:
        lib = ctypes.CDLL(path)
        for fn in ("openblas_get_corename", "openblas_get_config"):
            f = getattr(lib, fn)
            f.restype = ctypes.c_char_p
            info[fn.replace("openblas_get_", "")] = f().decode()
        lib.openblas_get_num_threads.restype = ctypes.c_int
        info["threads"] = lib.openblas_get_num_threads()
    except (OSError, AttributeError) as err:
        info["error"] = str(err)
    return info


def main():
    x = None
    c = None
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            req = json.loads(line)
            op = req.get("op")
            if op == "info":
                env = {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}
                reply = {
                    "python": platform.python_version(),
                    "executable": sys.executable,
                    "numpy": np.__version__,
                    "openblas": openblas_info(),
                    "env": env,
                }
            elif op == "load":
                x = c = None
                t0 = time.perf_counter()
                x = np.load(req["path"])
                reply = {"seconds": time.perf_counter() - t0, "shape": list(x.shape), "dtype": str(x.dtype)}
            elif op == "corrcoef":
                c = None
                t0 = time.perf_counter()
                c = np.corrcoef(x, rowvar=False)
                reply = {"seconds": time.perf_counter() - t0}
            elif op == "sample":
                p = req["pairs"]
                vals = c[np.asarray(p[0::2], dtype=np.int64), np.asarray(p[1::2], dtype=np.int64)]
                reply = {"values": [None if math.isnan(v) else float(v) for v in vals.tolist()]}
            elif op == "free":
                x = c = None
                reply = {"ok": True}
            elif op == "quit":
                print(json.dumps({"ok": True}), flush=True)
                return
            else:
                reply = {"error": f"unknown op {op!r}"}
        except Exception as err:  # report and keep serving: the JS side decides
            reply = {"error": f"{type(err).__name__}: {err}"}
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
