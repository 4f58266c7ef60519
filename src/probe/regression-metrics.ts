/**
 * Metrics of a regression probe, as scikit-learn and scipy define them, per output and averaged uniformly over the
 * outputs (sklearn's multioutput='uniform_average'):
 *  - mse = Σ (ŷ − y)² / T;
 *  - R² = 1 − Σ (ŷ − y)² / Σ (y − ȳ)²; a constant target gives 1 when every prediction is exact and 0 otherwise
 *    (sklearn's r2_score with force_finite=True);
 *  - Pearson r between ŷ and y (scipy.stats.pearsonr), null when either is constant (undefined there too).
 * Float64, two passes (means first), so a large offset in the targets does not cancel the digits away.
 */
import { NeurosieveError } from '../core/errors.js';

export interface OutputScores {
  mse: number;
  r2: number;
  pearson: number | null;
}

export interface RegressionMetrics extends OutputScores {
  count: number;
  /** Per output, when there are several. */
  perOutput?: OutputScores[];
}

export function regressionMetrics(predicted: ArrayLike<number>, targets: ArrayLike<number>, outputs = 1): RegressionMetrics {
  if (predicted.length !== targets.length) {
    throw new NeurosieveError('E_SHAPE', `Expected as many predictions as targets but received ${predicted.length} predictions for ${targets.length} targets`);
  }
  const T = targets.length / outputs;
  if (!Number.isSafeInteger(T) || T < 1) throw new NeurosieveError('E_EMPTY', `Expected at least one row of ${outputs} targets but received ${targets.length} values`);
  const per: OutputScores[] = [];
  for (let k = 0; k < outputs; k++) {
    let my = 0;
    let mp = 0;
    for (let t = 0; t < T; t++) {
      my += targets[t * outputs + k]!;
      mp += predicted[t * outputs + k]!;
    }
    my /= T;
    mp /= T;
    let res = 0;
    let tot = 0;
    let spp = 0;
    let spy = 0;
    for (let t = 0; t < T; t++) {
      const y = targets[t * outputs + k]!;
      const p = predicted[t * outputs + k]!;
      res += (p - y) * (p - y);
      tot += (y - my) * (y - my);
      spp += (p - mp) * (p - mp);
      spy += (p - mp) * (y - my);
    }
    const r2 = tot > 0 ? 1 - res / tot : res === 0 ? 1 : 0;
    const pearson = tot > 0 && spp > 0 ? Math.max(-1, Math.min(1, spy / Math.sqrt(spp * tot))) : null;
    per.push({ mse: res / T, r2, pearson });
  }
  const mean = (f: (s: OutputScores) => number) => per.reduce((a, s) => a + f(s), 0) / outputs;
  const pearsons = per.map((s) => s.pearson);
  return {
    count: T,
    mse: mean((s) => s.mse),
    r2: mean((s) => s.r2),
    pearson: pearsons.every((p) => p !== null) ? mean((s) => s.pearson!) : null,
    ...(outputs > 1 ? { perOutput: per } : {}),
  };
}
