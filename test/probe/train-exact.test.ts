/**
 * The exact probe solver (src/probe/train-exact.ts, native/src/probe/): stored scikit-learn solutions
 * (tools/make-probe-fixtures.py), optimality conditions checked against a float64 reference gradient on fresh
 * planted data (seeded), exact zeros along λ, planted informative neurons ranking first, thread-count
 * independence, z-scoring against a float64 reference, cancellation, and bad input with exact messages.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readNpy } from '../../src/io/npy.js';
import { native } from '../../src/core/native.js';
import { trainExact } from '../../src/probe/train-exact.js';
import { evaluate, trainProbe } from '../../src/probe/train.js';
import type { ProbeData, TrainedLinear } from '../../src/probe/train-types.js';
import { rankNeurons } from '../../src/rank/rank.js';
import { npyBytes, prng, randn } from '../helpers/formats.js';
import { kktViolation, reference } from '../helpers/probe-reference.js';
import { scratchDir } from '../helpers/tmp.js';
import { TEST_SEED } from '../helpers/planted.js';

console.log(`probe-exact.test.ts seed ${TEST_SEED} (set NEUROSIEVE_TEST_SEED to reproduce)`);

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'probe');

const { dir } = scratchDir('probe-exact');

interface Case {
  name: string;
  rows: number;
  neurons: number;
  classes: number;
  alpha: number;
  lambda: number;
  classWeights: number[];
  sklearn: { objective: number; weight: number[][]; bias: number[]; nonzeros: number };
}

function loadCase(c: Case): ProbeData {
  const x = readNpy(join(fixtures, `${c.name}-x.npy`)).data as Float32Array;
  const y = readNpy(join(fixtures, `${c.name}-y.npy`)).data as Int32Array;
  return { x, y, rows: c.rows, cols: c.neurons };
}

function nonzeros(p: TrainedLinear): number {
  return p.weight.reduce((n, w) => n + (w !== 0 ? 1 : 0), 0);
}

/** Planted task: neuron informative[k] shifts by +2 on the rows of class k; the rest is noise with offsets. */
function plantedTask(T: number, D: number, informative: number[], seed: number): ProbeData {
  const rand = prng(seed);
  const noise = randn(T * D, rand);
  const y = new Int32Array(T);
  const x = new Float32Array(T * D);
  const offset = randn(D, rand, 3);
  for (let t = 0; t < T; t++) {
    y[t] = Math.floor(rand() * informative.length);
    for (let j = 0; j < D; j++) x[t * D + j] = offset[j]! + noise[t * D + j]! + (informative[y[t]!] === j ? 2 : 0);
  }
  return { x, y, rows: T, cols: D };
}

const cases = (JSON.parse(readFileSync(join(fixtures, 'cases.json'), 'utf8')) as { cases: Case[] }).cases;

describe('stored scikit-learn solutions (saga, tol 1e-10)', () => {
  for (const c of cases) {
    it(`case ${c.name}: ${c.rows}×${c.neurons}, ${c.classes} classes, α = ${c.alpha}: objective ≤ sklearn's, same solution`, async () => {
      const data = loadCase(c);
      const cw = Float64Array.from(c.classWeights);
      const p = await trainExact(data, c.classes, { alpha: c.alpha, lambda: c.lambda, tol: 1e-9 }, { classWeights: cw, threads: 2 });
      expect(p.solver.converged).toBe(true);
      const ours = p.solver.objective as number;
      // The solver's own float64 objective is ≤ sklearn's (1e-12 relative: the two evaluations' rounding).
      expect(ours).toBeLessThanOrEqual(c.sklearn.objective * (1 + 1e-12));
      // An independent float64 evaluation of the float32 weights we return agrees with the solver's value to
      // 1e-7 relative (rounding W to float32 moves F by about λ·‖W‖₁·2⁻²⁴).
      const ref = reference(data, c.classes, p.weight, p.bias, c.lambda, c.alpha, cw);
      expect(Math.abs(ref.F - ours)).toBeLessThan(1e-7 * ours);
      // Same minimiser (strictly convex for α < 1; unique here for α = 1): weights agree to 1e-4, far below
      // their scale (~0.1–1), limited by sklearn's tol 1e-10 on coefficient changes, not by ours.
      const sk = c.sklearn.weight.flat();
      for (let i = 0; i < sk.length; i++) expect(Math.abs(p.weight[i]! - sk[i]!)).toBeLessThan(1e-4);
      // Same support, except coefficients sklearn leaves at |w| < 1e-6 (its stochastic steps rarely land on 0).
      for (let i = 0; i < sk.length; i++) if (Math.abs(sk[i]!) > 1e-6) expect(p.weight[i], `coefficient ${i}`).not.toBe(0);
    });
  }
});

describe('trainProbe (the driver)', () => {
  it("classWeights 'balanced' is scikit-learn's n / (C·count): fixture c through trainProbe reaches sklearn's objective", async () => {
    const c = cases.find((k) => k.name === 'c')!;
    const data = loadCase(c);
    const probe = await trainProbe(
      { activations: { x: data.x, rows: data.rows, cols: data.cols, nonFinite: 0 }, labels: { ids: data.y, classes: ['0', '1', '2', '3', '4'], counts: [] } },
      { mode: 'exact', zscore: false, classWeights: 'balanced', alpha: c.alpha, lambda: c.lambda, tol: 1e-9, threads: 2 },
    );
    expect(probe.normalization).toBeUndefined();
    expect(probe.solver!.objective as number).toBeLessThanOrEqual(c.sklearn.objective * (1 + 1e-12));
    expect(probe.options).toMatchObject({ mode: 'exact', classWeights: 'balanced', zscore: false });
  });

  it('validation labels are mapped onto the train classes (unknown → a named class), metrics for both sets', async () => {
    const data = plantedTask(300, 6, [1, 4], TEST_SEED + 12);
    const names = ['no', 'yes'];
    const trainLabels = { ids: data.y, classes: names, counts: [] };
    const valIds = Int32Array.from(data.y.subarray(0, 100), (v, t) => (t === 7 ? 2 : v));
    const probe = await trainProbe(
      {
        activations: { x: data.x, rows: 300, cols: 6, nonFinite: 0 },
        labels: trainLabels,
        validation: { activations: { x: data.x.subarray(0, 600), rows: 100, cols: 6, nonFinite: 0 }, labels: { ids: valIds, classes: [...names, 'maybe'], counts: [] } },
      },
      { mode: 'exact', unknown: 'no' },
    );
    const m = probe.metrics as { train: { count: number }; validation: { count: number; accuracy: number } };
    expect(m.train.count).toBe(300);
    expect(m.validation.count).toBe(100);
    await expect(
      trainProbe(
        {
          activations: { x: data.x, rows: 300, cols: 6, nonFinite: 0 },
          labels: trainLabels,
          validation: { activations: { x: data.x.subarray(0, 600), rows: 100, cols: 6, nonFinite: 0 }, labels: { ids: valIds, classes: [...names, 'maybe'], counts: [] } },
        },
        { mode: 'exact' },
      ),
    ).rejects.toMatchObject({
      code: 'E_ARGUMENT',
      message: "Expected labels among the probe's classes for validation labels but received 'maybe' at row 7; pass unknown: <class> to map unseen labels to a class",
    });
  });
});

describe('optimality conditions on fresh planted data', () => {
  for (const [C, alpha] of [[2, 0.5], [4, 1], [3, 0.2]] as const) {
    it(`${C} classes, α = ${alpha}: every weight's subgradient condition and ∇b = 0 hold to 1e-6`, async () => {
      const data = plantedTask(400, 30, [3, 11, 17, 29].slice(0, C), TEST_SEED + C);
      const p = await trainExact(data, C, { alpha, tol: 1e-9 }, { threads: 2 });
      expect(p.solver.converged).toBe(true);
      const lambda = p.solver.lambda as number;
      expect(lambda).toBeCloseTo((p.solver.lambdaMax as number) * 1e-2, 12);
      const ref = reference(data, C, p.weight, p.bias, lambda, alpha);
      const v = kktViolation(p.weight, ref.GW, ref.gb, lambda, alpha);
      // tol·s ≈ 1e-9·0.3 at the float64 solution; returning W in float32 shifts the gradient by ~L·|W|·2⁻²⁴ < 1e-6.
      expect(v.weights).toBeLessThan(1e-6);
      expect(v.bias).toBeLessThan(1e-6);
      expect(nonzeros(p)).toBeGreaterThan(0);
    });
  }
});

describe('shapes and edge cases', () => {
  // Fewer rows than a 4-row backward group, fewer neurons than one 8-lane vector, a tail after full vectors
  // (D = 13, 2,051 > one 2,048-value forward piece), α = 0 (ridge: λ_max uses α = 1e-3, glmnet's convention).
  // tol 1e-8: the float32 rounding of the returned W, not the solver, limits the recomputed conditions.
  for (const [T, D, C, alpha] of [[5, 3, 3, 0.5], [7, 13, 2, 0], [40, 2051, 3, 0.7]] as const) {
    it(`T = ${T}, D = ${D}, C = ${C}, α = ${alpha}: optimality conditions hold`, async () => {
      const rand = prng(TEST_SEED + T * 1000 + D);
      const z = randn(T * D, rand);
      const x = Float32Array.from(z, (v, i) => v + ((i % D) % 13) * 0.1);
      const y = Int32Array.from({ length: T }, (_, t) => t % C);
      const data = { x, y, rows: T, cols: D };
      const p = await trainExact(data, C, { alpha, tol: 1e-8, pathSteps: 3 }, { threads: 2 });
      expect(p.solver.converged).toBe(true);
      const lambda = p.solver.lambda as number;
      const ref = reference(data, C, p.weight, p.bias, lambda, alpha);
      const v = kktViolation(p.weight, ref.GW, ref.gb, lambda, alpha);
      expect(v.weights).toBeLessThan(1e-6);
      expect(v.bias).toBeLessThan(1e-6);
      expect(Math.abs(ref.F - (p.solver.objective as number))).toBeLessThan(1e-7);
    });
  }
});

describe('the λ path', () => {
  const c = cases.find((k) => k.name === 'c')!;
  const data = loadCase(c);
  it('W = 0 exactly at λ_max, weights appear just below it, and zeros grow with λ', async () => {
    const atMax = await trainExact(data, c.classes, { alpha: 0.5, pathSteps: 1, lambda: 1e-300 + 0, tol: 1e-9 }, { threads: 1 }).catch(() => null);
    expect(atMax).not.toBeNull();
    const lambdaMax = atMax!.solver.lambdaMax as number;
    const top = await trainExact(data, c.classes, { alpha: 0.5, pathSteps: 1, lambda: lambdaMax, tol: 1e-9 });
    expect(nonzeros(top)).toBe(0);
    expect(top.solver.iterations).toBe(0);
    const below = await trainExact(data, c.classes, { alpha: 0.5, pathSteps: 1, lambda: lambdaMax * 0.95, tol: 1e-9 });
    expect(nonzeros(below)).toBeGreaterThan(0);
    // One path run reports every λ: nonzeros never decrease as λ decreases on this problem.
    const path = await trainExact(data, c.classes, { alpha: 0.5, pathSteps: 12, lambda: lambdaMax * 1e-3, tol: 1e-8 });
    const steps = path.solver.path as { lambda: number; nonzeros: number; converged: boolean }[];
    expect(steps).toHaveLength(12);
    expect(steps[0]!.nonzeros).toBe(0);
    for (let k = 1; k < steps.length; k++) {
      expect(steps[k]!.lambda).toBeLessThan(steps[k - 1]!.lambda);
      expect(steps[k]!.nonzeros).toBeGreaterThanOrEqual(steps[k - 1]!.nonzeros);
      expect(steps[k]!.converged).toBe(true);
    }
    expect(steps[11]!.nonzeros).toBeGreaterThan(steps[3]!.nonzeros);
    expect(steps[11]!.lambda).toBeCloseTo(lambdaMax * 1e-3, 15);
  });

  it('a warm-started path ends where a cold solve at the last λ does (same objective to 1e-9)', async () => {
    const warm = await trainExact(data, c.classes, { alpha: 0.5, pathSteps: 8, lambda: c.lambda, tol: 1e-9 });
    const cold = await trainExact(data, c.classes, { alpha: 0.5, pathSteps: 1, lambda: c.lambda, tol: 1e-9 });
    expect(Math.abs((warm.solver.objective as number) - (cold.solver.objective as number))).toBeLessThan(1e-9);
  });

  it('non-convergence is reported with a warning, not silent', async () => {
    const p = await trainExact(data, c.classes, { alpha: 0.5, lambda: c.lambda, pathSteps: 1, maxIterations: 3, tol: 1e-9 });
    expect(p.solver.converged).toBe(false);
    expect(p.solver.warning).toMatch(/^did not converge at lambda 0\.0261991 within 3 iterations: criterion .* > tol·s = .*$/);
  });
});

describe('determinism', () => {
  it('same bytes for 1 and 2 threads (weights, bias, report)', async () => {
    const data = plantedTask(1100, 300, [5, 150, 299], TEST_SEED + 7); // several row and column blocks
    const one = await trainExact(data, 3, { alpha: 0.7, pathSteps: 4 }, { threads: 1 });
    const two = await trainExact(data, 3, { alpha: 0.7, pathSteps: 4 }, { threads: 2 });
    expect(Buffer.from(two.weight.buffer).equals(Buffer.from(one.weight.buffer))).toBe(true);
    expect(Buffer.from(two.bias.buffer).equals(Buffer.from(one.bias.buffer))).toBe(true);
    expect(JSON.stringify(two.solver)).toBe(JSON.stringify(one.solver));
  });
});

describe('z-scoring', () => {
  it('column means and population stds match a float64 two-pass reference on offset data (1e-12 relative)', async () => {
    const rand = prng(TEST_SEED + 3);
    const T = 700;
    const D = 300;
    const z = randn(T * D, rand);
    const x = new Float32Array(T * D);
    for (let t = 0; t < T; t++) for (let j = 0; j < D; j++) x[t * D + j] = (j % 3 === 0 ? 1e4 : j) + (j % 7 === 0 ? 0 : 0.5 + j / 100) * z[t * D + j]!;
    const { mean, std } = await native().columnMoments(x, T, D, 2);
    for (let j = 0; j < D; j++) {
      let m = 0;
      for (let t = 0; t < T; t++) m += x[t * D + j]!;
      m /= T;
      let q = 0;
      for (let t = 0; t < T; t++) q += (x[t * D + j]! - m) ** 2;
      const s = Math.sqrt(q / T);
      expect(Math.abs(mean[j]! - m)).toBeLessThanOrEqual(1e-12 * Math.abs(m));
      expect(Math.abs(std[j]! - s)).toBeLessThanOrEqual(1e-12 * s + 1e-300);
    }
  });

  it('trainProbe stores the train statistics; evaluate reproduces the train metrics from the files', async () => {
    const data = plantedTask(600, 12, [2, 9], TEST_SEED + 4);
    const xPath = join(dir, 'z.npy');
    writeFileSync(xPath, npyBytes(data.x, [data.rows, data.cols], 'float32'));
    const yPath = join(dir, 'z.json');
    writeFileSync(yPath, JSON.stringify(Array.from(data.y, (i) => ['no', 'yes'][i])));
    const probe = await trainProbe({ activations: xPath, labels: yPath }, { mode: 'exact', threads: 2 });
    expect(probe.normalization).toBe('zscore');
    expect(probe.classes).toEqual(['no', 'yes']);
    const ref = await native().columnMoments(data.x, data.rows, data.cols, 1);
    expect(Array.from(probe.mean!)).toEqual(Array.from(ref.mean));
    expect(Array.from(probe.std!)).toEqual(Array.from(ref.std));
    const m = await evaluate(probe, xPath, yPath);
    expect(m).toEqual((probe.metrics as { train: unknown }).train);
    expect(m.accuracy).toBeGreaterThan(0.8);
  });
});

describe('planted informative neurons', () => {
  it("rank first by the exact probe's weight mass (rankNeurons method 'weights')", async () => {
    const informative = [7, 23, 31];
    const data = plantedTask(900, 40, informative, TEST_SEED + 21);
    const probe = await trainProbe(
      { activations: { x: data.x, rows: data.rows, cols: data.cols, nonFinite: 0 }, labels: { ids: data.y, classes: ['a', 'b', 'c'], counts: [0, 0, 0] } },
      { mode: 'exact', alpha: 0.9 },
    );
    const ranking = await rankNeurons({ probe }, { method: 'weights' });
    expect(ranking.ordering!.slice(0, 3).sort((a, b) => a - b)).toEqual(informative);
  });
});

describe('cancellation', () => {
  it('an aborted signal stops the solve with E_CANCELLED', async () => {
    const data = plantedTask(3000, 200, [1, 2, 3, 4, 5], TEST_SEED + 9);
    const ac = new AbortController();
    const p = trainExact(data, 5, { pathSteps: 50, tol: 1e-12 }, { threads: 1, signal: ac.signal, onProgress: () => ac.abort() });
    await expect(p).rejects.toMatchObject({ code: 'E_CANCELLED', message: 'probe training cancelled' });
  });
});

describe('bad input', () => {
  const data = plantedTask(50, 4, [0, 1], TEST_SEED + 5);
  const write = (name: string, body: string) => {
    const p = join(dir, name);
    writeFileSync(p, body);
    return p;
  };

  it('label count ≠ rows', async () => {
    const xPath = join(dir, 'bad.npy');
    writeFileSync(xPath, npyBytes(data.x, [data.rows, data.cols], 'float32'));
    const yPath = write('short.json', JSON.stringify(Array.from(data.y).slice(0, 49)));
    await expect(trainProbe({ activations: xPath, labels: yPath }, { mode: 'exact' })).rejects.toMatchObject({
      code: 'E_SHAPE',
      message: `${yPath}: holds 49 labels but the activations have 50 rows; labels must be aligned one per row`,
    });
    await expect(trainExact({ ...data, y: data.y.slice(0, 49) }, 2)).rejects.toMatchObject({
      code: 'E_SHAPE',
      message: 'Expected one label per row (50) for train.y but received 49',
    });
  });

  it('a single class', async () => {
    const xPath = join(dir, 'bad.npy');
    const yPath = write('one.json', JSON.stringify(new Array(50).fill('x')));
    await expect(trainProbe({ activations: xPath, labels: yPath }, { mode: 'exact' })).rejects.toMatchObject({
      code: 'E_ARGUMENT',
      message: `${yPath}: all 50 labels are "x": a probe needs at least 2 classes`,
    });
    await expect(trainExact({ ...data, y: new Int32Array(50) }, 2)).rejects.toMatchObject({
      code: 'E_ARGUMENT',
      message: 'Expected at least one training row of every class for trainExact but received none of class 1',
    });
  });

  it('NaN features', async () => {
    const x = data.x.slice();
    x[3 * 4 + 1] = NaN;
    await expect(trainExact({ ...data, x }, 2)).rejects.toMatchObject({
      code: 'E_NONFINITE',
      message: 'Expected finite features for trainExact but received NaN at row 3, neuron 1',
    });
    await expect(
      trainProbe({ activations: { x, rows: 50, cols: 4, nonFinite: 0 }, labels: { ids: data.y, classes: ['a', 'b'], counts: [0, 0] } }, { mode: 'exact' }),
    ).rejects.toMatchObject({ code: 'E_NONFINITE', message: 'Expected finite features for z-scoring but received NaN at row 3, neuron 1' });
  });

  it('an unknown label at evaluation (or mapped with unknown)', async () => {
    const xPath = join(dir, 'bad.npy');
    const yPath = write('ok.json', JSON.stringify(Array.from(data.y, (i) => ['a', 'b'][i])));
    const probe = await trainProbe({ activations: xPath, labels: yPath }, { mode: 'exact' });
    const testPath = write('test.json', JSON.stringify(Array.from(data.y, (i, t) => (t === 4 ? 'z' : ['a', 'b'][i]))));
    await expect(evaluate(probe, xPath, testPath)).rejects.toMatchObject({
      code: 'E_FORMAT',
      message: `${testPath}: label 4 is "z", which is not one of the 2 known classes (a, b); pass unknown: <class> (CLI --unknown) to map unseen labels to a class`,
    });
    const m = await evaluate(probe, xPath, testPath, { unknown: 'a' });
    expect(m.count).toBe(50);
  });

  it('options', async () => {
    await expect(trainExact(data, 2, { alpha: 2 })).rejects.toMatchObject({ message: 'Expected a number in [0, 1] for alpha but received 2' });
    await expect(trainExact(data, 2, { lambda: 0 })).rejects.toMatchObject({ message: 'Expected a finite number > 0 for lambda but received 0' });
    await expect(trainExact(data, 2, { tol: -1 })).rejects.toMatchObject({ message: 'Expected a number in (0, 1] for tol but received -1' });
    await expect(trainExact(data, 2, { pathSteps: 0 })).rejects.toMatchObject({ message: 'Expected an integer in [1, 1000] for pathSteps but received 0' });
    await expect(trainExact(data, 2, { lr: 1 } as never)).rejects.toMatchObject({
      message: "Expected one of the options alpha, lambda, pathSteps, tol, maxIterations for trainExact but received 'lr'",
    });
    await expect(trainExact(data, 2, {}, { classWeights: new Float64Array([1, 0]) })).rejects.toMatchObject({
      message: 'Expected positive finite class weights for classWeights but received 0 for class 1',
    });
    await expect(trainProbe({ activations: join(dir, 'bad.npy'), labels: join(dir, 'ok.json') }, { mode: 'exact', epochs: 3 })).rejects.toMatchObject({
      message: "Expected no epochs for mode 'exact' but received 3",
    });
  });
});
