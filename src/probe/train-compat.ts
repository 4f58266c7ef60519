/**
 * The NeuroX-compatible probe trainer (method.md §3, compatible mode): what NeuroX's
 * train_logistic_regression_probe does, natively (native/src/probe/compat_trainer.h).
 *
 *   logits = x·Wᵀ + b (W is C × D), softmax cross-entropy (binary tasks: two-way softmax);
 *   per minibatch: loss = CE + λ1·Σ|W| + λ2·sqrt(ΣW²)   (mean CE, or torch's Σω·CE / Σω with class weights;
 *                  the Frobenius norm unsquared; only W penalised; ∂|w| = sign(w), 0 at 0; ∂‖W‖ = W/‖W‖, 0 at 0)
 *   one Adam (β 0.9/0.999, eps 1e-8 added to sqrt(v̂), bias-corrected: torch.optim.Adam) or SGD step per
 *   minibatch, lr 1e-3; minibatches of 32 walk the rows in order, never reshuffled, the last one partial;
 *   10 epochs; W and b uniform in ±1/sqrt(D) from `seed` (xoshiro256**, see compatInit).
 * Early stopping (the paper's token-tagging variant), with `patience` and validation data: after each epoch the
 * validation accuracy; an epoch not strictly above the best so far adds 1 to a counter that is never reset;
 * training stops when it reaches `patience`; the LAST model is returned, not the best.
 *
 * Precision: X, W, b, the Adam moments and Gᵀ·X in float32 as torch; float64 for the logits' block sums (float32
 * only sums 32 products per lane), softmax/CE, the loss and the penalty sums. Same seed, same bytes, for any
 * thread count (on one CPU variant: avx512 and avx2 share the arithmetic, the generic build has no FMA).
 */
import { NeurosieveError, callNativeSync } from '../core/errors.js';
import { quietProgress, runJob } from '../core/native-job.js';
import { native } from '../core/native.js';
import type { NativeCompatOptions, NativeCompatProgress, NativeFeatureView } from '../core/native-types.js';
import { expectInteger, expectKnownKeys, expectNumber, expectOneOf, expectOptions, show } from '../core/validate.js';
import { checkFiniteFeatures, checkHooks, checkProbeData } from './checks.js';
import type { CompatOptions, ProbeData, ProbeView, RegressionData, TrainedLinear, TrainHooks } from './train-types.js';

/** The paper's grid for λ1 and λ2 (method.md §3). */
export const PAPER_GRID: readonly number[] = [0, 1e-5, 1e-4, 1e-3, 1e-2, 0.1];

/** The optimisers of CompatOptions.optimizer. */
export const OPTIMIZERS = ['adam', 'sgd'] as const;

/** Defaults of CompatOptions (train-types.ts): NeuroX's. */
export const COMPAT_DEFAULTS = { optimizer: 'adam', learningRate: 1e-3, epochs: 10, batchSize: 32, l1: 0, l2: 0, seed: 0 } as const;

const OPTION_KEYS = ['optimizer', 'learningRate', 'epochs', 'batchSize', 'l1', 'l2', 'seed', 'patience', 'init'] as const;
const HOOK_KEYS = ['threads', 'classWeights', 'onProgress', 'signal', 'validation'] as const;

/** One in-memory problem: shapes, class ids in [0, classes), finite features. */
async function checkData(data: ProbeData, what: string, classes: number, threads: number): Promise<void> {
  checkProbeData(data, classes, what);
  await checkFiniteFeatures(data, what, threads);
}

/** CompatOptions checked and completed: the native trainer's options plus the initialisation seed. */
type ResolvedCompat = Pick<NativeCompatOptions, 'optimizer' | 'learningRate' | 'epochs' | 'batchSize' | 'l1' | 'l2'> & {
  seed: number;
  patience: number | undefined;
  init: CompatOptions['init'];
};

/** CompatOptions checked (unknown keys refused, named after `fn`) and completed with NeuroX's defaults. */
export function resolveCompatOptions(options: CompatOptions, fn: string, known: readonly string[] = OPTION_KEYS): ResolvedCompat {
  expectOptions(options, known, fn);
  const d = COMPAT_DEFAULTS;
  return {
    optimizer: expectOneOf(options.optimizer ?? d.optimizer, 'optimizer', OPTIMIZERS),
    learningRate: expectNumber(options.learningRate ?? d.learningRate, 'learningRate', 0, Infinity, true),
    epochs: expectInteger(options.epochs ?? d.epochs, 'epochs', 1, 1_000_000),
    batchSize: expectInteger(options.batchSize ?? d.batchSize, 'batchSize', 1, 2 ** 31 - 1),
    l1: expectNumber(options.l1 ?? d.l1, 'l1', 0),
    l2: expectNumber(options.l2 ?? d.l2, 'l2', 0),
    seed: expectInteger(options.seed ?? d.seed, 'seed', 0),
    patience: options.patience === undefined ? undefined : expectInteger(options.patience, 'patience', 1, 1_000_000),
    init: options.init === undefined ? undefined : expectInit(options.init),
  };
}

/** init: two Float32Arrays of finite values (their shapes are checked against the data in checkRun). */
function expectInit(init: unknown): { weight: Float32Array; bias: Float32Array } {
  const i = init as { weight?: unknown; bias?: unknown };
  if (typeof i !== 'object' || i === null || !(i.weight instanceof Float32Array) || !(i.bias instanceof Float32Array)) {
    throw new NeurosieveError('E_ARGUMENT', `Expected { weight: Float32Array, bias: Float32Array } for init but received ${show(init)}`);
  }
  for (const [name, a] of [['weight', i.weight], ['bias', i.bias]] as const) {
    const bad = a.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new NeurosieveError('E_NONFINITE', `Expected finite values for init.${name} but received ${a[bad]} at index ${bad}`);
  }
  return { weight: i.weight, bias: i.bias };
}

/**
 * The seeded initialisation trainCompat starts from: W (classes × cols, row-major) then b, each uniform in
 * [−1/sqrt(cols), 1/sqrt(cols)) (torch.nn.Linear's default bound), drawn in that order from xoshiro256**
 * (native/src/synth/random.h) stream 0x70726f6265 ("probe") of `seed`, as float32(bound·(2u − 1)).
 */
export function compatInit(classes: number, cols: number, seed = 0): { weight: Float32Array; bias: Float32Array } {
  expectInteger(classes, 'classes', 1);
  expectInteger(cols, 'cols', 1);
  expectInteger(seed, 'seed', 0);
  if (classes * cols > 2 ** 32 - 1) throw new NeurosieveError('E_ARGUMENT', `Expected at most 2^32 - 1 weights for classes × cols but received ${classes} × ${cols}`);
  return callNativeSync(() => native().probeCompatInit(classes, cols, seed));
}

/**
 * Trains a linear probe as NeuroX does (file comment). `train.y` (and `hooks.validation.y`) hold class ids in
 * [0, classes). With `options.patience`, `hooks.validation` is required. Unknown option or hook keys are
 * rejected. The solver report: { algorithm, optimizer, learningRate, batchSize, l1, l2, seed, epochs (run),
 * maxEpochs, iterations (optimizer steps), objective (last epoch's loss), epochLoss (per epoch: mean over its
 * minibatches of the minibatch loss, penalty included, each taken before its step), criterion ('epochs' or
 * 'early-stopping') and criterionValue (epochs run, or the non-improving counter), patience, stoppedEarly,
 * validationAccuracy (per epoch, when validation data are given), converged: null (no convergence test) }.
 * NeuroX prints Σ minibatch losses / rows instead of the mean over minibatches: epochLoss × minibatches / rows.
 */
export async function trainCompat(
  train: ProbeData,
  classes: number,
  options: CompatOptions,
  hooks: TrainHooks & { validation?: ProbeData } = {},
): Promise<TrainedLinear> {
  const o = resolveCompatOptions(options ?? {}, 'trainCompat');
  const h = hooks ?? {};
  expectKnownKeys(h, HOOK_KEYS, 'trainCompat hooks');
  await checkRun(train, classes, o, h);
  return runCompat(train, classes, o, h);
}

/** What a run checks besides its options: classes, hooks, the data and validation set, patience's needs. */
async function checkRun(train: ProbeData, classes: number, o: ResolvedCompat, hooks: TrainHooks & { validation?: ProbeData }): Promise<void> {
  expectInteger(classes, 'classes', 2, 2 ** 24);
  checkInitShape(o, classes, train.cols);
  checkHooks(hooks, classes, 'trainCompat');
  const threads = hooks.threads ?? 0;
  await checkData(train, 'train', classes, threads);
  const validation = hooks.validation;
  if (validation !== undefined) {
    await checkData(validation, 'validation', classes, threads);
    if (validation.cols !== train.cols) {
      throw new NeurosieveError('E_SHAPE', `Expected ${train.cols} columns (as train) for validation.cols but received ${validation.cols}`);
    }
  }
  if (o.patience !== undefined && validation === undefined) {
    throw new NeurosieveError('E_ARGUMENT', 'Expected validation data (hooks.validation) for patience (early stopping needs a validation set) but received none');
  }
}

function checkInitShape(o: ResolvedCompat, classes: number, cols: number): void {
  if (o.init && (o.init.weight.length !== classes * cols || o.init.bias.length !== classes)) {
    throw new NeurosieveError('E_SHAPE', `Expected init weights of ${classes} × ${cols} and ${classes} biases (classes × columns) but received ${o.init.weight.length} weights and ${o.init.bias.length} biases`);
  }
}

/**
 * trainCompat on column views of one in-memory matrix (ProbeView: `analyze`'s probes), read in place. The options
 * are checked; the data are trusted (shapes, class ids and finite values were checked where the matrix was
 * loaded), so hundreds of probes on one matrix do not rescan it.
 */
export async function trainCompatOnView(
  train: ProbeView,
  classes: number,
  options: CompatOptions,
  hooks: Omit<TrainHooks, 'backend'> & { validation?: ProbeView } = {},
): Promise<TrainedLinear> {
  const o = resolveCompatOptions(options ?? {}, 'trainCompat');
  checkInitShape(o, classes, train.cols);
  return runCompat(train, classes, o, hooks);
}

/**
 * The native trainer's view of a problem: a plain matrix, or a column view of a bigger one, with class ids — or,
 * for a regression problem (regression.ts), its float32 targets (NeuroX trains on float32 targets).
 */
function featureView(d: ProbeData | ProbeView | RegressionData): NativeFeatureView & ({ y: Int32Array } | { target: Float32Array }) {
  const v = d as Partial<ProbeView>;
  const labels = 'targets' in d ? { target: Float32Array.from(d.targets) } : { y: (d as ProbeData).y };
  return v.columns ? { x: d.x, ...labels, stride: v.stride!, columns: v.columns } : { x: d.x, ...labels };
}

/**
 * Trains once, on options, hooks and data checked by checkRun (grid search checks them once for all cells) — or by
 * regression.ts for a regression problem (one output, squared error: native/src/probe/squared_error.h).
 */
export async function runCompat(train: ProbeData | RegressionData, classes: number, o: ResolvedCompat, hooks: TrainHooks & { validation?: ProbeData | RegressionData }): Promise<TrainedLinear> {
  const regression = 'targets' in train;
  if (hooks.signal?.aborted) throw new NeurosieveError('E_CANCELLED', 'trainCompat cancelled');
  const threads = hooks.threads ?? 0;
  const validation = hooks.validation;
  const classWeights = hooks.classWeights ?? null;

  const init = o.init ?? compatInit(classes, train.cols, o.seed);
  const nativeOptions: NativeCompatOptions = {
    cols: train.cols,
    classes,
    optimizer: o.optimizer,
    learningRate: o.learningRate,
    epochs: o.epochs,
    batchSize: o.batchSize,
    l1: o.l1,
    l2: o.l2,
    patience: o.patience ?? 0,
    threads,
    ...(regression ? { regression } : {}),
  };
  const onProgress = quietProgress(hooks.onProgress);
  const progress = (p: NativeCompatProgress) => onProgress({ unit: 'epoch', done: p.epoch, total: p.total, loss: p.loss });
  const start = () =>
    native().probeCompatTrain(
      nativeOptions,
      featureView(train),
      init,
      validation ? featureView(validation) : null,
      classWeights,
      progress,
    );
  const r = await runJob(start, hooks.signal);
  const epochLoss = Array.from(r.epochLoss);
  const early = o.patience !== undefined;
  const solver: Record<string, unknown> = {
    algorithm: o.optimizer === 'adam' ? 'minibatch Adam (NeuroX-compatible)' : 'minibatch SGD (NeuroX-compatible)',
    optimizer: o.optimizer,
    learningRate: o.learningRate,
    batchSize: o.batchSize,
    l1: o.l1,
    l2: o.l2,
    seed: o.seed,
    ...(o.init ? { init: 'given weights (seed unused)' } : {}),
    epochs: r.epochs,
    maxEpochs: o.epochs,
    iterations: r.epochs * Math.ceil(train.rows / o.batchSize),
    objective: epochLoss[epochLoss.length - 1],
    epochLoss,
    criterion: early ? 'early-stopping' : 'epochs',
    criterionValue: early ? r.nonImproving : r.epochs,
    patience: o.patience ?? null,
    stoppedEarly: r.stoppedEarly,
    converged: null,
  };
  if (validation) solver[regression ? 'validationMse' : 'validationAccuracy'] = Array.from(r.validationAccuracy);
  return { weight: r.weight, bias: r.bias, solver };
}

/**
 * The paper's grid search: trains one probe per (λ1, λ2) in l1Grid × l2Grid (default PAPER_GRID for both; λ1 is
 * the outer loop, λ2 the inner one) with the other options unchanged, and keeps the cell with the best validation
 * accuracy of its final model (after early stopping, if `patience` is set). Ties go to the first cell in that
 * order. `l1` / `l2` are not accepted here (the grids set them). Progress: { unit: 'grid', done, total } after
 * each cell. Returns the best cell, every cell's accuracy, and the best cell's probe (trained on `train` only;
 * its solver report gains `grid`).
 */
export async function gridSearchCompat(
  train: ProbeData,
  validation: ProbeData,
  classes: number,
  options: CompatOptions & { l1Grid?: number[]; l2Grid?: number[] },
  hooks: TrainHooks = {},
): Promise<{ best: { l1: number; l2: number }; cells: Array<{ l1: number; l2: number; accuracy: number }>; probe: TrainedLinear }> {
  const opts = options ?? {};
  for (const key of ['l1', 'l2'] as const) {
    if (opts[key] !== undefined) {
      throw new NeurosieveError('E_ARGUMENT', `Expected ${key}Grid rather than ${key} for gridSearchCompat (the grid sets λ) but received ${key} = ${show(opts[key])}`);
    }
  }
  const { l1Grid, l2Grid, ...rest } = opts;
  const base = resolveCompatOptions(rest, 'gridSearchCompat', [...OPTION_KEYS, 'l1Grid', 'l2Grid']);
  const grid = (g: unknown, name: string): number[] => {
    if (g === undefined) return [...PAPER_GRID];
    if (!Array.isArray(g) || g.length === 0 || !g.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0)) {
      throw new NeurosieveError('E_ARGUMENT', `Expected a non-empty array of finite numbers >= 0 for ${name} but received ${Array.isArray(g) ? `[${g.map(show).join(', ')}]` : show(g)}`);
    }
    return [...g];
  };
  const g1 = grid(l1Grid, 'l1Grid');
  const g2 = grid(l2Grid, 'l2Grid');
  if (validation === undefined || validation === null) {
    throw new NeurosieveError('E_ARGUMENT', 'Expected validation data for gridSearchCompat (cells are chosen on validation accuracy) but received none');
  }
  expectKnownKeys(hooks ?? {}, ['threads', 'classWeights', 'onProgress', 'signal'], 'gridSearchCompat hooks');
  const { onProgress, ...trainHooks } = hooks ?? {};
  await checkRun(train, classes, base, { ...trainHooks, validation });
  const total = g1.length * g2.length;
  const cells: Array<{ l1: number; l2: number; accuracy: number }> = [];
  let best: { l1: number; l2: number; accuracy: number; probe: TrainedLinear } | undefined;
  for (const l1 of g1) {
    for (const l2 of g2) {
      const probe = await runCompat(train, classes, { ...base, l1, l2 }, { ...trainHooks, validation });
      const accs = probe.solver.validationAccuracy as number[];
      const accuracy = accs[accs.length - 1]!;
      cells.push({ l1, l2, accuracy });
      if (!best || accuracy > best.accuracy) best = { l1, l2, accuracy, probe };
      if (onProgress) {
        try {
          onProgress({ unit: 'grid', done: cells.length, total });
        } catch {
          /* a failing progress callback must not kill the search */
        }
      }
    }
  }
  const chosen = best!;
  chosen.probe.solver.grid = { l1: g1, l2: g2, cells: cells.map((c) => ({ ...c })), best: { l1: chosen.l1, l2: chosen.l2 }, tieBreak: 'first cell in grid order (λ1 outer, λ2 inner)' };
  return { best: { l1: chosen.l1, l2: chosen.l2 }, cells, probe: chosen.probe };
}
