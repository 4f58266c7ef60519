/**
 * The data `analyze` holds (src/analyze/held-data.ts): the reference split done by permuting rows in place, the
 * seeded balancing done the same way, z-scoring with the train statistics, and cancellation of a running analysis.
 * Rows are checked by content: each held row must be the input row the split / balance index arrays name.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze/analyze.js';
import { holdData } from '../../src/analyze/held-data.js';
import { balance, compatSplit } from '../../src/split/split-rows.js';
import { prng, randn } from '../helpers/formats.js';
import { TEST_SEED } from '../helpers/planted.js';

console.log(`held-data.test.ts seed ${TEST_SEED} (set NEUROSIEVE_TEST_SEED to reproduce)`);

const T = 1000;
const D = 6;
/** Row t holds t in column 0 (to identify it) and noise elsewhere; classes 0/1/2 with shares ~60/30/10%. */
function rows(seed: number) {
  const rand = prng(seed);
  const noise = randn(T * D, rand);
  const x = new Float32Array(T * D);
  const y = new Int32Array(T);
  for (let t = 0; t < T; t++) {
    const u = rand();
    y[t] = u < 0.6 ? 0 : u < 0.9 ? 1 : 2;
    x[t * D] = t;
    for (let j = 1; j < D; j++) x[t * D + j] = 10 * noise[t * D + j]! + 5;
  }
  const counts = [0, 0, 0];
  for (const c of y) counts[c]!++;
  return { x, y, labels: { ids: y.slice(), classes: ['a', 'b', 'c'], counts } };
}

const idsOf = (x: Float32Array, n: number) => Array.from({ length: n }, (_, i) => x[i * D]!);

describe('held data', () => {
  const r = rows(TEST_SEED);

  it('the reference split: train and dev rows are the rows compatSplit names, in its order', async () => {
    const held = await holdData({ train: { activations: { x: r.x.slice(), rows: T, cols: D, nonFinite: 0 }, labels: r.labels } }, false, 1);
    const { train, dev } = compatSplit(T);
    expect(idsOf(held.train.x, held.train.rows)).toEqual(Array.from(train));
    expect(idsOf(held.dev.x, held.dev.rows)).toEqual(Array.from(dev));
    expect(Array.from(held.train.y)).toEqual(Array.from(train, (i) => r.y[i]!));
  });

  it('balancing keeps, in train and in dev, the rows balance() names, one count per class', async () => {
    const seed = TEST_SEED % 1000;
    const held = await holdData({ train: { activations: { x: r.x.slice(), rows: T, cols: D, nonFinite: 0 }, labels: r.labels } }, false, 1, undefined, seed);
    const split = compatSplit(T);
    for (const [part, idx] of [[held.train, split.train], [held.dev, split.dev]] as const) {
      const y = Int32Array.from(idx, (i) => r.y[i]!);
      const kept = balance(y, 3, { seed });
      expect(idsOf(part.x, part.rows)).toEqual(Array.from(kept, (k) => idx[k]!));
      const counts = [0, 0, 0];
      for (const c of part.y) counts[c]!++;
      expect(new Set(counts).size).toBe(1);
    }
    expect(held.split.balanced).toEqual({ seed, train: held.train.rows, dev: held.dev.rows });
  });

  it('z-scores every part with the train mean and population std', async () => {
    const held = await holdData({ train: { activations: { x: r.x.slice(), rows: T, cols: D, nonFinite: 0 }, labels: r.labels } }, true, 1);
    for (let j = 1; j < D; j++) {
      let s = 0;
      let q = 0;
      for (let t = 0; t < held.train.rows; t++) s += held.train.x[t * D + j]!;
      const mean = s / held.train.rows;
      for (let t = 0; t < held.train.rows; t++) q += (held.train.x[t * D + j]! - mean) ** 2;
      // float32 features: the mean of ~900 values of order 1 is 0 to ~1e-6, the variance 1 to ~1e-6.
      expect(Math.abs(mean)).toBeLessThan(1e-5);
      expect(Math.abs(q / held.train.rows - 1)).toBeLessThan(1e-5);
    }
    const t0 = held.dev.x[0]!;
    expect(t0).toBeCloseTo((compatSplit(T).dev[0]! - held.zscore!.mean[0]!) / held.zscore!.std[0]!, 4);
  });

  it('an analysis stops with E_CANCELLED when its signal is aborted, at the next probe', async () => {
    const controller = new AbortController();
    const run = analyze(
      { train: { activations: { x: r.x.slice(), rows: T, cols: D, nonFinite: 0 }, labels: r.labels } },
      { seeds: 2, compareExact: false, signal: controller.signal, onProgress: (p) => p.step === 'oracle' && controller.abort() },
    );
    await expect(run).rejects.toMatchObject({ code: 'E_CANCELLED' });
  });
});
