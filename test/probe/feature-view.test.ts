/**
 * Probes on column views of one in-memory matrix (native/src/probe/feature_view.h), what `analyze` trains its
 * probes on, and the in-memory matrix operations it relies on (native/src/ops/in_memory.cc). A view is read in
 * place but through the same kernels, so everything here is compared BIT FOR BIT with the same work on a copied
 * matrix: any difference is a bug, not rounding.
 */
import { describe, expect, it } from 'vitest';
import { native } from '../../src/core/native.js';
import { runJob } from '../../src/core/native-job.js';
import { compatInit, trainCompat, trainCompatOnView } from '../../src/probe/train-compat.js';
import { predictLinear, predictOnView } from '../../src/probe/linear-predict.js';
import { prng, randn } from '../helpers/formats.js';
import { TEST_SEED } from '../helpers/planted.js';

console.log(`feature-view.test.ts seed ${TEST_SEED} (set NEUROSIEVE_TEST_SEED to reproduce)`);

/** T × D random activations (large means on a few columns) and 3 classes planted on columns 5 and 17. */
function data(T: number, D: number, seed: number) {
  const rand = prng(seed);
  const x = Float32Array.from(randn(T * D, rand));
  for (let t = 0; t < T; t++) x[t * D + 3] = x[t * D + 3]! + 1e3;
  const y = new Int32Array(T);
  for (let t = 0; t < T; t++) y[t] = (x[t * D + 5]! > 0 ? 1 : 0) + (x[t * D + 17]! > 0.5 ? 1 : 0);
  return { x, y };
}

/** The rows × columns.length copy of x's columns. */
function copyColumns(x: Float32Array, rows: number, stride: number, columns: Uint32Array): Float32Array {
  const out = new Float32Array(rows * columns.length);
  for (let t = 0; t < rows; t++) for (let j = 0; j < columns.length; j++) out[t * columns.length + j] = x[t * stride + columns[j]!]!;
  return out;
}

const bytes = (a: Float32Array | Int32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('compat probes on column views', () => {
  const T = 700;
  const D = 90;
  const { x, y } = data(T, D, TEST_SEED);
  const rand = prng(TEST_SEED + 1);
  // Scattered ids in a shuffled order, and a contiguous prefix (a layer range: the memcpy path).
  const scattered = Uint32Array.from([17, 3, 88, 5, 40, 41, 0, Math.floor(rand() * 30) + 50]);
  const prefix = Uint32Array.from({ length: 30 }, (_, j) => j);
  const nTrain = 600;

  for (const [name, columns] of [['scattered ids', scattered], ['a prefix of columns', prefix]] as const) {
    it(`${name}: the same bytes as training on a copy (weights, losses, validation accuracy, predictions)`, async () => {
      const k = columns.length;
      const copy = copyColumns(x, T, D, columns);
      const options = { seed: TEST_SEED % 1000, l1: 1e-3, l2: 1e-3, batchSize: 32, epochs: 4 };
      const onCopy = await trainCompat({ x: copy.subarray(0, nTrain * k), rows: nTrain, cols: k, y: y.subarray(0, nTrain) }, 3, options, {
        threads: 1,
        validation: { x: copy.subarray(nTrain * k), rows: T - nTrain, cols: k, y: y.subarray(nTrain) },
      });
      const onView = await trainCompatOnView({ x: x.subarray(0, nTrain * D), rows: nTrain, cols: k, y: y.subarray(0, nTrain), stride: D, columns }, 3, options, {
        threads: 2,
        validation: { x: x.subarray(nTrain * D), rows: T - nTrain, cols: k, y: y.subarray(nTrain), stride: D, columns },
      });
      expect(bytes(onView.weight).equals(bytes(onCopy.weight))).toBe(true);
      expect(bytes(onView.bias).equals(bytes(onCopy.bias))).toBe(true);
      expect(onView.solver.epochLoss).toEqual(onCopy.solver.epochLoss);
      expect(onView.solver.validationAccuracy).toEqual(onCopy.solver.validationAccuracy);
      const a = await predictLinear({ x: copy, rows: T, cols: k }, onCopy);
      const b = await predictOnView({ x, rows: T, cols: k, stride: D, columns }, onCopy, 2);
      expect(bytes(b).equals(bytes(a))).toBe(true);
    });
  }

  it('gatherColumns copies a view out exactly', async () => {
    const { promise, out } = native().gatherColumns({ x, stride: D, columns: scattered }, T, scattered.length, 2);
    await promise;
    expect(bytes(out).equals(bytes(copyColumns(x, T, D, scattered)))).toBe(true);
  });

  it('a view the native side cannot read is refused (ids past the row, rows that do not divide)', async () => {
    const bad = Uint32Array.from([0, D]);
    await expect(runJob(() => native().probePredict({ x, stride: D, columns: bad }, T, 2, new Float32Array(6), new Float32Array(3), 3, 1))).rejects.toMatchObject({ code: 'E_ARGUMENT' });
    await expect(runJob(() => native().probePredict({ x: x.subarray(1), stride: D, columns: scattered }, T, scattered.length, new Float32Array(3 * scattered.length), new Float32Array(3), 3, 1))).rejects.toMatchObject({ code: 'E_SHAPE' });
  });
});

describe('initial weights (init)', () => {
  const T = 300;
  const D = 12;
  const { x, y } = data(T, D, TEST_SEED + 2);
  const train = { x, rows: T, cols: D, y };

  it('starting from compatInit(seed) is starting from seed', async () => {
    const seed = TEST_SEED % 997;
    const a = await trainCompat(train, 3, { seed, epochs: 2 });
    const b = await trainCompat(train, 3, { seed: seed + 1, epochs: 2, init: compatInit(3, D, seed) });
    expect(bytes(b.weight).equals(bytes(a.weight))).toBe(true);
    expect(b.solver.init).toBe('given weights (seed unused)');
  });

  it('continuing from a trained probe is training longer', async () => {
    const four = await trainCompat(train, 3, { seed: 1, epochs: 4 });
    const two = await trainCompat(train, 3, { seed: 1, epochs: 2 });
    const twoMore = await trainCompat(train, 3, { epochs: 2, init: { weight: two.weight, bias: two.bias } });
    // Adam restarts its moments and bias correction, so this is NOT four epochs: it must differ, and stay finite.
    expect(bytes(twoMore.weight).equals(bytes(four.weight))).toBe(false);
    expect(twoMore.weight.every(Number.isFinite)).toBe(true);
  });

  it('wrong shapes and non-finite weights are refused', async () => {
    await expect(trainCompat(train, 3, { init: { weight: new Float32Array(3 * D - 1), bias: new Float32Array(3) } })).rejects.toMatchObject({
      code: 'E_SHAPE',
      message: `Expected init weights of 3 × ${D} and 3 biases (classes × columns) but received ${3 * D - 1} weights and 3 biases`,
    });
    const w = new Float32Array(3 * D);
    w[4] = NaN;
    await expect(trainCompat(train, 3, { init: { weight: w, bias: new Float32Array(3) } })).rejects.toMatchObject({
      code: 'E_NONFINITE',
      message: 'Expected finite values for init.weight but received NaN at index 4',
    });
    await expect(trainCompat(train, 3, { init: [1, 2] as never })).rejects.toMatchObject({ code: 'E_ARGUMENT', message: 'Expected { weight: Float32Array, bias: Float32Array } for init but received [object Array]' });
  });
});

describe('permuteRows', () => {
  it('new row i is old row order[i], for random permutations with long and short cycles', async () => {
    const rand = prng(TEST_SEED + 3);
    for (const rows of [1, 2, 7, 100]) {
      const cols = 3;
      const x = Float32Array.from({ length: rows * cols }, (_, i) => i);
      const order = Uint32Array.from({ length: rows }, (_, i) => i);
      for (let i = rows - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      const before = x.slice();
      await native().permuteRows(x, rows, cols, order);
      for (let i = 0; i < rows; i++) for (let c = 0; c < cols; c++) expect(x[i * cols + c]).toBe(before[order[i]! * cols + c]);
    }
  });

  it('refuses an order that is not a permutation', async () => {
    await expect(runJob(() => native().permuteRows(new Float32Array(6), 3, 2, Uint32Array.from([0, 0, 1])))).rejects.toMatchObject({ code: 'E_ARGUMENT' });
  });
});
