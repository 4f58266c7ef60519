/**
 * Hierarchical clustering from correlation edges, exact for every cut <= maxCut (native/src/edges/
 * sparse_linkage.h says why for each method). Average linkage may need the exact distance of a cluster pair
 * some of whose member pairs are below the edges' threshold: the native core then asks for the pairwise values
 * of a set of neurons, computed here by one pass over the data for those columns with the edge pass's chunk
 * size, so each value is the one the dense matrix holds; the certificate counts those passes and pairs.
 *
 * Flat clusters are numbered 0, 1, … by their smallest neuron (scipy's fcluster numbers them by its own tree
 * walk: the partitions are the same, the numbers are not; test/edges/ maps one onto the other).
 */
import { computeStats } from '../correlate/correlate.js';
import { callNativeSync, NeurosieveError } from '../core/errors.js';
import { native } from '../core/native.js';
import { expectKnownKeys, expectThreads } from '../core/validate.js';
import { asDataset, type OpenOptions } from '../io/dataset.js';
import type { Dataset } from '../types.js';
import type { CorrelationEdges } from './correlation-edges.js';

export const EDGE_LINKAGES = ['single', 'complete', 'average'] as const;
export type EdgeLinkage = (typeof EDGE_LINKAGES)[number];

export interface EdgeClusterOptions extends OpenOptions {
  method?: EdgeLinkage;
  /** Cuts: merges of height <= t join. Each must be <= maxCut. */
  thresholds: number[];
  /** The tree is built up to this height (default: the largest threshold); must be <= 1 − minAbsR. */
  maxCut?: number;
  /** The activations the edges came from (default: the edge file's sources); needed when average linkage must
   * recompute a pair. */
  data?: Dataset | string | readonly string[];
  /** Most columns one recomputation pass reads (default 4096: a 134 MB co-moment). */
  maxColumns?: number;
  threads?: number;
  onProgress?: (p: { passes: number; merges: number }) => void;
  signal?: AbortSignal;
}

export interface EdgeCertificate {
  /** Merges whose cluster pair was exact from the edges alone. */
  mergesByBounds: number;
  /** Merges of a cluster pair recomputed from the data first. */
  mergesAfterRecompute: number;
  clusterPairsRecomputed: number;
  /** Member pairs recomputed (within recomputed cluster pairs). */
  pairsRecomputed: number;
  /** Passes over the data. */
  passes: number;
}

export interface EdgeClusters {
  method: EdgeLinkage;
  maxCut: number;
  thresholds: number[];
  /** Per threshold: cluster of each neuron, 0-based, numbered by each cluster's smallest neuron. */
  labels: Int32Array[];
  /** The merges up to maxCut in order (slots are neuron ids, as the dense merge list). */
  merges: { a: Int32Array; b: Int32Array; height: Float64Array };
  certificate: EdgeCertificate;
}

const OPTION_KEYS = ['method', 'thresholds', 'maxCut', 'data', 'maxColumns', 'threads', 'onProgress', 'signal', 'format', 'column'] as const;

export async function clusterEdges(edges: CorrelationEdges, options: EdgeClusterOptions): Promise<EdgeClusters> {
  expectKnownKeys(options, OPTION_KEYS, 'clusterEdges');
  const method = options.method ?? 'average';
  if (!EDGE_LINKAGES.includes(method)) throw new NeurosieveError('E_ARGUMENT', `Expected method ${EDGE_LINKAGES.join(', ')} for clustering from edges but received '${String(method)}'`);
  const thresholds = [...options.thresholds];
  if (thresholds.length === 0 || !thresholds.every((t) => typeof t === 'number' && t >= 0 && t <= 1)) {
    throw new NeurosieveError('E_ARGUMENT', `Expected thresholds in [0, 1] but received [${thresholds.join(', ')}]`);
  }
  const where = edges.path ? `${edges.path}: ` : '';
  const limit = 1 - edges.minAbsR;
  const maxCut = options.maxCut ?? Math.max(...thresholds);
  if (!(maxCut >= Math.max(...thresholds))) throw new NeurosieveError('E_ARGUMENT', `Expected maxCut (${maxCut}) >= every threshold (largest ${Math.max(...thresholds)})`);
  if (!(maxCut <= limit)) {
    throw new NeurosieveError(
      'E_ARGUMENT',
      `${where}the edges keep |r| >= ${edges.minAbsR}, so clusters are exact only for cuts <= 1 − ${edges.minAbsR} = ${limit.toPrecision(6)}; ${maxCut} asks for more. Recompute the edges with --min-abs-r <= ${(1 - maxCut).toPrecision(6)}`,
    );
  }
  const maxColumns = options.maxColumns ?? 4096;
  if (!Number.isSafeInteger(maxColumns) || maxColumns < 2) throw new NeurosieveError('E_ARGUMENT', `Expected maxColumns >= 2 but received ${String(maxColumns)}`);
  const threads = expectThreads(options.threads);
  let core;
  try {
    core = callNativeSync(() => new (native().SparseLinkage)(edges.neurons, edges.i, edges.j, edges.r, method, edges.minAbsR, maxCut, maxColumns));
  } catch (err) {
    // The edges' own faults (a pair twice, i >= j, an id past the neuron count) name the file they came from.
    if (err instanceof NeurosieveError && err.code === 'E_FORMAT' && edges.path) throw new NeurosieveError('E_FORMAT', `${edges.path}: ${err.message}`, { cause: err });
    throw err;
  }

  // Data given explicitly is checked before any work; the edge file's own sources only when a pass is needed.
  let dataset: Dataset | undefined = options.data !== undefined ? openData(edges, options) : undefined;
  for (;;) {
    const columns = callNativeSync(() => core.step());
    if (columns.length === 0) break;
    if (options.signal?.aborted) throw new NeurosieveError('E_CANCELLED', 'cancelled between recomputation passes');
    dataset ??= openData(edges, options);
    const { stats } = await computeStats(dataset, { columns, threads, chunkRows: edges.chunkRows, nan: edges.nan, backend: 'native', ...(options.signal ? { signal: options.signal } : {}) });
    if (stats.count !== edges.count) {
      throw new NeurosieveError('E_FORMAT', `the data (${dataset.files.map((f) => f.path).join(', ')}) holds ${stats.count} rows but the edges were computed over ${edges.count}: not the edges' data`);
    }
    callNativeSync(() => core.supply(stats.comoment, columns.length));
    const c = core.certificate();
    options.onProgress?.({ passes: c.passes, merges: c.mergesByBounds + c.mergesAfterRecompute });
  }
  return {
    method,
    maxCut,
    thresholds,
    labels: thresholds.map((t) => callNativeSync(() => core.flat(t))),
    merges: core.merges(),
    certificate: core.certificate(),
  };
}

function openData(edges: CorrelationEdges, options: EdgeClusterOptions): Dataset {
  const input = options.data ?? edges.sources.map((s) => s.path);
  if (Array.isArray(input) && input.length === 0) {
    throw new NeurosieveError('E_ARGUMENT', 'average linkage needs to recompute some pairs from the data, but the edges name no source files; give the activations (data / --data)');
  }
  const dataset = asDataset(input, { ...(options.format ? { format: options.format } : {}), ...(options.column ? { column: options.column } : {}) });
  if (dataset.rows >= 0 && dataset.rows !== edges.count) {
    throw new NeurosieveError('E_FORMAT', `the data (${dataset.files.map((f) => f.path).join(', ')}) holds ${dataset.rows} rows but the edges were computed over ${edges.count}: not the edges' data`);
  }
  if (dataset.cols !== edges.neurons) {
    throw new NeurosieveError('E_SHAPE', `the data (${dataset.files.map((f) => f.path).join(', ')}) has ${dataset.cols} neurons but the edges have ${edges.neurons}: not the edges' data`);
  }
  return dataset;
}
