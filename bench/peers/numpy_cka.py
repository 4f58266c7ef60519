"""CKA peers for bench/cka.mjs, in float64 numpy (Debian's python3-numpy), the way the CKA tools people use compute it:

  gram      Kornblith et al.'s full-Gram CKA (their `cka(gram_linear(x), gram_linear(y), debiased=True)`): one n×n
            Gram per layer (centred; debiased: the unbiased HSIC of Song et al. 2012), every layer pair. Memory n²
            float64 per layer held (all L Grams are kept, as a layer-pair loop over cached Grams does).
  minibatch torch_cka / Nguyen et al. 2021: the unbiased HSIC averaged over batches of rows (given by the caller,
            so that both sides see the same rows), then CKA = mean HSIC_ab / sqrt(mean HSIC_aa · mean HSIC_bb).

usage: numpy_cka.py gram <x.npy> <rows> <layer_width>
       numpy_cka.py minibatch <x.npy> <batches.npy (int32 [k, m])> <layer_width>
Prints one JSON line: {"seconds", "maxRssBytes", "matrix"}; seconds exclude reading the file.
"""
import json
import resource
import sys
import time

import numpy as np


def unbiased_hsic(K, L):
    """Song et al. 2012 (Kornblith et al.'s debiased HSIC up to the 1/(n(n−3)) factor they also apply)."""
    n = K.shape[0]
    K = K.copy()
    L = L.copy()
    np.fill_diagonal(K, 0)
    np.fill_diagonal(L, 0)
    one_k = K.sum(axis=1)
    one_l = L.sum(axis=1)
    return (np.sum(K * L) + one_k.sum() * one_l.sum() / ((n - 1) * (n - 2)) - 2 * (one_k @ one_l) / (n - 2)) / (n * (n - 3))


def cka_matrix(hsic):
    d = np.sqrt(np.maximum(np.diag(hsic), 0))
    with np.errstate(divide="ignore", invalid="ignore"):
        return hsic / np.outer(d, d)


def layer_grams(x, width):
    L = x.shape[1] // width
    return [x[:, l * width:(l + 1) * width] @ x[:, l * width:(l + 1) * width].T for l in range(L)]


def hsic_all(grams):
    L = len(grams)
    h = np.zeros((L, L))
    for a in range(L):
        for b in range(a, L):
            h[a, b] = h[b, a] = unbiased_hsic(grams[a], grams[b])
    return h


def main():
    mode, path = sys.argv[1], sys.argv[2]
    width = int(sys.argv[4])
    x = np.load(path, mmap_mode="r")
    if mode == "gram":
        rows = int(sys.argv[3])
        data = np.asarray(x[:rows], dtype=np.float64)
        t0 = time.perf_counter()
        h = hsic_all(layer_grams(data, width))
    else:
        batches = np.load(sys.argv[3])
        data = [np.asarray(x[np.sort(b)], dtype=np.float64) for b in batches]
        t0 = time.perf_counter()
        h = sum(hsic_all(layer_grams(d, width)) for d in data) / len(data)
    seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": seconds, "maxRssBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                      "matrix": cka_matrix(h).tolist()}))


if __name__ == "__main__":
    main()
