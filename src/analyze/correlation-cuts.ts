/**
 * Correlation clustering inside `analyze` (method.md §2, §5 step 4). The Pearson matrix of all D neurons is
 * computed once, from the train rows already in memory (native co-moments, chunked and merged exactly as the
 * file pass merges them). The LS-selected neurons are always a prefix of layers, i.e. columns 0 … k−1, and the
 * correlation of a subset of neurons is the sub-block of the full matrix: each prefix is clustered on its own
 * top-left k × k block, at every threshold from one linkage.
 *
 * The reference pipeline clusters each threshold after the first on the previous threshold's already-reduced
 * matrix and applies the returned positions to the full one, so its thresholds 0.2 … 0.9 keep the wrong neurons
 * (method.md §6b). Here every threshold cuts the same linkage of the LS-selected neurons, and kept positions are
 * mapped to neuron ids through that one subset.
 */
import { runJob } from '../core/native-job.js';
import { native } from '../core/native.js';
import { defaultChunkRows } from '../io/chunk-rows.js';
import { correlationClusters } from '../cluster/correlation-clusters.js';
import type { HeldData } from './held-data.js';
import type { ResolvedAnalyzeOptions } from './options.js';

/** The kept neurons of one threshold on one prefix. threshold −1: no clustering (every neuron of the prefix). */
export interface PrefixCut {
  threshold: number;
  /** Kept neuron ids, ascending. */
  kept: Uint32Array;
  /** Clusters at this threshold (= kept.length). */
  clusters: number;
  /** Size of the largest cluster. */
  largest: number;
  /** The cluster (1 … clusters, fcluster's numbering) of each neuron of the prefix; absent without clustering. */
  labels?: Int32Array;
}

/** The cuts of one prefix, and its linkage (scipy's Z, (k − 1) × 4) when it was clustered. */
export interface PrefixClustering {
  cuts: PrefixCut[];
  linkage?: Float64Array;
}

/**
 * Pearson r of every pair of neurons over the train rows: row-major D × D float32, zero-variance neurons r = 0.
 * Built natively over the co-moment triangle's own memory, so the peak is X + one D × D matrix.
 */
export async function trainCorrelation(data: HeldData, threads: number, signal?: AbortSignal): Promise<{ corr: Float32Array; zeroVariance: number[] }> {
  const { D, train } = data;
  const r = await runJob(() => native().comoments(train.x, train.rows, D, defaultChunkRows(D), threads, true), signal);
  return { corr: r.corr, zeroVariance: Array.from(r.zeroVariance) };
}

/** The cuts of the prefix of the first k neurons at every threshold of the options (−1 included). */
export async function prefixCuts(corr: Float32Array, D: number, k: number, o: ResolvedAnalyzeOptions, signal?: AbortSignal): Promise<PrefixClustering> {
  const positive = o.thresholds.filter((t) => t >= 0);
  const all = Uint32Array.from({ length: k }, (_, j) => j);
  const byThreshold = new Map<number, PrefixCut>([[-1, { threshold: -1, kept: all, clusters: k, largest: 1 }]]);
  let linkage: Float64Array | undefined;
  if (positive.length > 0 && k >= 2) {
    // The prefix's block is read in place from the full matrix (no k × k copy).
    const clusters = await correlationClusters({ data: corr, n: k, stride: D }, {
      thresholds: positive,
      linkage: o.linkage,
      representative: o.representative,
      seed: o.seed,
      threads: o.threads * o.concurrency,
      backend: 'native',
      ...(signal ? { signal } : {}),
    });
    for (const cut of clusters.cuts) {
      // Positions in the prefix are neuron ids: the prefix starts at neuron 0. (reduce, not Math.max(...sizes):
      // a spread of ~10^5 values overflows the call stack.)
      byThreshold.set(cut.threshold, { threshold: cut.threshold, kept: Uint32Array.from(cut.kept).sort(), clusters: cut.clusters, largest: cut.sizes.reduce((a, b) => Math.max(a, b), 0), labels: cut.labels });
    }
    linkage = clusters.linkage;
  } else {
    for (const t of positive) byThreshold.set(t, { threshold: t, kept: all, clusters: k, largest: 1 });
  }
  return { cuts: o.thresholds.map((t) => byThreshold.get(t)!), ...(linkage ? { linkage } : {}) };
}
