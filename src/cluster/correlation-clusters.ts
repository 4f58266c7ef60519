/**
 * Correlation clustering of neurons (shared/spec/method.md §2, Dalvi et al. 2020; NeuroX's
 * create_correlation_clusters / extract_independent_neurons): distances d = 1 − |r| with r symmetrised as
 * (r + rᵀ)/2, an agglomerative linkage (average by default), flat clusters at each distance threshold (merges of
 * height ≤ t join, scipy's fcluster 'distance'), and one kept neuron per cluster.
 *
 * The input must be a correlation matrix (native/src/cluster/distances.h): no NaN, |r| ≤ 1 + 1e-6,
 * |r_ij − r_ji| ≤ 1e-6, r_ii = 1 within 1e-6 (or 0 for a constant neuron whose row is 0); anything else is an error
 * naming the input and the first offending (row, column). `repair: true` is NeuroX's silent behaviour instead
 * (NaN → 0, clip to [−1, 1], symmetrise, diagonal ignored), counted in the result's `repairs`. A stats file is
 * checked as a co-moment state (src/correlate/stats.ts) and never repaired.
 *
 * Input: a square correlation matrix in memory (Float32Array / Float64Array, n × n row-major), a float32 or
 * float64 `.npy` of shape [n, n] (what `neurosieve corr` writes), or a stats file (`neurosieve corr
 * --stats-out`): files are streamed in row blocks straight into the condensed float32 distances, so the peak
 * memory is n(n − 1)/2 × 4 bytes plus ~32 MiB (5 GB at n = 50,000; scipy needs 4× that, plus the square).
 *
 * Representatives: 'random' (compatible: one uniformly random member of each cluster, as NeuroX's
 * np.random.choice; ours is seeded: cluster by cluster in id order, member ⌊u · size⌋ of the ascending member
 * list with u from mulberry32(seed), a fresh stream per threshold so a cut never depends on the other
 * thresholds asked for) or 'central' (the member with the highest mean |r| to the rest of its cluster, ties
 * to the lowest index; costs a second pass building the distances, which the linkage consumed).
 *
 * backend 'webgpu' (or 'auto' on a real GPU): the float32 distances are built natively, then the linkage runs on
 * the device (src/cluster/linkage-webgpu.ts), with the same Z as the native float32 run (an exact tie hands the linkage
 * over to the native engine: `handover` says why). Needs precision 'float32'.
 */
import { fstatSync, openSync, closeSync, readSync } from 'node:fs';
import { NeurosieveError } from '../core/errors.js';
import { runJob } from '../core/native-job.js';
import { fcluster, linkageTree } from './fcluster.js';
import { readNpyHeader } from '../io/npy.js';
import { checkTie } from '../io/output-tie.js';
import { checkMemory } from '../core/memory.js';
import { BACKENDS, chooseBackend, type BackendChoice } from '../gpu/backend.js';
import { LINKAGE_DEFAULTS, LINKAGE_METHODS, progressForwarder, TIES, runLinkage, type ClusterProgress, type LinkageMethod, type LinkageReport } from './linkage.js';
import { native } from '../core/native.js';
import type { NativeClusterOptions, NativeCorrSource } from '../core/native-types.js';
import { prng } from '../core/random.js';
import type { ComputeBackend } from '../types.js';
import { readStatsHeader } from '../correlate/stats.js';
import { validateColumns } from '../io/load.js';
import { subsetSource } from './subset.js';
import { expectInteger, expectOneOf, expectOptions, expectThreads, fail } from '../core/validate.js';

/** How the kept neuron of a cluster is chosen (CorrelationClustersOptions.representative). */
export const REPRESENTATIVES = ['random', 'central'] as const;
export type Representative = (typeof REPRESENTATIVES)[number];
/** Storage of the condensed distances (CorrelationClustersOptions.precision). */
export const PRECISIONS = ['float32', 'float64'] as const;

/** Distance thresholds are in [0, 2]: d = 1 − |r|. */
export const THRESHOLD_RANGE = [0, 2] as const;

/** Defaults of CorrelationClustersOptions (threads: every core). */
export const CLUSTER_DEFAULTS = { ...LINKAGE_DEFAULTS, representative: 'random', seed: 0, precision: 'float32', repair: false } as const;

export interface CorrelationClustersOptions {
  /** Distance thresholds in [0, 2]; merges of height ≤ t join. The paper uses 0.1 … 0.9, Dalvi 2020 0.3. */
  thresholds: readonly number[];
  /** Default 'average'. */
  linkage?: LinkageMethod;
  /** Default 'random' (the reference's behaviour, seeded). */
  representative?: Representative;
  /** Seed of the 'random' representatives, an integer in [0, 2^32) (default 0). */
  seed?: number;
  /** Storage of the condensed distances: 'float32' (default, half of scipy's memory) or 'float64' (scipy's Z exactly, twice the memory). */
  precision?: (typeof PRECISIONS)[number];
  /** Worker threads for the distance build, 0 = all (default). Results do not depend on it. */
  threads?: number;
  /**
   * false (default): a square input that is not a correlation matrix is an error. true: NeuroX's repair (NaN → 0,
   * clip to [−1, 1], symmetrise (r + rᵀ)/2, diagonal ignored), counted in `repairs`. Stats files are never repaired.
   */
  repair?: boolean;
  /** Where the linkage runs: 'native' (default; see LinkageOptions.backend for why), 'webgpu' or 'auto'. */
  backend?: BackendChoice;
  /** WebGPU ties: 'exact' (default, the CPU's Z; ties hand over to native) or 'any' (see LinkageOptions.ties). */
  ties?: 'exact' | 'any';
  /**
   * Cluster only these neurons (original ids, distinct; see selectNeurons): the input's rows/columns columns[i]
   * form the matrix clustered. `kept` then names original ids, and labels[i] belongs to neuron columns[i], so no
   * caller ever maps positions back by hand (the seed scripts' error, method.md §6b). See subset.ts for memory.
   */
  columns?: ArrayLike<number>;
  onProgress?: (p: ClusterProgress) => void;
  signal?: AbortSignal;
}

export interface ClusterCut {
  threshold: number;
  /** Cluster id of each neuron, 1 … clusters, numbered as scipy's fcluster numbers them. */
  labels: Int32Array;
  clusters: number;
  /** The kept neuron of each cluster, cluster 1 first (an original id, also with `columns`). */
  kept: number[];
  /** Neurons in each cluster, cluster 1 first. */
  sizes: number[];
}

export interface CorrelationClusters {
  /** Neurons clustered (columns.length with a subset). */
  neurons: number;
  /** With a subset: the original id of each clustered neuron (labels[i] belongs to columns[i]). */
  columns?: number[];
  method: LinkageMethod;
  precision: 'float32' | 'float64';
  representative: Representative;
  seed: number;
  /** scipy's linkage matrix, (n − 1) × 4 row-major. */
  linkage: Float64Array;
  cuts: ClusterCut[];
  /** The backend that computed the linkage. */
  backend: ComputeBackend;
  /** WebGPU only: why the device handed the linkage over to the native engine (an exact tie), if it did. */
  handover?: string;
  /** WebGPU with ties 'any': merges that met a tie (where Z may differ from the CPU's). */
  tiedMerges?: number;
  /** With repair: true, how many entries each repair changed (all 0 for a valid matrix). */
  repairs?: CorrelationRepairs;
}

/** What `repair: true` changed: NaN entries set to 0, entries beyond ±(1 + 1e-6) clipped, pairs i < j with
 * |r_ij − r_ji| > 1e-6 averaged, diagonal entries neither 1 nor a constant neuron's 0 (ignored). */
export interface CorrelationRepairs {
  nan: number;
  clipped: number;
  asymmetric: number;
  diagonal: number;
}

const OPTION_KEYS = ['thresholds', 'linkage', 'representative', 'seed', 'precision', 'threads', 'backend', 'ties', 'columns', 'repair', 'onProgress', 'signal'] as const;

function startsWithNpyMagic(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new NeurosieveError('E_IO', `${path}: cannot open (${(err as Error).message})`, { cause: err });
  }
  try {
    if (fstatSync(fd).isDirectory()) throw new NeurosieveError('E_IO', `${path}: is a directory, not a file`);
    const b = Buffer.alloc(6);
    return readSync(fd, b, 0, 6, 0) === 6 && b[0] === 0x93 && b.toString('latin1', 1, 6) === 'NUMPY';
  } finally {
    closeSync(fd);
  }
}

/**
 * The top-left n × n block of a row-major matrix whose rows are `stride` values apart, read in place: the
 * correlation of the first n neurons without copying them out of the full matrix (what `analyze` clusters).
 */
export interface LeadingBlock {
  data: Float32Array;
  n: number;
  stride: number;
}

/** What correlationClusters reads: a square matrix (in memory or a file), a stats file, or a leading block. */
export type CorrelationInput = string | Float32Array | Float64Array | LeadingBlock;

function isLeadingBlock(input: unknown): input is LeadingBlock {
  return typeof input === 'object' && input !== null && (input as LeadingBlock).data instanceof Float32Array;
}

/** Where the correlations come from, checked before any work starts. */
export function correlationSource(input: CorrelationInput): NativeCorrSource {
  if (isLeadingBlock(input)) {
    const { data, n, stride } = input;
    if (!Number.isInteger(n) || !Number.isInteger(stride) || n < 2 || stride < n || data.length !== stride * stride) {
      throw new NeurosieveError('E_SHAPE', `Expected the leading n × n block (2 <= n <= stride) of a stride × stride matrix for input but received n = ${n}, stride = ${stride} and ${data.length} values`);
    }
    return { kind: 'memory', n, data, stride };
  }
  if (input instanceof Float32Array || input instanceof Float64Array) {
    const n = Math.round(Math.sqrt(input.length));
    if (n < 2 || n * n !== input.length) {
      throw new NeurosieveError('E_SHAPE', `Expected a square correlation matrix (n x n values, n >= 2) for input but received ${input.length} values`);
    }
    return { kind: 'memory', n, data: input };
  }
  if (typeof input !== 'string') {
    throw new NeurosieveError('E_ARGUMENT', `Expected a path, a Float32Array or a Float64Array for input but received ${Object.prototype.toString.call(input)}`);
  }
  if (startsWithNpyMagic(input)) {
    const h = readNpyHeader(input);
    if (h.shape.length !== 2 || h.shape[0] !== h.shape[1]) {
      throw new NeurosieveError('E_SHAPE', `${input}: Expected a square correlation matrix [n, n] but received shape [${h.shape.join(', ')}]`);
    }
    const n = h.shape[0]!;
    if (n < 2) throw new NeurosieveError('E_SHAPE', `${input}: Expected at least 2 neurons to cluster but received ${n}`);
    if (h.descr !== '<f4' && h.descr !== '<f8') {
      throw new NeurosieveError('E_DTYPE', `${input}: Expected a float32 ('<f4') or float64 ('<f8') matrix but received '${h.descr}'`);
    }
    if (h.fortranOrder) throw new NeurosieveError('E_FORMAT', `${input}: Fortran-ordered .npy files are not supported`);
    const bytes = n * n * (h.descr === '<f4' ? 4 : 8);
    if (h.fileSize !== h.dataOffset + bytes) {
      throw new NeurosieveError('E_FORMAT', `${input}: shape [${n}, ${n}] needs ${bytes} data bytes but the file holds ${h.fileSize - h.dataOffset}`);
    }
    checkTie(input, `${input}.json`, 'matrixSha256'); // corr's summary beside it must describe this matrix
    return { kind: 'npy', n, path: input, offset: h.dataOffset, dtype: h.descr === '<f4' ? 'f4' : 'f8' };
  }
  let h;
  try {
    h = readStatsHeader(input);
  } catch (err) {
    if (err instanceof NeurosieveError && err.code === 'E_FORMAT') {
      throw new NeurosieveError('E_FORMAT', `${input}: Expected a .npy correlation matrix or a neurosieve stats file (${err.message})`, { cause: err });
    }
    throw err;
  }
  if (h.cols < 2) throw new NeurosieveError('E_SHAPE', `${input}: Expected at least 2 neurons to cluster but received ${h.cols}`);
  return { kind: 'stats', n: h.cols, path: input, offset: h.comomentOffset, count: h.count, meanOffset: h.meanOffset };
}

/** Seeded uniform member of each cluster (compatible mode). */
export function randomRepresentatives(labels: Int32Array, sizes: number[], seed: number): number[] {
  const members = groupMembers(labels, sizes);
  const rand = prng(seed);
  return members.map((m) => m[Math.floor(rand() * m.length)]!);
}

function groupMembers(labels: Int32Array, sizes: number[]): number[][] {
  const members = sizes.map(() => [] as number[]);
  for (let i = 0; i < labels.length; i++) members[labels[i]! - 1]!.push(i);
  return members;
}

export function clusterSizes(labels: Int32Array): number[] {
  let k = 0;
  for (const l of labels) k = Math.max(k, l);
  const sizes = new Array<number>(k).fill(0);
  for (const l of labels) sizes[l - 1]!++;
  return sizes;
}

/** Clusters neurons by correlation at every threshold, from one linkage. */
export async function correlationClusters(
  input: CorrelationInput,
  options: CorrelationClustersOptions,
): Promise<CorrelationClusters> {
  const d = CLUSTER_DEFAULTS;
  expectOptions(options, OPTION_KEYS, 'correlationClusters');
  const method = expectOneOf(options.linkage ?? d.method, 'linkage', LINKAGE_METHODS);
  const representative = expectOneOf(options.representative ?? d.representative, 'representative', REPRESENTATIVES);
  const precision = expectOneOf(options.precision ?? d.precision, 'precision', PRECISIONS);
  const seed = expectInteger(options.seed ?? d.seed, 'seed', 0, 2 ** 32 - 1);
  const threads = expectThreads(options.threads);
  const requested = expectOneOf(options.backend ?? d.backend, 'backend', BACKENDS);
  const ties = expectOneOf(options.ties ?? d.ties, 'ties', TIES);
  const repair = options.repair ?? d.repair;
  if (typeof repair !== 'boolean') fail('a boolean', 'repair', repair, JSON.stringify(repair));
  if (requested === 'webgpu' && precision === 'float64') {
    throw new NeurosieveError('E_ARGUMENT', "Expected precision 'float32' with backend 'webgpu' (WGSL has no float64) but received precision 'float64'");
  }
  const thresholds = options.thresholds;
  if (!Array.isArray(thresholds) || thresholds.length === 0) {
    throw new NeurosieveError('E_ARGUMENT', `Expected a non-empty array of distance thresholds for thresholds but received ${JSON.stringify(thresholds)}`);
  }
  const [tMin, tMax] = THRESHOLD_RANGE;
  for (const t of thresholds) {
    if (typeof t !== 'number' || !(t >= tMin && t <= tMax)) fail(`a distance threshold in [${tMin}, ${tMax}]`, 'thresholds', t, JSON.stringify(t));
  }
  const full = correlationSource(input);
  const columns = options.columns === undefined ? undefined : validateColumns(options.columns, full.n);
  if (columns && columns.length < 2) fail('at least 2 neurons to cluster', 'columns', columns.length, String(columns.length));
  const source = columns ? subsetSource(full, columns, threads) : full;
  const n = source.n;
  checkMemory(
    `clustering ${typeof input === 'string' ? input : 'the matrix'} (${n} neurons)`,
    [[`condensed distances n(n-1)/2 ${precision}`, ((n * (n - 1)) / 2) * (precision === 'float64' ? 8 : 4)]],
    precision === 'float64' ? "use precision 'float32' (--precision float32, half the bytes) or cluster a subset (--columns)" : 'cluster a subset of the neurons (--columns)',
  );
  if (options.signal?.aborted) throw new NeurosieveError('E_CANCELLED', 'cancelled before clustering started');
  const nativeOptions: NativeClusterOptions = { method, precision, threads, repair };
  const progress = progressForwarder(n, options.onProgress);
  const backend = precision === 'float64' ? 'native' : await chooseBackend(requested);
  let Z: Float64Array;
  let report: LinkageReport | undefined;
  let repairs: CorrelationRepairs;
  if (backend === 'webgpu') {
    let distances: Float32Array;
    ({ distances, repairs } = await runJob(() => native().correlationDistances(source, nativeOptions, progress), options.signal));
    Z = await runLinkage(distances, n, method, 'webgpu', { onProgress: options.onProgress, signal: options.signal, ties, onReport: (r) => (report = r) });
  } else {
    ({ Z, repairs } = await runJob(() => native().clusterCorrelation(source, nativeOptions, progress), options.signal));
  }

  const tree = linkageTree(Z);
  const labelSets = fcluster(tree, thresholds, 'distance');
  const sizeSets = labelSets.map(clusterSizes);
  let kept: number[][];
  if (representative === 'random') {
    kept = labelSets.map((labels, i) => randomRepresentatives(labels, sizeSets[i]!, seed));
  } else {
    const { representatives } = await runJob(() => native().centralRepresentatives(source, nativeOptions, labelSets, progress), options.signal);
    kept = representatives.map((r) => Array.from(r));
  }
  const toId = columns ? (p: number) => columns[p]! : (p: number) => p;
  const cuts = thresholds.map((threshold, i) => ({
    threshold,
    labels: labelSets[i]!,
    clusters: sizeSets[i]!.length,
    kept: kept[i]!.map(toId),
    sizes: sizeSets[i]!,
  }));
  const used: ComputeBackend = report?.backend ?? 'native';
  return { neurons: n, ...(columns ? { columns: Array.from(columns) } : {}), method, precision, representative, seed, linkage: Z, cuts, backend: used, ...(report?.handover ? { handover: report.handover } : {}), ...(report?.tiedMerges !== undefined ? { tiedMerges: report.tiedMerges } : {}), ...(repair ? { repairs } : {}) };
}
