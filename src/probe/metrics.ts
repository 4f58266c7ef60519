/**
 * Classification metrics of a probe, all derived from the confusion matrix, which is built in one pass over
 * the T predictions. Definitions follow scikit-learn (what NeuroX's metrics call):
 *  - accuracy = correct / T;
 *  - F1 (binary tasks only, positive class id 1) = 2·tp / (2·tp + fp + fn), 0 when that is 0/0;
 *  - Matthews correlation, multiclass form (Gorodkin 2004, sklearn's matthews_corrcoef):
 *      (c·s − Σ_k p_k t_k) / sqrt((s² − Σ_k p_k²)(s² − Σ_k t_k²)), 0 when the denominator is 0,
 *    with s = T, c = correct, p_k / t_k = predicted / true count of class k;
 *  - per class: precision tp/(tp+fp), recall tp/(tp+fn), F1, support = true count (0/0 → 0, as sklearn with
 *    zero_division=0);
 *  - macro F1 = unweighted mean of the per-class F1 over classes with support or predictions (sklearn's
 *    labels=present classes).
 */
import { NeurosieveError } from '../core/errors.js';

export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Metrics {
  count: number;
  accuracy: number;
  /** Binary tasks (2 classes): F1 of class id 1; null otherwise. */
  f1: number | null;
  macroF1: number;
  mcc: number;
  /** Per class, by class name. */
  perClass: Record<string, ClassScores>;
  /** confusion[i][j] = rows of true class i predicted as j. */
  confusion: number[][];
}

/** Metrics of predicted ids against true ids; `classes` names the ids 0..C−1. */
export function computeMetrics(predicted: ArrayLike<number>, truth: ArrayLike<number>, classes: readonly string[]): Metrics {
  const T = truth.length;
  const C = classes.length;
  if (predicted.length !== T) {
    throw new NeurosieveError('E_SHAPE', `Expected as many predictions as labels but received ${predicted.length} predictions for ${T} labels`);
  }
  if (T === 0) throw new NeurosieveError('E_EMPTY', 'Expected at least one prediction but received none');
  if (C < 1) throw new NeurosieveError('E_ARGUMENT', 'Expected at least one class for classes but received none');
  const cm = new Float64Array(C * C);
  for (let t = 0; t < T; t++) {
    const y = truth[t]!;
    const p = predicted[t]!;
    // A non-integer or out-of-range id would index outside the matrix (or be silently truncated): refuse it.
    if (!(y >= 0 && y < C && (y | 0) === y)) throw new NeurosieveError('E_ARGUMENT', `Expected class ids in [0, ${C - 1}] for labels but received ${y} at row ${t}`);
    if (!(p >= 0 && p < C && (p | 0) === p)) throw new NeurosieveError('E_ARGUMENT', `Expected class ids in [0, ${C - 1}] for predictions but received ${p} at row ${t}`);
    cm[y * C + p]!++;
  }
  return metricsFromConfusion(cm, classes);
}

/** The same metrics from a C×C confusion matrix (row = true class, column = predicted), row-major. */
export function metricsFromConfusion(cm: ArrayLike<number>, classes: readonly string[]): Metrics {
  const C = classes.length;
  const trueCount = new Float64Array(C);
  const predCount = new Float64Array(C);
  let correct = 0;
  let total = 0;
  for (let i = 0; i < C; i++) {
    for (let j = 0; j < C; j++) {
      const v = cm[i * C + j]!;
      trueCount[i]! += v;
      predCount[j]! += v;
      total += v;
    }
    correct += cm[i * C + i]!;
  }
  const perClass: Record<string, ClassScores> = {};
  let f1Sum = 0;
  let f1N = 0;
  for (let k = 0; k < C; k++) {
    const tp = cm[k * C + k]!;
    const fp = predCount[k]! - tp;
    const fn = trueCount[k]! - tp;
    const f1 = 2 * tp + fp + fn > 0 ? (2 * tp) / (2 * tp + fp + fn) : 0;
    perClass[classes[k]!] = {
      precision: tp + fp > 0 ? tp / (tp + fp) : 0,
      recall: tp + fn > 0 ? tp / (tp + fn) : 0,
      f1,
      support: trueCount[k]!,
    };
    if (trueCount[k]! > 0 || predCount[k]! > 0) {
      f1Sum += f1;
      f1N++;
    }
  }
  let sumPT = 0;
  let sumP2 = 0;
  let sumT2 = 0;
  for (let k = 0; k < C; k++) {
    sumPT += predCount[k]! * trueCount[k]!;
    sumP2 += predCount[k]! * predCount[k]!;
    sumT2 += trueCount[k]! * trueCount[k]!;
  }
  const cov = correct * total - sumPT;
  const den = Math.sqrt((total * total - sumP2) * (total * total - sumT2));
  const confusion: number[][] = [];
  for (let i = 0; i < C; i++) {
    const row: number[] = [];
    for (let j = 0; j < C; j++) row.push(cm[i * C + j]!);
    confusion.push(row);
  }
  return {
    count: total,
    accuracy: total > 0 ? correct / total : 0,
    f1: C === 2 ? perClass[classes[1]!]!.f1 : null,
    macroF1: f1N > 0 ? f1Sum / f1N : 0,
    mcc: den > 0 ? cov / den : 0,
    perClass,
    confusion,
  };
}
