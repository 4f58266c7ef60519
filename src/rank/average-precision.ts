/**
 * Ranking by average precision: NeuroX's interpretation/iou_probe.py (get_neuron_ordering). Activations with
 * |x| < zeroBelow (default 0.05) are set to 0 and every neuron scores the rows as a detector of a class; its
 * score is scikit-learn's average_precision_score (step-wise, ties form one threshold). One native sweep per
 * neuron scores every class one-vs-rest (native/src/rank/average_precision.cc).
 *
 * NeuroX takes binary labels (y ∈ {0, 1}, AP of class 1). Ours: with two classes the overall score is the AP of
 * class id 1, as there; with more, the mean AP over the classes that have rows (macro average), or a single
 * class's AP when `target` names one. Unlike NeuroX, the caller's activations are not modified in place.
 */
import { callNativeSync, NeurosieveError } from '../core/errors.js';
import { runJob } from '../core/native-job.js';
import { native } from '../core/native.js';
import type { RankActivations, RankLabels, ScoredRanking, ZScoreStats } from './common.js';
import { checkPass, checkZScore } from './common.js';
import { DEFAULT_THREADS, expectKnownKeys, fail } from '../core/validate.js';

/** NeuroX's threshold: |x| below it counts as 0 (AveragePrecisionOptions.zeroBelow). */
export const DEFAULT_ZERO_BELOW = 0.05;

export interface AveragePrecisionOptions {
  /** |x| below this counts as 0 (NeuroX's threshold; default 0.05). */
  zeroBelow?: number;
  /** Rank by this class's AP only. */
  target?: string;
  threads?: number;
  /** Score z-scored features (x − mean) / std (computed in float64, rounded to float32, as the probe does) before the |x| < zeroBelow test. */
  zscore?: ZScoreStats;
}

export interface AveragePrecisionRanking extends ScoredRanking {
  /** How the overall score was formed. */
  overall: { kind: 'class'; class: string } | { kind: 'macro'; classes: string[] };
}

export async function averagePrecisionRanking(acts: RankActivations, labels: RankLabels, options: AveragePrecisionOptions = {}): Promise<AveragePrecisionRanking> {
  expectKnownKeys(options, ['zeroBelow', 'target', 'threads', 'zscore'], 'averagePrecisionRanking');
  const threads = options.threads ?? DEFAULT_THREADS;
  checkPass(acts, labels, threads);
  checkZScore(options.zscore, acts.cols);
  const zeroBelow = options.zeroBelow ?? DEFAULT_ZERO_BELOW;
  if (typeof zeroBelow !== 'number' || !(zeroBelow >= 0) || !Number.isFinite(zeroBelow)) fail('a non-negative number', 'zeroBelow', zeroBelow);
  const C = labels.classes.length;
  const D = acts.cols;
  const counts = new Array<number>(C).fill(0);
  for (let t = 0; t < labels.ids.length; t++) counts[labels.ids[t]!]!++;
  let target: number | undefined;
  if (options.target !== undefined) {
    target = labels.classes.indexOf(options.target);
    if (target < 0) throw new NeurosieveError('E_ARGUMENT', `Expected one of the classes (${labels.classes.join(', ')}) for class but received '${options.target}'`);
    if (counts[target] === 0) throw new NeurosieveError('E_ARGUMENT', `Expected a class with rows for class but '${options.target}' has none`);
  } else if (C === 2) {
    target = 1;
  }
  const ap = await runJob(() => native().averagePrecision(acts.x, acts.rows, D, labels.ids, C, zeroBelow, threads, options.zscore?.mean, options.zscore?.std));
  const present = labels.classes.map((_, c) => c).filter((c) => counts[c]! > 0);
  let overallScores: Float64Array;
  if (target !== undefined) overallScores = ap.slice(target * D, (target + 1) * D);
  else {
    overallScores = new Float64Array(D);
    for (const c of present) {
      const row = ap.subarray(c * D, (c + 1) * D);
      for (let j = 0; j < D; j++) overallScores[j]! += row[j]!;
    }
    for (let j = 0; j < D; j++) overallScores[j]! /= present.length;
  }
  const ordering = callNativeSync(() => native().argsortDescending(overallScores));
  const perClass: Record<string, number[]> = {};
  const perClassScores: Record<string, number[]> = {};
  for (const c of present) {
    const s = ap.subarray(c * D, (c + 1) * D);
    const o = callNativeSync(() => native().argsortDescending(s));
    perClass[labels.classes[c]!] = Array.from(o);
    perClassScores[labels.classes[c]!] = Array.from(o, (j) => s[j]!);
  }
  return {
    ordering: Array.from(ordering),
    scores: Array.from(ordering, (j) => overallScores[j]!),
    perClass,
    perClassScores,
    overall: target !== undefined ? { kind: 'class', class: labels.classes[target]! } : { kind: 'macro', classes: present.map((c) => labels.classes[c]!) },
  };
}
