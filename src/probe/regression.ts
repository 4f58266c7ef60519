/**
 * Regression probes (continuous targets; method.md §3 with the squared error in place of the cross-entropy):
 *  - exact: minimise (1/2T)·Σ_t ‖x_t·Wᵀ + b − y_t‖² + λ·(α‖W‖₁ + (1−α)/2·‖W‖²_F), b unpenalised — exactly
 *    scikit-learn's ElasticNet objective (alpha = λ, l1_ratio = α) — with the exact probe's solver, λ path,
 *    warm starts and stopping rule (train-exact.ts; native/src/probe/datafit_quadratic.h). Several outputs are
 *    allowed (each its own row of W; the penalty is entrywise, not MultiTaskElasticNet's row norms).
 *  - compat: NeuroX's train_linear_regression_probe — one output, per minibatch torch's MSELoss (mean) +
 *    λ1·Σ|W| + λ2·sqrt(ΣW²), Adam/SGD, the same minibatch walk, initialisation and early stopping as the
 *    classification trainer (train-compat.ts), on float32 targets as NeuroX's. Early stopping watches the
 *    validation mean squared error (an epoch counts as not improving unless its error is strictly below the best).
 * Predictions are the outputs themselves (predictOutputs); metrics in regression-metrics.ts.
 */
import { NeurosieveError } from '../core/errors.js';
import { quietProgress, runJob } from '../core/native-job.js';
import { native } from '../core/native.js';
import { expectInteger, expectKnownKeys, expectThreads } from '../core/validate.js';
import { checkFiniteFeatures } from './checks.js';
import type { FeatureRows } from './linear-predict.js';
import { compatInit, resolveCompatOptions, runCompat } from './train-compat.js';
import { CHECK_EVERY, EXACT_DEFAULTS, PATH_TOL_FACTOR, finishReport, validateExactOptions } from './train-exact.js';
import type { CompatOptions, ExactOptions, RegressionData, TrainedLinear, TrainProgress } from './train-types.js';

/** What the regression trainers accept besides their options. */
export interface RegressionHooks {
  threads?: number;
  onProgress?: (p: TrainProgress) => void;
  signal?: AbortSignal;
}

/** Shapes and finite values of one in-memory regression problem; its number of outputs. */
async function checkRegressionData(d: RegressionData, what: string, threads: number): Promise<number> {
  if (typeof d !== 'object' || d === null || !(d.x instanceof Float32Array) || !(d.targets instanceof Float64Array)) {
    throw new NeurosieveError('E_ARGUMENT', `Expected { x: Float32Array, rows, cols, targets: Float64Array } for ${what} but received ${String(d)}`);
  }
  const rows = expectInteger(d.rows, `${what}.rows`, 1);
  const cols = expectInteger(d.cols, `${what}.cols`, 1);
  const outputs = expectInteger(d.outputs ?? 1, `${what}.outputs`, 1, 1 << 16);
  if (d.x.length !== rows * cols) throw new NeurosieveError('E_SHAPE', `Expected ${rows * cols} values (rows × cols = ${rows} × ${cols}) for ${what}.x but received ${d.x.length}`);
  if (d.targets.length !== rows * outputs) {
    throw new NeurosieveError('E_SHAPE', `Expected ${rows * outputs} targets (rows × outputs = ${rows} × ${outputs}) for ${what}.targets but received ${d.targets.length}`);
  }
  const bad = d.targets.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new NeurosieveError('E_NONFINITE', `Expected finite targets for ${what} but received ${d.targets[bad]} at row ${Math.floor(bad / outputs)}`);
  await checkFiniteFeatures({ x: d.x, rows, cols, y: new Int32Array(0) }, what, threads);
  return outputs;
}

/** The exact regression probe (file comment); the solver report is the exact classification probe's. */
export async function trainRegressionExact(train: RegressionData, options: ExactOptions = {}, hooks: RegressionHooks = {}): Promise<TrainedLinear> {
  const o = validateExactOptions(options ?? {});
  expectKnownKeys(hooks ?? {}, ['threads', 'onProgress', 'signal'], 'trainRegressionExact hooks');
  const threads = expectThreads(hooks.threads);
  const outputs = await checkRegressionData(train, 'train', threads);
  const onProgress = quietProgress(hooks.onProgress);
  const r = await runJob(
    () =>
      native().regressionExact(
        train.x,
        train.rows,
        train.cols,
        train.targets,
        outputs,
        {
          alpha: o.alpha,
          lambda: o.lambda ?? 0,
          lambdaRatio: EXACT_DEFAULTS.lambdaRatio,
          pathSteps: o.pathSteps,
          tol: o.tol,
          pathTolFactor: PATH_TOL_FACTOR,
          maxIterations: o.maxIterations,
          checkEvery: CHECK_EVERY,
          threads,
        },
        (p) => onProgress({ unit: 'path', done: p.done, total: p.total, loss: p.objective }),
      ),
    hooks.signal,
  );
  const trained = finishReport(r, o);
  trained.solver.datafit = 'squared error (1/2T)·Σ‖Xwᵀ + b − y‖² (scikit-learn ElasticNet)';
  return trained;
}

/** NeuroX's regression probe (file comment): one output; `validation` for early stopping and its record. */
export async function trainRegressionCompat(
  train: RegressionData,
  options: CompatOptions = {},
  hooks: RegressionHooks & { validation?: RegressionData } = {},
): Promise<TrainedLinear> {
  const o = resolveCompatOptions(options ?? {}, 'trainRegressionCompat');
  expectKnownKeys(hooks ?? {}, ['threads', 'onProgress', 'signal', 'validation'], 'trainRegressionCompat hooks');
  const threads = expectThreads(hooks.threads);
  for (const [what, d] of [['train', train], ['validation', hooks.validation]] as const) {
    if (d === undefined) continue;
    if ((await checkRegressionData(d, what, threads)) !== 1) {
      throw new NeurosieveError('E_ARGUMENT', `Expected one target per row for ${what} in compat mode (NeuroX's regression probe has one output; use the exact mode for several) but received ${d.outputs}`);
    }
  }
  if (hooks.validation && hooks.validation.cols !== train.cols) {
    throw new NeurosieveError('E_SHAPE', `Expected ${train.cols} columns (as train) for validation.cols but received ${hooks.validation.cols}`);
  }
  if (o.patience !== undefined && !hooks.validation) {
    throw new NeurosieveError('E_ARGUMENT', 'Expected validation data (hooks.validation) for patience (early stopping needs a validation set) but received none');
  }
  if (o.init && (o.init.weight.length !== train.cols || o.init.bias.length !== 1)) {
    throw new NeurosieveError('E_SHAPE', `Expected init weights of 1 × ${train.cols} and 1 bias but received ${o.init.weight.length} weights and ${o.init.bias.length} biases`);
  }
  const trained = await runCompat(train, 1, { ...o, init: o.init ?? compatInit(1, train.cols, o.seed) }, { ...hooks, threads });
  trained.solver.algorithm = `${String(trained.solver.algorithm)}, squared error (torch MSELoss)`;
  return trained;
}

/** The outputs x·Wᵀ + b of every row (rows × outputs, float64): a regression probe's predictions. */
export async function predictOutputs(data: FeatureRows, probe: { weight: Float32Array; bias: Float32Array }, options: { threads?: number } = {}): Promise<Float64Array> {
  expectKnownKeys(options, ['threads'], 'predictOutputs');
  const threads = expectThreads(options.threads);
  const K = probe.bias.length;
  if (!(data.x instanceof Float32Array) || data.x.length !== data.rows * data.cols || probe.weight.length !== K * data.cols || K < 1) {
    throw new NeurosieveError('E_SHAPE', `Expected x of rows × cols = ${data.rows} × ${data.cols} and a probe of outputs × ${data.cols} weights but received ${data.x?.length} values and ${probe.weight?.length} weights for ${K} outputs`);
  }
  return runJob(() => native().probeOutputs(data.x, data.rows, data.cols, probe.weight, probe.bias, K, threads));
}
