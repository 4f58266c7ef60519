#!/usr/bin/env python3
"""scipy peer for bench/clustering.mjs: the reference pipeline (NeuroX create_correlation_clusters, on a
correlation matrix instead of activations) from a D x D .npy to the linkage matrix, in its own process.

  python3 scipy_linkage.py <corr.npy> <method> <Z-out.npy>

Prints one JSON line: versions, seconds for np.load, for the NeuroX preprocessing (float64, nan_to_num,
(r + r.T) / 2, diagonal 1, squareform(1 - |r|)), for linkage() alone, in total, and the peak RSS
(ru_maxrss) of the process.
"""
import json
import resource
import sys
import time

import numpy as np
import scipy
from scipy.cluster.hierarchy import linkage
from scipy.spatial.distance import squareform


def main():
    path, method, out = sys.argv[1], sys.argv[2], sys.argv[3]
    t0 = time.perf_counter()
    corr = np.load(path)
    t1 = time.perf_counter()
    corr = np.nan_to_num(corr.astype(np.float64))
    corr = (corr + corr.T) / 2
    np.fill_diagonal(corr, 1)
    d = squareform(1 - np.abs(corr))
    del corr
    t2 = time.perf_counter()
    Z = linkage(d, method=method)
    t3 = time.perf_counter()
    np.save(out, Z)
    print(json.dumps({
        'python': sys.version.split()[0], 'numpy': np.__version__, 'scipy': scipy.__version__, 'executable': sys.executable,
        'loadSeconds': t1 - t0, 'prepSeconds': t2 - t1, 'linkageSeconds': t3 - t2, 'seconds': t3 - t0,
        'peakRssBytes': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }), flush=True)


if __name__ == '__main__':
    main()
