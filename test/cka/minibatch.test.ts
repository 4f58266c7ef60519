/**
 * Minibatch CKA (Nguyen et al. 2021): the mean over seeded batches of Song et al.'s unbiased HSIC, against a float64
 * reference drawing the same batches (minibatchRows) and forming each batch's Grams. Seed: TEST_SEED.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cka } from '../../src/cka/cka.js';
import { minibatchCkaFromStats, minibatchRows } from '../../src/cka/minibatch.js';
import { npyBytes, prng, randn } from '../helpers/formats.js';
import { TEST_SEED } from '../helpers/planted.js';
import { scratchDir } from '../helpers/tmp.js';
import { exactStats, songHsic } from './reference.js';

const { dir } = scratchDir('cka-minibatch');
const N = 150;
const W = 5;
const L = 3;
const D = L * W;
const OFFSETS = [0, W, 2 * W, 3 * W];

/** Layer 0 random, layer 1 a noisy linear map of it, layer 2 independent with a large mean. */
function data(seed: number): Float32Array {
  const rand = prng(seed);
  const z = randn(N * D + W * W, rand);
  const x = new Float32Array(N * D);
  for (let r = 0; r < N; r++) {
    for (let j = 0; j < W; j++) {
      x[r * D + j] = 1 + (j + 1) * z[r * D + j]!;
      let v = 0;
      for (let k = 0; k < W; k++) v += z[N * D + j * W + k]! * x[r * D + k]!;
      x[r * D + W + j] = v + 0.3 * z[r * D + W + j]!;
      x[r * D + 2 * W + j] = 500 + z[r * D + 2 * W + j]!;
    }
  }
  return x;
}

function rowsOf(x: Float32Array, rows: Int32Array, a: number, shift: number): Float64Array {
  const out = new Float64Array(rows.length * W);
  rows.forEach((r, i) => {
    for (let j = 0; j < W; j++) out[i * W + j] = x[r * D + a * W + j]! - shift;
  });
  return out;
}

describe(`minibatch cka (seed ${TEST_SEED})`, () => {
  const x = data(TEST_SEED);
  const batches = minibatchRows(N, 3, 40, TEST_SEED);
  const shifts = [0, 0, 500];
  // Reference: mean over batches of the unbiased HSIC with the Grams formed, then h_ab / sqrt(h_aa h_bb).
  const h = Array.from({ length: L }, (_, a) => Array.from({ length: L }, (_, b) => batches.reduce((s, rows) => s + songHsic(rowsOf(x, rows, a, shifts[a]!), rowsOf(x, rows, b, shifts[b]!), rows.length) / batches.length, 0)));
  const reference = h.map((row, a) => row.map((v, b) => v / Math.sqrt(h[a]![a]! * h[b]![b]!)));
  const diff = (m: (number | null)[][]) => Math.max(...m.flatMap((row, a) => row.map((v, b) => Math.abs((v ?? NaN) - reference[a]![b]!))));

  it('draws disjoint batches of distinct rows, the same for the same seed', () => {
    const all = batches.flatMap((b) => Array.from(b));
    expect(new Set(all).size).toBe(120);
    expect(all.every((r) => r >= 0 && r < N)).toBe(true);
    expect(minibatchRows(N, 3, 40, TEST_SEED)).toEqual(batches);
    expect(() => minibatchRows(N, 4, 40, TEST_SEED)).toThrow('Expected at least 160 rows for 4 minibatches of 40 rows but received 150');
  });

  it('from exact float64 batch statistics: equal to the reference to 1e-9', () => {
    const stats = batches.map((rows) => {
      const bx = new Float64Array(rows.length * D);
      rows.forEach((r, i) => bx.set(x.subarray(r * D, (r + 1) * D), i * D));
      return exactStats(bx, rows.length, D, OFFSETS, Float64Array.from(bx.subarray(0, D)));
    });
    expect(diff(minibatchCkaFromStats(stats, L, 1).matrix)).toBeLessThan(1e-9);
  });

  it('from a file, natively (float32 products): within 1e-5 of the reference', async () => {
    const path = join(dir, 'x.npy');
    writeFileSync(path, npyBytes(x, [N, D], 'float32'));
    const r = await cka(path, { estimator: 'minibatch', batches: 3, batchSize: 40, seed: TEST_SEED, layerWidth: W, chunkRows: 32 });
    expect(r.rows).toBe(N);
    expect(r.minibatch).toEqual({ batches: 3, batchSize: 40, seed: TEST_SEED });
    expect(diff(r.matrix)).toBeLessThan(1e-5);
    expect(r.matrix[0]![1]!).toBeGreaterThan(0.15); // a random linear map of layer 0 (0.34 or more over 20 seeds)
  });
});
