#!/usr/bin/env python3
"""An external redundancy method for `neurosieve bench-redundancy`, written against the file contract only
(README "Benchmarking redundancy methods"): connected components of the graph |r| >= R (single linkage at
t = 1 - R), the lowest id of each component kept. Standard library only, so it runs wherever python3 does.

    neurosieve bench-redundancy -o b.json --command 'components=python3 bench/external/threshold_components.py {corr} {out} 0.7'
"""
import ast
import json
import struct
import sys


def read_npy_f4(path):
    with open(path, "rb") as f:
        if f.read(6) != b"\x93NUMPY":
            raise SystemExit(f"{path}: not a .npy file")
        major = f.read(2)[0]
        hlen = struct.unpack("<H" if major == 1 else "<I", f.read(2 if major == 1 else 4))[0]
        header = ast.literal_eval(f.read(hlen).decode("latin1"))
        if header["descr"] != "<f4" or header["fortran_order"] or len(header["shape"]) != 2:
            raise SystemExit(f"{path}: expected a C-ordered float32 [n, n] matrix, got {header}")
        n = header["shape"][0]
        data = f.read(4 * n * n)
    return n, struct.unpack(f"<{n * n}f", data)


def main():
    corr, out, r_min = sys.argv[1], sys.argv[2], float(sys.argv[3])
    n, r = read_npy_f4(corr)
    parent = list(range(n))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(n):
        row = i * n
        for j in range(i + 1, n):
            if abs(r[row + j]) >= r_min:
                a, b = find(i), find(j)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    labels = [find(i) for i in range(n)]
    kept = sorted(set(labels))  # the root is the lowest id of its component
    with open(out, "w") as f:
        json.dump({"cuts": [{"threshold": round(1 - r_min, 12), "labels": labels, "kept": kept}]}, f)


if __name__ == "__main__":
    main()
