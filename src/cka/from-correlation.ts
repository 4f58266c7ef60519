/**
 * Linear CKA between layers from a Pearson matrix and the columns' standard deviations, for `analyze`, which holds
 * the D × D float32 correlation of its train rows but no co-moment: the covariance is r_ij·σ_i·σ_j, and linear CKA
 * (Kornblith et al. 2019) is ‖C_ab‖²_F / (‖C_aa‖_F ‖C_bb‖_F) for any multiple of the co-moment, so the CKA of the
 * raw activations needs no second pass over the rows. Accuracy is float32 r's (~1e-7 relative per entry).
 */
import { ckaFromHsic, type CkaMatrix } from './estimators.js';

/** corr: full row-major D × D; std: population stds of the same rows; offsets: L + 1 layer boundaries. */
export function linearCkaFromCorrelation(corr: Float32Array, D: number, std: Float64Array, offsets: readonly number[]): CkaMatrix {
  const L = offsets.length - 1;
  const layerOf = new Int32Array(D);
  for (let a = 0; a < L; a++) layerOf.fill(a, offsets[a]!, offsets[a + 1]!);
  const h = new Float64Array(L * L);
  const rowSums = new Float64Array(L);
  for (let i = 0; i < D; i++) {
    const si = std[i]!;
    if (si === 0) continue; // a constant column adds nothing to the centred co-moment
    rowSums.fill(0);
    const row = i * D;
    for (let j = 0; j < D; j++) {
      const c = corr[row + j]! * std[j]!;
      rowSums[layerOf[j]!]! += c * c;
    }
    const a = layerOf[i]!;
    for (let b = 0; b < L; b++) h[a * L + b]! += rowSums[b]! * si * si;
  }
  return ckaFromHsic(h, L);
}
