/**
 * Float64 references for CKA, written as the textbooks and the published code write them, with the n × n Grams
 * formed explicitly (small n only), and exact float64 statistics to feed the library's estimators.
 *
 * kornblithCka transcribes google-research/representation_similarity (Kornblith et al. 2019, the notebook's
 * gram_linear / center_gram / cka):
 *   center_gram(unbiased=True): zero the diagonal; means = colsum / (n − 2); means −= sum(means) / (2(n − 1));
 *   gram −= means[:, None] + means[None, :]; zero the diagonal.   (Székely & Rizzo 2014's U-centring)
 *   center_gram(unbiased=False): means = colmean; means −= mean(means) / 2; gram −= means[:, None] + means[None, :].
 *   cka = ⟨K̂, L̂⟩ / (‖K̂‖_F ‖L̂‖_F).
 * songHsic is Song et al. 2012's unbiased HSIC, term by term.
 */
import type { LayerSums, Stats } from '../../src/types.js';

/** Column block [c0, c1) of a row-major rows × cols float32 matrix, as float64 rows. */
export function block(x: ArrayLike<number>, rows: number, cols: number, c0: number, c1: number, shift = 0): Float64Array {
  const w = c1 - c0;
  const out = new Float64Array(rows * w);
  for (let r = 0; r < rows; r++) for (let j = 0; j < w; j++) out[r * w + j] = x[r * cols + c0 + j]! - shift;
  return out;
}

export function gramLinear(x: Float64Array, n: number): Float64Array {
  const w = x.length / n;
  const K = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let k = 0; k < w; k++) s += x[i * w + k]! * x[j * w + k]!;
      K[i * n + j] = s;
      K[j * n + i] = s;
    }
  }
  return K;
}

export function centerGram(gram: Float64Array, n: number, unbiased: boolean): Float64Array {
  const g = Float64Array.from(gram);
  const means = new Float64Array(n);
  if (unbiased) {
    for (let i = 0; i < n; i++) g[i * n + i] = 0;
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += g[i * n + j]!;
      means[j] = s / (n - 2);
    }
    let total = 0;
    for (const m of means) total += m;
    for (let j = 0; j < n; j++) means[j]! -= total / (2 * (n - 1));
  } else {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += g[i * n + j]!;
      means[j] = s / n;
    }
    let total = 0;
    for (const m of means) total += m;
    for (let j = 0; j < n; j++) means[j]! -= total / n / 2;
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) g[i * n + j]! -= means[i]! + means[j]!;
  if (unbiased) for (let i = 0; i < n; i++) g[i * n + i] = 0;
  return g;
}

const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => s + v * b[i]!, 0);

/** Kornblith et al.'s cka(gram_linear(x), gram_linear(y), debiased). */
export function kornblithCka(x: Float64Array, y: Float64Array, n: number, debiased: boolean): number {
  const K = centerGram(gramLinear(x, n), n, debiased);
  const L = centerGram(gramLinear(y, n), n, debiased);
  return dot(K, L) / Math.sqrt(dot(K, K) * dot(L, L));
}

/** Song et al. 2012's unbiased HSIC of linear kernels, from K̃, L̃ with zeroed diagonals. */
export function songHsic(x: Float64Array, y: Float64Array, n: number): number {
  const K = gramLinear(x, n);
  const L = gramLinear(y, n);
  for (let i = 0; i < n; i++) K[i * n + i] = L[i * n + i] = 0;
  const trace = dot(K, L);
  const sum = (g: Float64Array) => g.reduce((s, v) => s + v, 0);
  const k1 = new Float64Array(n);
  const l1 = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) (k1[i]! += K[i * n + j]!), (l1[i]! += L[i * n + j]!);
  return (trace + (sum(K) * sum(L)) / ((n - 1) * (n - 2)) - (2 / (n - 2)) * dot(k1, l1)) / (n * (n - 3));
}

/** Exact float64 statistics of rows × cols values, with layer sums about `shift` (per column) when offsets are given. */
export function exactStats(x: ArrayLike<number>, rows: number, cols: number, offsets?: number[], shift?: Float64Array): Stats {
  const mean = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) mean[c]! += x[r * cols + c]!;
  for (let c = 0; c < cols; c++) mean[c]! /= rows;
  const comoment = new Float64Array((cols * (cols + 1)) / 2);
  const v = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) v[c] = x[r * cols + c]! - mean[c]!;
    let k = 0;
    for (let i = 0; i < cols; i++) for (let j = i; j < cols; j++) comoment[k++]! += v[i]! * v[j]!;
  }
  const s: Stats = { count: rows, cols, layers: 1, mean, comoment, dtype: 'float32', sources: [] };
  if (offsets) {
    const L = offsets.length - 1;
    const c = shift ?? new Float64Array(cols);
    const sums: LayerSums = { names: offsets.slice(1).map((_, i) => `layer ${i}`), offsets, shift: Float64Array.from(c), q: new Float64Array(L), P: new Float64Array(L * L), R: new Float64Array(L * cols) };
    const nrm = new Float64Array(L);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < cols; j++) v[j] = x[r * cols + j]! - c[j]!;
      for (let a = 0; a < L; a++) {
        nrm[a] = 0;
        for (let j = offsets[a]!; j < offsets[a + 1]!; j++) nrm[a]! += v[j]! * v[j]!;
      }
      for (let a = 0; a < L; a++) {
        sums.q[a]! += nrm[a]!;
        for (let b = 0; b < L; b++) sums.P[a * L + b]! += nrm[a]! * nrm[b]!;
        for (let j = 0; j < cols; j++) sums.R[a * cols + j]! += nrm[a]! * v[j]!;
      }
    }
    s.layerSums = sums;
  }
  return s;
}

/** A random orthogonal w × w matrix (Gram–Schmidt of Gaussian columns). */
export function randomOrthogonal(w: number, gauss: () => number): Float64Array {
  const Q = new Float64Array(w * w);
  for (let c = 0; c < w; c++) {
    const v = new Float64Array(w).map(() => gauss());
    for (let p = 0; p < c; p++) {
      let d = 0;
      for (let i = 0; i < w; i++) d += v[i]! * Q[i * w + p]!;
      for (let i = 0; i < w; i++) v[i]! -= d * Q[i * w + p]!;
    }
    const nrm = Math.sqrt(v.reduce((s, t) => s + t * t, 0));
    for (let i = 0; i < w; i++) Q[i * w + c] = v[i]! / nrm;
  }
  return Q;
}
