import type { GpuRunReport } from './correlate/run-report.js';
/** The public types of neurosieve's API: the contract other tools build on. */
import type { NativeFormat, NativeSourceInfo } from './core/native-types.js';

export type ActivationFormat = NativeFormat;
export type SourceInfo = NativeSourceInfo;

/** Several activation files of the same width read as one stream of rows, in the given order. */
export interface Dataset {
  files: SourceInfo[];
  /** Neurons per row (all files agree). */
  cols: number;
  /** Layers the columns are grouped into (column block l·H … (l+1)·H−1 is layer l). */
  layers: number;
  /** Total rows, or -1 when some file's row count is only known after reading it (JSON lines). */
  rows: number;
}

export interface Progress {
  /** Rows processed so far. */
  rows: number;
  /** Total rows, when known. */
  totalRows?: number;
  /** Index into dataset.files of the file being read. */
  file: number;
}

export interface CorrelateOptions {
  /** Worker threads; 0 = every hardware thread (default). Results do not depend on it. */
  threads?: number;
  /** Rows per chunk (default: ~16 MiB, 1024–8192 rows; WebGPU: one storage binding, ≤ 256 MiB). Memory ≈ 2 chunks + the D² state; results agree within 1e-6 (WebGPU: 1e-5). */
  chunkRows?: number;
  /** What to do with NaN/Inf: 'error' (default) stops naming file, row and neuron; 'zero' replaces and counts them. */
  nan?: 'error' | 'zero';
  onProgress?: (p: Progress) => void;
  /** Aborting stops the pass at the next chunk boundary with a NeurosieveError('E_CANCELLED'). */
  signal?: AbortSignal;
  /**
   * Where the data pass runs: 'native' (C++ engine), 'webgpu' (WGSL shaders; float64 merge on the host) or
   * 'auto' (default: WebGPU on a real, non-fallback adapter, else native). Both give the same statistics within
   * float32 rounding (correlations agree within 1e-5).
   */
  backend?: 'auto' | 'native' | 'webgpu';
  /**
   * Correlate only these neurons (original ids, distinct, in this order; see selectNeurons for ids from ranges,
   * layers or files). The result is the same as for a dataset holding only those columns: row/column i of the
   * matrix and statistics is neuron columns[i].
   */
  columns?: ArrayLike<number>;
}

/** The backend that actually ran a pass. */
export type ComputeBackend = 'native' | 'webgpu';

/** The linkage methods of linkage() and correlationClusters() (scipy's names; LINKAGE_METHODS lists them). */
export type LinkageMethod = 'single' | 'complete' | 'average' | 'weighted' | 'ward';

/**
 * Mergeable sufficient statistics of a dataset: the unit of resuming and of distribution. Two Stats of the same
 * width merge exactly (Chan et al. 1982) into the Stats of the concatenated data.
 */
export interface Stats {
  count: number;
  cols: number;
  layers: number;
  /** float64 column means. */
  mean: Float64Array;
  /** Packed upper triangle of M = Σ (x−μ)(x−μ)ᵀ, row-major: (i, j≥i) at i·(2D−i+1)/2 + j − i. */
  comoment: Float64Array;
  /** Element type of the source data, or 'mixed'. */
  dtype: string;
  /** Source files and their row counts, in order. */
  sources: { path: string; rows: number }[];
  /** Debiased CKA's per-row layer sums (stats file version 2; src/cka/layer-sums.ts), when the pass kept them. */
  layerSums?: LayerSums;
}

/**
 * Per-row sums of squared layer norms, beyond the co-moment, that the unbiased HSIC of every pair of layers
 * needs (src/cka/). With x' = x − shift and n_a(r) = ‖x'_r restricted to layer a‖²: q_a = Σ_r n_a(r),
 * P_ab = Σ_r n_a(r)·n_b(r), R_a = Σ_r n_a(r)·x'_r. Plain float64 sums: they merge exactly at a common shift.
 */
export interface LayerSums {
  /** Layer names, one per layer. */
  names: string[];
  /** L + 1 increasing column boundaries, 0 … cols. */
  offsets: number[];
  /** The shift subtracted from every row (D). */
  shift: Float64Array;
  /** L. */
  q: Float64Array;
  /** L × L, row-major. */
  P: Float64Array;
  /** L × D, row-major. */
  R: Float64Array;
}

export interface CorrelationResult {
  count: number;
  cols: number;
  means: Float64Array;
  /** Population standard deviations (divisor n), as NeuroX and numpy.std compute them. */
  stds: Float64Array;
  /** Full symmetric D×D Pearson correlation, row-major float32. */
  corr: Float32Array;
  /** Neurons whose variance is 0: r = 0 with every other neuron, 1 with themselves. */
  zeroVariance: number[];
  /** NaN/Inf values replaced by 0 (nan: 'zero'). */
  nonFinite: number;
  stats: Stats;
  /** Set by correlate(): the backend that ran the data pass. */
  backend?: ComputeBackend;
  /** Set by correlate() on the WebGPU backend: what the run did (src/correlate/run-report.ts). */
  gpu?: GpuRunReport;
}
