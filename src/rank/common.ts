/** Inputs and results shared by the activation-based rankings (probeless, average precision). */
import { NeurosieveError } from '../errors.js';

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
  if (!Number.isInteger(threads) || threads < 0 || threads > 1024) {
    throw new NeurosieveError('E_ARGUMENT', `Expected an integer in [0, 1024] for threads but received ${String(threads)}`);
  }
}
