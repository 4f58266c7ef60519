"""scikit-learn's elastic-net multinomial logistic regression (saga) on the problem bench/probe.mjs solves.

usage: sklearn_probe.py <dir>   reads <dir>/x.npy (float32 T x D, already z-scored), y.npy (int32 T),
                                params.json {"lambda", "alpha", "tol", "max_iter"}; writes <dir>/peer.json

neurosieve minimises F = (1/T)·Σ CE + λ·(α‖W‖₁ + (1−α)/2·‖W‖²); sklearn with C = 1/(λ·T), l1_ratio = α minimises
F/λ (tools/make-probe-fixtures.py explains the correspondence). The objective reported is F at sklearn's
solution, in float64. Only fit() is timed.
"""
import json
import os
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression


def main(d):
    x = np.load(os.path.join(d, "x.npy"))
    y = np.load(os.path.join(d, "y.npy"))
    p = json.load(open(os.path.join(d, "params.json")))
    T = x.shape[0]
    C = int(y.max()) + 1
    lam, alpha = p["lambda"], p["alpha"]
    model = LogisticRegression(penalty="elasticnet", solver="saga", multi_class="multinomial", C=1.0 / (lam * T),
                               l1_ratio=alpha, tol=p["tol"], max_iter=p["max_iter"], random_state=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        t0 = time.perf_counter()
        model.fit(x, y)
        seconds = time.perf_counter() - t0
    W = model.coef_.astype(np.float64)
    b = model.intercept_.astype(np.float64)
    if C == 2:
        W, b = np.vstack([-W, W]), np.concatenate([-b, b])
    Z = x.astype(np.float64) @ W.T + b
    m = Z.max(axis=1, keepdims=True)
    ce = m[:, 0] + np.log(np.exp(Z - m).sum(axis=1)) - Z[np.arange(T), y]
    F = ce.mean() + lam * (alpha * np.abs(W).sum() + 0.5 * (1 - alpha) * (W * W).sum())
    out = {"seconds": seconds, "objective": float(F), "iterations": int(model.n_iter_[0]), "nonzeros": int((W != 0).sum()),
           "converged": not any(issubclass(w.category, ConvergenceWarning) for w in caught), "sklearn": sklearn.__version__,
           "dtype": str(x.dtype)}
    json.dump(out, open(os.path.join(d, "peer.json"), "w"))


if __name__ == "__main__":
    main(sys.argv[1])
