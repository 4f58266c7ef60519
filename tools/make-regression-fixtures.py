"""Reference solutions for the exact regression probe (test/probe/regression.test.ts): scikit-learn's ElasticNet
(coordinate descent, tol 1e-12) on small planted problems, with the metrics scikit-learn and scipy report for its
predictions. Run with Debian's python3 (numpy 1.24, scikit-learn 1.2):

    /usr/bin/python3 tools/make-regression-fixtures.py   # writes test/fixtures/regression/*.npy and cases.json

Objective. scikit-learn's ElasticNet minimises (1/2T)·‖y − Xw − b‖² + alpha·l1_ratio·‖w‖₁ + alpha·(1 − l1_ratio)/2·‖w‖²
and so does neurosieve's exact regression probe with λ = alpha, α = l1_ratio. The objective stored here is that
function at sklearn's solution, evaluated in float64 on the same float32 data.
"""
import json
import os

import numpy as np
import scipy.stats
import sklearn
from sklearn.linear_model import ElasticNet
from sklearn.metrics import mean_squared_error, r2_score

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "regression")

# name, rows, neurons, seed, alpha (l1 share), λ as a fraction of λ_max, feature offset
CASES = [
    ("a", 300, 20, 1, 0.5, 0.05, 0.0),
    ("b", 400, 40, 2, 0.9, 0.02, 0.0),
    ("c", 500, 60, 3, 1.0, 0.1, 50.0),
    ("d", 300, 30, 4, 0.2, 0.01, 0.0),
]


def planted(T, D, seed, offset):
    """Unit-scale features (some correlated); the target is a sparse combination of 5 of them plus noise."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((T, D))
    x[:, 1] = 0.8 * x[:, 0] + 0.6 * x[:, 1]  # a correlated pair: the elastic net shares weight between them
    w = np.zeros(D)
    w[[0, 2, 3, 5, 7]] = [2.0, -1.5, 1.0, 0.5, -0.25]
    y = x @ w + 3.0 + 0.3 * rng.standard_normal(T)
    return (x + offset).astype(np.float32), y


def main():
    os.makedirs(OUT, exist_ok=True)
    cases = []
    for name, T, D, seed, alpha, frac, offset in CASES:
        x32, y = planted(T, D, seed, offset)
        x = x32.astype(np.float64)
        xc = x - x.mean(axis=0)
        lam_max = np.max(np.abs(xc.T @ (y - y.mean()))) / (T * max(alpha, 1e-3))
        lam = frac * lam_max
        m = ElasticNet(alpha=lam, l1_ratio=alpha, tol=1e-12, max_iter=1_000_000, selection="cyclic")
        m.fit(x, y)
        w, b = m.coef_, m.intercept_
        r = y - x @ w - b
        objective = r @ r / (2 * T) + lam * (alpha * np.abs(w).sum() + (1 - alpha) / 2 * (w @ w))
        pred = x @ w + b
        np.save(os.path.join(OUT, f"{name}-x.npy"), x32)
        np.save(os.path.join(OUT, f"{name}-y.npy"), y)
        cases.append({
            "name": name, "rows": T, "neurons": D, "alpha": alpha, "lambda": lam, "lambdaMax": lam_max,
            "sklearn": {
                "objective": objective, "weight": w.tolist(), "bias": float(b),
                "nonzeros": int(np.count_nonzero(w)),
                # metrics of sklearn's own predictions (float64), for regressionMetrics
                "mse": mean_squared_error(y, pred), "r2": r2_score(y, pred),
                "pearson": scipy.stats.pearsonr(pred, y)[0],
            },
        })
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump({"generator": "tools/make-regression-fixtures.py", "sklearn": sklearn.__version__,
                   "numpy": np.__version__, "cases": cases}, f, indent=1)


if __name__ == "__main__":
    main()
