"""Reference solutions for the exact probe solver (test/probe-exact.test.ts): scikit-learn's elastic-net
multinomial logistic regression (saga) on small planted problems. Run with Debian's python3 (numpy 1.24,
scikit-learn 1.2):

    /usr/bin/python3 tools/make-probe-fixtures.py     # writes test/fixtures/probe/*.npy and cases.json

Objectives. neurosieve's exact mode minimises
    F(W, b) = (1/T)·Σ_t w[y_t]·CE_t + λ·(α‖W‖₁ + (1−α)/2·‖W‖²_F)
and scikit-learn minimises C·Σ_t w[y_t]·CE_t + l1_ratio‖W‖₁ + (1−l1_ratio)/2‖W‖²_F, so C = 1/(λ·T) and
l1_ratio = α give sklearn's objective = F/λ: the same minimiser. The objective stored here is F at sklearn's
solution, evaluated in float64 on the same float32 data.

Binary tasks. With multi_class='multinomial' and two classes, sklearn's coef_ is one row w and the model is the
two-way softmax of logits (−x·w − b, x·w + b) (checked: predict_proba equals sigmoid(2(x·w + b))). Its penalty
is on both rows, so the full 2×D matrix is [−w; w] and that is what is stored and scored.
"""
import json
import os
import time
import warnings

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "probe")

# name, rows, neurons, classes, seed, alpha, λ as a fraction of λ_max, class weights
CASES = [
    ("a", 200, 20, 2, 1, 0.5, 0.05, None),
    ("b", 200, 20, 5, 2, 0.9, 0.1, None),
    ("c", 500, 50, 5, 3, 0.5, 0.05, "balanced"),
    ("d", 500, 50, 2, 4, 1.0, 0.05, None),
]


def planted(T, D, C, seed):
    """Unit-scale noise; neuron k (k < 2C) carries class k % C with a shift; class sizes uneven."""
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.full(C, 4.0))
    y = rng.choice(C, size=T, p=p).astype(np.int32)
    x = rng.standard_normal((T, D))
    for k in range(min(2 * C, D)):
        x[:, k] += 1.2 * (y == k % C)
    x += rng.normal(0, 0.3, D)  # small per-neuron offsets
    return x.astype(np.float32), y


def softmax_ce(Z, y):
    m = Z.max(axis=1, keepdims=True)
    lse = (m[:, 0] + np.log(np.exp(Z - m).sum(axis=1)))
    return lse - Z[np.arange(len(y)), y]


def full_weights(model, C):
    W, b = model.coef_.astype(np.float64), model.intercept_.astype(np.float64)
    if C == 2:
        W, b = np.vstack([-W, W]), np.concatenate([-b, b])
    return W, b


def objective(x, y, W, b, lam, alpha, cw):
    T = len(y)
    ce = softmax_ce(x.astype(np.float64) @ W.T + b, y)
    return float((cw[y] * ce).sum() / T + lam * (alpha * np.abs(W).sum() + 0.5 * (1 - alpha) * (W * W).sum()))


def lambda_max(x, y, C, alpha, cw):
    T = len(y)
    a = cw[y] / T
    mass = np.array([a[y == c].sum() for c in range(C)])
    p = mass / mass.sum()
    R = a[:, None] * (p[None, :] - np.eye(C)[y])
    return float(np.abs(R.T @ x.astype(np.float64)).max() / max(alpha, 1e-3))


def main():
    os.makedirs(OUT, exist_ok=True)
    cases = []
    for name, T, D, C, seed, alpha, ratio, weighting in CASES:
        x, y = planted(T, D, C, seed)
        counts = np.bincount(y, minlength=C)
        cw = T / (C * counts) if weighting == "balanced" else np.ones(C)
        lam = ratio * lambda_max(x, y, C, alpha, cw)
        model = LogisticRegression(
            penalty="elasticnet", solver="saga", multi_class="multinomial", C=1.0 / (lam * T), l1_ratio=alpha,
            tol=1e-10, max_iter=200_000, random_state=0, class_weight="balanced" if weighting == "balanced" else None,
        )
        t0 = time.time()
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a ConvergenceWarning would make the reference worthless
            model.fit(x.astype(np.float64), y)
        W, b = full_weights(model, C)
        np.save(os.path.join(OUT, f"{name}-x.npy"), x)
        np.save(os.path.join(OUT, f"{name}-y.npy"), y)
        cases.append({
            "name": name, "rows": T, "neurons": D, "classes": C, "seed": seed, "alpha": alpha, "lambda": lam,
            "lambdaRatio": ratio, "classWeights": cw.tolist(), "weighting": weighting,
            "sklearn": {
                "objective": objective(x, y, W, b, lam, alpha, cw), "iterations": int(model.n_iter_[0]),
                "seconds": round(time.time() - t0, 3), "weight": W.tolist(), "bias": b.tolist(),
                "nonzeros": int((W != 0).sum()),
            },
        })
        print(name, T, D, C, "lambda", lam, "objective", cases[-1]["sklearn"]["objective"], "iters", model.n_iter_[0])
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump({"generator": "tools/make-probe-fixtures.py", "sklearn": sklearn.__version__, "numpy": np.__version__,
                   "cases": cases}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
