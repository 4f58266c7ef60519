/**
 * The NeuroX-compatible probe trainer (src/probe/train-compat.ts, native/src/probe/compat_trainer.h).
 *
 * Reference: `reference()` below recomputes NeuroX's training loop by hand in float64 — forward x·Wᵀ + b,
 * softmax, mean (or class-weighted) cross-entropy and its gradient (p − onehot)·ω/Ω, the L1 term λ1·sign(W), the
 * unsquared-L2 term λ2·W/‖W‖_F, Adam's moments with bias correction and eps added to sqrt(v̂) (or plain SGD),
 * minibatches in row order with a partial last one, the per-minibatch loss taken before the step, and the
 * paper's early stopping. The native trainer keeps W, b, the Adam moments and Gᵀ·X in float32 (as torch does);
 * each step rounds W to float32 (~6e-8 relative) and the float32 gradient perturbs m/sqrt(v) by ~1e-7, so after
 * a few steps the trained weights must agree to within 2e-6 absolute (weights are O(0.5)) and the losses to 1e-6
 * relative. One exception, inherent to Adam: where a weight's gradient at step 1 or 2 is nearly zero (|g| < 1e-6),
 * m̂/(sqrt(v̂) + eps) ≈ g/(|g| + 1e-8) turns float32 rounding of g into a step difference of order lr; the reference
 * flags those weights (about one in 10⁵ on random data) and they are held to 3·lr instead. Mutated references (squared L2, no bias correction, no L1, eps inside the root, a partial batch
 * averaged over the full batch size) are checked to land outside that tolerance, so the comparison can fail.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compatInit, gridSearchCompat, PAPER_GRID, trainCompat } from '../../src/probe/train-compat.js';
import { accuracyOf, predictLinear } from '../../src/probe/linear-predict.js';
import type { CompatOptions, ProbeData, TrainProgress } from '../../src/probe/train-types.js';
import { prng } from '../helpers/formats.js';
import { TEST_SEED } from '../helpers/planted.js';

console.log(`probe-compat.test.ts seed ${TEST_SEED} (set NEUROSIEVE_TEST_SEED to reproduce)`);

// ---- float64 reference -------------------------------------------------------------------------------------------

interface RefOptions {
  optimizer: 'adam' | 'sgd';
  lr: number;
  epochs: number;
  batch: number;
  l1: number;
  l2: number;
  classWeights?: number[];
  validation?: ProbeData;
  patience?: number;
  /** Mutations, to show the tolerance can tell formulas apart. */
  mutate?: 'squaredL2' | 'noBiasCorrection' | 'noL1' | 'epsInsideRoot' | 'fullBatchMean';
}

interface RefResult {
  /** W and b after every epoch (index e = after epoch e + 1). */
  weights: Float64Array[];
  biases: Float64Array[];
  epochLoss: number[];
  validationAccuracy: number[];
  epochs: number;
  /** Adam only: weights whose gradient at step 1 or 2 was below 1e-6 in magnitude (see the file comment). */
  illConditioned: Set<number>;
}

function reference(data: ProbeData, C: number, W0: ArrayLike<number>, b0: ArrayLike<number>, o: RefOptions): RefResult {
  const { rows: T, cols: D } = data;
  const W = Float64Array.from(W0);
  const b = Float64Array.from(b0);
  const mW = new Float64Array(C * D), vW = new Float64Array(C * D), mb = new Float64Array(C), vb = new Float64Array(C);
  const out: RefResult = { weights: [], biases: [], epochLoss: [], validationAccuracy: [], epochs: 0, illConditioned: new Set() };
  const b1 = 0.9, b2 = 0.999, eps = 1e-8;
  let step = 0, best = -Infinity, bad = 0;
  const update = (p: Float64Array, m: Float64Array, v: Float64Array, i: number, g: number) => {
    if (o.optimizer === 'sgd') {
      p[i]! -= o.lr * g;
      return;
    }
    m[i] = b1 * m[i]! + (1 - b1) * g;
    v[i] = b2 * v[i]! + (1 - b2) * g * g;
    if (o.mutate === 'noBiasCorrection') p[i]! -= (o.lr * m[i]!) / (Math.sqrt(v[i]!) + eps);
    else if (o.mutate === 'epsInsideRoot') p[i]! -= (o.lr * (m[i]! / (1 - b1 ** step))) / Math.sqrt(v[i]! / (1 - b2 ** step) + eps);
    else p[i]! -= (o.lr * (m[i]! / (1 - b1 ** step))) / (Math.sqrt(v[i]! / (1 - b2 ** step)) + eps);
  };
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    let lossSum = 0, batches = 0;
    for (let start = 0; start < T; start += o.batch) {
      const n = Math.min(o.batch, T - start);
      const G = new Float64Array(n * C);
      let omega = 0, ce = 0;
      for (let t = 0; t < n; t++) omega += o.classWeights?.[data.y[start + t]!] ?? 1;
      if (o.mutate === 'fullBatchMean') omega *= o.batch / n;
      for (let t = 0; t < n; t++) {
        const r = start + t, y = data.y[r]!, w = o.classWeights?.[y] ?? 1;
        const z = new Float64Array(C);
        for (let c = 0; c < C; c++) {
          let s = b[c]!;
          for (let j = 0; j < D; j++) s += data.x[r * D + j]! * W[c * D + j]!;
          z[c] = s;
        }
        const zmax = Math.max(...z);
        const lse = zmax + Math.log(z.reduce((a, v) => a + Math.exp(v - zmax), 0));
        ce += w * (lse - z[y]!);
        for (let c = 0; c < C; c++) G[t * C + c] = (w * (Math.exp(z[c]! - lse) - (c === y ? 1 : 0))) / omega;
      }
      let abs = 0, sq = 0;
      for (const w of W) {
        abs += Math.abs(w);
        sq += w * w;
      }
      const norm = Math.sqrt(sq);
      lossSum += ce / omega + o.l1 * abs + (o.mutate === 'squaredL2' ? o.l2 * sq : o.l2 * norm);
      batches++;
      step++;
      const gW = new Float64Array(C * D);
      for (let c = 0; c < C; c++)
        for (let j = 0; j < D; j++) {
          let g = 0;
          for (let t = 0; t < n; t++) g += G[t * C + c]! * data.x[(start + t) * D + j]!;
          const w = W[c * D + j]!;
          if (o.mutate !== 'noL1') g += o.l1 * Math.sign(w);
          g += o.mutate === 'squaredL2' ? 2 * o.l2 * w : norm > 0 ? (o.l2 * w) / norm : 0;
          gW[c * D + j] = g;
        }
      for (let i = 0; i < C * D; i++) {
        if (o.optimizer === 'adam' && step <= 2 && Math.abs(gW[i]!) < 1e-6) out.illConditioned.add(i);
        update(W, mW, vW, i, gW[i]!);
      }
      for (let c = 0; c < C; c++) {
        let g = 0;
        for (let t = 0; t < n; t++) g += G[t * C + c]!;
        update(b, mb, vb, c, g);
      }
    }
    out.epochLoss.push(lossSum / batches);
    out.weights.push(Float64Array.from(W));
    out.biases.push(Float64Array.from(b));
    out.epochs = epoch + 1;
    if (o.validation) {
      const v = o.validation;
      let correct = 0;
      for (let r = 0; r < v.rows; r++) {
        let top = -Infinity, arg = 0;
        for (let c = 0; c < C; c++) {
          let s = b[c]!;
          for (let j = 0; j < D; j++) s += v.x[r * D + j]! * W[c * D + j]!;
          if (s > top) [top, arg] = [s, c];
        }
        if (arg === v.y[r]) correct++;
      }
      const acc = correct / v.rows;
      out.validationAccuracy.push(acc);
      if (o.patience !== undefined) {
        if (acc > best) best = acc;
        else bad++;
        if (bad >= o.patience) break;
      }
    }
  }
  return out;
}

/** The trained weights against the reference after epoch `e` (0-based): W_TOL, or 3·lr where Adam is ill-conditioned. */
function expectWeights(got: Float32Array, want: RefResult, e: number, lr: number): void {
  const w = want.weights[e]!;
  expect(got.length).toBe(w.length);
  expect(want.illConditioned.size).toBeLessThanOrEqual(3);
  let worst = 0;
  for (let i = 0; i < w.length; i++) {
    const d = Math.abs(got[i]! - w[i]!);
    if (want.illConditioned.has(i)) expect(d, `ill-conditioned weight ${i}`).toBeLessThan(3 * lr);
    else worst = Math.max(worst, d);
  }
  expect(worst).toBeLessThan(W_TOL);
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

// ---- data --------------------------------------------------------------------------------------------------------

/** Rows with one informative neuron per class (planted mean shift of `signal`) plus uniform noise. */
function plantedData(rows: number, cols: number, classes: number, seed: number, signal = 1): ProbeData {
  const rand = prng(seed);
  const x = new Float32Array(rows * cols), y = new Int32Array(rows);
  for (let t = 0; t < rows; t++) {
    y[t] = Math.floor(rand() * classes);
    for (let j = 0; j < cols; j++) x[t * cols + j] = 2 * rand() - 1 + (j % classes === y[t] && j < 2 * classes ? signal : 0);
  }
  return { x, rows, cols, y };
}

const W_TOL = 2e-6; // absolute, on O(0.5) float32 weights after a few steps (file comment)
const LOSS_TOL = 1e-6; // relative

describe('hand-computed steps (float64 reference)', () => {
  // 5 rows, 3 neurons, 3 classes, batch 2: minibatches of 2, 2 and a partial 1; 2 epochs = 6 optimizer steps.
  // Random features, fixed labels: each full minibatch mixes two classes, so class weights change its mean.
  const data: ProbeData = { ...plantedData(5, 3, 3, TEST_SEED), y: Int32Array.of(0, 1, 2, 1, 0) };
  const base = { epochs: 2, batchSize: 2, l1: 0.01, l2: 0.02, learningRate: 0.01, seed: TEST_SEED % 1000 };
  const init = compatInit(3, 3, base.seed);
  const ref = (o: Partial<RefOptions>) =>
    reference(data, 3, init.weight, init.bias, { optimizer: 'adam', lr: 0.01, epochs: 2, batch: 2, l1: 0.01, l2: 0.02, ...o });

  it('Adam with λ1, λ2 > 0: weights, bias and per-epoch losses match', async () => {
    const r = await trainCompat(data, 3, base, { threads: 1 });
    const want = ref({});
    expectWeights(r.weight, want, 1, 0.01);
    expect(maxAbsDiff(r.bias, want.biases[1]!)).toBeLessThan(W_TOL);
    const loss = r.solver.epochLoss as number[];
    for (let e = 0; e < 2; e++) expect(Math.abs(loss[e]! - want.epochLoss[e]!) / want.epochLoss[e]!).toBeLessThan(LOSS_TOL);
    // The weights moved far more than the tolerance, and every mutated formula lands outside it.
    expect(maxAbsDiff(r.weight, init.weight)).toBeGreaterThan(0.02);
    for (const mutate of ['squaredL2', 'noBiasCorrection', 'noL1', 'fullBatchMean'] as const) {
      expect(maxAbsDiff(r.weight, ref({ mutate }).weights[1]!), mutate).toBeGreaterThan(20 * W_TOL);
    }
    expect(r.solver).toMatchObject({ optimizer: 'adam', epochs: 2, maxEpochs: 2, iterations: 6, criterion: 'epochs', stoppedEarly: false, converged: null });
    expect(r.solver.objective).toBe(loss[1]);
  });

  it('SGD with class weights (torch weighted mean per minibatch)', async () => {
    const classWeights = [0.5, 2, 1.25];
    const r = await trainCompat(data, 3, { ...base, optimizer: 'sgd', learningRate: 0.5 }, { threads: 1, classWeights: Float64Array.from(classWeights) });
    const want = ref({ optimizer: 'sgd', lr: 0.5, classWeights });
    expect(maxAbsDiff(r.weight, want.weights[1]!)).toBeLessThan(W_TOL);
    expect(maxAbsDiff(r.bias, want.biases[1]!)).toBeLessThan(W_TOL);
    const loss = r.solver.epochLoss as number[];
    for (let e = 0; e < 2; e++) expect(Math.abs(loss[e]! - want.epochLoss[e]!) / want.epochLoss[e]!).toBeLessThan(LOSS_TOL);
    expect(maxAbsDiff(r.weight, init.weight)).toBeGreaterThan(0.02);
    expect(maxAbsDiff(r.weight, ref({ optimizer: 'sgd', lr: 0.5 }).weights[1]!), 'unweighted').toBeGreaterThan(20 * W_TOL);
    expect(maxAbsDiff(r.weight, ref({ optimizer: 'sgd', lr: 0.5, classWeights, mutate: 'squaredL2' }).weights[1]!)).toBeGreaterThan(20 * W_TOL);
  });

  it('Adam adds eps to sqrt(v̂), outside the root (a neuron with gradients ~1e-7)', async () => {
    // Neuron 2 scaled by 1e-6: its gradients are ~1e-7, where eps = 1e-8 changes each step by ~10 %, and eps
    // inside the root would shrink it ~300-fold. No penalty, so nothing else moves those weights.
    const tiny: ProbeData = { ...data, x: data.x.map((v, i) => (i % 3 === 2 ? v * 1e-6 : v)) };
    const r = await trainCompat(tiny, 3, { ...base, l1: 0, l2: 0 }, { threads: 1 });
    const want = reference(tiny, 3, init.weight, init.bias, { optimizer: 'adam', lr: 0.01, epochs: 2, batch: 2, l1: 0, l2: 0 });
    const inside = reference(tiny, 3, init.weight, init.bias, { optimizer: 'adam', lr: 0.01, epochs: 2, batch: 2, l1: 0, l2: 0, mutate: 'epsInsideRoot' });
    const col2 = (w: ArrayLike<number>) => [0, 1, 2].map((c) => w[c * 3 + 2]! - init.weight[c * 3 + 2]!);
    const got = col2(r.weight), exp2 = col2(want.weights[1]!), bad = col2(inside.weights[1]!);
    // Adam moves the tiny neuron's weights by up to lr per step despite its tiny gradients (how far depends on
    // how its gradient signs alternate); eps inside the root would leave them almost where they were.
    const moved = Math.max(...exp2.map(Math.abs));
    expect(moved).toBeGreaterThan(1e-4);
    for (let c = 0; c < 3; c++) expect(Math.abs(got[c]! - exp2[c]!)).toBeLessThan(1e-3 * moved + W_TOL);
    expect(Math.max(...got.map((g, c) => Math.abs(g - bad[c]!)))).toBeGreaterThan(0.5 * moved);
  });
});

describe('seeded initialisation', () => {
  it('is reproducible, differs across seeds, and lies in ±1/sqrt(D)', () => {
    const a = compatInit(10, 997, 7), b = compatInit(10, 997, 7), c = compatInit(10, 997, 8);
    expect(Buffer.from(a.weight.buffer).equals(Buffer.from(b.weight.buffer))).toBe(true);
    expect(Buffer.from(a.bias.buffer).equals(Buffer.from(b.bias.buffer))).toBe(true);
    expect(Buffer.from(a.weight.buffer).equals(Buffer.from(c.weight.buffer))).toBe(false);
    const bound = Math.fround(1 / Math.sqrt(997));
    let lo = Infinity, hi = -Infinity, sum = 0;
    for (const v of [...a.weight, ...a.bias]) {
      expect(Math.abs(v)).toBeLessThanOrEqual(bound);
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
      sum += v;
    }
    // 9,980 uniform draws: they reach near both ends, and the mean is ~0 (sd of the mean = bound/sqrt(3·9980)).
    expect(lo).toBeLessThan(-0.99 * bound);
    expect(hi).toBeGreaterThan(0.99 * bound);
    expect(Math.abs(sum / 9980)).toBeLessThan(5 * bound / Math.sqrt(3 * 9980));
  });

  it('trainCompat starts from compatInit(seed): zero learning steps are not allowed, so check one SGD step by hand', async () => {
    const data = plantedData(4, 5, 2, TEST_SEED + 1);
    const seed = 12345;
    const r = await trainCompat(data, 2, { optimizer: 'sgd', epochs: 1, batchSize: 4, seed, learningRate: 0.1 }, { threads: 1 });
    const init = compatInit(2, 5, seed);
    const want = reference(data, 2, init.weight, init.bias, { optimizer: 'sgd', lr: 0.1, epochs: 1, batch: 4, l1: 0, l2: 0 });
    expect(maxAbsDiff(r.weight, want.weights[0]!)).toBeLessThan(W_TOL);
    const other = compatInit(2, 5, seed + 1);
    const wrong = reference(data, 2, other.weight, other.bias, { optimizer: 'sgd', lr: 0.1, epochs: 1, batch: 4, l1: 0, l2: 0 });
    expect(maxAbsDiff(r.weight, wrong.weights[0]!)).toBeGreaterThan(1e-3);
  });
});

describe('larger problem: tails, column tasks, class tiles, threads', () => {
  // D = 2,100 = 2 full column tasks of 1,024 + 52 (3 vectors and a 4-column tail); C = 5 = a 4-class tile + 1;
  // T = 301 = 9 full minibatches of 32 + 13.
  const data = plantedData(301, 2100, 5, TEST_SEED + 2, 0.5);
  const val = plantedData(97, 2100, 5, TEST_SEED + 3, 0.5);
  const options: CompatOptions = { epochs: 2, l1: 1e-4, l2: 1e-3, seed: 3 };

  it('matches the float64 reference', async () => {
    const r = await trainCompat(data, 5, options, { threads: 2, validation: val });
    const init = compatInit(5, 2100, 3);
    const want = reference(data, 5, init.weight, init.bias, { optimizer: 'adam', lr: 1e-3, epochs: 2, batch: 32, l1: 1e-4, l2: 1e-3, validation: val });
    // 20 steps; the logits are 2,100-long sums (float32 products, float64 block sums): still well inside W_TOL.
    expectWeights(r.weight, want, 1, 1e-3);
    expect(maxAbsDiff(r.bias, want.biases[1]!)).toBeLessThan(W_TOL);
    expect(r.solver.validationAccuracy).toEqual(want.validationAccuracy);
  });

  it('gives the same bytes for 1, 2 and 3 threads (row-group path, and the row-parallel path from 3)', async () => {
    const a = await trainCompat(data, 5, options, { threads: 1, validation: val });
    for (const threads of [2, 3]) {
      const b = await trainCompat(data, 5, options, { threads, validation: val });
      expect(Buffer.from(a.weight.buffer).equals(Buffer.from(b.weight.buffer)), `threads ${threads}`).toBe(true);
      expect(Buffer.from(a.bias.buffer).equals(Buffer.from(b.bias.buffer)), `threads ${threads}`).toBe(true);
      expect(a.solver).toEqual(b.solver);
    }
    const pa = await predictLinear(val, a, { threads: 1 });
    const pb = await predictLinear(val, a, { threads: 2 });
    expect(Buffer.from(pa.buffer).equals(Buffer.from(pb.buffer))).toBe(true);
  });
});

describe('CPU variants (NEUROSIEVE_KERNEL, one per process)', () => {
  // Each variant runs in a child process on dist/ (compiled by the global setup). avx2 and avx512 share the
  // arithmetic (same 16 lanes, same orders, FMA in both) and must give the same bytes; generic has no FMA and must
  // agree with the float64 reference as closely as any variant. D = 530 = a 512-column dot block + 18 (a vector
  // and a 2-column tail); C = 7 = a 6-class tile + 1 (avx512) or tiles of 2 (avx2, generic); T = 67, batch 16.
  const dist = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist');
  const T = 67, D = 530, C = 7;
  const script = `
    import { trainCompat } from ${JSON.stringify(dist + '/probe/train-compat.js')};
    import { native } from ${JSON.stringify(dist + '/core/native.js')};
    const T = ${T}, D = ${D}, C = ${C};
    const x = new Float32Array(T * D), y = new Int32Array(T);
    let s = 12345;
    for (let i = 0; i < x.length; i++) { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; x[i] = (s >>> 0) / 4294967296 - 0.5; }
    for (let t = 0; t < T; t++) { y[t] = (t * 5) % C; x[t * D + 3 * y[t]] += 1; }
    const opts = { epochs: 2, batchSize: 16, l1: 1e-4, l2: 1e-3, learningRate: 1e-2, seed: 9 };
    const r = await trainCompat({ x, y, rows: T, cols: D }, C, opts, { threads: 1 });
    const q = await trainCompat({ x, y, rows: T, cols: D }, C, opts, { threads: 3 });
    const same = Buffer.from(r.weight.buffer).equals(Buffer.from(q.weight.buffer)) && Buffer.from(r.bias.buffer).equals(Buffer.from(q.bias.buffer));
    console.log(JSON.stringify({ kernel: native().info().kernel, same, w: Buffer.from(r.weight.buffer).toString('base64'), b: Buffer.from(r.bias.buffer).toString('base64') }));`;
  const run = (kernel: string) => {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, NEUROSIEVE_KERNEL: kernel }, encoding: 'utf8' });
    const o = JSON.parse(out.trim().split('\n').pop()!) as { kernel: string; same: boolean; w: string; b: string };
    const f32 = (b64: string) => new Float32Array(new Uint8Array(Buffer.from(b64, 'base64')).buffer);
    return { kernel: o.kernel, same: o.same, weight: f32(o.w), bias: f32(o.b) };
  };

  it('avx2 gives the bytes of avx512; every variant matches the float64 reference, on both paths', () => {
    const x = new Float32Array(T * D), y = new Int32Array(T);
    let s = 12345;
    for (let i = 0; i < x.length; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      x[i] = (s >>> 0) / 4294967296 - 0.5;
    }
    for (let t = 0; t < T; t++) {
      y[t] = (t * 5) % C;
      x[t * D + 3 * y[t]]! += 1;
    }
    const init = compatInit(C, D, 9);
    const want = reference({ x, y, rows: T, cols: D }, C, init.weight, init.bias, { optimizer: 'adam', lr: 1e-2, epochs: 2, batch: 16, l1: 1e-4, l2: 1e-3 });
    const ran = ['generic', 'avx2', 'avx512'].map(run).filter((r, i) => r.kernel === ['generic', 'avx2', 'avx512'][i]);
    expect(ran[0]!.kernel).toBe('generic'); // always available
    for (const r of ran) {
      expect(r.same, `${r.kernel}: 1 thread (row groups) and 3 threads (row-parallel) give the same bytes`).toBe(true);
      expectWeights(r.weight, want, 1, 1e-2);
      expect(maxAbsDiff(r.bias, want.biases[1]!), r.kernel).toBeLessThan(W_TOL);
    }
    const avx2 = ran.find((r) => r.kernel === 'avx2'), avx512 = ran.find((r) => r.kernel === 'avx512');
    if (avx2 && avx512) {
      expect(Buffer.from(avx2.weight.buffer).equals(Buffer.from(avx512.weight.buffer))).toBe(true);
      expect(Buffer.from(avx2.bias.buffer).equals(Buffer.from(avx512.bias.buffer))).toBe(true);
    }
    console.log(`probe-compat CPU variants checked: ${ran.map((r) => r.kernel).join(', ')}`);
  });
});

describe('early stopping (the paper variant: counter never reset, last model returned)', () => {
  it('stops when non-improving epochs reach patience, counting across an improvement', async () => {
    // One neuron, two classes, one training row (x = 1, class 0), SGD lr 0.5: each step adds the same amount S to
    // u = w0 − w1 and β = b0 − b1, so the decision root r = −β/u moves monotonically, one step per epoch. The
    // validation points sit between the roots after epochs 1..4 and are labelled so that the accuracy runs
    // 0.5, 0.25, 0.75, 0.5: epoch 2 does not improve (counter 1), epoch 3 does (a reset would clear the counter),
    // epoch 4 does not (counter 2 = patience): stop after epoch 4, returning epoch 4's model, not epoch 3's best.
    const train: ProbeData = { x: Float32Array.of(1), rows: 1, cols: 1, y: Int32Array.of(0) };
    let seed = 0;
    for (; seed < 200; seed++) {
      const i = compatInit(2, 1, seed);
      const u0 = i.weight[0]! - i.weight[1]!, beta0 = i.bias[0]! - i.bias[1]!;
      if (u0 > 0.2 && Math.abs(u0 - beta0) > 0.3) break;
    }
    const init = compatInit(2, 1, seed);
    const traj = reference(train, 2, init.weight, init.bias, { optimizer: 'sgd', lr: 0.5, epochs: 10, batch: 1, l1: 0, l2: 0 });
    const root = (e: number) => -(traj.biases[e]![0]! - traj.biases[e]![1]!) / (traj.weights[e]![0]! - traj.weights[e]![1]!);
    const pred = (e: number, x: number) => (traj.weights[e]![0]! * x + traj.biases[e]![0]! >= traj.weights[e]![1]! * x + traj.biases[e]![1]! ? 0 : 1);
    const r = [0, 1, 2, 3].map(root);
    const lerp = (a: number, b: number, f: number) => a + (b - a) * f;
    const q = [lerp(r[0]!, r[1]!, 0.5), lerp(r[1]!, r[2]!, 1 / 3), lerp(r[1]!, r[2]!, 2 / 3), lerp(r[2]!, r[3]!, 0.5)];
    const labels = [pred(0, q[0]!), pred(2, q[1]!), pred(2, q[2]!), pred(0, q[3]!)];
    const validation: ProbeData = { x: Float32Array.from(q), rows: 4, cols: 1, y: Int32Array.from(labels) };
    // The construction, checked on the reference before the trainer is.
    const want = reference(train, 2, init.weight, init.bias, { optimizer: 'sgd', lr: 0.5, epochs: 10, batch: 1, l1: 0, l2: 0, validation, patience: 2 });
    expect(want.validationAccuracy).toEqual([0.5, 0.25, 0.75, 0.5]);
    expect(Math.min(...[1, 2, 3].map((e) => Math.abs(r[e]! - r[e - 1]!)))).toBeGreaterThan(1e-3); // clear margins

    const got = await trainCompat(train, 2, { optimizer: 'sgd', learningRate: 0.5, epochs: 10, batchSize: 1, seed, patience: 2 }, { validation, threads: 1 });
    expect(got.solver).toMatchObject({ epochs: 4, maxEpochs: 10, stoppedEarly: true, criterion: 'early-stopping', criterionValue: 2, patience: 2, validationAccuracy: [0.5, 0.25, 0.75, 0.5] });
    expect(maxAbsDiff(got.weight, want.weights[3]!)).toBeLessThan(W_TOL); // the last model (epoch 4) …
    expect(maxAbsDiff(got.weight, want.weights[2]!)).toBeGreaterThan(1e-2); // … not the best one (epoch 3)
    expect(maxAbsDiff(got.bias, want.biases[3]!)).toBeLessThan(W_TOL);

    // Patience 3: the counter reaches 3 only if nothing improves after epoch 3: accuracy stays 0.5 from epoch 4
    // on (no points beyond r[3]), so epoch 5 adds the third non-improving epoch.
    const p3 = await trainCompat(train, 2, { optimizer: 'sgd', learningRate: 0.5, epochs: 10, batchSize: 1, seed, patience: 3 }, { validation, threads: 1 });
    expect(p3.solver).toMatchObject({ epochs: 5, stoppedEarly: true, criterionValue: 3 });
    // Without patience the validation accuracy is still reported, for every epoch.
    const fixed = await trainCompat(train, 2, { optimizer: 'sgd', learningRate: 0.5, epochs: 6, batchSize: 1, seed }, { validation, threads: 1 });
    expect(fixed.solver).toMatchObject({ epochs: 6, stoppedEarly: false, criterion: 'epochs', validationAccuracy: [0.5, 0.25, 0.75, 0.5, 0.5, 0.5] });
  });
});

describe('grid search', () => {
  const train = plantedData(150, 12, 3, TEST_SEED + 4, 1.5);
  const val = plantedData(90, 12, 3, TEST_SEED + 5, 1.5);
  const options = { epochs: 5, learningRate: 0.05, seed: 1 };

  it('trains every cell in grid order and keeps the best validation accuracy (first on ties)', async () => {
    const l1Grid = [0, 1e-3, 3];
    const l2Grid = [0, 3];
    const events: TrainProgress[] = [];
    const g = await gridSearchCompat(train, val, 3, { ...options, l1Grid, l2Grid }, { threads: 1, onProgress: (p) => events.push(p) });
    expect(g.cells.map((c) => [c.l1, c.l2])).toEqual([[0, 0], [0, 3], [1e-3, 0], [1e-3, 3], [3, 0], [3, 3]]);
    expect(events.map((e) => `${e.unit} ${e.done}/${e.total}`)).toEqual([1, 2, 3, 4, 5, 6].map((i) => `grid ${i}/6`));
    for (const cell of g.cells) {
      const p = await trainCompat(train, 3, { ...options, l1: cell.l1, l2: cell.l2 }, { threads: 1 });
      expect(accuracyOf(await predictLinear(val, p), val.y)).toBe(cell.accuracy);
    }
    const top = Math.max(...g.cells.map((c) => c.accuracy));
    const first = g.cells.find((c) => c.accuracy === top)!;
    expect(g.best).toEqual({ l1: first.l1, l2: first.l2 });
    expect(top).toBeGreaterThan(0.9); // planted signal: the weakly penalised cells learn it
    expect(Math.min(...g.cells.map((c) => c.accuracy))).toBeLessThan(top); // λ = 3 crushes the weights
    const again = await trainCompat(train, 3, { ...options, ...g.best }, { threads: 2 });
    expect(Buffer.from(g.probe.weight.buffer).equals(Buffer.from(again.weight.buffer))).toBe(true);
    expect((g.probe.solver.grid as { best: unknown }).best).toEqual(g.best);
  });

  it('ties go to the first cell; the default grid is the paper one', async () => {
    // Two λ too small to change any prediction: equal accuracy, the first cell wins.
    const g = await gridSearchCompat(train, val, 3, { ...options, l1Grid: [1e-9, 0], l2Grid: [0] }, { threads: 1 });
    expect(g.cells[0]!.accuracy).toBe(g.cells[1]!.accuracy);
    expect(g.best).toEqual({ l1: 1e-9, l2: 0 });
    expect(PAPER_GRID).toEqual([0, 1e-5, 1e-4, 1e-3, 1e-2, 0.1]);
    const d = await gridSearchCompat(train, val, 3, { ...options, epochs: 1 }, { threads: 1 });
    expect(d.cells.length).toBe(36);
    expect(d.cells.slice(0, 6).map((c) => c.l2)).toEqual(PAPER_GRID);
  });
});

describe('learning and predictions', () => {
  it('learns a planted separable problem', async () => {
    const train = plantedData(1200, 40, 6, TEST_SEED + 6, 1.5);
    const test = plantedData(600, 40, 6, TEST_SEED + 7, 1.5);
    const r = await trainCompat(train, 6, { learningRate: 1e-2, epochs: 10 });
    const loss = r.solver.epochLoss as number[];
    expect(loss[9]!).toBeLessThan(0.5 * loss[0]!);
    expect(accuracyOf(await predictLinear(test, r), test.y)).toBeGreaterThan(0.95);
  });

  it('predictLinear is the argmax of x·Wᵀ + b, ties to the lowest id', async () => {
    const x = Float32Array.of(1, 0, 0, 1, 1, 1, 0, 0);
    const weight = Float32Array.of(1, 0, 0, 1, 0.5, 0.5);
    const bias = Float32Array.of(0, 0, 0.25);
    // rows: (1,0) → [1, 0, .75] → 0; (0,1) → [0, 1, .75] → 1; (1,1) → [1, 1, 1.25] → 2; (0,0) → [0, 0, .25] → 2
    expect(Array.from(await predictLinear({ x, rows: 4, cols: 2 }, { weight, bias }))).toEqual([0, 1, 2, 2]);
    const tie = await predictLinear({ x: Float32Array.of(1, 1), rows: 1, cols: 2 }, { weight, bias: Float32Array.of(0, 0, -0.25) });
    expect(Array.from(tie)).toEqual([0]);
  });

  it('reports progress per epoch and cancels between minibatches', async () => {
    const data = plantedData(64, 8, 2, TEST_SEED + 8);
    const events: TrainProgress[] = [];
    const r = await trainCompat(data, 2, { epochs: 3 }, { onProgress: (p) => events.push(p) });
    expect(events.map((e) => [e.unit, e.done, e.total])).toEqual([['epoch', 1, 3], ['epoch', 2, 3], ['epoch', 3, 3]]);
    expect(events.map((e) => e.loss)).toEqual(r.solver.epochLoss);
    const ac = new AbortController();
    const run = trainCompat(data, 2, { epochs: 1_000_000 }, { signal: ac.signal, onProgress: () => ac.abort() });
    await expect(run).rejects.toMatchObject({ code: 'E_CANCELLED' });
    ac.abort();
    await expect(trainCompat(data, 2, {}, { signal: ac.signal })).rejects.toMatchObject({ code: 'E_CANCELLED' });
  });
});

describe('bad input', () => {
  const good = (): ProbeData => ({ x: Float32Array.from({ length: 15 }, (_, i) => i / 15), rows: 5, cols: 3, y: Int32Array.of(0, 1, 2, 0, 1) });
  const fails = (p: Promise<unknown>, code: string, message: string) => expect(p).rejects.toMatchObject({ code, message });

  it('labels out of range, shape mismatches, NaN features', async () => {
    await fails(trainCompat({ ...good(), y: Int32Array.of(0, 1, 2, 0, 3) }, 3, {}), 'E_ARGUMENT', 'Expected class ids in [0, 2] for train.y but received 3 at row 4');
    await fails(trainCompat({ ...good(), y: Int32Array.of(0, -1, 2, 0, 1) }, 3, {}), 'E_ARGUMENT', 'Expected class ids in [0, 2] for train.y but received -1 at row 1');
    await fails(trainCompat({ ...good(), x: new Float32Array(14) }, 3, {}), 'E_SHAPE', 'Expected a Float32Array of 5×3 = 15 values for train.x but received 14 values');
    await fails(trainCompat({ ...good(), y: Int32Array.of(0, 1, 2, 0) }, 3, {}), 'E_SHAPE', 'Expected one label per row (5) for train.y but received 4');
    const nan = good();
    nan.x[7] = NaN;
    await fails(trainCompat(nan, 3, {}), 'E_NONFINITE', 'Expected finite features for train.x but received NaN at row 2, column 1');
    const inf = good();
    inf.x[14] = -Infinity;
    await fails(trainCompat(good(), 3, {}, { validation: inf }), 'E_NONFINITE', 'Expected finite features for validation.x but received -Infinity at row 4, column 2');
    await fails(trainCompat(good(), 3, {}, { validation: { ...good(), x: new Float32Array(10), cols: 2 } }), 'E_SHAPE', 'Expected 3 columns (as train) for validation.cols but received 2');
    await fails(trainCompat(good(), 1, {}), 'E_ARGUMENT', 'Expected an integer in [2, 16777216] for classes but received 1');
    await fails(trainCompat({ ...good(), x: [1, 2] as unknown as Float32Array }, 3, {}), 'E_SHAPE', 'Expected a Float32Array of 5×3 = 15 values for train.x but received [object Array]');
  });

  it('options and hooks', async () => {
    await fails(trainCompat(good(), 3, { patience: 2 }), 'E_ARGUMENT', 'Expected validation data (hooks.validation) for patience (early stopping needs a validation set) but received none');
    await fails(trainCompat(good(), 3, { l1: -1 }), 'E_ARGUMENT', 'Expected a finite number >= 0 for l1 but received -1');
    await fails(trainCompat(good(), 3, { learningRate: 0 }), 'E_ARGUMENT', 'Expected a finite number > 0 for learningRate but received 0');
    await fails(trainCompat(good(), 3, { epochs: 0 }), 'E_ARGUMENT', 'Expected an integer in [1, 1000000] for epochs but received 0');
    await fails(trainCompat(good(), 3, { batchSize: 2.5 }), 'E_ARGUMENT', 'Expected an integer in [1, 2147483647] for batchSize but received 2.5');
    await fails(trainCompat(good(), 3, { optimizer: 'lbfgs' as 'sgd' }), 'E_ARGUMENT', "Expected one of 'adam', 'sgd' for optimizer but received 'lbfgs'");
    await fails(
      trainCompat(good(), 3, { lambda: 1 } as CompatOptions),
      'E_ARGUMENT',
      "Expected one of the options optimizer, learningRate, epochs, batchSize, l1, l2, seed, patience, init for trainCompat but received 'lambda'",
    );
    await fails(trainCompat(good(), 3, {}, { classWeights: Float64Array.of(1, 0, 1) }), 'E_ARGUMENT', 'Expected positive finite class weights for classWeights but received 0 for class 1');
    await fails(trainCompat(good(), 3, {}, { threads: -1 }), 'E_ARGUMENT', 'Expected an integer in [0, 1024] for threads but received -1');
    await fails(gridSearchCompat(good(), good(), 3, { l1: 0.1 }), 'E_ARGUMENT', 'Expected l1Grid rather than l1 for gridSearchCompat (the grid sets λ) but received l1 = 0.1');
    await fails(gridSearchCompat(good(), good(), 3, { l2Grid: [] }), 'E_ARGUMENT', 'Expected a non-empty array of finite numbers >= 0 for l2Grid but received []');
  });
});
