/**
 * CKA between the layers of two models over the same rows (Kornblith et al. 2019 compare networks this way): the
 * two datasets are read in lockstep, each chunk's rows joined side by side into one [A | B] row, and the joint
 * statistics (co-moment, and layer sums for the debiased estimator) are built chunk by chunk and merged exactly
 * (Chan's update; layer-sums.ts). CKA(a, b) for a layer a of A and b of B is then the cross block of the joint
 * CKA matrix: the same estimators as for one model. Two stats files cannot give it (they hold no cross
 * products), so both inputs must be activations.
 */
import { callNativeSync, NeurosieveError } from '../core/errors.js';
import { runJob } from '../core/native-job.js';
import { native } from '../core/native.js';
import { mergeStats } from '../correlate/stats.js';
import { streamRows, type NanPolicy, type RowStream } from '../io/load.js';
import type { Dataset, Stats } from '../types.js';
import type { LayerBlocks } from './layers.js';

/** Fills out with up to `want` rows of a stream, reading again when a read stops short (a file boundary). */
async function readFull(s: RowStream, out: Float32Array, want: number): Promise<number> {
  let got = 0;
  while (got < want) {
    const n = await s.read(out.subarray(got * s.cols), want - got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

export interface JointOptions {
  threads: number;
  chunkRows: number;
  nan: NanPolicy;
  /** Also keep the layer sums (debiased CKA) over these joint blocks. */
  layerSums?: LayerBlocks;
  signal?: AbortSignal;
}

/** The statistics of the rows of `a` and `b` joined side by side (columns of a, then of b). */
export async function jointStats(a: Dataset, b: Dataset, o: JointOptions): Promise<Stats> {
  const D = a.cols + b.cols;
  const sa = streamRows(a, undefined, o.nan);
  const sb = streamRows(b, undefined, o.nan);
  const name = (d: Dataset) => d.files.map((f) => f.path).join(', ');
  try {
    const bufA = new Float32Array(o.chunkRows * a.cols);
    const bufB = new Float32Array(o.chunkRows * b.cols);
    const joint = new Float32Array(o.chunkRows * D);
    let merged: Stats | undefined;
    for (;;) {
      if (o.signal?.aborted) throw new NeurosieveError('E_CANCELLED', 'cancelled');
      const n = await readFull(sa, bufA, o.chunkRows);
      const m = await readFull(sb, bufB, n === 0 ? 1 : n);
      if (n === 0 && m === 0) break;
      if (m !== n) {
        throw new NeurosieveError('E_SHAPE', `Expected the same rows in both models for CKA between them but ${name(b)} ${m < n ? `ends after ${sb.rows} rows` : 'has more rows'} than ${name(a)} (${sa.rows} rows read)`);
      }
      for (let r = 0; r < n; r++) {
        joint.set(bufA.subarray(r * a.cols, (r + 1) * a.cols), r * D);
        joint.set(bufB.subarray(r * b.cols, (r + 1) * b.cols), r * D + a.cols);
      }
      const x = joint.subarray(0, n * D);
      const c = await runJob(() => native().comoments(x, n, D, n, o.threads), o.signal);
      const chunk: Stats = { count: c.count, cols: D, layers: 1, mean: c.mean, comoment: c.comoment, dtype: 'float32', sources: [] };
      if (o.layerSums) {
        const sums = callNativeSync(() => native().ckaLayerSums(x, n, D, Uint32Array.from(o.layerSums!.offsets), o.threads));
        chunk.layerSums = { names: o.layerSums.names, offsets: o.layerSums.offsets, ...sums };
      }
      merged = merged ? mergeStats(merged, chunk) : chunk;
    }
    if (!merged || merged.count < 2) throw new NeurosieveError('E_EMPTY', `Expected at least 2 rows for CKA but received ${merged?.count ?? 0} (${name(a)})`);
    merged.sources = [...a.files, ...b.files].map((f) => ({ path: f.path, rows: f.rows }));
    return merged;
  } finally {
    sa.close();
    sb.close();
  }
}
