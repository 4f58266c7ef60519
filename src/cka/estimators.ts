/**
 * CKA between every pair of layers from mergeable statistics, without any n × n Gram.
 *
 * Linear CKA (Kornblith et al. 2019, "Similarity of Neural Network Representations Revisited", ICML):
 *   CKA(a, b) = ‖M_ab‖²_F / (‖M_aa‖_F ‖M_bb‖_F), M = XcᵀXc the centred co-moment (tr(K_c L_c) = ‖Xaᵀ_c Xb_c‖²_F).
 *
 * Debiased CKA (Kornblith et al.'s `debiased=True`): each HSIC replaced by the unbiased estimator of Song et al.
 * 2012 (JMLR 13, eq. 5), for K = XaXaᵀ, L = XbXbᵀ with zeroed diagonals (K̃, L̃):
 *   HSIC_u = [tr(K̃L̃) + 1ᵀK̃1·1ᵀL̃1/((n−1)(n−2)) − 2/(n−2)·1ᵀK̃L̃1] / (n(n−3)).
 * It is invariant to a constant shift of either layer, so the rows are taken about their mean (column sums
 * s = 0); with n_a(r) = ‖x_r − μ restricted to a‖²:
 *   tr(K̃L̃) = ‖M_ab‖²_F − P_ab,  1ᵀK̃1 = −q_a,  1ᵀK̃L̃1 = Σ_r n_a(r) n_b(r) = P_ab
 * (since (K̃1)_r = x_r·s − n_a(r) = −n_a(r)). This equals Kornblith's ⟨K̂, L̂⟩/(n(n−3)) for the U-centred Grams
 * of Székely & Rizzo (2014) that their code uses; test/cka/ checks it against that code transcribed.
 */
import { callNativeSync, NeurosieveError } from '../core/errors.js';
import { native } from '../core/native.js';
import type { LayerSums, Stats } from '../types.js';
import { moveLayerSums } from './layer-sums.js';

/** HSIC-like values of every pair of layers (L × L, row-major) and the CKA matrix they give. */
export interface CkaMatrix {
  /** CKA(a, b), or null where a denominator HSIC is not positive (a constant layer, or a negative estimate). */
  matrix: (number | null)[][];
  /** The L × L (scaled) HSIC values the matrix was formed from, negative ones included. */
  hsic: number[][];
}

/** ‖M_ab‖²_F of every pair of layers, natively in one pass over the triangle. */
export function blockNorms(stats: Stats, offsets: readonly number[], threads: number): Float64Array {
  return callNativeSync(() => native().ckaBlockNorms(stats.comoment, Uint32Array.from(offsets), threads));
}

/** CKA from an L × L matrix of HSIC values: h_ab / sqrt(h_aa h_bb), null unless both diagonals are > 0. */
export function ckaFromHsic(h: Float64Array, L: number): CkaMatrix {
  const matrix: (number | null)[][] = [];
  const hsic: number[][] = [];
  for (let a = 0; a < L; a++) {
    matrix.push([]);
    hsic.push([]);
    for (let b = 0; b < L; b++) {
      const ha = h[a * L + a]!;
      const hb = h[b * L + b]!;
      hsic[a]!.push(h[a * L + b]!);
      // Never the square root of a negative (an unbiased estimate can be one): undefined, and reported.
      matrix[a]!.push(ha > 0 && hb > 0 ? h[a * L + b]! / Math.sqrt(ha * hb) : null);
    }
  }
  return { matrix, hsic };
}

/** Linear CKA of every pair of layers: ‖M_ab‖²_F is n²·HSIC_biased, the scale cancels. */
export function linearCka(stats: Stats, offsets: readonly number[], threads: number): CkaMatrix {
  return ckaFromHsic(blockNorms(stats, offsets, threads), offsets.length - 1);
}

/** The unbiased HSIC of every pair of layers (L × L) from statistics holding layer sums. */
export function unbiasedHsic(stats: Stats, sums: LayerSums, threads: number): Float64Array {
  const n = stats.count;
  const L = sums.offsets.length - 1;
  if (n < 4) throw new NeurosieveError('E_EMPTY', `Expected at least 4 rows for debiased CKA (its estimator divides by n(n−3)) but received ${n}`);
  const at = moveLayerSums(stats, sums, stats.mean); // about the mean: column sums vanish
  const F = blockNorms(stats, sums.offsets, threads);
  const h = new Float64Array(L * L);
  for (let a = 0; a < L; a++) {
    for (let b = 0; b < L; b++) {
      const P = at.P[a * L + b]!;
      const trace = F[a * L + b]! - P;
      const ones = (at.q[a]! * at.q[b]!) / ((n - 1) * (n - 2));
      h[a * L + b] = (trace + ones - (2 / (n - 2)) * P) / (n * (n - 3));
    }
  }
  return h;
}

/** Debiased CKA of every pair of layers. */
export function debiasedCka(stats: Stats, sums: LayerSums, threads: number): CkaMatrix {
  return ckaFromHsic(unbiasedHsic(stats, sums, threads), sums.offsets.length - 1);
}
