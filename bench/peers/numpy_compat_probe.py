#!/usr/bin/env python3
"""numpy peer of neurosieve's compatible probe trainer (bench/probe-compat.mjs): NeuroX's
train_logistic_regression_probe loop written with numpy in float32, as torch runs it on the CPU:

    for each epoch, for each minibatch of `batch` rows in order (the last one partial):
        z = xb @ W.T + b                                   (float32 GEMM, OpenBLAS)
        loss = mean CE(softmax(z), y) + l1 * sum|W| + l2 * sqrt(sum W^2)
        G = (softmax(z) - onehot(y)) / n
        gW = G.T @ xb + l1 * sign(W) + l2 * W / ||W||      gb = G.sum(0)
        Adam (torch.optim.Adam: beta 0.9/0.999, eps 1e-8 added to sqrt(v_hat), bias-corrected) or SGD

Usage: numpy_compat_probe.py <dir> <epochs> <batch> <lr> <l1> <l2> <adam|sgd>
  reads <dir>/x.npy (T x D float32), y.npy (int32), w0.npy (C x D float32), b0.npy (C float32);
  writes <dir>/w_numpy.npy, b_numpy.npy; prints one JSON line: seconds (training loop only), epoch losses,
  numpy / BLAS versions and the BLAS-related environment.
"""
import json
import os
import platform
import sys
import time

import numpy as np


def train(X, y, W, b, epochs, batch, lr, l1, l2, adam):
    T, D = X.shape
    C = W.shape[0]
    f = np.float32
    m, v = np.zeros_like(W), np.zeros_like(W)
    mb, vb = np.zeros_like(b), np.zeros_like(b)
    b1, b2, eps = 0.9, 0.999, 1e-8
    step = 0
    losses = []
    for _ in range(epochs):
        total, batches = 0.0, 0
        for start in range(0, T, batch):
            xb = X[start:start + batch]
            yb = y[start:start + batch]
            n = xb.shape[0]
            rows = np.arange(n)
            z = xb @ W.T + b
            z -= z.max(axis=1, keepdims=True)
            e = np.exp(z)
            p = e / e.sum(axis=1, keepdims=True)
            norm = float(np.sqrt(np.dot(W.ravel(), W.ravel())))
            total += float(-np.log(p[rows, yb]).mean()) + l1 * float(np.abs(W).sum()) + l2 * norm
            batches += 1
            p[rows, yb] -= 1
            p /= n
            gW = p.T @ xb
            if l1:
                gW += f(l1) * np.sign(W)
            if l2 and norm > 0:
                gW += f(l2 / norm) * W
            gb = p.sum(axis=0)
            step += 1
            if adam:
                neg_step = f(-lr / (1 - b1 ** step))
                bc2_sqrt = f(np.sqrt(1 - b2 ** step))
                for prm, g, mm, vv in ((W, gW, m, v), (b, gb, mb, vb)):
                    mm *= f(b1)
                    mm += f(1 - b1) * g
                    vv *= f(b2)
                    vv += f(1 - b2) * g * g
                    denom = np.sqrt(vv)
                    denom /= bc2_sqrt
                    denom += f(eps)
                    prm += neg_step * (mm / denom)
            else:
                W += f(-lr) * gW
                b += f(-lr) * gb
        losses.append(total / batches)
    return losses


def main():
    d = sys.argv[1]
    epochs, batch = int(sys.argv[2]), int(sys.argv[3])
    lr, l1, l2 = float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
    adam = sys.argv[7] == "adam"
    X = np.load(os.path.join(d, "x.npy"), mmap_mode=None)
    y = np.load(os.path.join(d, "y.npy")).astype(np.int64)
    W = np.load(os.path.join(d, "w0.npy")).astype(np.float32)
    b = np.load(os.path.join(d, "b0.npy")).astype(np.float32)
    X = np.ascontiguousarray(X, dtype=np.float32)
    t0 = time.perf_counter()
    losses = train(X, y, W, b, epochs, batch, lr, l1, l2, adam)
    seconds = time.perf_counter() - t0
    np.save(os.path.join(d, "w_numpy.npy"), W)
    np.save(os.path.join(d, "b_numpy.npy"), b)
    env = {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}
    print(json.dumps({"seconds": seconds, "epochLoss": losses, "numpy": np.__version__,
                      "python": platform.python_version(), "env": env}), flush=True)


if __name__ == "__main__":
    main()
