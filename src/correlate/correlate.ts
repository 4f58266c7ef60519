/**
 * Exact Pearson correlation between all neurons of a dataset, streamed in chunks through the native engine
 * (native/src/stats/): count, float64 means and centred co-moments merged with Chan's update, then r in float64
 * rounded to a float32 D×D matrix.
 */
import { asDataset, type OpenOptions } from '../io/dataset.js';
import { callNativeSync, NeurosieveError } from '../core/errors.js';
import { runJob } from '../core/native-job.js';
import { native } from '../core/native.js';
import { gpuComoments, type GpuPassOptions } from './pass-webgpu.js';
import type { NativeCorrelateResult } from '../core/native-types.js';
import { BACKENDS, chooseBackend } from '../gpu/backend.js';
import type { GpuRunReport } from './run-report.js';
import type { ComputeBackend, CorrelateOptions, CorrelationResult, Dataset, Stats } from '../types.js';
import { DEFAULT_THREADS, expectInteger, expectKnownKeys, expectOneOf, expectThreads } from '../core/validate.js';
import { CHUNK_ROWS_RANGE, defaultChunkRows } from '../io/chunk-rows.js';
import { DEFAULT_NAN, NAN_POLICIES, validateColumns } from '../io/load.js';
import { expectValidStats } from './stats.js';
import { checkMemory, comomentBytes, matrixBytes } from '../core/memory.js';

/** The option that makes the D² buffers smaller. */
export const SUBSET_HINT = 'correlate a subset of the neurons (--columns, options.columns), e.g. one layer at a time';

/** The files of a dataset, for messages (the first three). */
function sourcesOf(dataset: Dataset): string {
  const names = dataset.files.map((f) => f.path);
  return names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ');
}

export { defaultChunkRows };

/** Defaults of CorrelateOptions (src/types.ts) that are values rather than computed. */
export const CORRELATE_DEFAULTS = { nan: DEFAULT_NAN, backend: 'auto' } as const;

const OPTION_KEYS = ['threads', 'chunkRows', 'nan', 'onProgress', 'signal', 'format', 'backend', 'columns'] as const;

/**
 * One pass over the data: the mergeable statistics (no correlation matrix yet). `layerSums` (internal, from
 * src/cka/: validated layer boundaries over the kept columns) also folds debiased CKA's per-row layer sums into
 * the same pass; they are accumulated natively only, so the pass then runs on the native backend.
 */
export async function computeStats(
  input: Dataset | string | readonly string[],
  options: CorrelateOptions & OpenOptions = {},
  layerSums?: { names: string[]; offsets: number[] },
): Promise<{ stats: Stats; nonFinite: number; backend: ComputeBackend; gpu?: GpuRunReport }> {
  expectKnownKeys(options, OPTION_KEYS, 'correlate');
  const dataset = asDataset(input, { format: options.format });
  const threads = expectThreads(options.threads);
  const columns = options.columns === undefined ? undefined : validateColumns(options.columns, dataset.cols);
  const cols = columns?.length ?? dataset.cols;
  checkMemory(`the statistics of ${sourcesOf(dataset)} (${cols} neurons)`, [['co-moment state D(D+1)/2 float64', comomentBytes(cols)]], SUBSET_HINT);
  const chunkRows = expectInteger(options.chunkRows ?? defaultChunkRows(cols), 'chunkRows', ...CHUNK_ROWS_RANGE);
  const nan = expectOneOf(options.nan ?? CORRELATE_DEFAULTS.nan, 'nan', NAN_POLICIES);
  const requested = expectOneOf(options.backend ?? CORRELATE_DEFAULTS.backend, 'backend', BACKENDS);
  const { signal, onProgress } = options;
  if (signal?.aborted) throw new NeurosieveError('E_CANCELLED', 'cancelled before the pass started');

  const backend = layerSums ? 'native' : await chooseBackend(requested);
  const pass = { threads, chunkRows, nan, onProgress, signal, ...(columns ? { columns } : {}) };
  const layerOffsets = layerSums && Uint32Array.from(layerSums.offsets);
  // The GPU sizes its chunks from the device limits unless the caller chose chunkRows.
  const r = backend === 'webgpu' ? await gpuComoments(dataset, { ...pass, chunkRowsGiven: options.chunkRows !== undefined }) : await nativeComoments(dataset, pass, layerOffsets);
  if (r.count < 2) {
    throw new NeurosieveError('E_EMPTY', `Expected at least 2 rows to correlate but received ${r.count} (${dataset.files.map((f) => f.path).join(', ')})`);
  }
  const dtypes = new Set(dataset.files.map((f) => f.dtype));
  const stats: Stats = {
    count: r.count,
    cols,
    // A subset has no layer structure of its own (its columns need not be whole layers).
    layers: columns ? 1 : dataset.layers,
    mean: r.mean,
    comoment: r.comoment,
    dtype: dtypes.size === 1 ? [...dtypes][0]! : 'mixed',
    sources: dataset.files.map((f, i) => ({ path: f.path, rows: r.rowsPerFile[i] ?? 0 })),
    ...(layerSums && 'layerSums' in r && r.layerSums ? { layerSums: { names: layerSums.names, offsets: layerSums.offsets, ...r.layerSums } } : {}),
  };
  return { stats, nonFinite: r.nonFinite, backend, ...('gpu' in r && r.gpu ? { gpu: r.gpu } : {}) };
}


async function nativeComoments(dataset: Dataset, o: GpuPassOptions, layerOffsets?: Uint32Array): Promise<NativeCorrelateResult> {
  const { signal, onProgress } = o;
  const totalRows = dataset.rows >= 0 ? dataset.rows : undefined;
  return runJob(
    () =>
      native().correlate(
        { files: dataset.files.map((f) => ({ path: f.path, format: f.format })), threads: o.threads, chunkRows: o.chunkRows, nan: o.nan, ...(o.columns ? { columns: o.columns } : {}), ...(layerOffsets ? { layerOffsets } : {}) },
        (p) => onProgress?.({ rows: p.rows, totalRows, file: p.file }),
      ),
    signal,
  );
}

/** Pearson correlation, means and standard deviations from statistics (a stats file's content or a pass). */
export function correlationFromStats(stats: Stats, options: { threads?: number } = {}, nonFinite = 0): CorrelationResult {
  expectKnownKeys(options, ['threads'], 'correlationFromStats');
  const threads = expectThreads(options.threads);
  expectValidStats(stats, 'statistics given to correlationFromStats', threads);
  return correlationOf(stats, threads, nonFinite);
}

/** correlationFromStats with a checked thread count (internal). */
function correlationOf(stats: Stats, threads: number, nonFinite: number): CorrelationResult {
  const D = stats.cols;
  checkMemory(`the correlation matrix of ${stats.sources.map((s) => s.path).join(', ') || 'the statistics'} (${D} neurons)`, [['D × D float32 matrix', matrixBytes(D)]], SUBSET_HINT);
  const corr = callNativeSync(() => native().correlationFromComoments(stats.comoment, D, threads));
  const stds = new Float64Array(D);
  const zeroVariance: number[] = [];
  let diag = 0;
  for (let i = 0; i < D; i++) {
    const m = stats.comoment[diag]!;
    stds[i] = Math.sqrt(Math.max(0, m) / stats.count);
    if (m <= 0) zeroVariance.push(i);
    diag += D - i; // next diagonal element of the packed triangle
  }
  return { count: stats.count, cols: D, means: stats.mean, stds, corr, zeroVariance, nonFinite, stats };
}

/** Streams the dataset once and returns the full correlation matrix with its statistics. */
export async function correlate(
  input: Dataset | string | readonly string[],
  options: CorrelateOptions & OpenOptions = {},
): Promise<CorrelationResult> {
  const { stats, nonFinite, backend, gpu } = await computeStats(input, options);
  return { ...correlationOf(stats, options.threads ?? DEFAULT_THREADS, nonFinite), backend, ...(gpu ? { gpu } : {}) };
}
