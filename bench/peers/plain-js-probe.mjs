// The plain JavaScript peer of the compatible probe trainer: NeuroX's train_logistic_regression_probe loop in
// float64 typed arrays, the way a careful developer writes it without a native kernel — forward x·Wᵀ + b,
// softmax, mean cross-entropy, Gᵀ·X, λ1·sign(W) + λ2·W/‖W‖, Adam (torch semantics) — one thread, no SIMD.
// Also the reference the bench measures agreement against at a small size.

/**
 * Trains in place from W (C × D) and b (C), float64 copies of the init. x: Float32Array T × D, y: Int32Array.
 * Returns the per-epoch mean minibatch loss.
 */
export function trainPlainJs({ x, y, rows: T, cols: D }, C, W, b, { epochs = 10, batch = 32, lr = 1e-3, l1 = 0, l2 = 0 } = {}) {
  const mW = new Float64Array(C * D), vW = new Float64Array(C * D), mb = new Float64Array(C), vb = new Float64Array(C);
  const G = new Float64Array(batch * C), z = new Float64Array(C), gW = new Float64Array(C * D);
  const b1 = 0.9, b2 = 0.999, eps = 1e-8;
  let step = 0;
  const losses = [];
  const adam = (p, m, v, i, g, bc1, bc2) => {
    m[i] = b1 * m[i] + (1 - b1) * g;
    v[i] = b2 * v[i] + (1 - b2) * g * g;
    p[i] -= (lr * (m[i] / bc1)) / (Math.sqrt(v[i] / bc2) + eps);
  };
  for (let e = 0; e < epochs; e++) {
    let total = 0, batches = 0;
    for (let start = 0; start < T; start += batch) {
      const n = Math.min(batch, T - start);
      let ce = 0;
      for (let t = 0; t < n; t++) {
        const row = (start + t) * D;
        let zmax = -Infinity;
        for (let c = 0; c < C; c++) {
          let s = b[c];
          const wc = c * D;
          for (let j = 0; j < D; j++) s += x[row + j] * W[wc + j];
          z[c] = s;
          if (s > zmax) zmax = s;
        }
        let sum = 0;
        for (let c = 0; c < C; c++) sum += Math.exp(z[c] - zmax);
        const lse = zmax + Math.log(sum), yt = y[start + t];
        ce += lse - z[yt];
        for (let c = 0; c < C; c++) G[t * C + c] = (Math.exp(z[c] - lse) - (c === yt ? 1 : 0)) / n;
      }
      let abs = 0, sq = 0;
      for (let i = 0; i < C * D; i++) {
        abs += Math.abs(W[i]);
        sq += W[i] * W[i];
      }
      const norm = Math.sqrt(sq);
      total += ce / n + l1 * abs + l2 * norm;
      batches++;
      gW.fill(0);
      for (let t = 0; t < n; t++) {
        const row = (start + t) * D;
        for (let c = 0; c < C; c++) {
          const g = G[t * C + c], wc = c * D;
          for (let j = 0; j < D; j++) gW[wc + j] += g * x[row + j];
        }
      }
      step++;
      const bc1 = 1 - b1 ** step, bc2 = 1 - b2 ** step;
      for (let i = 0; i < C * D; i++) {
        const w = W[i];
        adam(W, mW, vW, i, gW[i] + l1 * Math.sign(w) + (norm > 0 ? (l2 * w) / norm : 0), bc1, bc2);
      }
      for (let c = 0; c < C; c++) {
        let g = 0;
        for (let t = 0; t < n; t++) g += G[t * C + c];
        adam(b, mb, vb, c, g, bc1, bc2);
      }
    }
    losses.push(total / batches);
  }
  return losses;
}
