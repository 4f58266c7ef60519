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
 *
 * Backends (hooks.backend; 'auto' = native unless a real, non-fallback GPU, src/gpu/backend.ts):
 * - 'native': the whole path in the addon, float64 arithmetic on float32 data.
 * - 'webgpu': the same path (same λ_max, λ values, warm starts, criterion) runs on the device in float32
 *   (src/probe/fista-webgpu.ts: the two GEMMs, the residual, the prox step and the criterion are WGSL kernels; this
 *   file only orchestrates), down to GPU_TOL·s at the last λ — float32 gradients bottom out near 1e-5·s — and
 *   the native solver then POLISHES that point at the last λ to tol·s (probeExact with a warm start, pathSteps 1).
 *   The answer therefore carries the native solver's guarantee (criterion in float64 ≤ tol·s); the report's
 *   `iterations` counts both sides, `gpu` says what the device did (iterations per λ, its float32 criterion)
 *   and `polish` what the native solver added. Why not all on the device: the last digits need float64 sums.
 */
import { chooseBackend } from '../gpu/backend.js';
import { NeurosieveError } from '../core/errors.js';
import { quietProgress, runJob } from '../core/native-job.js';
import { gpu } from '../gpu/device.js';
import { gpuFistaPath, type GpuFistaResult } from './fista-webgpu.js';
import { native } from '../core/native.js';
import type { NativeProbeExactResult } from '../core/native-types.js';
import { expectInteger, expectKnownKeys, expectNumber, expectOptions } from '../core/validate.js';
import { checkHooks, checkProbeData } from './checks.js';
import type { ExactOptions, ProbeData, TrainHooks, TrainedLinear } from './train-types.js';

const KEYS = ['alpha', 'lambda', 'pathSteps', 'tol', 'maxIterations'] as const;
const HOOK_KEYS = ['threads', 'classWeights', 'onProgress', 'signal', 'backend'] as const;

/** Defaults of ExactOptions (train-types.ts). */
export const EXACT_DEFAULTS = { alpha: 0.5, lambdaRatio: 1e-2, pathSteps: 10, tol: 1e-6, maxIterations: 10_000 } as const;

/** The path's intermediate λ stop at PATH_TOL_FACTOR·tol·s: they only provide warm starts. */
export const PATH_TOL_FACTOR = 1000;

/** Iterations between two evaluations of the stopping criterion (each costs one extra pass over X). */
export const CHECK_EVERY = 5;

/**
 * The WebGPU backend's device phase stops at max(tol, GPU_TOL)·s (float32 reaches ≈ 1e-5·s; a margin of 10 keeps
 * the device out of its rounding floor); the native polish takes it to tol·s.
 */
export const GPU_TOL = 1e-4;

type Resolved = ReturnType<typeof validateExactOptions>;

export function validateExactOptions(options: ExactOptions): Required<Omit<ExactOptions, 'lambda'>> & { lambda?: number } {
  expectOptions(options, KEYS, 'trainExact');
  return {
    alpha: options.alpha === undefined ? EXACT_DEFAULTS.alpha : expectNumber(options.alpha, 'alpha', 0, 1),
    ...(options.lambda !== undefined ? { lambda: expectNumber(options.lambda, 'lambda', 0, Infinity, true) } : {}),
    pathSteps: options.pathSteps === undefined ? EXACT_DEFAULTS.pathSteps : expectInteger(options.pathSteps, 'pathSteps', 1, 1000),
    tol: options.tol === undefined ? EXACT_DEFAULTS.tol : expectNumber(options.tol, 'tol', 0, 1, true),
    maxIterations: options.maxIterations === undefined ? EXACT_DEFAULTS.maxIterations : expectInteger(options.maxIterations, 'maxIterations', 1, 1e9),
  };
}

export async function trainExact(train: ProbeData, classes: number, options: ExactOptions = {}, hooks: TrainHooks = {}): Promise<TrainedLinear> {
  expectInteger(classes, 'classes', 2, 1 << 20);
  const o = validateExactOptions(options);
  checkHooks(hooks, classes, 'trainExact');
  expectKnownKeys(hooks, HOOK_KEYS, 'trainExact hooks');
  checkProbeData(train, classes, 'train');
  // Every class needs a row: with none, its intercept would run off to −∞ and the solve never ends.
  const counts = new Array<number>(classes).fill(0);
  for (let t = 0; t < train.rows; t++) counts[train.y[t]!]!++;
  const empty = counts.findIndex((n) => n === 0);
  if (empty >= 0) throw new NeurosieveError('E_ARGUMENT', `Expected at least one training row of every class for trainExact but received none of class ${empty}`);
  const weights = hooks.classWeights ?? new Float64Array(classes).fill(1);
  const backend = await chooseBackend(hooks.backend ?? 'auto');
  if (backend === 'webgpu') return trainExactWebgpu(train, classes, o, weights, hooks);
  const r = await nativeSolve(train, classes, o, weights, hooks, {});
  return finishReport(r, o);
}

/** The native path (or, with a warm start, the polish at one λ). */
async function nativeSolve(train: ProbeData, classes: number, o: Resolved, weights: Float64Array, hooks: TrainHooks, extra: { lambda?: number; pathSteps?: number; warmWeight?: Float64Array; warmBias?: Float64Array }): Promise<NativeProbeExactResult> {
  const onProgress = quietProgress(hooks.onProgress);
  const start = () =>
    native().probeExact(
      train.x,
      train.rows,
      train.cols,
      train.y,
      classes,
      weights,
      {
        alpha: o.alpha,
        lambda: extra.lambda ?? o.lambda ?? 0,
        lambdaRatio: EXACT_DEFAULTS.lambdaRatio,
        pathSteps: extra.pathSteps ?? o.pathSteps,
        tol: o.tol,
        pathTolFactor: PATH_TOL_FACTOR,
        maxIterations: o.maxIterations,
        checkEvery: CHECK_EVERY,
        threads: hooks.threads ?? 0,
        ...(extra.warmWeight ? { warmWeight: extra.warmWeight, warmBias: extra.warmBias! } : {}),
      },
      (p) => onProgress({ unit: 'path', done: extra.pathSteps === 1 && o.pathSteps > 1 ? o.pathSteps : p.done, total: extra.pathSteps === 1 ? o.pathSteps : p.total, loss: p.objective }),
    );
  return runJob(start, hooks.signal);
}

/** FISTA on the device to GPU_TOL, then the native polish at the last λ (file comment). */
async function trainExactWebgpu(train: ProbeData, classes: number, o: Resolved, weights: Float64Array, hooks: TrainHooks): Promise<TrainedLinear> {
  const threads = hooks.threads ?? 0;
  const { rows: T, cols: D } = train;
  await gpu(); // no adapter: fail before any native work
  // λ_max, s, b*, μ and the Lipschitz estimate from the native datafit: the device runs exactly the native λ.
  const setup = await runJob(() => native().probeExactSetup(train.x, T, D, train.y, classes, weights, o.alpha, threads));
  const centred = await runJob(async () => {
    const { promise, out } = native().zscoreApply(train.x, T, D, setup.mean, new Float64Array(D).fill(1), threads);
    await promise;
    return out;
  });
  const lambdaEnd = o.lambda ?? EXACT_DEFAULTS.lambdaRatio * (setup.lambdaMax > 0 ? setup.lambdaMax : 1);
  const lambdaStart = setup.lambdaMax > 0 ? setup.lambdaMax : lambdaEnd;
  const K = o.pathSteps;
  const lambdas = Array.from({ length: K }, (_, k) => (K === 1 || k === K - 1 ? lambdaEnd : lambdaStart * Math.pow(lambdaEnd / lambdaStart, k / (K - 1))));
  const thresholds = lambdas.map((_, k) => Math.max(k === K - 1 ? o.tol : PATH_TOL_FACTOR * o.tol, GPU_TOL) * setup.scale);
  const lipschitz = Math.min(2 * setup.lipschitz, setup.lipschitzUpper);
  const onProgress = hooks.onProgress;
  const device: GpuFistaResult = await gpuFistaPath(
    { x: centred, rows: T, cols: D, y: train.y, classes, rowWeight: weights.map((w) => w / T) },
    {
      alpha: o.alpha,
      lambdas,
      thresholds,
      bias: setup.bias,
      lipschitz,
      maxIterations: o.maxIterations,
      checkEvery: CHECK_EVERY,
      ...(hooks.signal ? { signal: hooks.signal } : {}),
      onStep: (done, total) => {
        try {
          if (done < total) onProgress?.({ unit: 'path', done, total });
        } catch {
          /* as above */
        }
      },
    },
  );
  // The uncentred intercept b = b̃ − W·μ (one C×D pass, once).
  const warmBias = Float64Array.from(device.biasCentred);
  for (let c = 0; c < classes; c++) for (let j = 0; j < D; j++) warmBias[c]! -= device.weight[c * D + j]! * setup.mean[j]!;
  const r = await nativeSolve(train, classes, o, weights, hooks, { lambda: lambdaEnd, pathSteps: 1, warmWeight: device.weight, warmBias });
  const polished = finishReport(r, o);
  const last = device.path[device.path.length - 1]!;
  const gpuIterations = device.path.reduce((n, s) => n + s.iterations, 0);
  const solver = polished.solver;
  solver.backend = 'webgpu';
  solver.iterations = gpuIterations + (solver.iterations as number);
  solver.pathSteps = K;
  solver.gpu = {
    adapter: device.adapter,
    iterations: gpuIterations,
    criterionValue: last.criterion,
    relativeCriterion: last.criterion / setup.scale,
    threshold: thresholds[K - 1],
    lipschitz,
    submissions: device.submissions,
    path: device.path.map((s) => ({ ...s })),
  };
  solver.polish = { iterations: r.path[0]!.iterations, passes: r.passes, fromCriterion: last.criterion };
  return polished;
}

/** The solver report of a native result (the whole path, or the polish). */
export function finishReport(r: NativeProbeExactResult, o: Resolved): TrainedLinear {
  const last = r.path[r.path.length - 1]!;
  const threshold = o.tol * r.scale;
  const failed = r.path.filter((s) => !s.converged);
  const limit = (k: number) => (k === r.path.length - 1 ? threshold : PATH_TOL_FACTOR * threshold);
  const solver: Record<string, unknown> = {
    solver: 'fista',
    backend: 'native',
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
