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

/**
 * How far rounding a float64 solution (W, b) to the float32 arrays a probe returns can move the datafit gradients:
 * the reference conditions at the returned weights may exceed the solver's own criterion by up to this much.
 * Rounding moves logit z_tc by at most δ_tc = 2⁻²⁴·(Σ_k |x_tk·W_ck| + |b_c|); since ∂p_c/∂z_c' = p_c(1[c=c'] − p_c'),
 * p_tc moves by at most p_tc·(δ_tc + Σ_c' p_tc'·δ_tc') to first order (×1.01 covers the higher orders, O(δ²) with
 * δ ~ 1e-6 here), so ∇W_cj moves by at most Σ_t a_t·|x_tj|·Δp_tc and ∇b_c by Σ_t a_t·Δp_tc; the ridge term adds
 * λ(1−α)·2⁻²⁴·|W_cj|. A bound, not an estimate: rounding errors of both signs partly cancel, so the observed
 * effect is typically 10–100 times smaller.
 */
export function float32RoundingSlack(data: ProbeData, C: number, W: ArrayLike<number>, b: ArrayLike<number>, lambda: number, alpha: number, cw?: ArrayLike<number>): number {
  const { x, y, rows: T, cols: D } = data;
  const u = 2 ** -24;
  const dW = new Float64Array(C * D);
  const db = new Float64Array(C);
  const z = new Float64Array(C);
  const delta = new Float64Array(C);
  for (let t = 0; t < T; t++) {
    const a = (cw ? cw[y[t]!]! : 1) / T;
    let m = -Infinity;
    for (let c = 0; c < C; c++) {
      let s = b[c]!;
      let bound = Math.abs(b[c]!);
      for (let j = 0; j < D; j++) {
        s += x[t * D + j]! * W[c * D + j]!;
        bound += Math.abs(x[t * D + j]! * W[c * D + j]!);
      }
      z[c] = s;
      delta[c] = u * bound;
      m = Math.max(m, s);
    }
    let se = 0;
    for (let c = 0; c < C; c++) se += Math.exp(z[c]! - m);
    let mixed = 0; // Σ_c' p_c'·δ_c'
    for (let c = 0; c < C; c++) mixed += (Math.exp(z[c]! - m) / se) * delta[c]!;
    for (let c = 0; c < C; c++) {
      const dp = 1.01 * (Math.exp(z[c]! - m) / se) * (delta[c]! + mixed);
      db[c]! += a * dp;
      for (let j = 0; j < D; j++) dW[c * D + j]! += a * Math.abs(x[t * D + j]!) * dp;
    }
  }
  let slack = Math.max(...db);
  for (let i = 0; i < C * D; i++) slack = Math.max(slack, dW[i]! + lambda * (1 - alpha) * u * Math.abs(W[i]!));
  return slack;
}

/** ‖μ‖∞, the largest |column mean| of X: the uncentred conditions exceed the centred ones by up to ‖μ‖∞·|∇b|. */
export function maxAbsMean(data: ProbeData): number {
  const { x, rows: T, cols: D } = data;
  const mean = new Float64Array(D);
  for (let t = 0; t < T; t++) for (let j = 0; j < D; j++) mean[j]! += x[t * D + j]!;
  return Math.max(...Array.from(mean, (m) => Math.abs(m / T)));
}
