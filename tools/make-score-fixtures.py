#!/usr/bin/python3
"""scikit-learn's adjusted_rand_score and normalized_mutual_info_score (average_method='arithmetic', the default)
on label pairs shaped like redundancy clusterings (planted groups + singletons, cuts that split and merge them),
random labelings and the edge cases, for test/score/partition-scores.test.ts. Run once with Debian's python3-sklearn:
    /usr/bin/python3 tools/make-score-fixtures.py > test/fixtures/score/sklearn-partitions.json
"""
import json

import numpy as np
import sklearn
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.metrics.cluster import pair_confusion_matrix

rng = np.random.default_rng(20261203)
cases = []


def add(name, truth, pred):
    truth = [int(x) for x in truth]
    pred = [int(x) for x in pred]
    cases.append({
        "name": name,
        "truth": truth,
        "pred": pred,
        "ari": float(adjusted_rand_score(truth, pred)),
        "nmi": float(normalized_mutual_info_score(truth, pred)),
        # ordered pair counts [[tn, fp], [fn, tp]]
        "pairConfusion": pair_confusion_matrix(truth, pred).tolist(),
    })


def planted(n, groups, size):
    labels = np.arange(n) + groups  # singletons
    perm = rng.permutation(n)
    for g in range(groups):
        labels[perm[g * size:(g + 1) * size]] = g
    return labels


for k, (n, g, s) in enumerate([(40, 4, 4), (200, 20, 5), (500, 30, 8), (1000, 100, 3)]):
    t = planted(n, g, s)
    add(f"planted {n}: identical", t, t)
    # split: each group's last member alone; merged: groups joined in pairs; noise: 10% relabelled at random
    split = t.copy()
    for gid in range(g):
        split[np.flatnonzero(t == gid)[-1]] = 10 * n + gid
    add(f"planted {n}: split", t, split)
    merged = np.where(t < g, t // 2, t)
    add(f"planted {n}: merged", t, merged)
    noisy = t.copy()
    idx = rng.choice(n, n // 10, replace=False)
    noisy[idx] = rng.integers(0, g + 5, size=idx.size)
    add(f"planted {n}: relabelled", t, noisy)
    add(f"planted {n}: random labels", t, rng.integers(0, n // 3, size=n))
    add(f"planted {n}: all singletons", t, np.arange(n))
    add(f"planted {n}: one cluster", t, np.zeros(n, dtype=int))
for k in range(6):
    n = int(rng.integers(2, 300))
    add(f"random {k}", rng.integers(0, int(rng.integers(1, 20)), size=n), rng.integers(0, int(rng.integers(1, 20)), size=n))
add("both all singletons", range(10), range(10))
add("both one cluster", [3] * 7, [5] * 7)
add("singletons vs one cluster", range(6), [0] * 6)
add("two neurons, apart vs together", [0, 1], [0, 0])
add("negative and large labels", [-5, -5, 7, 1000000, 7], [2, 2, 2, -1, -1])

print(json.dumps({"generator": f"tools/make-score-fixtures.py, scikit-learn {sklearn.__version__}, numpy {np.__version__}", "cases": cases}))
