/**
 * The control task (src/analyze/control-task.ts): a word's control label depends only on the word type and the
 * seed (so it is the same in every split), labels follow the train label distribution, and in analyze the
 * control probe on planted data (where activations carry the class, not the word) scores well below the task.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze/analyze.js';
import { controlLabels } from '../../src/analyze/control-task.js';
import type { LoadedActivations } from '../../src/io/load.js';
import { prng } from '../helpers/formats.js';
import { TEST_SEED } from '../helpers/planted.js';
import { plantedTask } from '../helpers/planted-task.js';

console.log(`control-task.test.ts seed ${TEST_SEED} (set NEUROSIEVE_TEST_SEED to reproduce)`);

describe('control labels', () => {
  it('one label per word type, whichever split or order it comes in; a new seed draws anew', () => {
    const rand = prng(TEST_SEED);
    const types = Array.from({ length: 300 }, (_, i) => `w${i}_${Math.floor(rand() * 1e6)}`);
    const train = Array.from({ length: 2000 }, () => types[Math.floor(rand() * types.length)]!);
    const dev = Array.from({ length: 500 }, () => types[Math.floor(rand() * types.length)]!);
    const counts = [5, 3, 2];
    const a = controlLabels(train, counts, 7), b = controlLabels(dev, counts, 7);
    const label = new Map<string, number>();
    [...train, ...dev].forEach((w, i) => {
      const c = i < train.length ? a[i]! : b[i - train.length]!;
      if (label.has(w)) expect(c).toBe(label.get(w));
      else label.set(w, c);
    });
    // The types in their own order (those the splits drew): the same labels again.
    const seen = types.filter((w) => label.has(w));
    expect(Array.from(controlLabels(seen, counts, 7))).toEqual(seen.map((w) => label.get(w)));
    expect(Array.from(controlLabels(types, counts, 8))).not.toEqual(Array.from(controlLabels(types, counts, 7)));
  });

  it('types are labelled in proportion to the train counts', () => {
    const words = Array.from({ length: 20000 }, (_, i) => `type${i}-${TEST_SEED}`);
    const counts = [6, 3, 1];
    const y = controlLabels(words, counts, TEST_SEED);
    for (let c = 0; c < 3; c++) {
      const p = counts[c]! / 10;
      const share = y.filter((v) => v === c).length / words.length;
      // 5 standard errors of a binomial share over 20,000 draws (~0.017 at p = 0.6).
      expect(Math.abs(share - p)).toBeLessThanOrEqual(5 * Math.sqrt((p * (1 - p)) / words.length));
    }
  });
});

describe('control task in analyze', () => {
  it('the probe reads the class, not the word: selectivity is large; without dev words there is no control task', async () => {
    const task = plantedTask(3000, TEST_SEED + 1);
    const counts = [0, 1, 2].map((c) => task.y.filter((v) => v === c).length);
    const activations = (): LoadedActivations => ({ x: task.x.slice(), rows: task.rows, cols: task.D, nonFinite: 0 });
    const options = { seeds: 1, thresholds: [-1], deltas: [[3, 1]] as Array<[number, number]>, epochs: 20, compareExact: false, views: false };
    // 150 word types (w<class>_<t mod 50>): each class's 50 types get random labels, so the control probe, which
    // can only tell classes apart, scores about the mean over classes of the largest label share among 50 draws
    // (~0.45), against ~0.9 on the task. (With 7 types per class that share varies too much: selectivity fell to
    // 0.197 for one seed in 40.)
    const words = task.words.map((w, t) => `${w.split('_')[0]}_${t % 50}`);
    const r = await analyze({ train: { activations: activations(), labels: { ids: task.y.slice(), classes: task.classes, counts }, words }, layers: task.H }, options);
    expect(r.control!.types).toBe(150);
    expect(r.control!.selectivity.dev).toBeGreaterThan(0.2);
    expect(r.control!.dev).toBeCloseTo(r.oracle.dev - r.control!.selectivity.dev, 12);
    expect(r.warnings.some((w) => w.includes('control task'))).toBe(false);
    // A given dev set without words: no control task, nothing invented.
    const half = 2000 * task.D;
    const train = { x: task.x.slice(0, half), rows: 2000, cols: task.D, nonFinite: 0 };
    const dev = { x: task.x.slice(half), rows: 1000, cols: task.D, nonFinite: 0 };
    const labels = (ids: Int32Array) => ({ ids, classes: task.classes, counts: [0, 1, 2].map((c) => ids.filter((v) => v === c).length) });
    const given = await analyze({ train: { activations: train, labels: labels(task.y.slice(0, 2000)), words: words.slice(0, 2000) }, dev: { activations: dev, labels: labels(task.y.slice(2000)) }, layers: task.H }, options);
    expect(given.control).toBeUndefined();
  });
});
