/**
 * trainProbe: activations + labels in, a Probe (probe-file.ts) out. The driver around the trainers:
 *  1. load the activations (files, a Dataset, or in memory; optionally a neuron subset `columns`) and the labels
 *     (classes sorted as readLabels sorts them), and the same for an optional validation set, whose labels are
 *     mapped onto the train classes;
 *  2. z-score with the TRAIN statistics (native float64 column moments), stored in the probe (normalization
 *     'zscore', mean, std) so that evaluation and rankings see the same features;
 *  3. class weights: none, 'balanced' (scikit-learn's n / (C·count_c)) or explicit;
 *  4. dispatch on mode: 'exact' → trainExact (train-exact.ts), 'compat' → trainCompat, or gridSearchCompat with
 *     `grid` (train-compat.ts);
 *  5. metrics (metrics.ts) on train and validation, the solver report, the options as given.
 * evaluate(probe, activations, labels): the probe's columns and normalisation applied, labels mapped onto
 * probe.classes (unknown labels are an error unless `unknown` names a class, as readLabels does).
 *
 * Defaults: mode 'compat' (method.md: the NeuroX-compatible trainer is the default); zscore on in exact mode (its
 * penalty is scale-dependent, as for glmnet / scikit-learn users who standardise) and off in compat mode (NeuroX
 * trains on raw activations).
 */
import { BACKENDS, type BackendChoice } from '../gpu/backend.js';
import { NeurosieveError } from '../core/errors.js';
import { runJob } from '../core/native-job.js';
import { loadActivations, type LoadedActivations, type NanPolicy } from '../io/load.js';
import { native } from '../core/native.js';
import type { Dataset } from '../types.js';
import { expectBoolean, expectKnownKeys, expectOneOf, expectOptions, expectThreads } from '../core/validate.js';
import { readLabels, sentencesOf, type Labels } from './labels.js';
import { predictLinear } from './linear-predict.js';
import { computeMetrics, type Metrics } from './metrics.js';
import { readProbe, type Probe } from './probe-file.js';
import { gridSearchCompat, trainCompat } from './train-compat.js';
import { trainExact } from './train-exact.js';
import { predictOutputs, trainRegressionCompat, trainRegressionExact } from './regression.js';
import { regressionMetrics, type RegressionMetrics } from './regression-metrics.js';
import { checkTargets, readTargets, type Targets } from './targets.js';
import type { CompatOptions, ExactOptions, ProbeData, RegressionData, TrainHooks, TrainedLinear, TrainProgress } from './train-types.js';

export type ActivationsInput = LoadedActivations | Dataset | string | readonly string[];

/** The trainers of TrainProbeOptions.mode: 'compat' (NeuroX, the default) or 'exact'. */
export const PROBE_MODES = ['compat', 'exact'] as const;
/** The named class weightings of TrainProbeOptions.classWeights (besides explicit weights). */
export const CLASS_WEIGHT_MODES = ['balanced'] as const;

/** Defaults of TrainProbeOptions (zscore: on in exact mode, off in compat mode). */
export const TRAIN_PROBE_DEFAULTS = { mode: 'compat', backend: 'auto' } as const;

export interface TrainProbeData {
  activations: ActivationsInput;
  /** Labels (readLabels / labelsFromArray) or a labels file: one per row. A classification probe. */
  labels?: Labels | string;
  /**
   * Instead of labels: real targets (readTargets, or a targets file) — a regression probe (regression.ts): exact
   * mode is scikit-learn's ElasticNet, compat mode NeuroX's train_linear_regression_probe (one output).
   */
  targets?: Targets | string;
  /** Held-out rows: metrics, compat early stopping (`patience`) and grid search. Labels or targets, as above. */
  validation?: { activations: ActivationsInput; labels?: Labels | string; targets?: Targets | string };
}

export interface TrainProbeOptions extends Omit<CompatOptions, 'init'>, ExactOptions {
  /**
   * Compat: start from a probe's weights instead of the seeded initialisation: a probe file, a Probe, or
   * { weight, bias }. A probe must have the same classes in the same order and the same neurons (columns) as
   * this training; its weights are taken as they are (they are not rescaled if its normalisation differs).
   */
  init?: string | Probe | { weight: Float32Array; bias: Float32Array };
  /** 'compat' (default, NeuroX) or 'exact'. */
  mode?: (typeof PROBE_MODES)[number];
  /** Compat: grid search over l1 × l2 on validation accuracy (default grid: method.md §3). */
  grid?: boolean;
  l1Grid?: number[];
  l2Grid?: number[];
  /** z-score features with the train statistics (default: true in exact mode, false in compat mode). */
  zscore?: boolean;
  /** 'balanced' (n / (C·count_c)), or one weight per class (array in class order, or by class name). */
  classWeights?: 'balanced' | number[] | Record<string, number>;
  /** Train on these neurons only (original ids); loading from files. */
  columns?: number[];
  /** Validation labels the train set does not have map to this class (default: error). */
  unknown?: string;
  /** NaN/Inf in activation files: 'error' (default) or 'zero'. */
  nan?: NanPolicy;
  threads?: number;
  /**
   * Exact mode: 'auto' (default: native unless a real GPU), 'native', or 'webgpu' (device FISTA + native polish,
   * train-exact.ts). Compat mode runs natively: 'webgpu' is refused there.
   */
  backend?: BackendChoice;
  onProgress?: (p: TrainProgress) => void;
  signal?: AbortSignal;
}

const COMPAT_KEYS = ['optimizer', 'learningRate', 'epochs', 'batchSize', 'l1', 'l2', 'seed', 'patience', 'init'] as const;
const GRID_KEYS = ['grid', 'l1Grid', 'l2Grid'] as const;
const EXACT_KEYS = ['alpha', 'lambda', 'pathSteps', 'tol', 'maxIterations'] as const;
const COMMON_KEYS = ['mode', 'zscore', 'classWeights', 'columns', 'unknown', 'nan', 'threads', 'backend', 'onProgress', 'signal'] as const;
const KEYS = [...COMMON_KEYS, ...COMPAT_KEYS, ...GRID_KEYS, ...EXACT_KEYS];

function isLoaded(a: unknown): a is LoadedActivations {
  return typeof a === 'object' && a !== null && (a as LoadedActivations).x instanceof Float32Array;
}

function pick<K extends string>(o: Record<string, unknown>, keys: readonly K[]): Partial<Record<K, unknown>> {
  const out: Partial<Record<K, unknown>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

async function activations(input: ActivationsInput, columns: number[] | undefined, options: TrainProbeOptions, what: string): Promise<LoadedActivations> {
  if (isLoaded(input)) {
    if (columns !== undefined) {
      throw new NeurosieveError('E_ARGUMENT', `Expected activation files for columns (${what}) but received activations in memory; load them with loadActivations(inputs, { columns })`);
    }
    return input;
  }
  return loadActivations(input as Dataset | string | readonly string[], {
    ...(columns ? { columns } : {}),
    ...(options.nan ? { nan: options.nan } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/** Labels of `rows` rows; with `classes`, mapped onto them (validation, evaluation, analyze's dev and test). */
export function labelsFor(input: Labels | string, rows: number, what: string, classes?: readonly string[], unknown?: string, files?: LoadedActivations['files']): Labels {
  if (typeof input === 'string') {
    const sentences = sentencesOf(files);
    return readLabels(input, { rows, ...(classes ? { classes, allowSingleClass: true } : {}), ...(unknown !== undefined ? { unknown } : {}), ...(sentences ? { sentences } : {}) });
  }
  if (typeof input !== 'object' || input === null || !(input.ids instanceof Int32Array) || !Array.isArray(input.classes)) {
    throw new NeurosieveError('E_ARGUMENT', `Expected a labels file or a Labels object for ${what} but received ${String(input)}`);
  }
  if (input.ids.length !== rows) {
    throw new NeurosieveError('E_SHAPE', `Expected one label per row (${rows} rows) for ${what} but received ${input.ids.length} labels`);
  }
  if (!classes) {
    if (new Set(input.ids).size < 2) throw new NeurosieveError('E_ARGUMENT', `Expected at least 2 classes for ${what} but received only ${JSON.stringify(input.classes[input.ids[0]!])}`);
    return input;
  }
  // Map the object's class names onto `classes` (a small table; the per-row work is one lookup).
  const index = new Map(classes.map((c, i) => [c, i]));
  const fallback = unknown !== undefined ? index.get(unknown) : undefined;
  if (unknown !== undefined && fallback === undefined) throw new NeurosieveError('E_ARGUMENT', `Expected one of the probe's classes for unknown but received '${unknown}'`);
  const table = input.classes.map((name) => index.get(name) ?? fallback ?? -1);
  const ids = new Int32Array(rows);
  for (let t = 0; t < rows; t++) {
    const id = table[input.ids[t]!]!;
    if (id < 0) throw new NeurosieveError('E_ARGUMENT', `Expected labels among the probe's classes for ${what} but received '${input.classes[input.ids[t]!]}' at row ${t}; pass unknown: <class> to map unseen labels to a class`);
    ids[t] = id;
  }
  const counts = new Array<number>(classes.length).fill(0);
  for (let t = 0; t < rows; t++) counts[ids[t]!]!++;
  return { ids, classes: [...classes], counts };
}

async function zscored(a: LoadedActivations, mean: Float64Array, std: Float64Array, threads: number): Promise<Float32Array> {
  return runJob(async () => {
    const { promise, out } = native().zscoreApply(a.x, a.rows, a.cols, mean, std, threads);
    await promise;
    return out;
  });
}

/** Train (and validation) features as a probe sees them: raw, or z-scored with the TRAIN statistics. */
async function features(acts: LoadedActivations, val: LoadedActivations | undefined, zscore: boolean, threads: number): Promise<{ x: Float32Array; vx: Float32Array | undefined; mean?: Float64Array; std?: Float64Array }> {
  if (!zscore) return { x: acts.x, vx: val?.x };
  const m = await runJob(() => native().columnMoments(acts.x, acts.rows, acts.cols, threads));
  // A zero-variance neuron is centred only (its feature is 0): std 1 keeps every consumer's division finite.
  const std = m.std.map((s) => (s > 0 ? s : 1));
  return { x: await zscored(acts, m.mean, std, threads), vx: val ? await zscored(val, m.mean, std, threads) : undefined, mean: m.mean, std };
}

/** The Probe a training produced: its outputs, neurons, options as given, normalisation (when z-scored), metrics, weights. */
function probeRecord(
  head: Pick<Probe, 'task' | 'classes'>,
  neurons: number,
  columns: number[] | undefined,
  mode: Probe['mode'],
  options: TrainProbeOptions,
  z: { mean?: Float64Array; std?: Float64Array },
  metrics: Record<string, unknown>,
  trained: TrainedLinear,
): Probe {
  return {
    ...head,
    neurons,
    ...(columns ? { columns } : {}),
    mode,
    options: recordOptions(options, mode),
    ...(z.mean ? { normalization: 'zscore' as const, mean: z.mean, std: z.std } : {}),
    metrics,
    solver: trained.solver,
    weight: trained.weight,
    bias: trained.bias,
  };
}

function classWeightsFor(spec: TrainProbeOptions['classWeights'], labels: Labels): Float64Array | undefined {
  if (spec === undefined) return undefined;
  const C = labels.classes.length;
  const T = labels.ids.length;
  if (spec === 'balanced') {
    // Counted from the ids (a Labels object built by hand may carry no counts).
    const counts = new Float64Array(C);
    for (let t = 0; t < T; t++) counts[labels.ids[t]!]!++;
    return counts.map((n) => (n > 0 ? T / (C * n) : 1));
  }
  if (Array.isArray(spec)) {
    if (spec.length !== C) throw new NeurosieveError('E_ARGUMENT', `Expected ${C} class weights (one per class: ${labels.classes.join(', ')}) for classWeights but received ${spec.length}`);
    return Float64Array.from(spec);
  }
  if (typeof spec === 'object' && spec !== null) {
    for (const k of Object.keys(spec)) {
      if (!labels.classes.includes(k)) throw new NeurosieveError('E_ARGUMENT', `Expected class names (${labels.classes.join(', ')}) for classWeights but received '${k}'`);
    }
    return Float64Array.from(labels.classes, (c) => (spec as Record<string, number>)[c] ?? 1);
  }
  throw new NeurosieveError('E_ARGUMENT', `Expected 'balanced', an array or an object for classWeights but received ${String(spec)}`);
}

/** The options as given, without functions and signals (for probe.json); initial weights by their origin only. */
function recordOptions(options: TrainProbeOptions, mode: string): Record<string, unknown> {
  const o: Record<string, unknown> = { mode };
  for (const [k, v] of Object.entries(options)) {
    if (k === 'onProgress' || k === 'signal' || k === 'mode' || v === undefined) continue;
    o[k] = k === 'init' ? (typeof v === 'string' ? v : 'given weights') : v;
  }
  return o;
}

function isProbe(p: object): p is Probe {
  return Array.isArray((p as Probe).classes);
}

/** TrainProbeOptions.init as weights for this training: a probe's classes and neurons must be this training's. */
function initialWeights(init: TrainProbeOptions['init'], classes: readonly string[], cols: number, columns: number[] | undefined): CompatOptions['init'] {
  if (init === undefined) return undefined;
  const probe = typeof init === 'string' ? readProbe(init) : init;
  if (typeof probe !== 'object' || probe === null) throw new NeurosieveError('E_ARGUMENT', `Expected a probe file, a Probe or { weight, bias } for init but received ${String(init)}`);
  if (isProbe(probe)) {
    const what = typeof init === 'string' ? `init (${init})` : 'init';
    if (probe.classes.join('\u0000') !== classes.join('\u0000')) {
      throw new NeurosieveError('E_ARGUMENT', `Expected a probe with the classes ${classes.join(', ')} (in this order) for ${what} but received ${probe.classes.join(', ')}`);
    }
    const ids = (p: number[] | undefined, n: number) => (p ? p.join(',') : `all ${n}`);
    if (ids(probe.columns, probe.neurons) !== ids(columns, cols)) {
      throw new NeurosieveError('E_ARGUMENT', `Expected a probe on the same neurons as this training (${columns ? `${columns.length} given columns` : `all ${cols}`}) for ${what} but received one on ${probe.columns ? `${probe.columns.length} columns` : `all ${probe.neurons}`}${probe.columns && columns && probe.columns.length === columns.length ? ' in another order or set' : ''}`);
    }
  }
  return { weight: probe.weight, bias: probe.bias };
}

export async function trainProbe(data: TrainProbeData, options: TrainProbeOptions = {}): Promise<Probe> {
  if (typeof data !== 'object' || data === null) throw new NeurosieveError('E_ARGUMENT', `Expected { activations, labels } for trainProbe but received ${String(data)}`);
  expectOptions(options, KEYS, 'trainProbe');
  const mode = expectOneOf(options.mode ?? TRAIN_PROBE_DEFAULTS.mode, 'mode', PROBE_MODES);
  const other = mode === 'exact' ? [...COMPAT_KEYS, ...GRID_KEYS] : EXACT_KEYS;
  for (const k of other) {
    if ((options as Record<string, unknown>)[k] !== undefined) {
      throw new NeurosieveError('E_ARGUMENT', `Expected no ${k} for mode '${mode}' but received ${String((options as Record<string, unknown>)[k])}`);
    }
  }
  const backend = expectOneOf(options.backend ?? TRAIN_PROBE_DEFAULTS.backend, 'backend', BACKENDS);
  if (mode === 'compat' && backend === 'webgpu') {
    throw new NeurosieveError('E_ARGUMENT', "Expected backend 'auto' or 'native' for mode 'compat' (the NeuroX-compatible trainer runs natively) but received 'webgpu'");
  }
  const zscore = options.zscore === undefined ? mode === 'exact' : expectBoolean(options.zscore, 'zscore');
  const threads = expectThreads(options.threads);
  if (data.activations === undefined) throw new NeurosieveError('E_ARGUMENT', 'Expected activations for trainProbe but received none');
  if (data.labels !== undefined && data.targets !== undefined) throw new NeurosieveError('E_ARGUMENT', 'Expected labels (classification) or targets (regression) for trainProbe but received both');
  if (data.targets !== undefined) return trainRegressionProbe(data, options, mode, zscore, threads);
  if (data.labels === undefined) throw new NeurosieveError('E_ARGUMENT', 'Expected labels for trainProbe but received none');

  const acts = await activations(data.activations, options.columns, options, 'train');
  const labels = labelsFor(data.labels, acts.rows, 'labels', undefined, undefined, acts.files);
  const classes = labels.classes;
  const columns = acts.columns ? Array.from(acts.columns) : undefined;
  let val: { acts: LoadedActivations; labels: Labels } | undefined;
  if (data.validation !== undefined) {
    const va = await activations(data.validation.activations, columns && !isLoaded(data.validation.activations) ? columns : undefined, options, 'validation');
    if (va.cols !== acts.cols) throw new NeurosieveError('E_SHAPE', `Expected validation activations with the train set's ${acts.cols} neurons but received ${va.cols}`);
    if (data.validation.labels === undefined) throw new NeurosieveError('E_ARGUMENT', 'Expected validation labels for trainProbe but received none');
    val = { acts: va, labels: labelsFor(data.validation.labels, va.rows, 'validation labels', classes, options.unknown, va.files) };
  }

  // Features as the probe will see them.
  const { x, vx, mean, std } = await features(acts, val?.acts, zscore, threads);
  const train: ProbeData = { x, rows: acts.rows, cols: acts.cols, y: labels.ids };
  const validation: ProbeData | undefined = val ? { x: vx!, rows: val.acts.rows, cols: val.acts.cols, y: val.labels.ids } : undefined;
  const classWeights = classWeightsFor(options.classWeights, labels);
  const init = mode === 'compat' ? initialWeights(options.init, classes, acts.cols, columns) : undefined;
  const hooks: TrainHooks = {
    threads,
    ...(classWeights ? { classWeights } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  // The hooks (threads, class weights, onProgress, signal) are checked once, by the trainer called below.
  const opts = options as Record<string, unknown>;
  let trained: TrainedLinear;
  if (mode === 'exact') {
    trained = await trainExact(train, classes.length, pick(opts, EXACT_KEYS) as ExactOptions, { ...hooks, backend });
  } else if (options.grid) {
    if (!validation) throw new NeurosieveError('E_ARGUMENT', 'Expected validation data for grid search but received none');
    const g = await gridSearchCompat(train, validation, classes.length, { ...(pick(opts, [...COMPAT_KEYS, 'l1Grid', 'l2Grid']) as CompatOptions), init }, hooks);
    trained = { ...g.probe, solver: { ...g.probe.solver, grid: { best: g.best, cells: g.cells } } };
  } else {
    if (options.patience !== undefined && !validation) throw new NeurosieveError('E_ARGUMENT', 'Expected validation data for patience (early stopping) but received none');
    trained = await trainCompat(train, classes.length, { ...(pick(opts, COMPAT_KEYS) as CompatOptions), init }, { ...hooks, ...(validation ? { validation } : {}) });
  }

  const metrics: Record<string, Metrics> = {
    train: computeMetrics(await predictLinear(train, trained, { threads }), train.y, classes),
  };
  if (validation) metrics.validation = computeMetrics(await predictLinear(validation, trained, { threads }), validation.y, classes);
  return probeRecord({ classes }, acts.cols, columns, mode, options, { mean, std }, metrics, trained);
}

export interface EvaluateOptions {
  /** Labels the probe does not know map to this class (default: error). */
  unknown?: string;
  nan?: NanPolicy;
  threads?: number;
  signal?: AbortSignal;
}

/** Metrics of a probe on activations + labels: its columns and normalisation applied, labels mapped onto its classes. */
export async function evaluate(probe: Probe, activationsInput: ActivationsInput, labelsInput: Labels | string, options: EvaluateOptions = {}): Promise<Metrics> {
  expectKnownKeys(options, ['unknown', 'nan', 'threads', 'signal'], 'evaluate');
  if (probe.task === 'regression') throw new NeurosieveError('E_ARGUMENT', 'Expected a classification probe for evaluate but received a regression probe (use evaluateRegression with targets)');
  const { acts, x, threads } = await probeFeatures(probe, activationsInput, options);
  const labels = labelsFor(labelsInput, acts.rows, 'labels', probe.classes, options.unknown, acts.files);
  const predicted = await predictLinear({ x, rows: acts.rows, cols: acts.cols }, probe, { threads });
  return computeMetrics(predicted, labels.ids, probe.classes);
}

/** The activations a probe reads (its columns loaded, its width checked) and the features it sees (normalised). */
async function probeFeatures(probe: Probe, activationsInput: ActivationsInput, options: Omit<EvaluateOptions, 'unknown'>): Promise<{ acts: LoadedActivations; x: Float32Array; threads: number }> {
  const threads = expectThreads(options.threads);
  let acts: LoadedActivations;
  if (isLoaded(activationsInput)) {
    acts = activationsInput;
  } else {
    acts = await loadActivations(activationsInput as Dataset | string | readonly string[], {
      ...(probe.columns ? { columns: probe.columns } : {}),
      ...(options.nan ? { nan: options.nan } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }
  if (acts.cols !== probe.neurons) {
    throw new NeurosieveError('E_SHAPE', `Expected activations with the probe's ${probe.neurons} neurons but received ${acts.cols} columns`);
  }
  let x = acts.x;
  if (probe.normalization === 'zscore') x = await zscored(acts, probe.mean!, probe.std!, threads);
  else {
    // The trainer refused NaN; evaluation must too (a NaN row would silently predict class 0).
    await runJob(() => native().columnMoments(acts.x, acts.rows, acts.cols, threads));
  }
  return { acts, x, threads };
}

/** Targets of `rows` rows: a file, or Targets in memory. */
function targetsFor(input: Targets | string, rows: number, what: string): Targets {
  return typeof input === 'string' ? readTargets(input, rows) : checkTargets(input, rows, what);
}

/** Names of a regression probe's outputs (its `classes`). */
function outputNames(outputs: number): string[] {
  return outputs === 1 ? ['target'] : Array.from({ length: outputs }, (_, k) => `target${k}`);
}

/**
 * trainProbe with targets: the same loading, z-scoring and probe file as a classification probe, the regression
 * trainers (regression.ts) and regression metrics. What has no meaning for real targets is refused by name.
 */
async function trainRegressionProbe(data: TrainProbeData, options: TrainProbeOptions, mode: (typeof PROBE_MODES)[number], zscore: boolean, threads: number): Promise<Probe> {
  for (const k of ['classWeights', 'unknown', 'grid', 'l1Grid', 'l2Grid', 'init'] as const) {
    if (options[k] !== undefined) throw new NeurosieveError('E_ARGUMENT', `Expected no ${k} for a regression probe but received ${String(options[k])}`);
  }
  if (options.backend === 'webgpu') throw new NeurosieveError('E_ARGUMENT', "Expected backend 'auto' or 'native' for a regression probe (it trains natively) but received 'webgpu'");
  const acts = await activations(data.activations, options.columns, options, 'train');
  const targets = targetsFor(data.targets!, acts.rows, 'targets');
  const columns = acts.columns ? Array.from(acts.columns) : undefined;
  let val: { acts: LoadedActivations; targets: Targets } | undefined;
  if (data.validation !== undefined) {
    if (data.validation.targets === undefined) throw new NeurosieveError('E_ARGUMENT', 'Expected validation targets for a regression probe but received none');
    const va = await activations(data.validation.activations, columns && !isLoaded(data.validation.activations) ? columns : undefined, options, 'validation');
    if (va.cols !== acts.cols) throw new NeurosieveError('E_SHAPE', `Expected validation activations with the train set's ${acts.cols} neurons but received ${va.cols}`);
    val = { acts: va, targets: targetsFor(data.validation.targets, va.rows, 'validation targets') };
    if (val.targets.outputs !== targets.outputs) throw new NeurosieveError('E_SHAPE', `Expected ${targets.outputs} targets per row (as train) for validation targets but received ${val.targets.outputs}`);
  }
  const { x, vx, mean, std } = await features(acts, val?.acts, zscore, threads);
  const K = targets.outputs;
  const train: RegressionData = { x, rows: acts.rows, cols: acts.cols, targets: targets.values, outputs: K };
  const validation: RegressionData | undefined = val ? { x: vx!, rows: val.acts.rows, cols: val.acts.cols, targets: val.targets.values, outputs: K } : undefined;
  const hooks = { threads, ...(options.onProgress ? { onProgress: options.onProgress } : {}), ...(options.signal ? { signal: options.signal } : {}) };
  const opts = options as Record<string, unknown>;
  const trained =
    mode === 'exact'
      ? await trainRegressionExact(train, pick(opts, EXACT_KEYS) as ExactOptions, hooks)
      : await trainRegressionCompat(train, pick(opts, COMPAT_KEYS) as CompatOptions, { ...hooks, ...(validation ? { validation } : {}) });
  const metrics: Record<string, RegressionMetrics> = { train: regressionMetrics(await predictOutputs(train, trained, { threads }), train.targets, K) };
  if (validation) metrics.validation = regressionMetrics(await predictOutputs(validation, trained, { threads }), validation.targets, K);
  return probeRecord({ task: 'regression', classes: outputNames(K) }, acts.cols, columns, mode, options, { mean, std }, metrics, trained);
}

/** Regression metrics of a regression probe on activations + targets (its columns and normalisation applied). */
export async function evaluateRegression(probe: Probe, activationsInput: ActivationsInput, targetsInput: Targets | string, options: Omit<EvaluateOptions, 'unknown'> = {}): Promise<RegressionMetrics> {
  expectKnownKeys(options, ['nan', 'threads', 'signal'], 'evaluateRegression');
  if (probe.task !== 'regression') throw new NeurosieveError('E_ARGUMENT', 'Expected a regression probe for evaluateRegression but received a classification probe (use evaluate with labels)');
  const { acts, x, threads } = await probeFeatures(probe, activationsInput, options);
  const targets = targetsFor(targetsInput, acts.rows, 'targets');
  if (targets.outputs !== probe.classes.length) throw new NeurosieveError('E_SHAPE', `Expected ${probe.classes.length} targets per row (the probe's outputs) but received ${targets.outputs}`);
  const predicted = await predictOutputs({ x, rows: acts.rows, cols: acts.cols }, probe, { threads });
  return regressionMetrics(predicted, targets.values, targets.outputs);
}
