/**
 * The `views` section of the results (views-format.ts): what the report draws beyond the tables, computed at the
 * end of `analyze` from what it holds (X, the Pearson matrix, the whole-network linkage and cuts, the oracle).
 * Sizes follow D, never the row count: per neuron a histogram and k top rows, block-averaged heatmaps, the top of
 * the tree.
 */
import { runJob } from '../core/native-job.js';
import { native } from '../core/native.js';
import { pack } from '../io/packed-array.js';
import type { PrefixCut } from './correlation-cuts.js';
import type { HeldData } from './held-data.js';
import type { ProbeOutcome } from './probe-bench.js';
import type { AnalysisViews, ViewCut } from './views-format.js';
import { correlationHeatmaps } from './views-heatmaps.js';
import { neuronViews } from './views-neurons.js';
import { leafOrder, topMerges } from './views-tree.js';
import { linearCkaFromCorrelation } from '../cka/from-correlation.js';

/** Merges shown in the dendrogram (scipy's lastp = 128 leaves). */
export const DENDROGRAM_MERGES = 127;

export interface ViewInputs {
  held: HeldData;
  /** D × D Pearson r of the train rows. */
  corr: Float32Array;
  /** The whole-network cuts (threshold −1 included) and linkage, when clustered. */
  cuts: PrefixCut[];
  linkage?: Float64Array;
  oracle: ProbeOutcome;
  threads: number;
}

export async function analysisViews(v: ViewInputs): Promise<AnalysisViews> {
  const { held, corr, linkage, threads } = v;
  const D = held.D;
  const views: AnalysisViews = {};
  const clustered = v.cuts.filter((c) => c.labels);
  if (clustered.length > 0) {
    views.cuts = [];
    for (const c of clustered) views.cuts.push({ threshold: c.threshold, labels: pack(c.labels!), kept: keptByCluster(c), within: await withinCluster(corr, D, c, threads) });
  }
  if (held.layers.length >= 2) views.cka = await layerCka(held, corr, threads);
  if (linkage) views.dendrogram = topMerges(linkage, D, held.layers, DENDROGRAM_MERGES);
  const leaves = linkage ? leafOrder(linkage, D) : Int32Array.from({ length: D }, (_, j) => j);
  views.heatmaps = await correlationHeatmaps(corr, D, held.layers, leaves, threads);
  const n = await neuronViews(held, v.oracle, threads);
  views.neurons = n.neurons;
  if (n.text) views.text = n.text;
  const blocks = views.heatmaps.network.edges.length - 1;
  views.sampling = `${n.sampling}; correlation maps average |r| over ${blocks} blocks of the whole network and up to 256 per layer; the dendrogram shows the last ${Math.min(DENDROGRAM_MERGES, D - 1)} merges.`;
  return views;
}

/**
 * Linear CKA between the layers of the raw train activations from the Pearson matrix already held and the train
 * stds (cov = r·σ_i·σ_j; src/cka/from-correlation.ts): no second pass over the rows. Pearson r is the same for
 * z-scored rows, whose raw stds held.zscore keeps; without z-scoring the rows are raw and measured here.
 */
async function layerCka(held: HeldData, corr: Float32Array, threads: number): Promise<NonNullable<AnalysisViews['cka']>> {
  const std = held.zscore?.std ?? (await runJob(() => native().columnMoments(held.train.x, held.train.rows, held.D, threads))).std;
  const offsets = [0, ...held.layers.map((l) => l.offset + l.width)];
  return { estimator: 'linear', layers: held.layers.map((l) => l.name), matrix: linearCkaFromCorrelation(corr, held.D, std, offsets).matrix };
}

/** Bins of the within-cluster |r| histograms. */
export const WITHIN_BINS = 20;

/** Histograms of |r| inside each cluster of two or more neurons (native: one pass over each cluster's pairs). */
async function withinCluster(corr: Float32Array, D: number, cut: PrefixCut, threads: number): Promise<NonNullable<ViewCut['within']>> {
  const all = await runJob(() => native().clusterPairHistograms(corr, D, D, cut.labels!, cut.clusters, WITHIN_BINS, threads));
  const sizes = new Int32Array(cut.clusters);
  for (const c of cut.labels!) sizes[c - 1]!++;
  const ids: number[] = [];
  for (let c = 1; c <= cut.clusters; c++) if (sizes[c - 1]! >= 2) ids.push(c);
  const counts = new Uint32Array(ids.length * WITHIN_BINS);
  ids.forEach((c, i) => counts.set(all.subarray((c - 1) * WITHIN_BINS, c * WITHIN_BINS), i * WITHIN_BINS));
  return { bins: WITHIN_BINS, clusters: pack(Int32Array.from(ids)), counts: pack(counts, [ids.length, WITHIN_BINS]) };
}

/** The kept neuron of cluster c at c − 1 (a cut's kept ids are sorted; its labels say which cluster each is). */
function keptByCluster(cut: PrefixCut): number[] {
  const out = new Array<number>(cut.clusters).fill(-1);
  for (const id of cut.kept) out[cut.labels![id]! - 1] = id;
  return out;
}
