/**
 * The addon's surface, as the C++ side (native/src/ops/*.cc) implements it. Nothing outside src/ calls these
 * directly: the public API validates its options first, since the C++ side trusts its input.
 */

export type NativeFormat = 'auto' | 'npy' | 'safetensors' | 'neurox-jsonl' | 'neurox-hdf5' | 'arrow';

export interface NativeSourceInfo {
  path: string;
  format: Exclude<NativeFormat, 'auto'>;
  dtype: 'float32' | 'float16' | 'float64' | 'bfloat16';
  /** Rows (tokens); -1 when only a full read can tell (JSON lines). */
  rows: number;
  /** Neurons = layers × neurons per layer. */
  cols: number;
  layers: number;
  /** safetensors: tensors read, in column order; NeuroX per-layer HDF5 files joined: the files; Arrow: the column; else empty. */
  tensorNames: string[];
}

/** Count, float64 means and the packed upper triangle of the centred co-moment matrix M = Σ (x−μ)(x−μ)ᵀ. */
export interface NativeComoments {
  count: number;
  mean: Float64Array;
  /** Packed upper triangle, row-major: (i, j≥i) at i·(2D−i+1)/2 + j − i. Length D(D+1)/2. */
  comoment: Float64Array;
}

export interface NativeCorrelateOptions {
  /** rowBegin / rowEnd: rows [begin, end) of the file only (a shard of a plan, src/distribute/); whole file when absent. */
  files: { path: string; format: NativeFormat; rowBegin?: number; rowEnd?: number }[];
  threads: number;
  chunkRows: number;
  /** 'error': stop at the first NaN/Inf naming file, row and neuron; 'zero': replace them by 0 and count them. */
  nan: 'error' | 'zero';
  /** Columns to keep, in output order (original ids, distinct, < the width: checked in TS); all when absent. */
  columns?: Uint32Array;
  /** L + 1 layer boundaries over the kept columns: also fold debiased CKA's per-row layer sums (src/cka/). */
  layerOffsets?: Uint32Array;
}

export interface NativeCorrelateProgress {
  rows: number;
  file: number;
}

export interface NativeCorrelateResult extends NativeComoments {
  /** Number of NaN/Inf values replaced by 0 (nan: 'zero'). */
  nonFinite: number;
  /** Rows read from each file, in order. */
  rowsPerFile: number[];
  /** With options.layerOffsets: the per-row layer sums about `shift` (the first chunk's mean). */
  layerSums?: { shift: Float64Array; q: Float64Array; P: Float64Array; R: Float64Array };
}

export interface NativeJob<T> {
  promise: Promise<T>;
  /** Asks the worker to stop at the next chunk boundary; the promise then rejects with E_CANCELLED. */
  cancel(): void;
}

/** Options of the synthetic-data generator (native/src/synth/synth.h), validated by src/synth/synth.ts. */
export interface NativeSynthOptions {
  tokens: number;
  neurons: number;
  /** > 1 writes [layers, tokens, neurons / layers]. */
  layers: number;
  groups: number;
  groupSizeMin: number;
  groupSizeMax: number;
  noiseMin: number;
  noiseMax: number;
  constant: number;
  largeMean: number;
  largeMeanValue: number;
  offset: number;
  /** Integer in [0, 2^53). */
  seed: number;
  dtype: 'float32' | 'float16';
  /** 0 = every hardware thread; never changes the output. */
  threads: number;
  /** Richer truth (src/synth/synth.ts SynthOptions); all 0 = the original model and bytes. */
  families: number;
  familyWeight: number;
  graded: number;
  gradedSize: number;
  gradedMin: number;
  gradedMax: number;
  spanning: number;
  nearConstant: number;
  nearConstantStd: number;
  concepts: number;
  conceptNeurons: number;
  conceptShift: number;
  layerBlocks: number;
  tailDof: number;
}

/** Per column: role 0 independent, 1 group member, 2 constant, 3 large mean; kind −1 none, 0 base, 1 noisy copy, 2 sign flip, 3 scaled copy. */
export interface NativeSynthPlan {
  role: Int32Array;
  group: Int32Array;
  kind: Int32Array;
  /** x = offset + scale·(z_group + noise·e); independent and large-mean: offset + e; constant: offset. */
  offset: Float64Array;
  scale: Float64Array;
  noise: Float64Array;
  /** Group g's members, base first, are members[memberStart[g] .. memberStart[g + 1]). */
  members: Int32Array;
  memberStart: Int32Array;
  /** Per column: the deviate's coefficient (a near-constant neuron's std); the concept class, or −1. */
  b: Float64Array;
  concept: Int32Array;
  /** Per group: its family, or −1. */
  family: Int32Array;
}

/** Float64 side of the WebGPU correlation pass (native/src/ops/tile_comoments.cc). */
export interface NativeTileComoments {
  /** M += the upper-triangle tiles of tile rows [bi0, bi1) (layout of shaders/syrk-centred.wgsl). */
  addTiles(tiles: Float32Array, tile: number, bi0: number, bi1: number): void;
  /** Ends a chunk of `rows` rows: columnStats = pivot | dev | shift (shaders/column-means.wgsl), 3·cols floats. */
  endChunk(rows: number, columnStats: Float32Array): void;
  /** The merged state; the object is spent afterwards. */
  result(): NativeComoments;
}

/** A correlation source for the clustering jobs (native/src/cluster/distances.h). */
export type NativeCorrSource =
  | { kind: 'memory'; n: number; data: Float32Array | Float64Array; stride?: number; path?: string }
  | { kind: 'npy'; n: number; path: string; offset: number; dtype: 'f4' | 'f8' }
  | { kind: 'stats'; n: number; path: string; offset: number; count: number; meanOffset: number };

export interface NativeClusterOptions {
  method: 'single' | 'complete' | 'average' | 'weighted' | 'ward';
  /** Storage of the condensed distances: 'float32' (half of scipy's memory) or 'float64' (scipy's exact Z). */
  precision: 'float32' | 'float64';
  threads: number;
  /** NeuroX's repair of a square matrix instead of errors (src/cluster/correlation-clusters.ts). */
  repair?: boolean;
}

/** What the repair changed (zeros without repair). */
export interface NativeRepairCounts {
  nan: number;
  clipped: number;
  asymmetric: number;
  diagonal: number;
}

export interface NativeClusterProgress {
  phase: 'distances' | 'linkage';
  done: number;
  /** Rows for 'distances'; 0 for 'linkage' (the caller knows n − 1). */
  total: number;
}

/** Options of the exact probe solver (native/src/probe/solver_fista.h), validated by src/probe/train-exact.ts. */
export interface NativeProbeExactOptions {
  alpha: number;
  /** The last λ of the path; ≤ 0 means lambdaRatio·λ_max. */
  lambda: number;
  lambdaRatio: number;
  pathSteps: number;
  tol: number;
  /** The path's intermediate λ (warm starts) stop at pathTolFactor·tol. */
  pathTolFactor: number;
  maxIterations: number;
  /** Iterations between two checks of the stopping criterion (each costs one Rᵀ·X pass). */
  checkEvery: number;
  threads: number;
  /** Warm start (uncentred model): C×D weights and C biases, both or neither. */
  warmWeight?: Float64Array;
  warmBias?: Float64Array;
}

/** What a solver outside the addon needs to run the native path (native/src/ops/probe_exact.cc). */
export interface NativeProbeExactSetup {
  lambdaMax: number;
  scale: number;
  /** Böhning's estimate (power iteration ×1.1) and the guaranteed trace bound, for centred features. */
  lipschitz: number;
  lipschitzUpper: number;
  /** Column means μ (float64). */
  mean: Float64Array;
  /** Centred intercept b* optimal for W = 0. */
  bias: Float64Array;
}

export interface NativeProbePathStep {
  lambda: number;
  iterations: number;
  objective: number;
  criterion: number;
  converged: boolean;
  nonzeros: number;
}

export interface NativeProbeExactResult {
  /** C×D, float64. */
  weight: Float64Array;
  bias: Float64Array;
  path: NativeProbePathStep[];
  lambdaMax: number;
  /** s of the stopping rule: ‖∇_W f(0, b*)‖∞ (1 if 0). */
  scale: number;
  lipschitz: number;
  lipschitzBound: number;
  /** Reads of X: forward and backward passes, the power iteration included. */
  passes: number;
  /** GEMM kernel variant that ran ('avx512', 'avx2', 'generic'). */
  kernel: string;
}

/** The exact probe solver and the z-scoring passes (native/src/ops/probe_exact.cc). */
export interface NativeAddonProbe {
  probeExact(x: Float32Array, rows: number, cols: number, y: Int32Array, classes: number, classWeights: Float64Array, options: NativeProbeExactOptions, onProgress: (p: { done: number; total: number; objective: number }) => void): NativeJob<NativeProbeExactResult>;
  /** The same λ path for the squared-error datafit (native/src/probe/datafit_quadratic.h): targets rows × outputs. */
  regressionExact(x: Float32Array, rows: number, cols: number, targets: Float64Array, outputs: number, options: NativeProbeExactOptions, onProgress: (p: { done: number; total: number; objective: number }) => void): NativeJob<NativeProbeExactResult>;
  probeExactSetup(x: Float32Array, rows: number, cols: number, y: Int32Array, classes: number, classWeights: Float64Array, alpha: number, threads: number): Promise<NativeProbeExactSetup>;
  /** Column means and population stds in float64 (NaN/Inf: E_NONFINITE naming row and neuron). */
  columnMoments(x: Float32Array, rows: number, cols: number, threads: number): Promise<{ mean: Float64Array; std: Float64Array }>;
  /** (x − mean) / std into `out` (std 0 divides by 1); `promise` resolves when `out` is filled. */
  /** (x − mean) / std into a new array, or into x itself with inPlace. */
  zscoreApply(x: Float32Array, rows: number, cols: number, mean: Float64Array, std: Float64Array, threads: number, inPlace?: boolean): { promise: Promise<void>; out: Float32Array };
}

/** Correlation edges and clustering from them (native/src/ops/edges.cc). */
export interface NativeEdgeList {
  i: Uint32Array;
  j: Uint32Array;
  r: Float32Array;
}
export interface NativeEdgeBlock {
  start: number;
  len: number;
  first: number;
}
export interface NativeSparseLinkage {
  step(): Uint32Array;
  supply(comoment: Float64Array, cols: number): void;
  merges(): { a: Int32Array; b: Int32Array; height: Float64Array };
  certificate(): { mergesByBounds: number; mergesAfterRecompute: number; clusterPairsRecomputed: number; pairsRecomputed: number; passes: number };
  flat(t: number): Int32Array;
}
export interface NativeAddonEdges {
  tileEdges(comoment: Float64Array, cols: number, a: NativeEdgeBlock, b: NativeEdgeBlock, diagonal: boolean, tau: number, bins: number, threads: number): NativeJob<NativeEdgeList & { hist: Float64Array }>;
  sortEdges(i: Uint32Array, j: Uint32Array, r: Float32Array): NativeJob<NativeEdgeList>;
  SparseLinkage: new (n: number, i: Uint32Array, j: Uint32Array, r: Float32Array, method: string, tau: number, tMax: number, maxColumns: number) => NativeSparseLinkage;
}

export interface NativeAddon extends NativeAddonRows, NativeAddonRank, NativeAddonGpu, NativeAddonProbeCompat, NativeAddonProbe, NativeAddonEdges {
  info(): { version: string; kernel: string; hardwareThreads: number };
  /** FP32 peak of this machine measured by a tight FMA loop on `threads` threads for about `seconds`. */
  measurePeakGflops(seconds: number, threads: number): number;
  /** Test hook: packed upper triangle of XᵀX for a row-major rows×cols chunk, through the production kernel. */
  syrkChunk(x: Float32Array, rows: number, cols: number, threads: number, kernel?: 'generic' | 'avx2' | 'avx512'): Float64Array;

  inspect(path: string, format: NativeFormat): NativeSourceInfo;
  /** Test hook: every row of a file, read through the streaming reader in chunks of chunkRows. */
  readRows(path: string, format: NativeFormat, chunkRows: number): Float32Array;

  correlate(options: NativeCorrelateOptions, onProgress: (p: NativeCorrelateProgress) => void): NativeJob<NativeCorrelateResult>;
  /** The same statistics of a finite row-major matrix in memory, folded in chunks of chunkRows rows. */
  comoments(x: Float32Array, rows: number, cols: number, chunkRows: number, threads: number): NativeJob<NativeComoments>;
  /** The same, turned into the D × D float32 Pearson matrix over the co-moment's own buffer. */
  comoments(x: Float32Array, rows: number, cols: number, chunkRows: number, threads: number, asCorrelation: true): NativeJob<{ count: number; corr: Float32Array; zeroVariance: Float64Array }>;
  /** Chan et al. (1982) pairwise merge of two co-moment states of the same width. */
  mergeComoments(a: NativeComoments, b: NativeComoments): NativeComoments;
  /** Throws unless (count, mean, comoment) can be a co-moment state (native/src/stats/check.h); messages start with `name`. */
  checkStats(state: NativeComoments, name: string, threads: number): void;
  /** Pearson r as a full symmetric float32 D×D matrix; zero-variance neurons get r = 0 off the diagonal and 1 on it. */
  correlationFromComoments(comoment: Float64Array, cols: number, threads: number): Float32Array;
  /** ‖M_ab‖²_F of the layer blocks [offsets[a], offsets[a+1]) of a packed co-moment (L × L, row-major). */
  ckaBlockNorms(comoment: Float64Array, offsets: Uint32Array, threads: number): Float64Array;
  /** Debiased CKA's per-row layer sums of a finite in-memory matrix, about its column means. */
  ckaLayerSums(x: Float32Array, rows: number, cols: number, offsets: Uint32Array, threads: number): { shift: Float64Array; q: Float64Array; P: Float64Array; R: Float64Array };

  /** The roles and parameters synthWrite would use for these options (cheap: no data). */
  synthPlan(options: NativeSynthOptions): NativeSynthPlan;
  /** Creates tmpPath (must not exist), writes header then the data; removes tmpPath on failure. Messages name `name`. */
  synthWrite(options: NativeSynthOptions, tmpPath: string, name: string, header: Uint8Array, onProgress: (rows: number) => void, labelsTmpPath?: string, labelsHeader?: Uint8Array): NativeJob<{ rows: number }>;

  /** scipy's Z ((n − 1) × 4 row-major) from condensed distances, copied first; Float64Array input runs in double. */
  linkage(condensed: Float32Array | Float64Array, n: number, method: string, onProgress: (p: NativeClusterProgress) => void): NativeJob<{ Z: Float64Array; repairs: NativeRepairCounts }>;
  /** Distances 1 − |r| from a correlation source, then the linkage on them in place. */
  clusterCorrelation(source: NativeCorrSource, options: NativeClusterOptions, onProgress: (p: NativeClusterProgress) => void): NativeJob<{ Z: Float64Array; repairs: NativeRepairCounts }>;
  /** Only the float32 condensed distances 1 − |r| of a correlation source (for the WebGPU linkage). */
  correlationDistances(source: NativeCorrSource, options: NativeClusterOptions, onProgress: (p: NativeClusterProgress) => void): NativeJob<{ distances: Float32Array; repairs: NativeRepairCounts }>;
  /** scipy's Z from an unsorted merge list (slots a, b; heights): stable sort by height, union-find relabelling. */
  labelMerges(a: Int32Array, b: Int32Array, height: Float64Array, n: number): Float64Array;
  /** Rebuilds the distances and returns, per labels array (1-based ids), each cluster's central member. */
  centralRepresentatives(source: NativeCorrSource, options: NativeClusterOptions, labels: Int32Array[], onProgress: (p: NativeClusterProgress) => void): NativeJob<{ representatives: Int32Array[] }>;
}

/** Options of a RowReader (native/src/ops/rows.cc): files read in order as one stream of rows. */
export interface NativeRowReaderOptions {
  files: { path: string; format: NativeFormat }[];
  /** Columns to keep, in output order (original neuron ids, validated in TS); all columns when absent. */
  columns?: Uint32Array;
  nan: 'error' | 'zero';
}

export interface NativeRowReader {
  /** Floats per output row (columns.length, or the files' width). */
  readonly cols: number;
  /** Neurons per row in the files. */
  readonly width: number;
  /** Rows delivered so far. */
  readonly rows: number;
  /** NaN/Inf values replaced by 0 (nan: 'zero'). */
  readonly nonFinite: number;
  /** Index of the file being read; files.length at the end, -1 once closed. */
  readonly file: number;
  /** Reads up to maxRows rows into out[0 .. n·cols) on a worker thread; resolves with n, 0 at the end. One read at a time. */
  read(out: Float32Array, maxRows: number): Promise<number>;
  close(): void;
}

export interface NativeAddonRows {
  RowReader: new (options: NativeRowReaderOptions) => NativeRowReader;
}

/** Neuron rankings (native/src/ops/rank.cc); inputs validated by src/rank/. */
export interface NativeAddonRank {
  /** Per class: neuron ids sorted by |w| (descending unless ascending; ties by id) and, per fraction, the shortest prefix reaching that share of the row's mass. */
  weightMassPrefixes(weight: Float32Array, classes: number, neurons: number, fractions: Float64Array, ascending: boolean): { order: Int32Array; prefix: Int32Array };
  /** Indices of scores, larger first, ties by ascending index. */
  argsortDescending(scores: Float64Array): Int32Array;
  probelessScores(x: Float32Array, rows: number, cols: number, ids: Int32Array, classes: number, threads: number): Promise<{ means: Float64Array; counts: Float64Array; overall: Float64Array; perClass: Float64Array }>;
  /** Greedy Gaussian selection of `select` neurons (native/src/rank/gaussian.h); progress after each selection. */
  gaussianRanking(x: Float32Array, rows: number, cols: number, ids: Int32Array, classes: number, select: number, threads: number, onProgress: (p: { done: number; total: number }) => void): NativeJob<{ order: Int32Array; information: Float64Array; accuracy: Float64Array; entropy: number; degenerate: Int32Array; dependentSkips: number }>;
  /** C×D average precision of every neuron as a one-vs-rest detector of every class, after zeroing |x| < zeroBelow; with mean/std, of (x − mean) / std. */
  averagePrecision(x: Float32Array, rows: number, cols: number, ids: Int32Array, classes: number, zeroBelow: number, threads: number, mean?: Float64Array, std?: Float64Array): Promise<Float64Array>;
}

/** The WebGPU backend's native part. */
export interface NativeAddonGpu {
  TileComoments: new (cols: number, threads: number) => NativeTileComoments;
  /** Points fd 2 at /dev/null while `quiet` (around Dawn's adapter enumeration, which warns on lavapipe). */
  quietStderr(quiet: boolean): boolean;
  /** dlopen(name, RTLD_NODELETE): the library stays mapped for the rest of the process; true if it loaded. */
  pinSharedLibrary(name: string): boolean;
  /** float32 -> IEEE float16 bits, round to nearest even (exact for values that came from float16). */
  toHalf(src: Float32Array, dst: Uint16Array): void;
}

/** Options of the compatible probe trainer (native/src/probe/compat_trainer.h), validated by src/probe/train-compat.ts. */
/**
 * A column subset of a row-major matrix read in place (native/src/probe/feature_view.h): x holds rows of `stride`
 * floats (default: cols), the features are its `columns` (default: the first cols).
 */
export interface NativeFeatureView {
  x: Float32Array;
  stride?: number;
  columns?: Uint32Array;
}

export interface NativeCompatOptions {
  cols: number;
  classes: number;
  optimizer: 'adam' | 'sgd';
  learningRate: number;
  epochs: number;
  batchSize: number;
  l1: number;
  l2: number;
  /** 0: fixed epochs. */
  patience: number;
  /** 0 = every hardware thread; never changes the result. */
  threads: number;
  /**
   * NeuroX's linear regression probe (classes 1): torch's MSELoss instead of the cross-entropy; train / validation
   * carry `target` instead of `y`, and validationAccuracy holds the validation mean squared error.
   */
  regression?: boolean;
}

export interface NativeCompatProgress {
  epoch: number;
  total: number;
  loss: number;
  /** Validation accuracy after this epoch; NaN without validation rows. */
  accuracy: number;
}

export interface NativeCompatResult {
  weight: Float32Array;
  bias: Float32Array;
  /** Per epoch: mean over its minibatches of the minibatch loss (CE + penalty, before each step). */
  epochLoss: Float64Array;
  /** Per epoch, when validation rows were given (empty otherwise). */
  validationAccuracy: Float64Array;
  epochs: number;
  /** The early-stopping counter (epochs not improving on the best validation accuracy) at the end. */
  nonImproving: number;
  stoppedEarly: boolean;
}

/** The NeuroX-compatible probe trainer and linear predictions (native/src/ops/probe_compat.cc, probe_predict.cc). */
export interface NativeAddonProbeCompat {
  /** Seeded uniform ±1/sqrt(cols) initialisation of W (classes × cols) then b (native/src/probe/compat_init.h). */
  probeCompatInit(classes: number, cols: number, seed: number): { weight: Float32Array; bias: Float32Array };
  /** Trains from `init` (copied); x arrays are held, not copied, until the job ends. */
  probeCompatTrain(
    options: NativeCompatOptions,
    train: NativeFeatureView & ({ y: Int32Array } | { target: Float32Array }),
    init: { weight: Float32Array; bias: Float32Array },
    validation: (NativeFeatureView & ({ y: Int32Array } | { target: Float32Array })) | null,
    classWeights: Float64Array | null,
    onProgress: (p: NativeCompatProgress) => void,
  ): NativeJob<NativeCompatResult>;
  /** argmax_c (x·w_c + b_c) per row, ties to the lowest id (native/src/probe/linear_predict.h). */
  probePredict(x: Float32Array | NativeFeatureView, rows: number, cols: number, weight: Float32Array, bias: Float32Array, classes: number, threads: number): Promise<Int32Array>;
  /** The outputs x·w_c + b_c themselves, rows × classes float64 (a regression probe's predictions). */
  probeOutputs(x: Float32Array | NativeFeatureView, rows: number, cols: number, weight: Float32Array, bias: Float32Array, classes: number, threads: number): Promise<Float64Array>;
  /** The rows × cols matrix of a column view, copied out (native/src/ops/in_memory.cc). */
  gatherColumns(view: NativeFeatureView, rows: number, cols: number, threads: number): { promise: Promise<void>; out: Float32Array };
  /** x's rows rearranged in place: new row i = old row order[i] (native/src/ops/in_memory.cc). */
  permuteRows(x: Float32Array, rows: number, cols: number, order: Uint32Array): Promise<void>;
  /** The first NaN/±Inf of a row-major rows × cols float32 matrix, in row-major order, or null (native/src/ops/find_nonfinite.cc). */
  findNonFinite(x: Float32Array, rows: number, cols: number, threads: number): Promise<{ row: number; col: number; value: number } | null>;
  /** Per column: range, equal-width histogram [cols, bins], the k highest rows [cols, k] (native/src/ops/views.cc). */
  columnProfiles(x: Float32Array, rows: number, cols: number, bins: number, k: number, threads: number): Promise<{ min: Float32Array; max: Float32Array; counts: Uint32Array; topRows: Int32Array; topValues: Float32Array }>;
  /** Mean |r| over blocks of neurons, [blocks, blocks]; blockOf −1 leaves a neuron out (native/src/ops/views.cc). */
  blockMeanAbs(corr: Float32Array, n: number, stride: number, blockOf: Int32Array, blocks: number, threads: number): Promise<Float64Array>;
  /** Per cluster (labels 1 … clusters), the histogram of |r| over its member pairs, [clusters, bins] (native/src/ops/views.cc). */
  clusterPairHistograms(corr: Float32Array, n: number, stride: number, labels: Int32Array, clusters: number, bins: number, threads: number): Promise<Uint32Array>;
  /** For kept neurons first … first + rowOf.length − 1: the largest |r| to another kept neuron and its index (native/src/ops/score.cc). */
  maxAbsToOthers(corr: Float32Array, stride: number, rowOf: Int32Array, first: number, colOf: Int32Array, threads: number): Promise<{ maxAbs: Float64Array; arg: Int32Array }>;
  /** Runs argv in cwd (stdout/stderr appended to the files), timed, its peak RSS from wait4; cancel() kills it (native/src/ops/measured_run.cc). */
  runMeasured(argv: string[], cwd: string, stdoutPath: string, stderrPath: string, timeoutSeconds: number): NativeJob<{ exitCode: number; signal: number; wallSeconds: number; userSeconds: number; systemSeconds: number; maxRssKiB: number; timedOut: boolean }>;
}
