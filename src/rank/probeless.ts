/**
 * Probeless ranking: Antverg & Belinkov 2022, "On the Pitfalls of Analyzing Individual Neurons in Language
 * Models" (ICLR), as NeuroX's interpretation/probeless.py computes it. Per neuron, the class means q_c; the
 * overall score is Σ over class pairs |q_a − q_b| (get_overall_ranking), a class's score Σ over the other
 * classes |q_c − q_b| (get_tag_wise_ranking); neurons are ranked by decreasing score. Means, scores and the
 * sort run natively (native/src/rank/probeless.cc). Differences from NeuroX: float64 means (NeuroX: float32),
 * ties ranked by ascending neuron id (NeuroX: unstable argsort reversed).
 */
import { callNativeSync } from '../core/errors.js';
import { runJob } from '../core/native-job.js';
import { native } from '../core/native.js';
import type { ScoredRanking, RankActivations, RankLabels, ZScoreStats } from './common.js';
import { checkPass, checkZScore } from './common.js';
import { DEFAULT_THREADS, expectKnownKeys } from '../core/validate.js';

export interface ProbelessOptions {
  threads?: number;
  /** Score z-scored features: class means of (x − mean) / std, i.e. every difference divided by std. */
  zscore?: ZScoreStats;
}

export interface ProbelessRanking extends ScoredRanking {
  /** Rows per class (classes without rows take no part). */
  counts: number[];
  /** C×D class means, row-major (0 for classes without rows). */
  means: Float64Array;
}

export async function probelessRanking(acts: RankActivations, labels: RankLabels, options: ProbelessOptions = {}): Promise<ProbelessRanking> {
  expectKnownKeys(options, ['threads', 'zscore'], 'probelessRanking');
  const threads = options.threads ?? DEFAULT_THREADS;
  checkPass(acts, labels, threads);
  checkZScore(options.zscore, acts.cols);
  const C = labels.classes.length;
  const r = await runJob(() => native().probelessScores(acts.x, acts.rows, acts.cols, labels.ids, C, threads));
  const D = acts.cols;
  if (options.zscore) {
    // z-scoring is affine per neuron, so class means map to (q − mean) / std and every |q_a − q_b| scales by
    // 1 / std: no second pass over the activations.
    const { mean, std } = options.zscore;
    for (let j = 0; j < D; j++) r.overall[j]! /= std[j]!;
    for (let c = 0; c < C; c++) {
      for (let j = 0; j < D; j++) {
        r.perClass[c * D + j]! /= std[j]!;
        if (r.counts[c]! > 0) r.means[c * D + j] = (r.means[c * D + j]! - mean[j]!) / std[j]!;
      }
    }
  }
  const ordering = callNativeSync(() => native().argsortDescending(r.overall));
  const perClass: Record<string, number[]> = {};
  const perClassScores: Record<string, number[]> = {};
  labels.classes.forEach((name, c) => {
    if (r.counts[c] === 0) return;
    const s = r.perClass.subarray(c * D, (c + 1) * D);
    const o = callNativeSync(() => native().argsortDescending(s));
    perClass[name] = Array.from(o);
    perClassScores[name] = Array.from(o, (j) => s[j]!);
  });
  return {
    ordering: Array.from(ordering),
    scores: Array.from(ordering, (j) => r.overall[j]!),
    perClass,
    perClassScores,
    counts: Array.from(r.counts),
    means: r.means,
  };
}
