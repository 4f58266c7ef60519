/**
 * The exact probe's problem in float64, straight from the definitions, for the solver tests: objective
 *   F = (1/T)·Σ w[y_t]·CE_t + λ·(α‖W‖₁ + (1−α)/2·‖W‖²_F)
 * with the datafit's gradients at (W, b), and the largest violation of the optimality conditions (the solver's
 * stopping criterion, recomputed independently).
 */
import type { ProbeData } from '../../src/probe/train-types.js';

/** Float64 reference: objective F and datafit gradients at (W, b), straight from the definitions. */
export function reference(data: ProbeData, C: number, W: ArrayLike<number>, b: ArrayLike<number>, lambda: number, alpha: number, cw?: ArrayLike<number>) {
  const { x, y, rows: T, cols: D } = data;
  const GW = new Float64Array(C * D);
  const gb = new Float64Array(C);
  let f = 0;
  const z = new Float64Array(C);
  for (let t = 0; t < T; t++) {
    const a = (cw ? cw[y[t]!]! : 1) / T;
    let m = -Infinity;
    for (let c = 0; c < C; c++) {
      let s = b[c]!;
      for (let j = 0; j < D; j++) s += x[t * D + j]! * W[c * D + j]!;
      z[c] = s;
      m = Math.max(m, s);
    }
    let se = 0;
    for (let c = 0; c < C; c++) se += Math.exp(z[c]! - m);
    f += a * (m + Math.log(se) - z[y[t]!]!);
    for (let c = 0; c < C; c++) {
      const r = a * (Math.exp(z[c]! - m) / se - (c === y[t] ? 1 : 0));
      gb[c]! += r;
      for (let j = 0; j < D; j++) GW[c * D + j]! += r * x[t * D + j]!;
    }
  }
  let l1 = 0;
  let l2 = 0;
  for (let i = 0; i < C * D; i++) {
    l1 += Math.abs(W[i]!);
    l2 += W[i]! * W[i]!;
  }
  return { F: f + lambda * (alpha * l1 + 0.5 * (1 - alpha) * l2), GW, gb };
}

/** Largest violation of the optimality conditions (the solver's criterion, recomputed in float64). */
export function kktViolation(W: ArrayLike<number>, GW: Float64Array, gb: Float64Array, lambda: number, alpha: number): { weights: number; bias: number } {
  let v = 0;
  for (let i = 0; i < GW.length; i++) {
    const w = W[i]!;
    const g = GW[i]!;
    const d = w === 0 ? Math.max(Math.abs(g) - lambda * alpha, 0) : Math.abs(g + lambda * alpha * Math.sign(w) + lambda * (1 - alpha) * w);
    v = Math.max(v, d);
  }
  return { weights: v, bias: Math.max(...Array.from(gb, Math.abs)) };
}
