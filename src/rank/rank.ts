/**
 * rankNeurons: one entry point over the ranking families (method.md §4) —
 *  - 'weights' (a trained probe): NeuroX's ordering by weight mass (default), or a granular ordering, or a
 *    selection: top / bottom by weight mass, hard threshold, random (src/rank/weight-mass.ts);
 *  - 'probeless' (activations + labels): class-mean differences (src/rank/probeless.ts);
 *  - 'iou' (activations + labels): average precision per neuron (src/rank/average-precision.ts).
 * Results name ORIGINAL neuron ids: when the probe was trained on a subset (probe.columns) or the activations
 * were loaded with `columns`, positions are mapped back through that list. Everything is deterministic: the
 * random selection is seeded, ties are broken by id.
 */
import { NeurosieveError } from '../core/errors.js';
import { writeTextAtomic } from '../io/atomic.js';
import { expectNeuronIds, loadActivations, type LoadedActivations, type NanPolicy } from '../io/load.js';
import { probePositions, restrictProbe } from '../probe/restrict.js';
import { readLabels, sentencesOf, type Labels } from '../probe/labels.js';
import type { Probe } from '../probe/probe-file.js';
import type { Dataset } from '../types.js';
import { DEFAULT_THREADS, expectBoolean, expectOneOf, expectOptions } from '../core/validate.js';
import { RANKING_FORMAT, RANKING_VERSION } from './ranking-file.js';
import { averagePrecisionRanking, DEFAULT_ZERO_BELOW } from './average-precision.js';
import { GAUSSIAN_DEFAULT_SELECT, gaussianRanking } from './gaussian.js';
import { probelessRanking } from './probeless.js';
import { bottomNeurons, granularOrdering, hardThresholdNeurons, neuronOrdering, randomNeurons, topNeurons, WEIGHT_DEFAULTS } from './weight-mass.js';

/** The ranking families of RankOptions.method. */
export const RANK_METHODS = ['weights', 'probeless', 'iou', 'gaussian'] as const;
export type RankMethod = (typeof RANK_METHODS)[number];
/** What method 'weights' computes (RankOptions.selection). */
export const WEIGHT_SELECTIONS = ['ordering', 'granular', 'top', 'bottom', 'threshold', 'random'] as const;
export type WeightSelection = (typeof WEIGHT_SELECTIONS)[number];

/** Defaults of RankOptions: the weight rankings' and average precision's. */
export const RANK_DEFAULTS = { method: 'weights', selection: 'ordering', ...WEIGHT_DEFAULTS, zeroBelow: DEFAULT_ZERO_BELOW } as const;

export interface RankData {
  /** A trained probe: required by 'weights'; for the others its classes and columns fix labels and neurons. */
  probe?: Probe;
  /** Activations in memory (loadActivations) or inputs to load ('probeless', 'iou'). */
  activations?: LoadedActivations | Dataset | string | readonly string[];
  /** Labels (readLabels) or a labels file ('probeless', 'iou'). */
  labels?: Labels | string;
}

export interface RankOptions {
  method: RankMethod;
  /** 'weights': what to compute (default 'ordering', or 'top' when `fraction` is given). */
  selection?: WeightSelection;
  /** 'top' / 'bottom': share of each class's weight mass; 'random': probability of keeping a neuron. */
  fraction?: number;
  /** 'ordering' / 'granular': number of weight-mass steps (NeuroX search_stride; default 100). */
  stride?: number;
  /** 'granular': approximate neurons per chunk (default 50). */
  granularity?: number;
  /** 'threshold': keep |w| > max|w| / divisor. */
  divisor?: number;
  /** 'random': PRNG seed (default 0). */
  seed?: number;
  /** 'iou': |x| below this counts as 0 (default 0.05). */
  zeroBelow?: number;
  /** 'iou': rank by this class's AP only. */
  target?: string;
  /** 'gaussian': neurons to select greedily (default min(50, D); src/rank/gaussian.ts). */
  select?: number;
  /** 'gaussian': called after each selected neuron. */
  onProgress?: (p: { done: number; total: number }) => void;
  /**
   * 'probeless' / 'iou' with a z-scoring probe: rank the features the probe sees, (x − mean) / std with its train
   * statistics (default true when the probe has normalization 'zscore'; false ranks raw activations).
   */
  zscore?: boolean;
  /** Labels not among the probe's classes map to this class (default: error). */
  unknown?: string;
  /** Loading activations from files: NaN/Inf policy. */
  nan?: NanPolicy;
  /**
   * Rank only these neurons (original ids, distinct; see selectNeurons): with a probe, its weights (and
   * statistics) of those inputs; without one, those columns of the activation files. Results name original ids.
   */
  columns?: ArrayLike<number>;
  threads?: number;
}

export interface Ranking {
  method: RankMethod;
  selection?: WeightSelection;
  classes: string[];
  /** Candidate neurons (D of the probe or of the loaded activations). */
  neurons: number;
  /** The original neuron ids of the candidates when they are a subset (ids below are already mapped). */
  columns?: number[];
  /** Neuron ids, most important first (orderings and the activation rankings). */
  ordering?: number[];
  /** 'ordering' / 'granular': length of `ordering` after each step. */
  cutoffs?: number[];
  /** 'probeless' / 'iou': scores[i] belongs to ordering[i]. */
  scores?: number[];
  /** Selections (top, bottom, threshold, random): the union, ascending. */
  selected?: number[];
  /** Per class: its selection or ranking. */
  perClass?: Record<string, number[]>;
  perClassScores?: Record<string, number[]>;
  /** 'ordering' / 'granular': neurons that never enter (zero weight in every class), ascending. */
  unranked?: number[];
  /** 'iou': how the overall score was formed. */
  overall?: unknown;
  /** 'probeless': rows per class. */
  counts?: number[];
  /**
   * 'gaussian': the train-set mutual information (bits) and accuracy after each selection, H(class) in bits, the
   * neurons never eligible (no variance within a class) and the dependent candidates skipped.
   */
  gaussian?: { informationBits: number[]; accuracy: number[]; entropyBits: number; degenerate: number[]; dependentSkips: number };
  options: Record<string, unknown>;
}

const KEYS = ['method', 'selection', 'fraction', 'stride', 'granularity', 'divisor', 'seed', 'zeroBelow', 'target', 'select', 'onProgress', 'zscore', 'unknown', 'nan', 'columns', 'threads'] as const;

/** Options that belong to other methods or selections are refused by name, so a typo never silently does nothing. */
function refuse(options: RankOptions, keys: (keyof RankOptions)[], why: string): void {
  for (const k of keys) {
    if (options[k] !== undefined) throw new NeurosieveError('E_ARGUMENT', `Expected no ${k} for ${why} but received ${String(options[k])}`);
  }
}

function isLoaded(a: unknown): a is LoadedActivations {
  return typeof a === 'object' && a !== null && (a as LoadedActivations).x instanceof Float32Array;
}

export async function rankNeurons(data: RankData, options: RankOptions): Promise<Ranking> {
  expectOptions(options, KEYS, 'rankNeurons');
  const method = expectOneOf(options.method, 'method', RANK_METHODS);
  const subset = options.columns === undefined ? undefined : expectNeuronIds(options.columns, 'columns');
  // A subset of a probe is the probe restricted to those inputs (its weights and statistics), so every family
  // below sees it as a probe trained on those columns and maps positions back through probe.columns.
  const probe = data.probe && subset ? restrictProbe(data.probe, probePositions(data.probe, subset, 'columns')) : data.probe;
  if (method === 'weights') {
    if (!probe) throw new NeurosieveError('E_ARGUMENT', "Expected a probe for method 'weights' but received none");
    refuse(options, ['zeroBelow', 'target', 'select', 'onProgress', 'zscore', 'unknown', 'nan'], "method 'weights'");
    if (data.activations !== undefined || data.labels !== undefined) {
      throw new NeurosieveError('E_ARGUMENT', "Expected no activations or labels for method 'weights' (it reads the probe's weights only)");
    }
    return rankByWeights(probe, options);
  }
  refuse(options, ['selection', 'fraction', 'stride', 'granularity', 'divisor', 'seed'], `method '${method}'`);
  if (method === 'probeless') refuse(options, ['zeroBelow', 'target', 'select', 'onProgress'], "method 'probeless'");
  if (method === 'iou') refuse(options, ['select', 'onProgress'], "method 'iou'");
  // Per-neuron affine maps (z-scoring) leave the Gaussian posteriors unchanged: the option would do nothing.
  if (method === 'gaussian') refuse(options, ['zeroBelow', 'target', 'zscore'], "method 'gaussian'");
  if (data.activations === undefined) throw new NeurosieveError('E_ARGUMENT', `Expected activations for method '${method}' but received none`);
  if (data.labels === undefined) throw new NeurosieveError('E_ARGUMENT', `Expected labels for method '${method}' but received none`);
  const threads = options.threads ?? DEFAULT_THREADS;

  // Activations: the probe's neurons when it was trained on a subset.
  let acts: LoadedActivations;
  if (isLoaded(data.activations)) {
    if (subset) throw new NeurosieveError('E_ARGUMENT', 'Expected activation files for columns but received activations in memory; load them with loadActivations(inputs, { columns })');
    acts = data.activations;
    if (probe && acts.cols !== probe.neurons) {
      throw new NeurosieveError('E_SHAPE', `Expected activations with the probe's ${probe.neurons} neurons but received ${acts.cols} columns`);
    }
  } else {
    acts = await loadActivations(data.activations as Dataset | string | readonly string[], {
      ...(probe?.columns ? { columns: probe.columns } : subset ? { columns: subset } : {}),
      ...(options.nan ? { nan: options.nan } : {}),
    });
    if (probe && !probe.columns && acts.cols !== probe.neurons) {
      throw new NeurosieveError('E_SHAPE', `Expected activations with the probe's ${probe.neurons} neurons but the files have ${acts.cols}`);
    }
  }
  const labels: Labels =
    typeof data.labels === 'string'
      ? readLabels(data.labels, { rows: acts.rows, ...(probe ? { classes: probe.classes } : {}), ...(options.unknown !== undefined ? { unknown: options.unknown } : {}), ...(sentencesOf(acts.files) ? { sentences: sentencesOf(acts.files)! } : {}) })
      : data.labels;
  if (options.zscore !== undefined) expectBoolean(options.zscore, 'zscore');
  if (options.zscore === true && probe?.normalization !== 'zscore') {
    throw new NeurosieveError('E_ARGUMENT', 'Expected a probe with z-score statistics (normalization "zscore") for zscore: true');
  }
  const zscore = (options.zscore ?? true) && probe?.normalization === 'zscore' ? { mean: probe.mean!, std: probe.std! } : undefined;
  const columns = probe?.columns ?? (acts.columns ? Array.from(acts.columns) : undefined);
  const map = idMapper(columns);
  const base = { classes: [...labels.classes], neurons: acts.cols, ...(columns ? { columns } : {}) };
  if (method === 'gaussian') {
    const r = await gaussianRanking(acts, labels, { threads, ...(options.select !== undefined ? { select: options.select } : {}), ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
    return {
      method,
      ...base,
      ordering: r.ordering.map(map),
      scores: r.scores,
      gaussian: { informationBits: r.scores, accuracy: r.accuracy, entropyBits: r.entropy, degenerate: r.degenerate.map(map), dependentSkips: r.dependentSkips },
      options: { select: options.select ?? Math.min(GAUSSIAN_DEFAULT_SELECT, acts.cols) },
    };
  }
  if (method === 'probeless') {
    const r = await probelessRanking(acts, labels, { threads, zscore });
    return {
      method,
      ...base,
      ordering: r.ordering.map(map),
      scores: r.scores,
      perClass: mapRecord(r.perClass, map),
      perClassScores: r.perClassScores,
      counts: r.counts,
      // No thread count here: the output is the same bytes for any number of threads.
      options: { zscore: zscore !== undefined },
    };
  }
  const r = await averagePrecisionRanking(acts, labels, { zeroBelow: options.zeroBelow, target: options.target, threads, zscore });
  return {
    method,
    ...base,
    ordering: r.ordering.map(map),
    scores: r.scores,
    perClass: mapRecord(r.perClass, map),
    perClassScores: r.perClassScores,
    overall: r.overall,
    options: { zeroBelow: options.zeroBelow ?? RANK_DEFAULTS.zeroBelow, ...(options.target !== undefined ? { target: options.target } : {}), zscore: zscore !== undefined },
  };
}

function idMapper(columns: readonly number[] | undefined): (j: number) => number {
  return columns ? (j) => columns[j]! : (j) => j;
}

function mapRecord(r: Record<string, number[]>, map: (j: number) => number): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [k, v] of Object.entries(r)) out[k] = v.map(map);
  return out;
}

function rankByWeights(probe: Probe, options: RankOptions): Ranking {
  const selection = options.selection === undefined ? (options.fraction !== undefined ? 'top' : RANK_DEFAULTS.selection) : expectOneOf(options.selection, 'selection', WEIGHT_SELECTIONS);
  const needs: Record<WeightSelection, (keyof RankOptions)[]> = {
    ordering: ['stride'],
    granular: ['stride', 'granularity'],
    top: ['fraction'],
    bottom: ['fraction'],
    threshold: ['divisor'],
    random: ['fraction', 'seed'],
  };
  const allowed = new Set(needs[selection]);
  refuse(options, (['fraction', 'stride', 'granularity', 'divisor', 'seed'] as const).filter((k) => !allowed.has(k)), `selection '${selection}'`);
  const map = idMapper(probe.columns);
  const base = {
    method: 'weights' as const,
    selection,
    classes: [...probe.classes],
    neurons: probe.neurons,
    ...(probe.columns ? { columns: probe.columns } : {}),
  };
  const required = (k: 'fraction' | 'divisor'): number => {
    if (options[k] === undefined) throw new NeurosieveError('E_ARGUMENT', `Expected a ${k} for selection '${selection}' but received none`);
    return options[k]!;
  };
  switch (selection) {
    case 'ordering':
    case 'granular': {
      const stride = options.stride ?? RANK_DEFAULTS.stride;
      const granularity = options.granularity ?? RANK_DEFAULTS.granularity;
      const o = selection === 'ordering' ? neuronOrdering(probe, stride) : granularOrdering(probe, granularity, stride);
      return {
        ...base,
        ordering: o.ordering.map(map),
        cutoffs: o.cutoffs,
        unranked: o.unranked.map(map),
        options: selection === 'ordering' ? { stride } : { stride, granularity },
      };
    }
    case 'top':
    case 'bottom': {
      const fraction = required('fraction');
      const s = selection === 'top' ? topNeurons(probe, fraction) : bottomNeurons(probe, fraction);
      return { ...base, selected: sortedIds(s.neurons, map), perClass: mapRecord(s.perClass, map), options: { fraction } };
    }
    case 'threshold': {
      const divisor = required('divisor');
      const s = hardThresholdNeurons(probe, divisor);
      return { ...base, selected: sortedIds(s.neurons, map), perClass: mapRecord(s.perClass, map), options: { divisor } };
    }
    case 'random': {
      const fraction = required('fraction');
      const seed = options.seed ?? RANK_DEFAULTS.seed;
      return { ...base, selected: sortedIds(randomNeurons(probe.neurons, fraction, seed), map), options: { fraction, seed } };
    }
  }
}

/** Original ids of a selection, ascending (the subset's own order need not be sorted). */
function sortedIds(ids: number[], map: (j: number) => number): number[] {
  return Array.from(Float64Array.from(ids, map).sort());
}

export { RANKING_FORMAT };

/** Writes a ranking as JSON, atomically: { format, version, ...ranking } (read back by ranking-file.ts). */
export function writeRanking(path: string, ranking: Ranking): void {
  writeTextAtomic(path, JSON.stringify({ format: RANKING_FORMAT, version: RANKING_VERSION, ...ranking }) + '\n');
}
