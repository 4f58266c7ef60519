/**
 * Minibatch CKA (Nguyen, Raghu & Kornblith 2021, "Do Wide and Deep Networks Learn the Same Things?", ICLR,
 * §3.1; torch_cka's estimator): the unbiased HSIC of Song et al. 2012 averaged over k batches of m rows, then
 *   CKA(a, b) = mean HSIC_ab / sqrt(mean HSIC_aa · mean HSIC_bb).
 * Batches are disjoint, drawn without replacement from all rows by a seeded shuffle (minibatchRows), so a
 * float64 reference with the same seed sees the same rows. Each batch's HSIC is the full-data estimator of
 * estimators.ts on that batch's statistics (native co-moment and layer sums of the batch in memory).
 * Memory: k·m rows of the dataset (5 × 5,000 × 9,984 floats ≈ 1 GB at the reference size) plus one batch's D²/2
 * co-moment at a time.
 */
import { NeurosieveError } from '../core/errors.js';
import { runJob } from '../core/native-job.js';
import { native } from '../core/native.js';
import { prng } from '../core/random.js';
import { callNativeSync } from '../core/errors.js';
import { streamRows, type NanPolicy } from '../io/load.js';
import type { Dataset, Stats } from '../types.js';
import { ckaFromHsic, unbiasedHsic, type CkaMatrix } from './estimators.js';
import type { LayerBlocks } from './layers.js';

/** Defaults of the minibatch estimator: the reference's 5 batches × 5,000 rows (tokens), seed 0. */
export const MINIBATCH_DEFAULTS = { batches: 5, batchSize: 5000, seed: 0 } as const;

/**
 * The rows of each batch: a seeded partial Fisher–Yates shuffle (mulberry32, src/core/random.ts) of 0 … n−1, the
 * first batchSize drawn rows being batch 0, and so on.
 */
export function minibatchRows(n: number, batches: number, batchSize: number, seed: number): Int32Array[] {
  if (batches * batchSize > n) {
    throw new NeurosieveError('E_ARGUMENT', `Expected at least ${batches * batchSize} rows for ${batches} minibatches of ${batchSize} rows but received ${n}; lower the batch size or the number of batches`);
  }
  const rand = prng(seed);
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  const take = batches * batchSize;
  for (let i = 0; i < take; i++) {
    const j = i + Math.floor(rand() * (n - i));
    const t = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = t;
  }
  return Array.from({ length: batches }, (_, k) => perm.slice(k * batchSize, (k + 1) * batchSize));
}

/** The average of per-batch unbiased HSIC matrices (L × L each), as CKA. */
export function minibatchCkaFromStats(batchStats: readonly Stats[], L: number, threads: number): CkaMatrix {
  const mean = new Float64Array(L * L);
  for (const s of batchStats) {
    const h = unbiasedHsic(s, s.layerSums!, threads);
    for (let i = 0; i < L * L; i++) mean[i]! += h[i]! / batchStats.length;
  }
  return ckaFromHsic(mean, L);
}

/** Rows of a dataset (n known from its headers, else counted by one read) gathered into one matrix per batch. */
async function gatherBatches(dataset: Dataset, batches: Int32Array[], nan: NanPolicy, chunkRows: number, signal?: AbortSignal): Promise<Float32Array[]> {
  const D = dataset.cols;
  const m = batches[0]!.length;
  const where = new Map<number, number>(); // row -> batch · m + position
  batches.forEach((rows, k) => rows.forEach((r, i) => where.set(r, k * m + i)));
  const out = batches.map(() => new Float32Array(m * D));
  const stream = streamRows(dataset, undefined, nan);
  try {
    const buf = new Float32Array(chunkRows * D);
    let row0 = 0;
    for (;;) {
      if (signal?.aborted) throw new NeurosieveError('E_CANCELLED', 'cancelled');
      const got = await stream.read(buf, chunkRows);
      if (got === 0) break;
      for (let r = 0; r < got; r++) {
        const at = where.get(row0 + r);
        if (at === undefined) continue;
        out[Math.floor(at / m)]!.set(buf.subarray(r * D, (r + 1) * D), (at % m) * D);
      }
      row0 += got;
    }
  } finally {
    stream.close();
  }
  return out;
}

/** Counts a dataset's rows when its headers do not say (NeuroX JSON lines). */
async function countRows(dataset: Dataset, nan: NanPolicy, chunkRows: number): Promise<number> {
  if (dataset.rows >= 0) return dataset.rows;
  const stream = streamRows(dataset, undefined, nan);
  try {
    const buf = new Float32Array(chunkRows * dataset.cols);
    while ((await stream.read(buf, chunkRows)) > 0);
    return stream.rows;
  } finally {
    stream.close();
  }
}

export interface MinibatchOptions {
  batches: number;
  batchSize: number;
  seed: number;
  threads: number;
  chunkRows: number;
  nan: NanPolicy;
  signal?: AbortSignal;
}

/** Minibatch CKA of a dataset's layers (options checked by the caller, cka.ts). */
export async function minibatchCka(dataset: Dataset, blocks: LayerBlocks, o: MinibatchOptions): Promise<CkaMatrix & { rows: number }> {
  const n = await countRows(dataset, o.nan, o.chunkRows);
  const batches = minibatchRows(n, o.batches, o.batchSize, o.seed);
  const xs = await gatherBatches(dataset, batches, o.nan, o.chunkRows, o.signal);
  const D = dataset.cols;
  const offsets = Uint32Array.from(blocks.offsets);
  const stats: Stats[] = [];
  for (const x of xs) {
    const c = await runJob(() => native().comoments(x, o.batchSize, D, Math.min(o.chunkRows, o.batchSize), o.threads), o.signal);
    const sums = callNativeSync(() => native().ckaLayerSums(x, o.batchSize, D, offsets, o.threads));
    stats.push({ count: c.count, cols: D, layers: 1, mean: c.mean, comoment: c.comoment, dtype: 'float32', sources: [], layerSums: { names: blocks.names, offsets: blocks.offsets, ...sums } });
  }
  return { ...minibatchCkaFromStats(stats, blocks.offsets.length - 1, o.threads), rows: n };
}
