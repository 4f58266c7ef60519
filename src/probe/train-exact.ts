/**
 * Exact mode (method.md §3): minimise
 *   F(W, b) = (1/T)·Σ_t w[y_t]·CE_t + λ·(α‖W‖₁ + (1−α)/2·‖W‖²_F),  b unpenalised,
 * to a stated tolerance with exact zeros, along a geometric λ path from λ_max with warm starts — scikit-learn's
 * LogisticRegression(penalty='elasticnet', multi_class='multinomial', C = 1/(λT), l1_ratio = α) has the same
 * minimiser (its objective is F/λ). The solver is native (native/src/probe/solver_fista.h: accelerated proximal
 * gradient with backtracking and restart, full-batch gradients as two GEMM-like passes over X).
 *
 * Stopping rule (`tol`): the largest violation of the optimality conditions,
 *   max( max_{c,j} dist(−∇_W f, ∂h(W)_{cj}), max_c |∇_b f| ) ≤ tol · s,   s = ‖∇_W f(0, b*)‖∞ (= α·λ_max),
 * i.e. relative to the gradient scale of the problem, so it does not change when the class weights or the
 * features are rescaled together. The path's intermediate λ (warm starts only) stop at
 * PATH_TOL_FACTOR·tol·s (1000: a few iterations each; measured, the full 10-step path then costs about 2× one solve). A λ that does not reach it within maxIterations is reported (converged false
 * and a `warning` in the solver report), never silent.
 */
import { NeurosieveError } from '../errors.js';
import { awaitJob } from '../linkage.js';
import { callNativeSync } from '../errors.js';
import { native } from '../native.js';
import { expectInteger, expectKnownKeys } from '../validate.js';
import { checkHooks, checkProbeData, expectNumberIn } from './checks.js';
import type { ExactOptions, ProbeData, TrainHooks, TrainedLinear } from './train-types.js';

const KEYS = ['alpha', 'lambda', 'pathSteps', 'tol', 'maxIterations'] as const;

/** Defaults of ExactOptions (train-types.ts). */
export const EXACT_DEFAULTS = { alpha: 0.5, lambdaRatio: 1e-2, pathSteps: 10, tol: 1e-6, maxIterations: 10_000 } as const;

/** The path's intermediate λ stop at PATH_TOL_FACTOR·tol·s: they only provide warm starts. */
export const PATH_TOL_FACTOR = 1000;

/** Iterations between two evaluations of the stopping criterion (each costs one extra pass over X). */
const CHECK_EVERY = 5;

export function validateExactOptions(options: ExactOptions): Required<Omit<ExactOptions, 'lambda'>> & { lambda?: number } {
  if (typeof options !== 'object' || options === null) throw new NeurosieveError('E_ARGUMENT', `Expected an options object for trainExact but received ${String(options)}`);
  expectKnownKeys(options, KEYS, 'trainExact');
  return {
    alpha: options.alpha === undefined ? EXACT_DEFAULTS.alpha : expectNumberIn(options.alpha, 'alpha', 0, 1),
    ...(options.lambda !== undefined ? { lambda: expectNumberIn(options.lambda, 'lambda', 0, Infinity, true) } : {}),
    pathSteps: options.pathSteps === undefined ? EXACT_DEFAULTS.pathSteps : expectInteger(options.pathSteps, 'pathSteps', 1, 1000),
    tol: options.tol === undefined ? EXACT_DEFAULTS.tol : expectNumberIn(options.tol, 'tol', 0, 1, true),
    maxIterations: options.maxIterations === undefined ? EXACT_DEFAULTS.maxIterations : expectInteger(options.maxIterations, 'maxIterations', 1, 1e9),
  };
}

export async function trainExact(train: ProbeData, classes: number, options: ExactOptions = {}, hooks: TrainHooks = {}): Promise<TrainedLinear> {
  expectInteger(classes, 'classes', 2, 1 << 20);
  const o = validateExactOptions(options);
  checkHooks(hooks, classes, 'trainExact');
  checkProbeData(train, classes, 'train');
  // Every class needs a row: with none, its intercept would run off to −∞ and the solve never ends.
  const counts = new Array<number>(classes).fill(0);
  for (let t = 0; t < train.rows; t++) counts[train.y[t]!]!++;
  const empty = counts.findIndex((n) => n === 0);
  if (empty >= 0) throw new NeurosieveError('E_ARGUMENT', `Expected at least one training row of every class for trainExact but received none of class ${empty}`);
  const weights = hooks.classWeights ?? new Float64Array(classes).fill(1);
  const onProgress = hooks.onProgress;
  const job = callNativeSync(() =>
    native().probeExact(
      train.x,
      train.rows,
      train.cols,
      train.y,
      classes,
      weights,
      {
        alpha: o.alpha,
        lambda: o.lambda ?? 0,
        lambdaRatio: EXACT_DEFAULTS.lambdaRatio,
        pathSteps: o.pathSteps,
        tol: o.tol,
        pathTolFactor: PATH_TOL_FACTOR,
        maxIterations: o.maxIterations,
        checkEvery: CHECK_EVERY,
        threads: hooks.threads ?? 0,
      },
      (p) => {
        try {
          onProgress?.({ unit: 'path', done: p.done, total: p.total, loss: p.objective });
        } catch {
          /* a failing progress callback must not kill the job */
        }
      },
    ),
  );
  const r = await awaitJob(job, hooks.signal);
  const last = r.path[r.path.length - 1]!;
  const threshold = o.tol * r.scale;
  const failed = r.path.filter((s) => !s.converged);
  const limit = (k: number) => (k === r.path.length - 1 ? threshold : PATH_TOL_FACTOR * threshold);
  const solver: Record<string, unknown> = {
    solver: 'fista',
    criterion: 'kkt',
    tol: o.tol,
    threshold,
    pathThreshold: PATH_TOL_FACTOR * threshold,
    iterations: r.path.reduce((n, s) => n + s.iterations, 0),
    objective: last.objective,
    criterionValue: last.criterion,
    converged: last.converged,
    alpha: o.alpha,
    lambda: last.lambda,
    lambdaMax: r.lambdaMax,
    pathSteps: r.path.length,
    nonzeros: last.nonzeros,
    lipschitz: r.lipschitz,
    passes: r.passes,
    kernel: r.kernel,
    path: r.path.map((s) => ({ ...s })),
  };
  if (failed.length > 0) {
    solver.warning = failed
      .map((s) => `did not converge at lambda ${s.lambda.toPrecision(6)} within ${s.iterations} iterations: criterion ${s.criterion.toPrecision(3)} > ${r.path.indexOf(s) === r.path.length - 1 ? 'tol·s' : `${PATH_TOL_FACTOR}·tol·s`} = ${limit(r.path.indexOf(s)).toPrecision(3)}`)
      .join('; ');
  }
  return { weight: Float32Array.from(r.weight), bias: Float32Array.from(r.bias), solver };
}
