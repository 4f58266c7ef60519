/**
 * The options of `analyze` (method.md §5) with their defaults, checked once. Defaults are the seed paper's: the
 * thresholds −1 (no clustering), 0.1 … 0.9; the (δ_L, δ_N) pairs (3%, 1%), (2%, 1%), (1%, 1%); the LCA percentage
 * grid; the ordering stride 1000; concept neurons at 5% weight mass; compat probes with Dalvi et al. 2020's
 * settings (Adam, lr 1e-3, 10 epochs, batch 128, λ1 = λ2 = 1e-5), z-scored with the train statistics as the
 * paper's token tagging does.
 */
import { NeurosieveError } from '../core/errors.js';
import { expectBoolean, expectInteger, expectNumber, expectOneOf, expectOptions, expectThreads, fail } from '../core/validate.js';
import { LINKAGE_METHODS, type LinkageMethod } from '../cluster/linkage.js';
import { REPRESENTATIVES, type Representative } from '../cluster/correlation-clusters.js';
import { COMPAT_DEFAULTS, OPTIMIZERS, resolveCompatOptions } from '../probe/train-compat.js';
import { PROBE_MODES } from '../probe/train.js';
import type { ExactOptions } from '../probe/train-types.js';
import type { AnalyzeProgress } from './progress.js';

/** The clustering thresholds of the paper; −1 = no clustering (all LS-selected neurons). */
export const PAPER_THRESHOLDS: readonly number[] = [-1, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
/** (δ_L, δ_N) in percent: the layer selector's and the minimal set's allowed losses. */
export const PAPER_DELTAS: readonly (readonly [number, number])[] = [[3, 1], [2, 1], [1, 1]];
/** The LCA grid (method.md §5): k = int(p · D) over the whole network. */
export const LCA_PERCENTAGES: readonly number[] = [
  0.001, 0.002, 0.003, 0.004, 0.005,
  0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.1,
  0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5,
  0.6, 0.7, 0.8, 0.9,
];
/** The scores a decision can be made on (names of probe/metrics.ts Metrics fields). */
export const ANALYZE_METRICS = ['accuracy', 'f1', 'macroF1', 'mcc'] as const;
export type AnalyzeMetric = (typeof ANALYZE_METRICS)[number];

/** The exact solver's tolerance inside analyze (see resolveAnalyzeOptions). */
export const ANALYZE_EXACT_TOL = 1e-4;

export const ANALYZE_DEFAULTS = {
  mode: 'compat',
  seeds: 5,
  seed: 0,
  metric: 'accuracy',
  zscore: true,
  representative: 'random',
  linkage: 'average',
  conceptFraction: 0.05,
  orderingStride: 1000,
  compareExact: true,
  optimizer: COMPAT_DEFAULTS.optimizer,
  learningRate: COMPAT_DEFAULTS.learningRate,
  epochs: COMPAT_DEFAULTS.epochs,
  batchSize: 128,
  l1: 1e-5,
  l2: 1e-5,
  topWords: 5,
  views: true,
  controlTask: true,
} as const;

export interface AnalyzeOptions {
  /** The trainer of every probe: 'compat' (NeuroX, default) or 'exact' (elastic net, unique solution). */
  mode?: (typeof PROBE_MODES)[number];
  /** Compat: the oracle is trained with seeds seed … seed + seeds − 1 and the best on dev is kept (default 5). */
  seeds?: number;
  /** First initialisation seed, and the seed of the clusters' random representatives (default 0). */
  seed?: number;
  /** Clustering thresholds; −1 means no clustering (default PAPER_THRESHOLDS). */
  thresholds?: number[];
  /** (δ_L, δ_N) pairs in percent (default PAPER_DELTAS). */
  deltas?: Array<[number, number]>;
  /** LCA grid, fractions of the whole network (default LCA_PERCENTAGES). */
  lcaPercentages?: number[];
  /** The score decisions are made on and reported (default 'accuracy'; 'f1' needs two classes). */
  metric?: AnalyzeMetric;
  /** z-score every neuron with the train mean and std before anything else (default true). */
  zscore?: boolean;
  /** Undersample train and dev, each to its smallest class (NeuroX's balancing, seeded with `seed`; default off). */
  balance?: boolean;
  /** The kept member of a cluster: 'random' (seeded, as the reference) or 'central'. */
  representative?: Representative;
  linkage?: LinkageMethod;
  /** Concept neurons: per class, the top neurons holding this share of its weight mass (default 0.05). */
  conceptFraction?: number;
  /** Words listed per concept neuron (default 5). */
  topWords?: number;
  /** LCA ordering stride (get_neuron_ordering, default 1000). */
  orderingStride?: number;
  /** Compat mode: also train one exact oracle and compare its concept neurons (default true). */
  compareExact?: boolean;
  /** Train the oracle's probe on a control task (a random label per word type) and report selectivity, when
   * the words of every split are known (default true). */
  controlTask?: boolean;
  /** Compute the report's views (results `views`: clusters, heatmaps, per-neuron data; default true). */
  views?: boolean;
  /** Compat probe settings. */
  optimizer?: (typeof OPTIMIZERS)[number];
  learningRate?: number;
  epochs?: number;
  batchSize?: number;
  l1?: number;
  l2?: number;
  /** Exact probe settings (exact mode and the exact comparison). */
  exact?: ExactOptions;
  /** Probes trained at once (default: one per core). Results do not depend on it. */
  concurrency?: number;
  /** Threads per probe (default: cores / concurrency). Results do not depend on it. */
  threads?: number;
  onProgress?: (p: AnalyzeProgress) => void;
  signal?: AbortSignal;
}

export interface ResolvedAnalyzeOptions {
  mode: 'compat' | 'exact';
  seeds: number;
  seed: number;
  thresholds: number[];
  deltas: Array<[number, number]>;
  lcaPercentages: number[];
  metric: AnalyzeMetric;
  zscore: boolean;
  balance: boolean;
  representative: Representative;
  linkage: LinkageMethod;
  conceptFraction: number;
  topWords: number;
  orderingStride: number;
  compareExact: boolean;
  views: boolean;
  controlTask: boolean;
  compat: { optimizer: 'adam' | 'sgd'; learningRate: number; epochs: number; batchSize: number; l1: number; l2: number };
  exact: ExactOptions;
  concurrency: number;
  threads: number;
}

const KEYS = [
  'mode', 'seeds', 'seed', 'thresholds', 'deltas', 'lcaPercentages', 'metric', 'zscore', 'balance', 'representative', 'linkage',
  'conceptFraction', 'topWords', 'orderingStride', 'compareExact', 'views', 'controlTask', 'optimizer', 'learningRate', 'epochs', 'batchSize', 'l1', 'l2',
  'exact', 'concurrency', 'threads', 'onProgress', 'signal',
] as const;

function numberList(v: unknown, name: string, min: number, max: number, allow?: number): number[] {
  if (!Array.isArray(v) || v.length === 0) fail('a non-empty array of numbers', name, v);
  for (const t of v) {
    if (typeof t !== 'number' || !((t >= min && t <= max) || t === allow)) {
      fail(`numbers in [${min}, ${max}]${allow !== undefined ? ` or ${allow}` : ''}`, name, t);
    }
  }
  if (new Set(v).size !== v.length) throw new NeurosieveError('E_ARGUMENT', `Expected distinct values for ${name} but received [${v.join(', ')}]`);
  return [...v];
}

/** The compat probe settings: analyze's defaults (Dalvi et al. 2020's batch and λ), checked by the trainer's own rules. */
function compatSettings(options: AnalyzeOptions): ResolvedAnalyzeOptions['compat'] {
  const d = ANALYZE_DEFAULTS;
  const given = { optimizer: options.optimizer ?? d.optimizer, learningRate: options.learningRate ?? d.learningRate, epochs: options.epochs ?? d.epochs, batchSize: options.batchSize ?? d.batchSize, l1: options.l1 ?? d.l1, l2: options.l2 ?? d.l2 };
  const { optimizer, learningRate, epochs, batchSize, l1, l2 } = resolveCompatOptions(given, 'analyze');
  return { optimizer, learningRate, epochs, batchSize, l1, l2 };
}

/** AnalyzeOptions checked and completed. `cores` is the machine's (os.availableParallelism) for the defaults. */
export function resolveAnalyzeOptions(options: AnalyzeOptions, cores: number): ResolvedAnalyzeOptions {
  expectOptions(options, KEYS, 'analyze');
  const d = ANALYZE_DEFAULTS;
  const deltas = options.deltas ?? PAPER_DELTAS.map(([a, b]) => [a, b] as [number, number]);
  if (!Array.isArray(deltas) || deltas.length === 0 || !deltas.every((p) => Array.isArray(p) && p.length === 2 && p.every((x) => typeof x === 'number' && x >= 0 && x < 100))) {
    fail('a non-empty array of [δ_L, δ_N] pairs in percent, each in [0, 100)', 'deltas', deltas, JSON.stringify(deltas));
  }
  const concurrency = expectInteger(options.concurrency ?? Math.max(1, cores), 'concurrency', 1, 256);
  const threads = options.threads === undefined ? Math.max(1, Math.floor(cores / concurrency)) : expectThreads(options.threads);
  const exact = options.exact ?? {};
  if (typeof exact !== 'object' || exact === null) fail('an object of exact probe options', 'exact', exact);
  return {
    mode: expectOneOf(options.mode ?? d.mode, 'mode', PROBE_MODES),
    seeds: expectInteger(options.seeds ?? d.seeds, 'seeds', 1, 100),
    seed: expectInteger(options.seed ?? d.seed, 'seed', 0, 2 ** 32 - 1 - 100),
    thresholds: numberList(options.thresholds ?? [...PAPER_THRESHOLDS], 'thresholds', 0, 2, -1),
    deltas: deltas.map(([a, b]) => [a, b]),
    lcaPercentages: numberList(options.lcaPercentages ?? [...LCA_PERCENTAGES], 'lcaPercentages', Number.MIN_VALUE, 1).sort((a, b) => a - b),
    metric: expectOneOf(options.metric ?? d.metric, 'metric', ANALYZE_METRICS),
    zscore: expectBoolean(options.zscore ?? d.zscore, 'zscore'),
    balance: expectBoolean(options.balance ?? false, 'balance'),
    representative: expectOneOf(options.representative ?? d.representative, 'representative', REPRESENTATIVES),
    linkage: expectOneOf(options.linkage ?? d.linkage, 'linkage', LINKAGE_METHODS),
    conceptFraction: expectNumber(options.conceptFraction ?? d.conceptFraction, 'conceptFraction', 0, 1, true),
    topWords: expectInteger(options.topWords ?? d.topWords, 'topWords', 0, 1000),
    orderingStride: expectInteger(options.orderingStride ?? d.orderingStride, 'orderingStride', 1, 1e6),
    compareExact: expectBoolean(options.compareExact ?? d.compareExact, 'compareExact'),
    views: expectBoolean(options.views ?? d.views, 'views'),
    controlTask: expectBoolean(options.controlTask ?? d.controlTask, 'controlTask'),
    compat: compatSettings(options),
    // A looser tolerance than `probe`'s default (1e-6) unless asked: ~4× faster on the demo's oracle (10 s against
    // 38 s), whose top 50 neurons are the same at both; pass exact.tol to tighten.
    exact: { tol: ANALYZE_EXACT_TOL, ...exact },
    concurrency,
    threads,
  };
}
