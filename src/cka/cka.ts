/**
 * cka(): CKA between every pair of layers of one model, from a stats file (or Stats) or from activations (one
 * streamed pass, the same as correlate's). Linear CKA needs only the co-moment; debiased CKA also needs the
 * per-row layer sums, which the pass then folds in natively (estimators.ts has the formulas and citations).
 */
import { existsSync, statSync } from 'node:fs';
import { NeurosieveError } from '../core/errors.js';
import { expectInteger, expectKnownKeys, expectOneOf, expectThreads } from '../core/validate.js';
import { CHUNK_ROWS_RANGE, defaultChunkRows } from '../io/chunk-rows.js';
import { DEFAULT_NAN, NAN_POLICIES } from '../io/load.js';
import { minibatchCka, MINIBATCH_DEFAULTS } from './minibatch.js';
import { jointStats } from './between.js';
import { asDataset, type OpenOptions } from '../io/dataset.js';
import { computeStats } from '../correlate/correlate.js';
import { readStats, readStatsHeader } from '../correlate/stats.js';
import { isOutputDirectory, outputDirectoryData } from '../analyze/inputs.js';
import type { CorrelateOptions, Dataset, Stats } from '../types.js';
import { debiasedCka, linearCka } from './estimators.js';
import { blocksOf, equalLayers, type CkaLayer, type LayerBlocks } from './layers.js';

export const CKA_ESTIMATORS = ['linear', 'debiased', 'minibatch'] as const;
export type CkaEstimator = (typeof CKA_ESTIMATORS)[number];

export interface CkaOptions extends Omit<CorrelateOptions, 'columns' | 'backend'> {
  /**
   * 'linear' (default): Kornblith et al.'s linear CKA; 'debiased': with Song et al.'s unbiased HSIC over all rows;
   * 'minibatch': the unbiased HSIC averaged over seeded batches (Nguyen et al. 2021; activations only).
   */
  estimator?: CkaEstimator;
  /** Minibatch: number of batches (default 5). */
  batches?: number;
  /** Minibatch: rows per batch (default 5,000). */
  batchSize?: number;
  /** Minibatch: seed of the row draw (default 0). */
  seed?: number;
  /** The layers, contiguous in column order; default: from layerWidth, the input's manifest, stats or file. */
  layers?: CkaLayer[];
  /** Neurons per layer: equal layers of this width. */
  layerWidth?: number;
}

export interface CkaResult {
  estimator: CkaEstimator;
  /** Layer names, in order. */
  layers: string[];
  /** CKA(a, b); null where HSIC(a, a) or HSIC(b, b) is not positive (a constant layer, or a negative estimate). */
  matrix: (number | null)[][];
  /** The HSIC values (linear: ‖M_ab‖²_F; debiased: the unbiased estimate) the matrix was formed from. */
  hsic: number[][];
  /** Rows the statistics are over. */
  rows: number;
  /** The statistics (with layer sums for 'debiased'): save them to skip the pass next time. Not for 'minibatch'. */
  stats?: Stats;
  /** Minibatch: the batches drawn. */
  minibatch?: { batches: number; batchSize: number; seed: number };
}

const OPTION_KEYS = ['estimator', 'layers', 'layerWidth', 'batches', 'batchSize', 'seed', 'threads', 'chunkRows', 'nan', 'onProgress', 'signal', 'format'] as const;

/** True when `path` is a neurosieve stats file (rather than activations). */
export function isStatsFile(path: string): boolean {
  if (!existsSync(path) || !statSync(path).isFile()) return false;
  try {
    readStatsHeader(path);
    return true;
  } catch (err) {
    // A stats file with a problem must say so, not be read as activations: only "not a stats file" falls through.
    return !/metadata format is|not valid JSON|header length|shorter than/.test((err as Error).message);
  }
}

/** The layer blocks for `cols` columns: explicit ones, a width, or what the input itself says. */
function resolveLayers(cols: number, options: CkaOptions, fallback: LayerBlocks | undefined, fileLayers: number): LayerBlocks {
  if (options.layers !== undefined && options.layerWidth !== undefined) {
    throw new NeurosieveError('E_ARGUMENT', 'Expected layers or layerWidth for cka but received both');
  }
  if (options.layers !== undefined) return blocksOf(options.layers, cols, 'layers');
  if (options.layerWidth !== undefined) return equalLayers(cols, options.layerWidth);
  if (fallback) return fallback;
  if (fileLayers > 1) return equalLayers(cols, cols / fileLayers);
  throw new NeurosieveError('E_ARGUMENT', `Expected layer blocks for cka (layers, or layerWidth; --layer-width on the command line) but the input names no layers in its ${cols} neurons`);
}

/** CKA of every pair of layers from statistics (a stats file's content, or a pass's). */
export function ckaFromStats(stats: Stats, options: Pick<CkaOptions, 'estimator' | 'layers' | 'layerWidth' | 'threads'> = {}, name = 'the statistics'): CkaResult {
  expectKnownKeys(options, ['estimator', 'layers', 'layerWidth', 'threads'], 'ckaFromStats');
  const estimator = expectOneOf(options.estimator ?? 'linear', 'estimator', CKA_ESTIMATORS);
  if (estimator === 'minibatch') {
    throw new NeurosieveError('E_ARGUMENT', `${name}: Expected activations for minibatch CKA (it draws rows) but received statistics; use the linear or debiased estimator with a stats file`);
  }
  const threads = expectThreads(options.threads);
  const sums = stats.layerSums;
  const blocks = resolveLayers(stats.cols, options, sums && { names: sums.names, offsets: sums.offsets }, stats.layers);
  let r;
  if (estimator === 'linear') {
    r = linearCka(stats, blocks.offsets, threads);
  } else {
    if (!sums) {
      throw new NeurosieveError(
        'E_ARGUMENT',
        `${name}: Expected stats with layer sums (version 2: layer_q, layer_P, layer_R, layer_shift) for debiased CKA but received statistics without them (a version 1 file, or a pass that did not keep them); run neurosieve cka --debiased on the activations (with --stats-out to keep them)`,
      );
    }
    if (blocks.offsets.length !== sums.offsets.length || blocks.offsets.some((o, i) => o !== sums.offsets[i])) {
      throw new NeurosieveError('E_ARGUMENT', `${name}: Expected the layers the stats' layer sums were kept for (boundaries ${JSON.stringify(sums.offsets)}) for debiased CKA but received boundaries ${JSON.stringify(blocks.offsets)}`);
    }
    r = debiasedCka(stats, sums, threads);
  }
  return { estimator, layers: blocks.names, matrix: r.matrix, hsic: r.hsic, rows: stats.count, stats };
}

/** Activations and layer blocks of an extract / split output directory: every row of the task when listed. */
function directoryInput(dir: string): { files: string[]; blocks?: LayerBlocks } {
  let data;
  try {
    data = outputDirectoryData(dir, 'tokens', 'compat');
  } catch {
    data = outputDirectoryData(dir, 'tokens', 'manifest'); // a split output: its train rows
  }
  const files = data.train.activations as string[];
  const layers = Array.isArray(data.layers) ? data.layers : undefined;
  return { files, ...(layers ? { blocks: blocksOf(layers, layers.reduce((n, l) => n + l.width, 0), `the blocks of ${dir}/manifest.json`) } : {}) };
}

/**
 * CKA between every pair of layers. `input`: Stats, a stats file, activation files / directories / globs, an
 * extract output directory (its manifest's blocks are the layers), or a Dataset.
 */
export async function cka(input: Stats | Dataset | string | readonly string[], options: CkaOptions & OpenOptions = {}): Promise<CkaResult> {
  expectKnownKeys(options, OPTION_KEYS, 'cka');
  const { estimator, layers, layerWidth, batches, batchSize, seed, ...pass } = options;
  const statsOptions = { ...(estimator !== undefined ? { estimator } : {}), ...(layers !== undefined ? { layers } : {}), ...(layerWidth !== undefined ? { layerWidth } : {}), ...(options.threads !== undefined ? { threads: options.threads } : {}) };
  if (typeof input === 'object' && input !== null && 'comoment' in input) return ckaFromStats(input, statsOptions);
  const paths = typeof input === 'string' ? [input] : Array.isArray(input) ? (input as readonly string[]) : undefined;
  if (paths?.length === 1 && isStatsFile(paths[0]!)) return ckaFromStats(readStats(paths[0]!), statsOptions, paths[0]!);
  let dataInput: Dataset | string | readonly string[] = input as Dataset | string | readonly string[];
  let manifestBlocks: LayerBlocks | undefined;
  if (paths?.length === 1 && isOutputDirectory(paths[0]!)) {
    const d = directoryInput(paths[0]!);
    dataInput = d.files;
    manifestBlocks = d.blocks;
  }
  const dataset = asDataset(dataInput, { format: options.format });
  const kind = expectOneOf(estimator ?? 'linear', 'estimator', CKA_ESTIMATORS);
  const blocks = resolveLayers(dataset.cols, options, manifestBlocks, dataset.layers);
  if (kind === 'minibatch') {
    const mb = {
      batches: expectInteger(batches ?? MINIBATCH_DEFAULTS.batches, 'batches', 1, 1e6),
      batchSize: expectInteger(batchSize ?? MINIBATCH_DEFAULTS.batchSize, 'batchSize', 4), // n(n−3) > 0
      seed: expectInteger(seed ?? MINIBATCH_DEFAULTS.seed, 'seed', 0, 2 ** 32 - 1),
    };
    const r = await minibatchCka(dataset, blocks, {
      ...mb,
      threads: expectThreads(options.threads),
      chunkRows: expectInteger(options.chunkRows ?? defaultChunkRows(dataset.cols), 'chunkRows', ...CHUNK_ROWS_RANGE),
      nan: expectOneOf(options.nan ?? DEFAULT_NAN, 'nan', NAN_POLICIES),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return { estimator: kind, layers: blocks.names, matrix: r.matrix, hsic: r.hsic, rows: r.rows, minibatch: mb };
  }
  if (batches !== undefined || batchSize !== undefined || seed !== undefined) {
    throw new NeurosieveError('E_ARGUMENT', `Expected batches, batchSize and seed only with estimator 'minibatch' but received estimator '${kind}'`);
  }
  const { stats } = await computeStats(dataset, pass, kind === 'debiased' ? blocks : undefined);
  // The blocks are resolved now, so the stats step needs only them (and not the dataset's own layer count).
  return ckaFromStats(stats, { estimator: kind, layers: blocks.names.map((name, i) => ({ name, offset: blocks.offsets[i]!, width: blocks.offsets[i + 1]! - blocks.offsets[i]! })), ...(options.threads !== undefined ? { threads: options.threads } : {}) });
}

export interface CkaBetweenOptions extends Omit<CkaOptions, 'batches' | 'batchSize' | 'seed'> {
  /** The other model's layers; default: otherLayerWidth, its manifest or file, else layerWidth. */
  otherLayers?: CkaLayer[];
  /** The other model's neurons per layer. */
  otherLayerWidth?: number;
}

export interface CkaBetweenResult extends Omit<CkaResult, 'minibatch'> {
  /** The other model's layer names: matrix[a][b] is CKA(layer a of the first, layer b of the other). */
  otherLayers: string[];
  /** HSIC(a, a) of the first model's layers and HSIC(b, b) of the other's (the denominators). */
  hsicSelf: number[];
  hsicOtherSelf: number[];
}

/** Activation inputs (or an extract output directory) as a dataset and the layer blocks it names, if any. */
function activationInput(input: string | readonly string[], format: OpenOptions['format']): { dataset: Dataset; blocks?: LayerBlocks } {
  const paths = typeof input === 'string' ? [input] : input;
  if (paths.length === 1 && isStatsFile(paths[0]!)) {
    throw new NeurosieveError('E_ARGUMENT', `${paths[0]}: Expected activations for CKA between two models (a stats file holds no products with the other model's neurons) but received a stats file`);
  }
  if (paths.length === 1 && isOutputDirectory(paths[0]!)) {
    const d = directoryInput(paths[0]!);
    return { dataset: asDataset(d.files, { format }), ...(d.blocks ? { blocks: d.blocks } : {}) };
  }
  return { dataset: asDataset(paths, { format }) };
}

/**
 * CKA between every layer of one model and every layer of another over the same rows (between.ts): one lockstep
 * pass over both inputs. Linear or debiased.
 */
export async function ckaBetween(input: string | readonly string[], other: string | readonly string[], options: CkaBetweenOptions & OpenOptions = {}): Promise<CkaBetweenResult> {
  expectKnownKeys(options, [...OPTION_KEYS.filter((k) => !['batches', 'batchSize', 'seed'].includes(k)), 'otherLayers', 'otherLayerWidth'], 'ckaBetween');
  const estimator = expectOneOf(options.estimator ?? 'linear', 'estimator', CKA_ESTIMATORS);
  if (estimator === 'minibatch') throw new NeurosieveError('E_ARGUMENT', "Expected estimator 'linear' or 'debiased' for CKA between two models but received 'minibatch'");
  const threads = expectThreads(options.threads);
  const a = activationInput(input, options.format);
  const b = activationInput(other, options.format);
  const blocksA = resolveLayers(a.dataset.cols, options, a.blocks, a.dataset.layers);
  const otherOptions: CkaOptions = options.otherLayers !== undefined ? { layers: options.otherLayers } : options.otherLayerWidth !== undefined ? { layerWidth: options.otherLayerWidth } : b.blocks || b.dataset.layers > 1 ? {} : { ...(options.layerWidth !== undefined ? { layerWidth: options.layerWidth } : {}) };
  const blocksB = resolveLayers(b.dataset.cols, otherOptions, b.blocks, b.dataset.layers);
  const LA = blocksA.names.length;
  const joint: LayerBlocks = {
    names: [...blocksA.names.map((n) => `a:${n}`), ...blocksB.names.map((n) => `b:${n}`)],
    offsets: [...blocksA.offsets, ...blocksB.offsets.slice(1).map((o) => o + a.dataset.cols)],
  };
  const cols = a.dataset.cols + b.dataset.cols;
  const stats = await jointStats(a.dataset, b.dataset, {
    threads,
    chunkRows: expectInteger(options.chunkRows ?? defaultChunkRows(cols), 'chunkRows', ...CHUNK_ROWS_RANGE),
    nan: expectOneOf(options.nan ?? DEFAULT_NAN, 'nan', NAN_POLICIES),
    ...(estimator === 'debiased' ? { layerSums: joint } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const layers = joint.names.map((name, i) => ({ name, offset: joint.offsets[i]!, width: joint.offsets[i + 1]! - joint.offsets[i]! }));
  const r = ckaFromStats(stats, { estimator, layers, threads });
  return {
    estimator,
    layers: blocksA.names,
    otherLayers: blocksB.names,
    matrix: r.matrix.slice(0, LA).map((row) => row.slice(LA)),
    hsic: r.hsic.slice(0, LA).map((row) => row.slice(LA)),
    hsicSelf: blocksA.names.map((_, i) => r.hsic[i]![i]!),
    hsicOtherSelf: blocksB.names.map((_, j) => r.hsic[LA + j]![LA + j]!),
    rows: stats.count,
    stats,
  };
}
