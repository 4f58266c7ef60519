/**
 * The exact probe solver's WebGPU backend (src/probe/train-exact.ts 'webgpu': src/probe/fista-webgpu.ts on the device,
 * then the native polish from its warm start) against the native backend on fresh planted problems (seeded), the
 * native warm start on its own (no GPU needed), the backend choice, and the refusals.
 *
 * Tolerances and why:
 * - Objective: the polish ends at a float64 KKT criterion ≤ tol·s like the native path, so both objectives are
 *   within O(criterion²/μ) of the optimum: with tol = 1e-9 they agree to 1e-9 relative (the brief's bar; measured
 *   ≈ 1e-14).
 * - Weights: the objective is μ-strongly convex in W with μ = λ(1 − α) (α < 1), so each solution is within
 *   √n·tol·s/μ of the optimum in the 2-norm; the weights are returned in float32 (2⁻²⁴ relative each).
 *   With α = 1 (no strong convexity) the same support and 1e-4 are checked.
 * - KKT recomputed independently in float64 at the returned float32 weights: < 1e-6 as in probe-exact.test.ts
 *   (float32 rounding of W moves the gradient by ~L·|W|·2⁻²⁴). At float64 weights (the warm-start test), the
 *   uncentred criterion is ≤ tol·s·(1 + ‖μ‖∞): the solver measures it in the centred parametrisation, whose
 *   ∇_W differs by ∇_b·μᵀ.
 * - The device phase alone: its float32 criterion ≤ its threshold max(tol, GPU_TOL)·s or it stalled; pieces of
 *   the activations (several storage bindings) give device iterates that both meet the criterion and differ by
 *   at most twice the strong-convexity bound criterion/μ (float32 sums in another order).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { releaseGpu } from '../../src/gpu/device.js';
import { gpuFistaPath } from '../../src/probe/fista-webgpu.js';
import { writeNpy } from '../../src/io/npy.js';
import { native } from '../../src/core/native.js';
import { GPU_TOL, trainExact } from '../../src/probe/train-exact.js';
import { trainProbe } from '../../src/probe/train.js';
import type { ProbeData } from '../../src/probe/train-types.js';
import { filesIn, runCli, tempDir } from '../helpers/cli.js';
import { prng, randn } from '../helpers/formats.js';
import { probeGpu } from '../helpers/gpu.js';
import { float32RoundingSlack, kktViolation, maxAbsMean, reference } from '../helpers/probe-reference.js';
import { TEST_SEED } from '../helpers/planted.js';

console.log(`gpu-probe-exact.test.ts seed ${TEST_SEED} (set NEUROSIEVE_TEST_SEED to reproduce)`);
const { g } = await probeGpu('gpu-probe-exact.test.ts');
// Every storage buffer handed out is filled with NaN first: a buffer the solver reads before writing fails.
beforeAll(() => {
  if (g) g.buffers.poisonOnAcquire = Number.NaN;
});
afterAll(releaseGpu);

/** Planted task: neuron k shifts by +1.5 on the rows of class k; noise with offsets (means ≠ 0, so centring matters). */
function planted(T: number, D: number, C: number, seed: number): ProbeData {
  const rand = prng(seed);
  const noise = randn(T * D, rand);
  const offset = randn(D, rand, 3);
  const y = new Int32Array(T);
  const x = new Float32Array(T * D);
  for (let t = 0; t < T; t++) {
    y[t] = t < C ? t : Math.floor(rand() * C); // every class present
    for (let j = 0; j < D; j++) x[t * D + j] = offset[j]! + noise[t * D + j]! + (j === y[t]! % D ? 1.5 : 0);
  }
  return { x, y, rows: T, cols: D };
}

/** Largest KKT violation at (W, b) in float64, straight from the definitions. */
function kkt(data: ProbeData, C: number, W: ArrayLike<number>, b: ArrayLike<number>, lambda: number, alpha: number, cw?: ArrayLike<number>): number {
  const { GW, gb } = reference(data, C, W, b, lambda, alpha, cw);
  const v = kktViolation(W, GW, gb, lambda, alpha);
  return Math.max(v.weights, v.bias);
}

const nativeOptions = (o: { alpha: number; lambda?: number; pathSteps: number; tol: number }, warm?: { warmWeight: Float64Array; warmBias: Float64Array }) => ({
  alpha: o.alpha,
  lambda: o.lambda ?? 0,
  lambdaRatio: 1e-2,
  pathSteps: o.pathSteps,
  tol: o.tol,
  pathTolFactor: 1000,
  maxIterations: 10_000,
  checkEvery: 5,
  threads: 2,
  ...warm,
});

describe('native warm start (the polish step)', () => {
  const data = planted(300, 40, 3, TEST_SEED + 1);
  const cw = new Float64Array([1, 2, 0.5]);
  const solve = (o: Parameters<typeof nativeOptions>[0], warm?: Parameters<typeof nativeOptions>[1]) =>
    native().probeExact(data.x, data.rows, data.cols, data.y, 3, cw, nativeOptions(o, warm), () => {}).promise;

  it('from (0, b*) it is the cold one-step solve, bit for bit', async () => {
    const setup = await native().probeExactSetup(data.x, data.rows, data.cols, data.y, 3, cw, 0.5, 2);
    const cold = await solve({ alpha: 0.5, pathSteps: 1, tol: 1e-8 });
    // W = 0: the uncentred intercept equals the centred b*.
    const warm = await solve({ alpha: 0.5, pathSteps: 1, tol: 1e-8 }, { warmWeight: new Float64Array(120), warmBias: setup.bias });
    expect(setup.lambdaMax).toBe(cold.lambdaMax);
    expect(setup.scale).toBe(cold.scale);
    expect(warm.weight).toEqual(cold.weight);
    expect(warm.bias).toEqual(cold.bias);
    expect(warm.path).toEqual(cold.path);
  });

  it('from the solution: no iteration; from a perturbed solution: the same objective to 1e-12', async () => {
    const ref = await solve({ alpha: 0.5, pathSteps: 10, tol: 1e-10 });
    const lambda = ref.path.at(-1)!.lambda;
    const at = await solve({ alpha: 0.5, lambda, pathSteps: 1, tol: 1e-10 }, { warmWeight: ref.weight, warmBias: ref.bias });
    expect(at.path[0]!.iterations).toBe(0);
    expect(at.path[0]!.converged).toBe(true);
    const rand = prng(TEST_SEED + 2);
    const W = Float64Array.from(ref.weight, (w) => w + 0.05 * (rand() - 0.5));
    const b = Float64Array.from(ref.bias, (v) => v + 0.5 * (rand() - 0.5));
    const p = await solve({ alpha: 0.5, lambda, pathSteps: 1, tol: 1e-10 }, { warmWeight: W, warmBias: b });
    expect(p.path[0]!.converged).toBe(true);
    expect(p.path[0]!.iterations).toBeGreaterThan(0);
    expect(Math.abs(p.path[0]!.objective - ref.path.at(-1)!.objective)).toBeLessThanOrEqual(1e-12 * ref.path.at(-1)!.objective);
    // The solver's criterion is that of the centred parametrisation (native/src/probe/datafit_multinomial.h):
    // ∇_W differs from the uncentred one by ∇_b·μᵀ, so the uncentred criterion is ≤ tol·s·(1 + ‖μ‖∞).
    const { mean } = await native().probeExactSetup(data.x, data.rows, data.cols, data.y, 3, cw, 0.5, 2);
    const muMax = Math.max(...Array.from(mean, Math.abs));
    expect(kkt(data, 3, p.weight, p.bias, lambda, 0.5, cw)).toBeLessThanOrEqual(1e-10 * p.scale * (1 + muMax) * 1.01);
  });

  it('a warm start of the wrong shape is refused', () => {
    expect(() => solve({ alpha: 0.5, pathSteps: 1, tol: 1e-8 }, { warmWeight: new Float64Array(119), warmBias: new Float64Array(3) })).toThrow(
      'probeExact: options.warmWeight must be a Float64Array of C*D values and warmBias of C',
    );
  });
});

describe.skipIf(!g)('WebGPU backend vs native', () => {
  const cases = [
    { name: '300 × 40, 3 classes, α = 0.5, default path', T: 300, D: 40, C: 3, options: { alpha: 0.5, tol: 1e-9 } },
    { name: '200 × 1, 2 classes, α = 0.5, one neuron', T: 200, D: 1, C: 2, options: { alpha: 0.5, tol: 1e-9 } },
    { name: '300 × 40, 3 classes, α = 1 (lasso), class weights, 4 path steps', T: 300, D: 40, C: 3, options: { alpha: 1, tol: 1e-9, pathSteps: 4 }, cw: [1, 3, 0.5] },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const data = planted(c.T, c.D, c.C, TEST_SEED + c.T + c.D + c.C);
      const hooks = { threads: 2, ...(c.cw ? { classWeights: Float64Array.from(c.cw) } : {}) };
      const nat = await trainExact(data, c.C, c.options, { ...hooks, backend: 'native' });
      const gpuRun = await trainExact(data, c.C, c.options, { ...hooks, backend: 'webgpu' });
      const s = gpuRun.solver as Record<string, any>;
      expect(s.backend).toBe('webgpu');
      expect(nat.solver.backend).toBe('native');
      // The polish's guarantee, and an independent float64 check at the returned weights.
      expect(s.converged).toBe(true);
      expect(s.criterionValue).toBeLessThanOrEqual(s.threshold);
      expect(s.lambda).toBe(nat.solver.lambda);
      expect(s.lambdaMax).toBe(nat.solver.lambdaMax);
      // The device's answer after the polish meets the native criterion (uncentred: ≤ tol·s·(1 + ‖μ‖∞), as above)
      // up to the float32 rounding of the returned weights.
      const slack = float32RoundingSlack(data, c.C, gpuRun.weight, gpuRun.bias, s.lambda, c.options.alpha, c.cw);
      const kktGpu = kkt(data, c.C, gpuRun.weight, gpuRun.bias, s.lambda, c.options.alpha, c.cw);
      expect(kktGpu).toBeLessThanOrEqual(s.threshold * (1 + maxAbsMean(data)) + slack);
      const objective = nat.solver.objective as number;
      expect(Math.abs(s.objective - objective)).toBeLessThanOrEqual(1e-9 * objective);
      // Weights: strong convexity bound (α < 1), support and 1e-4 for the lasso.
      const n = c.C * c.D;
      const bound = c.options.alpha < 1 ? (2 * Math.sqrt(n) * c.options.tol * s.lambdaMax * c.options.alpha) / (s.lambda * (1 - c.options.alpha)) : 1e-4;
      for (let i = 0; i < n; i++) {
        const tolW = bound + 2 ** -23 * Math.abs(nat.weight[i]!);
        if (!(Math.abs(gpuRun.weight[i]! - nat.weight[i]!) <= tolW)) expect.fail(`W[${i}] = ${gpuRun.weight[i]}, native ${nat.weight[i]}, bound ${tolW}`);
        if (c.options.alpha === 1) expect(gpuRun.weight[i] === 0, `support at ${i}`).toBe(nat.weight[i] === 0);
      }
      // The report: both sides' iterations, the device's float32 criterion.
      expect(s.gpu.path).toHaveLength(c.options.pathSteps ?? 10);
      expect(s.gpu.iterations).toBe(s.gpu.path.reduce((k: number, p: { iterations: number }) => k + p.iterations, 0));
      expect(s.iterations).toBe(s.gpu.iterations + s.polish.iterations);
      expect(s.gpu.iterations).toBeGreaterThan(0);
      const last = s.gpu.path.at(-1);
      expect(last.converged || last.stalled).toBe(true);
      if (last.converged) expect(s.gpu.criterionValue).toBeLessThanOrEqual(Math.max(c.options.tol, GPU_TOL) * s.lambdaMax * c.options.alpha * (1 + 1e-12));
      console.log(`${c.name}: native ${nat.solver.iterations} iterations; webgpu ${s.gpu.iterations} on the device (criterion ${(s.gpu.relativeCriterion as number).toExponential(2)}·s) + ${s.polish.iterations} native`);
    });
  }

  it('activations in several storage bindings: the same device iterate as in one', async () => {
    const data = planted(300, 40, 3, TEST_SEED + 5);
    const weights = new Float64Array(3).fill(1);
    const setup = await native().probeExactSetup(data.x, 300, 40, data.y, 3, weights, 0.5, 2);
    const { promise, out } = native().zscoreApply(data.x, 300, 40, setup.mean, new Float64Array(40).fill(1), 2);
    await promise;
    const problem = { x: out, rows: 300, cols: 40, y: data.y, classes: 3, rowWeight: weights.map((w) => w / 300) };
    const lambda = setup.lambdaMax * 0.05;
    const options = { alpha: 0.5, lambdas: [lambda], thresholds: [1e-4 * setup.scale], bias: setup.bias, lipschitz: 2 * setup.lipschitz, maxIterations: 2000, checkEvery: 5 };
    const one = await gpuFistaPath(problem, options);
    const three = await gpuFistaPath(problem, { ...options, maxBindingBytes: 110 * 41 * 4 }); // 3 pieces of ≤ 110 rows
    expect(one.path[0]!.converged).toBe(true);
    expect(three.path[0]!.converged).toBe(true);
    // float32 sums in another order move the trajectory, and the stop can come a check interval earlier or later,
    // so the two iterates are two points that both meet the criterion, not one: each lies within criterion/μ of
    // the minimiser per coordinate, roughly (the ∞-norm reading of ‖x − x*‖ ≤ ‖∂F(x)‖/μ, μ = λ(1 − α) the ridge
    // part's strong convexity), so they differ by at most
    // twice that (4e-3 here; typically ~1e-5 is seen, and 1.2e-4 once in a seed sweep).
    const bound = (2 * 1e-4 * setup.scale) / (lambda * (1 - 0.5));
    for (let i = 0; i < one.weight.length; i++) expect(Math.abs(one.weight[i]! - three.weight[i]!)).toBeLessThan(bound);
    for (let c = 0; c < 3; c++) expect(Math.abs(one.biasCentred[c]! - three.biasCentred[c]!)).toBeLessThan(bound);
  });

  it('asked for more than float32 gives, the device path stops at its floor (stalled), not at maxIterations', async () => {
    const data = planted(200, 10, 3, TEST_SEED + 11);
    const weights = new Float64Array(3).fill(1);
    const setup = await native().probeExactSetup(data.x, 200, 10, data.y, 3, weights, 0.5, 2);
    const { promise, out } = native().zscoreApply(data.x, 200, 10, setup.mean, new Float64Array(10).fill(1), 2);
    await promise;
    const r = await gpuFistaPath(
      { x: out, rows: 200, cols: 10, y: data.y, classes: 3, rowWeight: weights.map((w) => w / 200) },
      { alpha: 0.5, lambdas: [setup.lambdaMax * 0.01], thresholds: [1e-12 * setup.scale], bias: setup.bias, lipschitz: 2 * setup.lipschitz, maxIterations: 20_000, checkEvery: 5 },
    );
    const step = r.path[0]!;
    expect(step.converged).toBe(false);
    expect(step.stalled).toBe(true);
    expect(step.iterations).toBeLessThan(20_000);
    // The floor the WebGPU backend's GPU_TOL = 1e-4 stays above.
    expect(step.criterion / setup.scale).toBeLessThan(GPU_TOL);
    console.log(`float32 floor: criterion ${(step.criterion / setup.scale).toExponential(2)}·s after ${step.iterations} iterations`);
  });

  it('aborting during the device path stops it with E_CANCELLED', async () => {
    const data = planted(300, 40, 3, TEST_SEED + 10);
    const ac = new AbortController();
    const steps: number[] = [];
    const run = trainExact(data, 3, { tol: 1e-9 }, { backend: 'webgpu', signal: ac.signal, onProgress: (p) => (steps.push(p.done), p.done === 2 && ac.abort()) });
    await expect(run).rejects.toMatchObject({ code: 'E_CANCELLED' });
    expect(steps).toEqual([1, 2]);
  });

  it("'auto' runs natively on a fallback (software) adapter", async () => {
    const data = planted(100, 5, 2, TEST_SEED + 6);
    const p = await trainExact(data, 2, { tol: 1e-6 }, { backend: 'auto' });
    expect(p.solver.backend).toBe(g!.adapter.fallback ? 'native' : 'webgpu');
  });

  it('neurosieve probe --mode exact --backend webgpu writes the native solution', () => {
    const dir = tempDir('gpu-probe-exact');
    const data = planted(200, 6, 2, TEST_SEED + 7);
    writeNpy(join(dir, 'x.npy'), data.x, [200, 6]);
    writeNpy(join(dir, 'y.npy'), data.y, [200]);
    const out: Record<string, { objective: number }> = {};
    for (const backend of ['native', 'webgpu']) {
      const r = runCli(['probe', join(dir, 'x.npy'), '--labels', join(dir, 'y.npy'), '--mode', 'exact', '--tol', '1e-9', '--backend', backend, '-o', join(dir, `${backend}.json`), '--json']);
      expect(r.code, r.stderr).toBe(0);
      out[backend] = JSON.parse(r.stdout);
    }
    expect(Math.abs(out.webgpu!.objective - out.native!.objective)).toBeLessThanOrEqual(1e-9 * out.native!.objective);
  });
});

describe('refusals', () => {
  it("backend 'webgpu' with the compat trainer is refused by name", async () => {
    const data = planted(50, 3, 2, TEST_SEED + 8);
    await expect(
      trainProbe({ activations: { x: data.x, rows: 50, cols: 3, nonFinite: 0 }, labels: { ids: data.y, classes: ['a', 'b'], counts: [] } }, { mode: 'compat', backend: 'webgpu' }),
    ).rejects.toMatchObject({ code: 'E_ARGUMENT', message: "Expected backend 'auto' or 'native' for mode 'compat' (the NeuroX-compatible trainer runs natively) but received 'webgpu'" });
    await expect(trainExact(data, 2, {}, { backend: 'cuda' as 'webgpu' })).rejects.toThrow("Expected one of 'auto', 'native', 'webgpu' for backend but received 'cuda'");
  });

  it('neurosieve probe --backend webgpu without an adapter: E_GPU, exit 1, no output', () => {
    const dir = tempDir('gpu-probe-none');
    const data = planted(50, 3, 2, TEST_SEED + 9);
    writeNpy(join(dir, 'x.npy'), data.x, [50, 3]);
    writeNpy(join(dir, 'y.npy'), data.y, [50]);
    const r = runCli(['probe', join(dir, 'x.npy'), '--labels', join(dir, 'y.npy'), '--mode', 'exact', '--backend', 'webgpu', '-o', join(dir, 'p.json')], { NEUROSIEVE_ADAPTER: 'no-such-adapter' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^neurosieve probe: error E_GPU: NEUROSIEVE_ADAPTER='no-such-adapter' names no WebGPU adapter/);
    expect(filesIn(dir)).toEqual(['x.npy', 'y.npy']);
  });
});
