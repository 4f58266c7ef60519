/** Inputs and results shared by the activation-based rankings (probeless, average precision). */
import { NeurosieveError } from '../core/errors.js';
import { expectInteger } from '../core/validate.js';

/** Row-major activations in memory (what loadActivations returns). */
export interface RankActivations {
  x: Float32Array;
  rows: number;
  cols: number;
}

/** One class id per row (what readLabels returns). */
export interface RankLabels {
  ids: Int32Array;
  classes: readonly string[];
}

/** Train statistics of a z-scoring probe: rankings then score (x − mean) / std, the features the probe sees. */
export interface ZScoreStats {
  mean: Float64Array;
  /** Positive (a probe stores 1 for zero-variance neurons). */
  std: Float64Array;
}

export function checkZScore(z: ZScoreStats | undefined, cols: number): void {
  if (z === undefined) return;
  if (!(z.mean instanceof Float64Array) || !(z.std instanceof Float64Array) || z.mean.length !== cols || z.std.length !== cols) {
    throw new NeurosieveError('E_SHAPE', `Expected z-score mean and std as Float64Arrays of ${cols} values (one per neuron)`);
  }
  for (let j = 0; j < cols; j++) {
    if (!(z.std[j]! > 0) || !Number.isFinite(z.std[j]!) || !Number.isFinite(z.mean[j]!)) {
      throw new NeurosieveError('E_ARGUMENT', `Expected a positive finite std and a finite mean for every neuron but neuron ${j} has mean ${z.mean[j]}, std ${z.std[j]}`);
    }
  }
}

export interface ScoredRanking {
  /** Neuron ids (columns of the activations), best first; ties by ascending id. */
  ordering: number[];
  /** scores[i] is the score of ordering[i]. */
  scores: number[];
  /** Per class with rows: its own ranking, best first, and the matching scores. */
  perClass: Record<string, number[]>;
  perClassScores: Record<string, number[]>;
}

/** Shapes and class ids, checked once before the native pass (which trusts them). */
export function checkPass(acts: RankActivations, labels: RankLabels, threads: number): void {
  if (!(acts?.x instanceof Float32Array)) throw new NeurosieveError('E_ARGUMENT', `Expected a Float32Array for activations.x but received ${Object.prototype.toString.call(acts?.x)}`);
  if (!Number.isSafeInteger(acts.rows) || !Number.isSafeInteger(acts.cols) || acts.cols < 1 || acts.x.length !== acts.rows * acts.cols) {
    throw new NeurosieveError('E_SHAPE', `Expected activations of rows × cols = ${acts.rows} × ${acts.cols} floats but received ${acts.x.length}`);
  }
  if (!(labels?.ids instanceof Int32Array)) throw new NeurosieveError('E_ARGUMENT', `Expected an Int32Array for labels.ids but received ${Object.prototype.toString.call(labels?.ids)}`);
  if (labels.ids.length !== acts.rows) {
    throw new NeurosieveError('E_SHAPE', `Expected one label per activation row but received ${labels.ids.length} labels for ${acts.rows} rows`);
  }
  const C = labels.classes.length;
  const seen = new Uint8Array(C);
  for (let t = 0; t < labels.ids.length; t++) {
    const y = labels.ids[t]!;
    if (y < 0 || y >= C) throw new NeurosieveError('E_ARGUMENT', `Expected class ids in [0, ${C - 1}] for labels but received ${y} at row ${t}`);
    seen[y] = 1;
  }
  if (seen.reduce((a, b) => a + b, 0) < 2) {
    throw new NeurosieveError('E_ARGUMENT', 'Expected labels with at least 2 classes for a ranking but all rows have the same class');
  }
  expectInteger(threads, 'threads', 0, 1024);
}
