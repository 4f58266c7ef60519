"""Reference rankings computed the way NeuroX computes them (interpretation/probeless.py, iou_probe.py,
linear_probe.get_neuron_ordering), re-implemented here with numpy / scikit-learn for bench/rank.mjs.

usage: neurox_rank.py <dir>   reads <dir>/x.npy (float32 T x D), y.npy (int32 T), w.npy (float32 C x D'),
                              params.json ({"stride": s, "zero_below": z}); writes <dir>/peer.json
"""
import json
import sys
import time

import numpy as np
from sklearn.metrics import average_precision_score


def probeless(X, y):
    # NeuroX get_mean_vectors: rows grouped per label in first-appearance order, np.mean per group (float32),
    # then get_overall_ranking: sum over label pairs of |mean_a - mean_b|, argsort descending.
    groups = {}
    for i in range(y.size):
        groups.setdefault(y[i], []).append(X[i])
    means = [np.mean(v, axis=0) for v in groups.values()]
    overall = np.zeros_like(means[0])
    for a in range(len(means)):
        for b in range(a + 1, len(means)):
            overall += np.abs(means[a] - means[b])
    return overall, np.argsort(overall)[::-1]


def iou(X, y, zero_below, target):
    # NeuroX iou_probe.get_neuron_ordering (binary labels): zero small activations, AP per neuron.
    Z = X.copy()
    Z[np.abs(Z) < zero_below] = 0
    yb = (y == target).astype(np.int32)
    score = np.array([average_precision_score(yb, Z[:, i]) for i in range(Z.shape[1])])
    return score, np.argsort(score)[::-1]


def top_neurons(W, p):
    sets = set()
    for c in range(W.shape[0]):
        total = np.sum(W[c])
        idx = np.argsort(W[c])[::-1]
        cs = np.cumsum(W[c, idx])
        un = np.where(cs >= total * p)[0]
        sel = np.arange(cs.shape[0]) if un.shape[0] == 0 else np.arange(un[0] + 1)
        sets.update(idx[sel].tolist())
    return sets


def ordering(W, stride):
    W = np.abs(W)
    considered, order, cutoffs = set(), [], []
    for i in range(stride + 1):
        new = top_neurons(W, i / stride) - considered
        order += sorted(new)
        considered |= new
        cutoffs.append(len(order))
    return order, cutoffs


def main():
    d = sys.argv[1]
    X = np.load(f"{d}/x.npy")
    y = np.load(f"{d}/y.npy")
    W = np.load(f"{d}/w.npy")
    params = json.load(open(f"{d}/params.json"))
    out = {}
    t = time.perf_counter()
    s, _ = probeless(X, y)
    out["probeless"] = {"seconds": time.perf_counter() - t, "scores": s.astype(float).tolist()}
    t = time.perf_counter()
    s, _ = iou(X, y, params["zero_below"], params["target"])
    out["iou"] = {"seconds": time.perf_counter() - t, "scores": s.astype(float).tolist()}
    t = time.perf_counter()
    o, c = ordering(W, params["stride"])
    out["ordering"] = {"seconds": time.perf_counter() - t, "ordering": o, "cutoffs": c}
    json.dump(out, open(f"{d}/peer.json", "w"))


if __name__ == "__main__":
    main()
