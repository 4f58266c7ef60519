/**
 * ablate() (src/probe/ablate.ts) on planted data (seeded): class 1 is carried by neuron 3 alone (shifted by ±2,
 * with a large mean so that 'zero' and 'filter' differ for a z-scoring probe); the other neurons are noise.
 *  - keeping every input reproduces evaluate() exactly (the same probe, the same activations);
 *  - removing neuron 3 drops accuracy from > 0.9 to near chance (< 0.7 for 800 rows of two balanced classes);
 *  - 'filter' equals the probe restricted to the kept columns evaluated on those columns only, and 'zero' equals
 *    the full probe evaluated on activations whose removed columns hold 0. Tolerance: accuracy within 2 rows,
 *    because the ablated probe's logits differ from those routes by float32 rounding (the bias shift is rounded
 *    once; restricted logits are summed in other blocks), which can flip a row sitting on a tie;
 *  - for a raw (not z-scored) probe, 'zero' and 'filter' are the same probe, so their metrics are identical.
 */
import { describe, expect, it } from 'vitest';
import { ablate, evaluate, labelsFromArray, NeurosieveError, trainProbe, type LoadedActivations } from '../../src/index.js';
import { restrictProbe } from '../../src/probe/restrict.js';
import { prng, randn } from '../helpers/formats.js';
import { TEST_SEED } from '../helpers/planted.js';

console.log(`ablate.test.ts seed ${TEST_SEED} (set NEUROSIEVE_TEST_SEED to reproduce)`);
const T = 800;
const D = 12;
const rand = prng(TEST_SEED);
const noise = randn(T * D, rand);
const y = Int32Array.from({ length: T }, (_, t) => t % 2);
const x = new Float32Array(T * D);
for (let t = 0; t < T; t++) for (let j = 0; j < D; j++) x[t * D + j] = noise[t * D + j]! + (j === 3 ? 8 + (y[t] ? 2 : -2) : 0);
const acts: LoadedActivations = { x, rows: T, cols: D, nonFinite: 0 };
const labels = labelsFromArray(y);
const all = Array.from({ length: D }, (_, j) => j);

const zscored = await trainProbe({ activations: acts, labels }, { mode: 'exact', threads: 1 });
const raw = await trainProbe({ activations: acts, labels }, { mode: 'exact', zscore: false, threads: 1 });

function columnsOf(ids: number[]): LoadedActivations {
  const out = new Float32Array(T * ids.length);
  for (let t = 0; t < T; t++) ids.forEach((j, k) => (out[t * ids.length + k] = x[t * D + j]!));
  return { x: out, rows: T, cols: ids.length, nonFinite: 0 };
}

describe('ablate', () => {
  it('keeping every input is evaluate()', async () => {
    const plain = await evaluate(zscored, acts, labels);
    const r = await ablate(zscored, acts, labels, { keep: all });
    expect(r.before).toEqual(plain);
    expect(r.after).toEqual(plain);
    expect(r.removed).toEqual([]);
    expect(r.kept).toEqual(all);
  });

  it('removing the planted neuron drops accuracy to near chance', async () => {
    for (const mode of ['filter', 'zero'] as const) {
      const r = await ablate(zscored, acts, labels, { remove: [3], mode });
      expect(r.before.accuracy).toBeGreaterThan(0.9);
      expect(r.after.accuracy).toBeLessThan(0.7);
      expect(r.removed).toEqual([3]);
      expect(r.kept).toEqual(all.filter((j) => j !== 3));
    }
    // Removing noise neurons costs (almost) nothing.
    const r = await ablate(zscored, acts, labels, { keep: [3, 0] });
    expect(r.after.accuracy).toBeGreaterThan(0.9);
  });

  it("filter = the restricted probe on the kept columns; zero = raw activations 0", async () => {
    const keep = [0, 3, 5, 11];
    const filter = await ablate(zscored, acts, labels, { keep });
    const restricted = await evaluate(restrictProbe(zscored, keep), columnsOf(keep), labels);
    expect(Math.abs(filter.after.accuracy - restricted.accuracy)).toBeLessThanOrEqual(2 / T);

    const zero = await ablate(zscored, acts, labels, { remove: [3, 7], mode: 'zero' });
    const silenced = x.slice();
    for (let t = 0; t < T; t++) silenced[t * D + 3] = silenced[t * D + 7] = 0;
    const direct = await evaluate(zscored, { ...acts, x: silenced }, labels);
    expect(Math.abs(zero.after.accuracy - direct.accuracy)).toBeLessThanOrEqual(2 / T);
  });

  it('a raw probe: zero and filter are the same ablation', async () => {
    const f = await ablate(raw, acts, labels, { remove: [3, 4], mode: 'filter' });
    const z = await ablate(raw, acts, labels, { remove: [3, 4], mode: 'zero' });
    expect(z.after).toEqual(f.after);
  });

  it('maps ids through a probe trained on a subset', async () => {
    const sub = restrictProbe(zscored, [5, 3, 9]);
    const r = await ablate(sub, columnsOf([5, 3, 9]), labels, { remove: [3] });
    expect(r.kept).toEqual([5, 9]);
    expect(r.removed).toEqual([3]);
    expect(r.neurons).toBe(3);
  });

  it('refuses by name', async () => {
    const msg = async (p: Promise<unknown>) => {
      const err = await p.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NeurosieveError);
      return (err as Error).message;
    };
    expect(await msg(ablate(zscored, acts, labels, {}))).toBe('Expected exactly one of remove and keep for ablate but received neither');
    expect(await msg(ablate(zscored, acts, labels, { remove: [1], keep: [2] }))).toBe('Expected exactly one of remove and keep for ablate but received both');
    expect(await msg(ablate(zscored, acts, labels, { remove: [12] }))).toBe("Expected neuron ids among [0, 11] (the probe's inputs) for remove but received 12");
    expect(await msg(ablate(restrictProbe(zscored, [5, 3]), columnsOf([5, 3]), labels, { keep: [4] }))).toBe("Expected neuron ids among the probe's 2 inputs (its columns) for keep but received 4");
    expect(await msg(ablate(zscored, acts, labels, { remove: [1, 1] }))).toBe('Expected distinct neuron ids for remove but received 1 more than once');
    expect(await msg(ablate(zscored, acts, labels, { remove: all }))).toBe("Expected at least one kept neuron for remove but received all 12 of the probe's inputs removed");
    expect(await msg(ablate(zscored, acts, labels, { remove: [1], mode: 'silence' as 'zero' }))).toBe("Expected one of 'filter', 'zero' for mode but received 'silence'");
  });
});
