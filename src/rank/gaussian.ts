/**
 * Gaussian ranking: Torroba Hennigen, Williams & Cotterell 2020, "Intrinsic Probing through Dimension Selection"
 * (EMNLP), as NeuroX's interpretation/gaussian_probe.py computes it — class-conditional Gaussians with a
 * Normal–inverse-Wishart MAP covariance, neurons added greedily by the train-set mutual information (bits) they
 * bring. The model, the incremental Cholesky scoring and the treatment of degenerate neurons are described in
 * native/src/rank/gaussian.h. Differences from NeuroX: float64 throughout (NeuroX: float32 means), ties to the lowest
 * id (NeuroX: the same, by its strict comparison in id order), and neurons without variance within a class are
 * reported and never chosen (NeuroX's MultivariateNormal fails on them).
 *
 * Cost: O(C·D·(k² + T·k)) per selected neuron and C·T·k float64 of state (k = neurons selected), so it is meant, as
 * in NeuroX, for the first tens to hundreds of neurons; a request whose state cannot fit is refused up front.
 * Per-neuron affine rescaling (z-scoring) leaves every posterior unchanged, so there is no z-score option.
 */
import { NeurosieveError } from '../core/errors.js';
import { quietProgress, runJob } from '../core/native-job.js';
import { native } from '../core/native.js';
import { DEFAULT_THREADS, expectInteger, expectKnownKeys } from '../core/validate.js';
import type { RankActivations, RankLabels } from './common.js';
import { checkPass } from './common.js';

/** NeuroX's advice ("a not too large number (<400)"); ours is a default, not a limit. */
export const GAUSSIAN_DEFAULT_SELECT = 50;
/** Most state (bytes) a Gaussian ranking may hold: beyond it the request is refused with the size it needs. */
export const GAUSSIAN_MAX_STATE = 8 * 2 ** 30;

export interface GaussianOptions {
  /** Neurons to select (default min(50, D)). */
  select?: number;
  threads?: number;
  onProgress?: (p: { done: number; total: number }) => void;
  signal?: AbortSignal;
}

export interface GaussianRanking {
  /** The selected neurons (columns of the activations), in selection order. */
  ordering: number[];
  /** Mutual information I(ordering[0..i]; class) in bits on the train rows, after each selection. */
  scores: number[];
  /** Train accuracy of the Gaussian classifier after each selection (accuracy[i] with ordering[0..i]). */
  accuracy: number[];
  /** H(classes) in bits: the most the mutual information (`scores`) can reach. */
  entropy: number;
  /** Neurons without variance within some class: never candidates. */
  degenerate: number[];
  /** (step, candidate) pairs skipped because the candidate was a linear function of the selected ones. */
  dependentSkips: number;
}

export async function gaussianRanking(acts: RankActivations, labels: RankLabels, options: GaussianOptions = {}): Promise<GaussianRanking> {
  expectKnownKeys(options, ['select', 'threads', 'onProgress', 'signal'], 'gaussianRanking');
  const threads = options.threads ?? DEFAULT_THREADS;
  checkPass(acts, labels, threads);
  const D = acts.cols;
  const select = expectInteger(options.select ?? Math.min(GAUSSIAN_DEFAULT_SELECT, D), 'select', 1, D);
  const C = labels.classes.length;
  const counts = new Array<number>(C).fill(0);
  for (let t = 0; t < labels.ids.length; t++) counts[labels.ids[t]!]!++;
  const single = counts.findIndex((n) => n === 1);
  if (single >= 0) {
    throw new NeurosieveError('E_ARGUMENT', `Expected at least 2 rows of every class for the Gaussian ranking (a class covariance needs them) but class '${labels.classes[single]}' has 1`);
  }
  const present = counts.filter((n) => n > 0).length;
  const bytes = 8 * present * select * (acts.rows + D + select);
  if (bytes > GAUSSIAN_MAX_STATE) {
    throw new NeurosieveError('E_ARGUMENT', `Expected a Gaussian ranking whose state fits in ${GAUSSIAN_MAX_STATE / 2 ** 30} GiB but selecting ${select} of ${D} neurons over ${acts.rows} rows and ${present} classes needs ${(bytes / 2 ** 30).toFixed(1)} GiB; select fewer neurons or rank fewer rows`);
  }
  const onProgress = quietProgress(options.onProgress);
  const r = await runJob(() => native().gaussianRanking(acts.x, acts.rows, D, labels.ids, C, select, threads, (p) => onProgress(p)), options.signal);
  const ordering = Array.from(r.order);
  return {
    ordering,
    scores: Array.from(r.information),
    accuracy: Array.from(r.accuracy),
    entropy: r.entropy,
    degenerate: Array.from(r.degenerate),
    dependentSkips: r.dependentSkips,
  };
}
