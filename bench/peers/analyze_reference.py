#!/usr/bin/env python3
"""Peer of `neurosieve analyze` for bench/analyze.mjs: the LS -> CC -> LCA pipeline (method.md §5) written the way the
reference scripts do it (Sharma et al. 2023 / Dalvi et al. 2020 sentence pipeline + NeuroX), in one process:

  - split: np.random.seed(7361), shuffle an index array, first int(0.9 n) rows train, the rest dev (fancy-index copies);
  - normalization: per-column mean / population std of the train rows (token tagging's utils.Normalization);
  - probes: NeuroX train_logistic_regression_probe — torch nn.Linear, CrossEntropy + l1*sum|W| + l2*sqrt(sum W^2),
    Adam lr 1e-3, minibatches in row order (torch from Debian when importable, else the same loop in float32 numpy,
    bench/peers/numpy_compat_probe.py); column subsets are taken with X[:, cols] (a copy per probe) as
    filter_activations_keep_neurons does; evaluation argmax in batches of 32;
  - oracle over `seeds` seeds (the best on dev kept), independent layer probes, incremental prefixes (the last one
    copied from the oracle), LS per delta_L (first prefix strictly above oracle*(1 - dL/100));
  - CC: NeuroX extract_independent_neurons on the LS-selected columns for every threshold — np.corrcoef(X.T),
    nan_to_num, symmetrize, squareform(1 - |r|), scipy linkage(average), fcluster(distance), np.random.choice per
    cluster (the corrected variant: every threshold clusters the LS-selected columns themselves) — then a probe;
  - LCA: NeuroX get_neuron_ordering(probe, stride 1000) (get_top_neurons per step, Python sets), k = int(p * D) over the
    percentage grid, skip k above the CC columns, first probe strictly above CC*(1 - dN/100) wins;
    every (delta, threshold) pair is run as the reference loops them (no memoisation);
  - CC-only (all columns, every threshold) and LCA-only (all columns, no clustering) rows; concept neurons
    (get_top_neurons(oracle, 0.05)) and, when words are given, NeuroX-style top words.

Reduced step counts (for D = 9,984) with exact projections:
  --measure-epochs E   probes train E epochs instead of `epochs`; projected probe-loop time = measured * epochs / E
                       (each epoch is the same work: the same batches in the same order).
  --cluster-once       one corrcoef + linkage per distinct column set instead of one per threshold (the reference
                       recomputes both for every threshold on the same input); projected = measured + (calls - 1) * t.
Decisions (LS layers, LCA sizes) then come from the reduced-epoch scores, so the probe count can differ from a full run.

Usage: analyze_reference.py <x.npy> <y.npy> <neurons-per-layer> <out.json> [--epochs 10] [--measure-epochs E]
       [--batch 128] [--seeds 5] [--cluster-once] [--words tokens.in] [--thresholds -1,0.1,...] [--backend torch|numpy]
Prints nothing but progress on stderr; writes <out.json>: seconds per step, measured and projected totals, probe
counts, peak RSS (ru_maxrss), versions.
"""
import argparse
import json
import os
import platform
import resource
import sys
import time

import numpy as np
import scipy
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

LCA_PERCENTAGES = [0.001, 0.002, 0.003, 0.004, 0.005, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.1,
                   0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9]
DELTAS = [(3, 1), (2, 1), (1, 1)]


def log(msg):
    print(f"  [peer] {msg}", file=sys.stderr, flush=True)


class Clock:
    def __init__(self):
        self.seconds = {}
        self.probe_loop = 0.0
        self.probes = 0
        self.probe_columns = 0
        self.cluster_calls = 0
        self.cluster_computed = 0
        self.cluster_extra = 0.0  # projected time of the corrcoef + linkage calls skipped by --cluster-once

    def add(self, step, s):
        self.seconds[step] = self.seconds.get(step, 0.0) + s


# ---- probes ---------------------------------------------------------------------------------------------------------
def make_trainer(backend, C, batch, l1, l2, lr, clock):
    if backend == "torch":
        import torch

        def train(X, y, epochs, seed):
            if seed is not None:
                torch.manual_seed(seed)
            model = torch.nn.Linear(X.shape[1], C)
            crit = torch.nn.CrossEntropyLoss()
            opt = torch.optim.Adam(model.parameters(), lr=lr)
            Xt = torch.from_numpy(X)
            yt = torch.from_numpy(y)
            t0 = time.perf_counter()
            for _ in range(epochs):
                for s in range(0, X.shape[0], batch):
                    xb, yb = Xt[s:s + batch], yt[s:s + batch]
                    opt.zero_grad()
                    out = model(xb)
                    w = list(model.parameters())[0]
                    loss = crit(out, yb) + l1 * torch.sum(torch.abs(w)) + l2 * torch.sqrt(torch.sum(w ** 2))
                    loss.backward()
                    opt.step()
            clock.probe_loop += time.perf_counter() - t0
            return model.weight.detach().numpy().copy(), model.bias.detach().numpy().copy()
        return train

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from numpy_compat_probe import train as np_train

    def train(X, y, epochs, seed):
        rng = np.random.RandomState(seed if seed is not None else 0)
        bound = 1 / np.sqrt(X.shape[1])
        W = rng.uniform(-bound, bound, (C, X.shape[1])).astype(np.float32)
        b = rng.uniform(-bound, bound, C).astype(np.float32)
        t0 = time.perf_counter()
        np_train(X, y, W, b, epochs, batch, lr, l1, l2, True)
        clock.probe_loop += time.perf_counter() - t0
        return W, b
    return train


def accuracy(W, b, X, y):
    correct = 0
    for s in range(0, X.shape[0], 32):  # NeuroX evaluate_probe: batches of 32, argmax
        z = X[s:s + 32] @ W.T + b
        correct += int((z.argmax(1) == y[s:s + 32]).sum())
    return correct / X.shape[0]


# ---- NeuroX ranking -------------------------------------------------------------------------------------------------
def get_top_neurons(W, percentage, C):
    weights = np.abs(W)
    top = {}
    for c in range(C):
        total_mass = np.sum(weights[c, :])
        sort_idx = np.argsort(weights[c, :])[::-1]
        cum_sums = np.cumsum(weights[c, sort_idx])
        unselected = np.where(cum_sums >= total_mass * percentage)[0]
        selected = np.arange(cum_sums.shape[0]) if unselected.shape[0] == 0 else np.arange(unselected[0] + 1)
        top[c] = sort_idx[selected]
    union = set()
    for c in top:
        for t in top[c]:
            union.add(t)
    return np.array(list(union)), top


def get_neuron_ordering(W, C, search_stride=1000):
    orderings = [get_top_neurons(W, p / search_stride, C)[0] for p in range(0, search_stride + 1)]
    considered, ordering = set(), []
    for local in orderings:
        new = set(list(local)).difference(considered)
        ordering = ordering + list(new)
        considered = considered.union(new)
    return ordering


# ---- clustering ------------------------------------------------------------------------------------------------------
def create_correlation_clusters(X, threshold):
    corr = np.corrcoef(X.T)
    corr = np.nan_to_num(corr)
    corr = (corr + corr.T) / 2
    np.fill_diagonal(corr, 1)
    return linkage(squareform(1 - np.abs(corr)), method="average")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("x"); ap.add_argument("y"); ap.add_argument("H", type=int); ap.add_argument("out")
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--measure-epochs", type=int, default=None)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--cluster-once", action="store_true")
    ap.add_argument("--words", default=None)
    ap.add_argument("--thresholds", default="-1,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9")
    ap.add_argument("--backend", default=None)
    a = ap.parse_args()
    E = a.measure_epochs or a.epochs
    thresholds = [float(t) for t in a.thresholds.split(",")]
    backend = a.backend
    if backend is None:
        try:
            import torch  # noqa: F401
            backend = "torch"
        except ImportError:
            backend = "numpy"
    clock = Clock()
    started = time.perf_counter()

    t0 = time.perf_counter()
    X = np.load(a.x)
    y = np.load(a.y).astype(np.int64)
    words = None
    if a.words:
        with open(a.words) as f:
            words = [w for line in f for w in line.split()]
    clock.add("load", time.perf_counter() - t0)

    t0 = time.perf_counter()
    n = X.shape[0]
    np.random.seed(7361)
    idx = np.arange(n)
    np.random.shuffle(idx)
    ntr = int(n * 0.9)
    raw_train = X[idx[:ntr]]
    Xtr, ytr = raw_train, y[idx[:ntr]]
    Xdv, ydv = X[idx[ntr:]], y[idx[ntr:]]
    wtr = [words[i] for i in idx[:ntr]] if words is not None and len(words) == n else None
    del X
    mean, std = Xtr.mean(axis=0), Xtr.std(axis=0)
    std[std == 0] = 1  # (the reference does not guard: zero-std columns would give NaN)
    Xtr = ((Xtr - mean) / std).astype(np.float32)
    Xdv = ((Xdv - mean) / std).astype(np.float32)
    if wtr is None:
        del raw_train
    clock.add("split+normalize", time.perf_counter() - t0)
    D = Xtr.shape[1]
    C = int(max(ytr.max(), ydv.max())) + 1
    L = D // a.H
    train = make_trainer(backend, C, a.batch, 1e-5, 1e-5, 1e-3, clock)

    def probe(cols, seed=None, step="probes"):
        t = time.perf_counter()
        Xs = Xtr if cols is None else Xtr[:, cols]  # filter_activations_keep_neurons: a copy
        Xd = Xdv if cols is None else Xdv[:, cols]
        W, b = train(Xs, ytr, E, seed)
        score = accuracy(W, b, Xd, ydv)
        clock.probes += 1
        clock.probe_columns += Xs.shape[1]
        clock.add(step, time.perf_counter() - t)
        return W, b, score

    # Oracle over seeds.
    oracles = [probe(None, s, "oracle") for s in range(a.seeds)]
    best = max(range(a.seeds), key=lambda i: oracles[i][2])
    oW, ob, oscore = oracles[best]
    log(f"oracle {oscore:.4f} (seed {best}); {time.perf_counter() - started:.1f} s")
    if backend == "torch":
        import torch as _t
        _t.manual_seed(0)  # every later probe draws its init from torch's global generator, as the reference

    # Layer probes and LS.
    independent = [probe(list(range(l * a.H, (l + 1) * a.H)), None, "layers")[2] for l in range(L)]
    incremental = [probe(list(range(0, (l + 1) * a.H)), None, "layers")[2] for l in range(L - 1)] + [oscore]
    ls = []
    for dL, _ in DELTAS:
        target = oscore * (1 - dL / 100)
        hit = next((l for l, s in enumerate(incremental) if s > target), L - 1)
        ls.append(hit)
    log(f"LS layers {ls}; {time.perf_counter() - started:.1f} s")

    def cc_columns(width, threshold):
        if threshold < 0:
            return list(range(width))
        t = time.perf_counter()
        key = (width,)
        if a.cluster_once and key in cluster_cache:
            Z, spent = cluster_cache[key]
            clock.cluster_extra += spent
        else:
            Z = create_correlation_clusters(Xtr[:, :width], threshold)
            spent = time.perf_counter() - t
            cluster_cache[key] = (Z, spent)
            clock.cluster_computed += 1
        clusters = fcluster(Z, threshold, criterion="distance")
        kept = [int(np.random.choice(np.where(clusters == i)[0])) for i in range(np.min(clusters), np.max(clusters) + 1)]
        clock.cluster_calls += 1
        clock.add("cluster", time.perf_counter() - t)
        return sorted(kept)

    cluster_cache = {}

    def lca(W, cols, base_score, dN):
        t = time.perf_counter()
        ordering = get_neuron_ordering(W, C, 1000)
        clock.add("ordering", time.perf_counter() - t)
        target = base_score * (1 - dN / 100)
        for p in LCA_PERCENTAGES:
            k = int(p * D)
            if k > len(cols) or k < 1:
                continue
            sel = [cols[j] for j in ordering[:k]]
            _, _, s = probe(sel, None, "lca")
            if s > target:
                return k, s
        return len(cols), base_score

    pipeline = []
    for (dL, dN), layer in zip(DELTAS, ls):
        width = (layer + 1) * a.H
        for th in thresholds:
            cols = cc_columns(width, th)
            W, b, s = probe(cols, None, "cc")
            k, ks = lca(W, cols, s, dN)
            pipeline.append({"deltaL": dL, "deltaN": dN, "layer": layer, "threshold": th, "cc": len(cols), "ccScore": s, "lca": k, "lcaScore": ks})
        log(f"delta {dL}: done; {time.perf_counter() - started:.1f} s")
    cc_only = []
    for th in thresholds:
        cols = cc_columns(D, th)
        _, _, s = probe(cols, None, "cc")
        cc_only.append({"threshold": th, "neurons": len(cols), "score": s})
    lca_only = lca(oW, list(range(D)), oscore, 1)
    log(f"CC-only and LCA-only done; {time.perf_counter() - started:.1f} s")

    t = time.perf_counter()
    concept, per_class = get_top_neurons(oW, 0.05, C)
    top_words = {}
    if wtr is not None:  # NeuroX get_top_words on the raw activations: |z| per token, mean per type, / max, > 0.1
        for neuron in concept:
            col = raw_train[:, neuron]
            z = np.abs((col - col.mean()) / (col.std() or 1))
            sums = {}
            for wd, v in zip(wtr, z):
                e = sums.setdefault(wd, [0.0, 0])
                e[0] += float(v); e[1] += 1
            scores = {wd: s / c for wd, (s, c) in sums.items()}
            top = max(scores.values())
            top_words[int(neuron)] = [wd for wd, s in sorted(scores.items(), key=lambda kv: -kv[1]) if s / top > 0.1][:5]
    clock.add("concepts", time.perf_counter() - t)

    total = time.perf_counter() - started
    projected_probe = clock.probe_loop * (a.epochs / E)
    projected = total + (projected_probe - clock.probe_loop) + clock.cluster_extra
    env = {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}
    info = {"python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__, "backend": backend, "env": env}
    if backend == "torch":
        info["torch"] = _t.__version__
        info["torchThreads"] = _t.get_num_threads()
    out = {
        "D": D, "C": C, "layers": L, "trainRows": int(Xtr.shape[0]), "devRows": int(Xdv.shape[0]),
        "epochs": a.epochs, "measuredEpochs": E, "clusterOnce": a.cluster_once, "thresholds": thresholds,
        "seconds": clock.seconds, "measuredSeconds": total, "probeLoopSeconds": clock.probe_loop,
        "projectedProbeLoopSeconds": projected_probe, "skippedClusterSeconds": clock.cluster_extra,
        "projectedSeconds": projected, "projected": E != a.epochs or (a.cluster_once and clock.cluster_extra > 0),
        "probes": clock.probes, "probeColumns": clock.probe_columns, "clusterCalls": clock.cluster_calls,
        "clusterComputations": clock.cluster_computed,
        "oracle": {"seed": best, "dev": oscore}, "independent": independent, "incremental": incremental, "ls": ls,
        "pipeline": pipeline, "ccOnly": cc_only, "lcaOnly": {"neurons": lca_only[0], "dev": lca_only[1]},
        "conceptNeurons": len(concept), "topWords": len(top_words),
        "peakRssBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, "info": info,
    }
    with open(a.out, "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
