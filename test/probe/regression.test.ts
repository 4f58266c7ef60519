/**
 * Regression probes (src/probe/regression.ts, native/src/probe/datafit_quadratic.h, squared_error.h): the exact
 * mode against stored scikit-learn ElasticNet solutions (tools/make-regression-fixtures.py) and against its
 * optimality conditions from a float64 reference gradient on fresh planted data (several outputs); the compat
 * mode's step against a float64 reimplementation of torch's MSELoss step; metrics against sklearn/scipy; bad input.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readNpy } from '../../src/io/npy.js';
import { predictOutputs, trainRegressionCompat, trainRegressionExact } from '../../src/probe/regression.js';
import { regressionMetrics } from '../../src/probe/regression-metrics.js';
import type { RegressionData } from '../../src/probe/train-types.js';
import { prng, randn } from '../helpers/formats.js';
import { TEST_SEED } from '../helpers/planted.js';

console.log(`regression.test.ts seed ${TEST_SEED} (set NEUROSIEVE_TEST_SEED to reproduce)`);

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'regression');

interface Case {
  name: string;
  rows: number;
  neurons: number;
  alpha: number;
  lambda: number;
  lambdaMax: number;
  sklearn: { objective: number; weight: number[]; bias: number; nonzeros: number; mse: number; r2: number; pearson: number };
}
const cases = (JSON.parse(readFileSync(join(fixtures, 'cases.json'), 'utf8')) as { cases: Case[] }).cases;

function loadCase(c: Case): RegressionData {
  const x = readNpy(join(fixtures, `${c.name}-x.npy`)).data as Float32Array;
  const targets = readNpy(join(fixtures, `${c.name}-y.npy`)).data as Float64Array;
  return { x, targets, rows: c.rows, cols: c.neurons };
}

/** (1/2T)·‖XWᵀ + b − Y‖² + λ(α‖W‖₁ + (1−α)/2‖W‖²) in float64, and its gradient in W and b. */
function reference(d: RegressionData, W: ArrayLike<number>, b: ArrayLike<number>, lambda: number, alpha: number) {
  const { rows: T, cols: D } = d;
  const K = d.outputs ?? 1;
  let loss = 0;
  const gW = new Float64Array(K * D);
  const gb = new Float64Array(K);
  for (let t = 0; t < T; t++) {
    for (let k = 0; k < K; k++) {
      let z = b[k]!;
      for (let j = 0; j < D; j++) z += d.x[t * D + j]! * W[k * D + j]!;
      const e = z - d.targets[t * K + k]!;
      loss += (e * e) / (2 * T);
      gb[k]! += e / T;
      for (let j = 0; j < D; j++) gW[k * D + j]! += (e * d.x[t * D + j]!) / T;
    }
  }
  let l1 = 0;
  let l2 = 0;
  for (let i = 0; i < K * D; i++) {
    l1 += Math.abs(W[i]!);
    l2 += W[i]! * W[i]!;
  }
  return { objective: loss + lambda * (alpha * l1 + ((1 - alpha) / 2) * l2), gW, gb };
}

/** The largest violation of the elastic net's optimality conditions (as the solver's criterion). */
function kkt(W: ArrayLike<number>, gW: Float64Array, gb: Float64Array, lambda: number, alpha: number): number {
  let v = 0;
  for (let i = 0; i < gW.length; i++) {
    const w = W[i]!;
    const g = gW[i]!;
    v = Math.max(v, w === 0 ? Math.max(Math.abs(g) - lambda * alpha, 0) : Math.abs(g + lambda * alpha * Math.sign(w) + lambda * (1 - alpha) * w));
  }
  for (const g of gb) v = Math.max(v, Math.abs(g));
  return v;
}

describe('exact regression probe: stored scikit-learn ElasticNet solutions (coordinate descent, tol 1e-12)', () => {
  for (const c of cases) {
    it(`case ${c.name}: ${c.rows}×${c.neurons}, α = ${c.alpha}: objective ≤ sklearn's, same solution`, async () => {
      const d = loadCase(c);
      const p = await trainRegressionExact(d, { alpha: c.alpha, lambda: c.lambda, tol: 1e-10 });
      // λ_max is sklearn's alpha_max formula (1e-12 relative: float64 sums in another order).
      expect(p.solver.lambdaMax as number).toBeCloseTo(c.lambdaMax, 12 - Math.ceil(Math.log10(c.lambdaMax)));
      const ours = p.solver.objective as number;
      expect(ours).toBeLessThanOrEqual(c.sklearn.objective * (1 + 1e-12));
      // The float32 weights as stored, re-scored in float64 by an independent loop: within 1e-9 of sklearn's
      // optimum (float32 rounding of W moves the objective by ~1e-8·‖∇‖ at most, and ∇ ≈ 0 there).
      const ref = reference(d, p.weight, p.bias, c.lambda, c.alpha);
      expect(Math.abs(ref.objective - c.sklearn.objective)).toBeLessThan(1e-7 * c.sklearn.objective);
      // The minimiser is unique (strictly convex for α < 1; for α = 1 the planted design has full rank): weights
      // agree to 1e-5, the float32 storage and the two tolerances.
      c.sklearn.weight.forEach((w, j) => expect(Math.abs(p.weight[j]! - w)).toBeLessThan(1e-5));
      expect(Math.abs(p.bias[0]! - c.sklearn.bias)).toBeLessThan(1e-4);
      expect(p.weight.reduce((n, w) => n + (w !== 0 ? 1 : 0), 0)).toBe(c.sklearn.nonzeros);
    });
  }
});

describe('regressionMetrics: scikit-learn and scipy on the same predictions', () => {
  for (const c of cases) {
    it(`case ${c.name}: mse, r2_score, pearsonr of sklearn's predictions`, () => {
      const d = loadCase(c);
      const pred = new Float64Array(c.rows);
      for (let t = 0; t < c.rows; t++) {
        let z = c.sklearn.bias;
        for (let j = 0; j < c.neurons; j++) z += d.x[t * c.neurons + j]! * c.sklearn.weight[j]!;
        pred[t] = z;
      }
      const m = regressionMetrics(pred, d.targets);
      expect(m.count).toBe(c.rows);
      expect(Math.abs(m.mse - c.sklearn.mse)).toBeLessThan(1e-12 * c.sklearn.mse + 1e-15);
      expect(Math.abs(m.r2 - c.sklearn.r2)).toBeLessThan(1e-12);
      expect(Math.abs(m.pearson! - c.sklearn.pearson)).toBeLessThan(1e-12);
    });
  }

  it('hand-computed values, constant targets and several outputs', () => {
    const m = regressionMetrics([1, 2, 4], [1, 3, 3]);
    // residuals 0, −1, 1: mse 2/3; ȳ = 7/3, SS_tot = 16/9 + 4/9 + 4/9 = 24/9: R² = 1 − 2 / (24/9) = 1/4.
    expect(m.mse).toBeCloseTo(2 / 3, 15);
    expect(m.r2).toBeCloseTo(0.25, 15);
    // ŷ − 7/3 = (−4/3, −1/3, 5/3), y − 7/3 = (−4/3, 2/3, 2/3): r = (16/9 − 2/9 + 10/9) / sqrt(42/9 · 24/9) = 24 / sqrt(1008).
    expect(m.pearson).toBeCloseTo(24 / Math.sqrt(1008), 15);
    expect(regressionMetrics([2, 2], [2, 2])).toMatchObject({ mse: 0, r2: 1, pearson: null });
    expect(regressionMetrics([1, 3], [2, 2])).toMatchObject({ mse: 1, r2: 0, pearson: null });
    const two = regressionMetrics([1, 10, 2, 20, 4, 40], [1, 10, 3, 30, 3, 30], 2);
    expect(two.perOutput).toHaveLength(2);
    expect(two.perOutput![0]!.r2).toBeCloseTo(0.25, 15);
    expect(two.perOutput![1]!.r2).toBeCloseTo(0.25, 15);
    expect(two.mse).toBeCloseTo((2 / 3 + 200 / 3) / 2, 12);
  });
});

/** Planted: Y[:, k] = 3 + Σ_j B[k, j]·x_j + noise, B sparse; features with offsets and one correlated pair. */
function planted(T: number, D: number, K: number, seed: number): RegressionData {
  const rand = prng(seed);
  const noise = randn(T * D, rand);
  const offset = randn(D, rand, 5);
  const x = new Float32Array(T * D);
  for (let t = 0; t < T; t++) {
    for (let j = 0; j < D; j++) x[t * D + j] = offset[j]! + noise[t * D + j]!;
    x[t * D + 1] = x[t * D]! + 0.5 * noise[t * D + 1]!;
  }
  const eps = randn(T * K, rand, 0.3);
  const targets = new Float64Array(T * K);
  for (let t = 0; t < T; t++) {
    for (let k = 0; k < K; k++) {
      let y = 3 + eps[t * K + k]!;
      for (let j = 0; j < 4; j++) y += (k % 2 === 0 ? 1 : -1) * (j + 1) * 0.5 * x[t * D + ((j + k) % D)]!;
      targets[t * K + k] = y;
    }
  }
  return { x, targets, rows: T, cols: D, outputs: K };
}

describe('exact regression probe: optimality on fresh planted data', () => {
  it(`two outputs, α = 0.7: the float64 reference gradient satisfies the KKT conditions (seed ${TEST_SEED})`, async () => {
    const d = planted(300, 12, 2, TEST_SEED);
    const p = await trainRegressionExact(d, { alpha: 0.7, tol: 1e-9 });
    const lambda = p.solver.lambda as number;
    expect(p.solver.converged).toBe(true);
    const ref = reference(d, Float64Array.from(p.weight), Float64Array.from(p.bias), lambda, 0.7);
    // The solver stops at criterion ≤ tol·s (s = α·λ_max) in its centred parametrisation, whose ∇_W differs from
    // the uncentred one by ∇_b·μᵀ: ≤ tol·s·(1 + max|μ_j|) here. Rounding W and b to float32 (relative 2⁻²⁴) moves
    // ∇_W[k, j] = mean_t(e_tk·x_tj) by at most 2⁻²⁴·(|b_k|·max|μ_j| + Σ_j'|W_kj'|·max mean(x_j²)) (Cauchy–Schwarz).
    const s = 0.7 * (p.solver.lambdaMax as number);
    const T = d.rows;
    const D = d.cols;
    let m1 = 0;
    let m2 = 0;
    for (let j = 0; j < D; j++) {
      let a = 0;
      let q = 0;
      for (let t = 0; t < T; t++) {
        a += d.x[t * D + j]! / T;
        q += d.x[t * D + j]! ** 2 / T;
      }
      m1 = Math.max(m1, Math.abs(a));
      m2 = Math.max(m2, q);
    }
    let rounding = 0;
    for (let k = 0; k < 2; k++) {
      const w = p.weight.slice(k * D, (k + 1) * D).reduce((a, v) => a + Math.abs(v), 0);
      rounding = Math.max(rounding, 2 ** -24 * (Math.abs(p.bias[k]!) * m1 + w * m2));
    }
    expect(kkt(p.weight, ref.gW, ref.gb, lambda, 0.7)).toBeLessThan(1e-9 * s * (1 + m1) + rounding);
    // The solver's own objective agrees with the independent one.
    expect(Math.abs(ref.objective - (p.solver.objective as number))).toBeLessThan(1e-7 * ref.objective);
    // The planted neurons carry the weight: every nonzero on output 0 is among neurons 0–3 (+ the correlated 1).
    const out0 = Array.from(p.weight.slice(0, 12)).flatMap((w, j) => (Math.abs(w) > 0.05 ? [j] : []));
    expect(out0.every((j) => j < 4)).toBe(true);
    const predicted = await predictOutputs(d, p);
    expect(regressionMetrics(predicted, d.targets, 2).r2).toBeGreaterThan(0.9);
  });

  it('results do not depend on the thread count', async () => {
    const d = planted(700, 20, 1, TEST_SEED + 1);
    const a = await trainRegressionExact(d, { alpha: 0.5 }, { threads: 1 });
    const b = await trainRegressionExact(d, { alpha: 0.5 }, { threads: 2 });
    expect(Buffer.from(a.weight.buffer).equals(Buffer.from(b.weight.buffer))).toBe(true);
    expect(Array.from(a.bias)).toEqual(Array.from(b.bias));
  });
});

describe("compat regression probe (NeuroX's train_linear_regression_probe)", () => {
  it('one full-batch SGD step is torch\'s MSELoss + penalty step, computed in float64', async () => {
    const d = planted(64, 10, 1, TEST_SEED + 2);
    const init = { weight: Float32Array.from(randn(10, prng(TEST_SEED + 3), 0.3)), bias: Float32Array.of(0.1) };
    const lr = 1e-3;
    const l1 = 1e-3;
    const l2 = 1e-3;
    const p = await trainRegressionCompat(d, { optimizer: 'sgd', learningRate: lr, epochs: 1, batchSize: 64, l1, l2, init });
    // loss = mean (z − y)² + l1·Σ|w| + l2·‖w‖: ∂/∂w = (2/T)·Σ (z − y)·x + l1·sign(w) + l2·w/‖w‖, ∂/∂b = (2/T)·Σ (z − y).
    const ref = reference(d, init.weight, init.bias, 0, 0);
    const norm = Math.sqrt(init.weight.reduce((a, w) => a + w * w, 0));
    for (let j = 0; j < 10; j++) {
      const w = init.weight[j]!;
      const g = 2 * ref.gW[j]! + l1 * Math.sign(w) + (l2 * w) / norm;
      // float32 features, W and gradient: agreement to ~1e-6 relative to the step's inputs.
      expect(Math.abs(p.weight[j]! - (w - lr * g))).toBeLessThan(1e-6 * (Math.abs(w) + lr * Math.abs(g)) + 1e-7);
    }
    expect(Math.abs(p.bias[0]! - (0.1 - lr * 2 * ref.gb[0]!))).toBeLessThan(1e-6);
    // The recorded loss is the minibatch's: mean squared error + penalty, before the step.
    let se = 0;
    for (let t = 0; t < 64; t++) {
      let z = init.bias[0]!;
      for (let j = 0; j < 10; j++) z += d.x[t * 10 + j]! * init.weight[j]!;
      se += (z - d.targets[t]!) ** 2;
    }
    const l1sum = init.weight.reduce((a, w) => a + Math.abs(w), 0);
    expect((p.solver.epochLoss as number[])[0]).toBeCloseTo(se / 64 + l1 * l1sum + l2 * norm, 4);
  });

  it('Adam on planted data learns the targets; validation MSE recorded; same bytes for 1 and 2 threads', async () => {
    const d = planted(2000, 16, 1, TEST_SEED + 4);
    // z-scored as the exact mode would be (NeuroX trains on raw activations; the offsets here would slow Adam). The
    // intercept stays large (|b| up to ~45 for the planted offsets): Adam moves b by about lr per step, so lr 0.1
    // over 20 × 47 steps reaches it with room to spare.
    const m = new Float64Array(16);
    const s = new Float64Array(16);
    for (let j = 0; j < 16; j++) {
      for (let t = 0; t < 2000; t++) m[j]! += d.x[t * 16 + j]! / 2000;
      for (let t = 0; t < 2000; t++) s[j]! += (d.x[t * 16 + j]! - m[j]!) ** 2 / 2000;
    }
    const x = d.x.map((v, i) => (v - m[i % 16]!) / Math.sqrt(s[i % 16]!));
    const train = { ...d, x: x.slice(0, 1500 * 16), rows: 1500, targets: d.targets.slice(0, 1500) };
    const validation = { ...d, x: x.slice(1500 * 16), rows: 500, targets: d.targets.slice(1500) };
    const run = (threads: number) => trainRegressionCompat(train, { learningRate: 0.1, epochs: 20, seed: 3 }, { threads, validation });
    const a = await run(1);
    const b = await run(2);
    expect(Buffer.from(a.weight.buffer).equals(Buffer.from(b.weight.buffer))).toBe(true);
    const mse = a.solver.validationMse as number[];
    expect(mse).toHaveLength(20);
    expect(mse[19]!).toBeLessThan(mse[0]!);
    const r2 = regressionMetrics(await predictOutputs(validation, a), validation.targets).r2;
    expect(r2).toBeGreaterThan(0.9);
  });
});

describe('regression probes: bad input', () => {
  const d = planted(50, 4, 1, 9);
  it('non-finite targets, wrong counts and several outputs in compat mode are refused by name', async () => {
    const nan = { ...d, targets: d.targets.map((v, i) => (i === 7 ? NaN : v)) };
    await expect(trainRegressionExact(nan)).rejects.toThrow('Expected finite targets for train but received NaN at row 7');
    await expect(trainRegressionExact({ ...d, targets: d.targets.slice(1) })).rejects.toThrow('Expected 50 targets (rows × outputs = 50 × 1) for train.targets but received 49');
    const two = planted(50, 4, 2, 9);
    await expect(trainRegressionCompat(two)).rejects.toThrow("Expected one target per row for train in compat mode");
    await expect(trainRegressionCompat(d, { patience: 2 })).rejects.toThrow('Expected validation data');
    const inf = { ...d, x: d.x.map((v, i) => (i === 9 ? Infinity : v)) };
    await expect(trainRegressionExact(inf)).rejects.toThrow(/Infinity/);
  });
});
