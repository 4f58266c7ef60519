"""Reference rankings for test/rank-fixtures.test.ts, computed as NeuroX computes them: float32 weights and
activations, numpy float32 arithmetic, scikit-learn's average_precision_score. Run with Debian's python3
(numpy 1.24, scikit-learn 1.2):

    /usr/bin/python3 tools/make-rank-fixtures.py     # writes test/fixtures/rank/neurox.json

The algorithms are transcribed from NeuroX's interpretation/linear_probe.py (get_top_neurons, get_bottom_neurons,
get_top_neurons_hard_threshold, get_neuron_ordering, get_neuron_ordering_granular), probeless.py and iou_probe.py.
Two deliberate changes, matching neurosieve's documented choices, so that the comparison is exact: sets are
listed in ascending id order (NeuroX: Python set order), and argsort is stable (NeuroX: numpy's default
quicksort, unstable for n > 16, which only matters for tied values; the data below has no ties in |w| other than
exact zeros, which never enter a prefix before the end).
"""
import json
import os

import numpy as np
from sklearn.metrics import average_precision_score

rng = np.random.default_rng(20261125)
OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "rank", "neurox.json")

# A probe-like weight matrix: 4 classes x 300 neurons, heavy-tailed, 15% exact zeros, some all-zero columns.
C, D = 4, 300
W = (rng.standard_normal((C, D)) * np.where(rng.random((C, D)) < 0.05, 8.0, 0.3)).astype(np.float32)
W[rng.random((C, D)) < 0.15] = 0
W[:, [17, 123, 250]] = 0


def top_neurons(W, p, bottom=False):
    A = np.abs(W)
    per = {}
    for c in range(A.shape[0]):
        total = np.sum(A[c])
        idx = np.argsort(A[c], kind="stable") if bottom else np.argsort(-A[c], kind="stable")
        cs = np.cumsum(A[c, idx])
        un = np.where(cs >= total * p)[0]
        sel = np.arange(cs.shape[0]) if un.shape[0] == 0 else np.arange(un[0] + 1)
        per[c] = idx[sel].tolist()
    union = sorted(set().union(*per.values()))
    return union, per


def hard_threshold(W, f):
    A = np.abs(W)
    per = {c: np.where(A[c] > np.max(A[c]) / f)[0].tolist() for c in range(A.shape[0])}
    return sorted(set().union(*per.values())), per


def ordering(W, s):
    sets = [top_neurons(W, p / s)[0] for p in range(s + 1)]
    considered, order, cutoffs = set(), [], []
    for st in sets:
        new = sorted(set(st) - considered)
        order += new
        considered |= set(new)
        cutoffs.append(len(order))
    return order, cutoffs


def granular(W, g, s):
    sets = [top_neurons(W, p / s)[0] for p in range(s + 1)]
    i_set, considered, order, cutoffs = 0, set(), [], []
    for i in range(0, W.shape[1] + 1, g):
        while i_set < len(sets) and len(sets[i_set]) < i:
            i_set += 1
        if i_set == len(sets):  # NeuroX: IndexError
            break
        new = sorted(set(sets[i_set]) - considered)
        if new:
            order += new
            considered |= set(new)
            cutoffs.append(len(order))
    return order, cutoffs


# Activations for probeless / AP: T x 40, three classes, neurons 5 and 11 informative, values on a grid (ties).
T, DX = 500, 40
y = rng.integers(0, 3, T).astype(np.int32)
X = rng.standard_normal((T, DX)).astype(np.float32)
X[:, 5] += (y == 1) * 1.5
X[:, 11] -= (y == 2) * 1.0
X = (np.round(X * 20) / 20).astype(np.float32)

groups = {}
for i in range(y.size):
    groups.setdefault(int(y[i]), []).append(X[i])
means = {k: np.mean(v, axis=0) for k, v in groups.items()}
overall = np.zeros(DX, dtype=np.float32)
keys = sorted(means)
for a in range(len(keys)):
    for b in range(a + 1, len(keys)):
        overall += np.abs(means[keys[a]] - means[keys[b]])

Z = X.copy()
Z[np.abs(Z) < 0.05] = 0
ap = {c: [float(average_precision_score((y == c).astype(int), Z[:, j])) for j in range(DX)] for c in range(3)}

def f32(a):
    """Shortest decimal that reads back as the same float32 (smaller fixture; JS rounds it with Float32Array)."""
    return [float(np.format_float_positional(np.float32(v), unique=True, trim="-")) for v in np.ravel(a)]


fixture = {
    "weights": {"classes": C, "neurons": D, "values": f32(W)},
    "top": {str(p): top_neurons(W, p)[0] for p in [0.0, 0.05, 0.3, 0.5, 0.9, 1.0]},
    "topPerClass": {str(p): top_neurons(W, p)[1] for p in [0.05, 0.5]},
    "bottom": {str(p): top_neurons(W, p, bottom=True)[0] for p in [0.0, 0.1, 0.5]},
    "threshold": {str(f): hard_threshold(W, f)[0] for f in [1.5, 2.0, 5.0, 20.0]},
    "ordering": {str(s): dict(zip(["ordering", "cutoffs"], ordering(W, s))) for s in [10, 100]},
    "granular": {f"{g},{s}": dict(zip(["ordering", "cutoffs"], granular(W, g, s))) for g, s in [(50, 100), (7, 20)]},
    "activations": {"rows": T, "cols": DX, "values": f32(X), "labels": y.tolist()},
    "probeless": {"scores": overall.astype(float).tolist()},
    "ap": {str(c): v for c, v in ap.items()},
}
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump(fixture, f, separators=(",", ":"))
print(f"wrote {OUT}: {os.path.getsize(OUT)} bytes")
