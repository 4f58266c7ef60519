/**
 * Debiased CKA's per-row layer sums (types.ts LayerSums): moving them to another shift, and merging two states.
 *
 * The sums are taken about a shift c (the pass's first chunk mean), because their fourth-order terms cancel
 * catastrophically about 0 on activations with large means. Merging two states, or evaluating the estimator,
 * first moves each to a common shift c + d; with x'' = x' − d, u_a = x'_a·d_a, δ_a = ‖d_a‖², S1 = Σx' = n(μ − c)
 * and G = Σx'x'ᵀ = M + n(μ − c)(μ − c)ᵀ (M the centred co-moment, so nothing else need be stored):
 *   q''_a  = q_a − 2 S1_a·d_a + n δ_a
 *   R''_a  = R_a − q_a d − 2 G[:, a] d_a + 2 (S1_a·d_a) d + δ_a S1 − n δ_a d
 *   P''_ab = P_ab − 2 R_a[b]·d_b − 2 R_b[a]·d_a + δ_b q_a + δ_a q_b + 4 d_aᵀ G_ab d_b
 *            − 2 δ_b S1_a·d_a − 2 δ_a S1_b·d_b + n δ_a δ_b
 * (expand n''_a = n'_a − 2u_a + δ_a in each sum). Exact in exact arithmetic, so merging is exact like Chan's
 * update of the co-moment.
 */
import { NeurosieveError } from '../core/errors.js';
import type { LayerSums, Stats } from '../types.js';

/** Index of the layer holding each column. */
export function layerOfColumns(offsets: readonly number[]): Int32Array {
  const D = offsets[offsets.length - 1]!;
  const of = new Int32Array(D);
  for (let a = 0; a + 1 < offsets.length; a++) of.fill(a, offsets[a]!, offsets[a + 1]!);
  return of;
}

/**
 * V (L × D): V[a·D + i] = Σ_{j in layer a} M_ij d_j, for the full symmetric M of a packed upper triangle. One walk
 * over the triangle.
 */
function blockProducts(M: Float64Array, D: number, layerOf: Int32Array, L: number, d: Float64Array): Float64Array {
  const V = new Float64Array(L * D);
  let k = 0;
  for (let i = 0; i < D; i++) {
    const li = layerOf[i]! * D;
    const di = d[i]!;
    V[li + i]! += M[k]! * di; // diagonal
    k++;
    for (let j = i + 1; j < D; j++, k++) {
      const m = M[k]!;
      V[layerOf[j]! * D + i]! += m * d[j]!;
      V[li + j]! += m * di;
    }
  }
  return V;
}

/** The sums of `s` (whose rows have count, mean and co-moment of `stats`) about the shift `to` instead. */
export function moveLayerSums(stats: Stats, s: LayerSums, to: Float64Array): LayerSums {
  const D = stats.cols;
  const L = s.offsets.length - 1;
  const n = stats.count;
  const d = new Float64Array(D);
  const e = new Float64Array(D); // μ − c
  for (let j = 0; j < D; j++) {
    d[j] = to[j]! - s.shift[j]!;
    e[j] = stats.mean[j]! - s.shift[j]!;
  }
  const layerOf = layerOfColumns(s.offsets);
  const V = blockProducts(stats.comoment, D, layerOf, L, d);
  const dot = (x: Float64Array, y: Float64Array, a: number) => {
    let t = 0;
    for (let j = s.offsets[a]!; j < s.offsets[a + 1]!; j++) t += x[j]! * y[j]!;
    return t;
  };
  const ed = new Float64Array(L); // e_a·d_a, so S1_a·d_a = n·ed_a
  const delta = new Float64Array(L);
  for (let a = 0; a < L; a++) {
    ed[a] = dot(e, d, a);
    delta[a] = dot(d, d, a);
  }
  // Rd[a][b] = R_a[b]·d_b; dGd[a][b] = d_aᵀ G_ab d_b = d_aᵀ M_ab d_b + n ed_a ed_b.
  const Rd = new Float64Array(L * L);
  const dGd = new Float64Array(L * L);
  for (let a = 0; a < L; a++) {
    for (let b = 0; b < L; b++) {
      let r = 0;
      let m = 0;
      for (let j = s.offsets[b]!; j < s.offsets[b + 1]!; j++) r += s.R[a * D + j]! * d[j]!;
      for (let i = s.offsets[a]!; i < s.offsets[a + 1]!; i++) m += d[i]! * V[b * D + i]!;
      Rd[a * L + b] = r;
      dGd[a * L + b] = m + n * ed[a]! * ed[b]!;
    }
  }
  const q = new Float64Array(L);
  const P = new Float64Array(L * L);
  const R = new Float64Array(L * D);
  for (let a = 0; a < L; a++) {
    q[a] = s.q[a]! - 2 * n * ed[a]! + n * delta[a]!;
    for (let b = 0; b < L; b++) {
      P[a * L + b] =
        s.P[a * L + b]! - 2 * Rd[a * L + b]! - 2 * Rd[b * L + a]! + delta[b]! * s.q[a]! + delta[a]! * s.q[b]! + 4 * dGd[a * L + b]! -
        2 * delta[b]! * n * ed[a]! - 2 * delta[a]! * n * ed[b]! + n * delta[a]! * delta[b]!;
    }
    const qa = s.q[a]!;
    const sd = n * ed[a]!;
    for (let j = 0; j < D; j++) {
      const g = V[a * D + j]! + n * e[j]! * ed[a]!; // G[:, a] d_a = V[a] + n e ed_a
      R[a * D + j] = s.R[a * D + j]! - qa * d[j]! - 2 * g + 2 * sd * d[j]! + delta[a]! * n * e[j]! - n * delta[a]! * d[j]!;
    }
  }
  return { names: s.names, offsets: s.offsets, shift: Float64Array.from(to), q, P, R };
}

/** True when two sums describe the same layers (names and boundaries). */
export function sameLayers(a: LayerSums, b: LayerSums): boolean {
  return a.offsets.length === b.offsets.length && a.offsets.every((o, i) => o === b.offsets[i]) && a.names.every((x, i) => x === b.names[i]);
}

/**
 * The sums of the concatenated rows of two states, at the merged mean `mean`: each is moved there with its own
 * count, mean and co-moment, then added.
 */
export function mergeLayerSums(a: Stats, b: Stats, mean: Float64Array): LayerSums {
  if (!a.layerSums || !b.layerSums || !sameLayers(a.layerSums, b.layerSums)) {
    throw new NeurosieveError('E_INTERNAL', 'mergeLayerSums: both states must hold layer sums over the same layers');
  }
  const x = moveLayerSums(a, a.layerSums, mean);
  const y = moveLayerSums(b, b.layerSums, mean);
  const add = (p: Float64Array, r: Float64Array) => p.map((v, i) => v + r[i]!);
  return { names: x.names, offsets: x.offsets, shift: x.shift, q: add(x.q, y.q), P: add(x.P, y.P), R: add(x.R, y.R) };
}
