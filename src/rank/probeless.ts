/**
 * Probeless ranking: Antverg & Belinkov 2022, "On the Pitfalls of Analyzing Individual Neurons in Language
 * Models" (ICLR), as NeuroX's interpretation/probeless.py computes it. Per neuron, the class means q_c; the
 * overall score is Σ over class pairs |q_a − q_b| (get_overall_ranking), a class's score Σ over the other
 * classes |q_c − q_b| (get_tag_wise_ranking); neurons are ranked by decreasing score. Means, scores and the
 * sort run natively (native/src/rank/probeless.cc). Differences from NeuroX: float64 means (NeuroX: float32),
 * ties ranked by ascending neuron id (NeuroX: unstable argsort reversed).
 */
import { callNative, callNativeSync } from '../errors.js';
import { native } from '../native.js';
import type { ScoredRanking, RankActivations, RankLabels } from './common.js';
import { checkPass } from './common.js';

export interface ProbelessRanking extends ScoredRanking {
  /** Rows per class (classes without rows take no part). */
  counts: number[];
  /** C×D class means, row-major (0 for classes without rows). */
  means: Float64Array;
}

export async function probelessRanking(acts: RankActivations, labels: RankLabels, threads = 0): Promise<ProbelessRanking> {
  checkPass(acts, labels, threads);
  const C = labels.classes.length;
  const r = await callNative(() => native().probelessScores(acts.x, acts.rows, acts.cols, labels.ids, C, threads));
  const D = acts.cols;
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
