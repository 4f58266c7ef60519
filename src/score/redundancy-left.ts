/**
 * Redundancy left among kept neurons: for each kept neuron, the largest |r| to another kept neuron (and which),
 * measured on the data rather than read from the truth, so it also counts redundancy nobody planted. The O(m²)
 * scan is native (native/src/score/kept_redundancy.h); this file only gets the correlations to it:
 *  - a square Float32Array in memory (D × D): scanned in place at the kept rows and columns;
 *  - a correlation `.npy` (float32 or float64, [D, D], what `neurosieve corr` writes): the kept rows are read in
 *    blocks of ≤ 32 MiB, so the D × D matrix is never in memory;
 *  - a stats file (`corr --stats-out`): the kept m × m correlations computed from the co-moments (cluster/subset.ts);
 *  - activations ({ activations: files }): one correlation pass over the kept columns only (m × m).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { NeurosieveError } from '../core/errors.js';
import { runJob } from '../core/native-job.js';
import { native } from '../core/native.js';
import { correlationSource } from '../cluster/correlation-clusters.js';
import { subsetSource } from '../cluster/subset.js';
import { correlate } from '../correlate/correlate.js';

/** Where correlations come from (ScoreSelectionOptions.correlation). */
export type CorrelationFrom = string | Float32Array | { activations: string | readonly string[] };

export interface RedundancyLeft {
  /** Per kept neuron (in the order given): its largest |r| to another kept neuron. */
  maxAbsR: Float64Array;
  /** …and that neuron's id (−1 with a single kept neuron). */
  nearest: Int32Array;
  /** Largest of maxAbsR: the most redundant pair left. */
  max: number;
  mean: number;
  median: number;
  /** Kept neurons whose maxAbsR is at least 0.5, 0.7, 0.9. */
  atLeast: { '0.5': number; '0.7': number; '0.9': number };
}

const BLOCK_BYTES = 32 << 20;

function summarise(kept: readonly number[], maxAbsR: Float64Array, arg: Int32Array): RedundancyLeft {
  const m = kept.length;
  const sorted = Float64Array.from(maxAbsR).sort();
  let sum = 0;
  for (const v of maxAbsR) sum += v;
  const count = (t: number) => maxAbsR.reduce((n, v) => n + (v >= t ? 1 : 0), 0);
  return {
    maxAbsR,
    nearest: Int32Array.from(arg, (j) => (j < 0 ? -1 : kept[j]!)),
    max: m > 0 ? sorted[m - 1]! : 0,
    mean: m > 0 ? sum / m : 0,
    median: m === 0 ? 0 : m % 2 ? sorted[(m - 1) / 2]! : (sorted[m / 2 - 1]! + sorted[m / 2]!) / 2,
    atLeast: { '0.5': count(0.5), '0.7': count(0.7), '0.9': count(0.9) },
  };
}

/** Scans rows of kept neurons [first, first + rowOf.length) of `corr` (rows of `stride` floats). */
async function scan(corr: Float32Array, stride: number, rowOf: Int32Array, first: number, colOf: Int32Array, threads: number) {
  return runJob(() => native().maxAbsToOthers(corr, stride, rowOf, first, colOf, threads));
}

/** Redundancy left among `kept` (distinct neuron ids) measured on `from` (blockBytes: the .npy row blocks' size). */
export async function redundancyLeft(from: CorrelationFrom, kept: readonly number[], threads = 0, blockBytes = BLOCK_BYTES): Promise<RedundancyLeft> {
  const m = kept.length;
  const maxAbsR = new Float64Array(m);
  const arg = new Int32Array(m).fill(-1);
  if (m < 2) return summarise(kept, maxAbsR, arg);
  const ids = Int32Array.from(kept);
  const positions = Int32Array.from({ length: m }, (_, i) => i);
  if (typeof from === 'object' && !(from instanceof Float32Array)) {
    const r = await correlate(from.activations, { columns: kept, threads });
    const out = await scan(r.corr, m, positions, 0, positions, threads);
    return summarise(kept, out.maxAbs, out.arg);
  }
  const source = correlationSource(from);
  for (const id of kept) {
    if (id >= source.n) throw new NeurosieveError('E_SHAPE', `${typeof from === 'string' ? from : 'correlation'}: has ${source.n} neurons, but neuron ${id} is kept`);
  }
  if (source.kind === 'memory') {
    const out = await scan(source.data as Float32Array, source.n, ids, 0, ids, threads);
    return summarise(kept, out.maxAbs, out.arg);
  }
  if (source.kind === 'stats') {
    const sub = subsetSource(source, Uint32Array.from(kept), threads);
    if (sub.kind !== 'memory') throw new Error('subsetSource returned no matrix');
    const data = sub.data instanceof Float32Array ? sub.data : Float32Array.from(sub.data);
    const out = await scan(data, m, positions, 0, positions, threads);
    return summarise(kept, out.maxAbs, out.arg);
  }
  // A .npy matrix: the kept rows, a block at a time, each row converted to float32 if it is float64.
  const n = source.n;
  const f64 = source.dtype === 'f8';
  const rowBytes = n * (f64 ? 8 : 4);
  const per = Math.max(1, Math.min(m, Math.floor(blockBytes / (n * 4))));
  const block = new Float32Array(per * n);
  const raw = new Uint8Array(rowBytes);
  const rowView = f64 ? new Float64Array(raw.buffer) : new Float32Array(raw.buffer);
  const fd = openSync(source.path, 'r');
  try {
    for (let first = 0; first < m; first += per) {
      const b = Math.min(per, m - first);
      for (let i = 0; i < b; i++) {
        const at = source.offset + kept[first + i]! * rowBytes;
        let got = 0;
        while (got < rowBytes) {
          const k = readSync(fd, raw, got, rowBytes - got, at + got);
          if (k === 0) throw new NeurosieveError('E_FORMAT', `${source.path}: truncated at correlation row ${kept[first + i]}`);
          got += k;
        }
        block.set(rowView, i * n);
      }
      const out = await scan(block, n, positions.subarray(0, b), first, ids, threads);
      maxAbsR.set(out.maxAbs, first);
      arg.set(out.arg, first);
    }
  } finally {
    closeSync(fd);
  }
  return summarise(kept, maxAbsR, arg);
}
