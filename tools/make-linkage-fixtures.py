#!/usr/bin/python3
"""Reference linkage matrices for test/linkage.test.ts, made with Debian's python3-scipy (1.10).

Run from the repository root:  /usr/bin/python3 tools/make-linkage-fixtures.py
Writes test/fixtures/linkage/: for each case a condensed distance vector `<case>.d.npy` (float32, so the very
same values reach scipy, our float64 path and our float32 path), `<case>.<method>.Z.npy` (float64, what
scipy.cluster.hierarchy.linkage returns on those distances as float64), and manifest.json (cases, scipy
version, and fcluster labels for a few distance thresholds and maxclust values on the smaller cases).

Kinds of data:
  corr  - d = 1 - |r| of random low-rank activations with planted groups (the product's use case)
  grid  - small integers 1..4 (many exact ties: tie-breaking must be scipy's)
  euclid- Euclidean distances of random points rounded to float32 (ward's natural input)
  dup   - duplicated points: exact zero distances and many equal heights
"""
import json
import os

import numpy as np
import scipy
from scipy.cluster.hierarchy import fcluster, linkage

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'linkage')
METHODS = ['single', 'complete', 'average', 'weighted', 'ward']


def condensed_from_square(m):
    iu = np.triu_indices(m.shape[0], k=1)
    return m[iu]


def corr_case(n, rng):
    rank = max(2, n // 6)
    t = 200
    latent = rng.standard_normal((t, rank))
    mix = rng.standard_normal((rank, n)) * (rng.random(n) < 0.7)
    x = latent @ mix + rng.uniform(0.05, 1.0, n) * rng.standard_normal((t, n))
    r = np.corrcoef(x.T)
    r = np.nan_to_num(r)
    r = (r + r.T) / 2
    return condensed_from_square(1 - np.abs(r))


def grid_case(n, rng):
    return rng.integers(1, 5, size=n * (n - 1) // 2).astype(np.float64)


def euclid_case(n, rng):
    p = rng.standard_normal((n, 3)) * rng.uniform(0.5, 2.0, 3)
    diff = p[:, None, :] - p[None, :, :]
    return condensed_from_square(np.sqrt((diff ** 2).sum(-1)))


def dup_case(n, rng):
    base = rng.integers(0, 4, size=(max(1, n // 3), 2)).astype(np.float64)
    p = base[rng.integers(0, len(base), size=n)]
    diff = p[:, None, :] - p[None, :, :]
    return condensed_from_square(np.abs(diff).sum(-1))  # Manhattan on a grid: integers, many zeros


KINDS = {'corr': corr_case, 'grid': grid_case, 'euclid': euclid_case, 'dup': dup_case}
CASES = [
    ('corr', 2, 1), ('corr', 3, 2), ('corr', 7, 3), ('corr', 40, 4), ('corr', 120, 5), ('corr', 400, 6),
    ('grid', 2, 11), ('grid', 3, 12), ('grid', 6, 13), ('grid', 25, 14), ('grid', 90, 15), ('grid', 200, 16),
    ('euclid', 5, 21), ('euclid', 60, 22), ('euclid', 150, 23),
    ('dup', 9, 31), ('dup', 50, 32), ('dup', 130, 33),
]


def main():
    os.makedirs(OUT, exist_ok=True)
    manifest = {'scipy': scipy.__version__, 'numpy': np.__version__, 'methods': METHODS, 'cases': []}
    for kind, n, seed in CASES:
        rng = np.random.default_rng(seed)
        d = KINDS[kind](n, rng).astype(np.float32)
        name = f'{kind}-n{n}-s{seed}'
        np.save(os.path.join(OUT, f'{name}.d.npy'), d)
        d64 = d.astype(np.float64)
        case = {'name': name, 'kind': kind, 'n': n, 'seed': seed, 'fcluster': {}}
        for method in METHODS:
            Z = linkage(d64, method)
            np.save(os.path.join(OUT, f'{name}.{method}.Z.npy'), Z)
            if n <= 130:
                hs = np.unique(Z[:, 2])
                ts = sorted(set([0.0, float(hs[len(hs) // 3]), float(hs[len(hs) // 2]), 0.3, 0.5, 1.0, 2.0, float(hs[-1])]))
                ks = sorted(set([1, 2, 3, max(1, n // 4), max(1, n // 2), n]))
                case['fcluster'][method] = {
                    'distance': [{'t': t, 'labels': fcluster(Z, t, criterion='distance').tolist()} for t in ts],
                    'maxclust': [{'t': k, 'labels': fcluster(Z, k, criterion='maxclust').tolist()} for k in ks],
                }
        manifest['cases'].append(case)
    with open(os.path.join(OUT, 'manifest.json'), 'w') as f:
        json.dump(manifest, f, separators=(',', ':'))
        f.write('\n')


if __name__ == '__main__':
    main()
