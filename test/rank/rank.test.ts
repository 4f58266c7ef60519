/**
 * Neuron rankings (src/rank/): every family on small cases computed by hand (the weight-mass cases were also
 * replayed once through a transcription of NeuroX's get_top_neurons / get_neuron_ordering in numpy, the AP
 * cases through sklearn's average_precision_score), tie and edge rules, id mapping for probes trained on a
 * subset, thread-count independence, planted informative neurons ranking first, and bad input.
 */
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { averagePrecisionRanking } from '../../src/rank/average-precision.js';
import { probelessRanking } from '../../src/rank/probeless.js';
import { rankNeurons } from '../../src/rank/rank.js';
import {
  bottomNeurons,
  granularOrdering,
  hardThresholdNeurons,
  neuronOrdering,
  randomNeurons,
  topNeurons,
  type WeightMatrix,
} from '../../src/rank/weight-mass.js';
import type { Probe } from '../../src/probe/probe-file.js';
import { prng, randn, npyBytes } from '../helpers/formats.js';
import { TEST_SEED } from '../helpers/planted.js';
import { scratchDir } from '../helpers/tmp.js';

console.log(`rank.test.ts seed ${TEST_SEED} (set NEUROSIEVE_TEST_SEED to reproduce)`);

const { dir } = scratchDir('rank');

/**
 * Two classes, six neurons, weights in eighths (exact in float32 and in every partial sum):
 *   |w| class a = [4, 1, 3, 0, 1, 0] / 8  (mass 9/8); by |w|, ties by id: 0, 2, 1, 4, 3, 5; running sums 4 7 8 9 9 9
 *   |w| class b = [0, 3, 3, 1, 1, 0] / 8  (mass 8/8);                      1, 2, 3, 4, 0, 5; running sums 3 6 7 8 8 8
 * Neuron 5 has zero weight in both classes.
 */
const W: WeightMatrix = {
  classes: ['a', 'b'],
  neurons: 6,
  weight: Float32Array.from([4, 1, 3, 0, 1, 0, 0, 3, -3, 1, -1, 0], (v) => v / 8),
};

function probe(extra: Partial<Probe> = {}): Probe {
  return { ...W, classes: [...W.classes], mode: 'exact', options: {}, bias: new Float32Array(2), ...extra };
}

describe('weight mass (Dalvi et al. 2019, NeuroX linear_probe)', () => {
  it('top neurons: shortest prefix reaching p of each class mass, union ascending', () => {
    // p = 0.5: a needs 4.5/8 -> running sum 7 at its 2nd neuron -> {0, 2}; b needs 4/8 -> 6 at its 2nd -> {1, 2}
    expect(topNeurons(W, 0.5)).toEqual({ neurons: [0, 1, 2], perClass: { a: [0, 2], b: [1, 2] } });
    // p = 0 keeps each class's first neuron
    expect(topNeurons(W, 0)).toEqual({ neurons: [0, 1], perClass: { a: [0], b: [1] } });
    // p = 1 stops at the last neuron adding mass: ties 1/4 kept (id order), zero-weight neurons of a class left out
    expect(topNeurons(W, 1)).toEqual({ neurons: [0, 1, 2, 3, 4], perClass: { a: [0, 2, 1, 4], b: [1, 2, 3, 4] } });
  });

  it('bottom neurons: the same from the smallest |w| (zeros first, by id)', () => {
    // a ascending: 3, 5, 1, 4, 2, 0 with sums 0 0 1 2 5 9: 4.5 reached at the 5th; b: 0, 5, 3, 4, 1, 2, sums 0 0 1 2 5 8
    expect(bottomNeurons(W, 0.5)).toEqual({ neurons: [0, 1, 2, 3, 4, 5], perClass: { a: [3, 5, 1, 4, 2], b: [0, 5, 3, 4, 1] } });
    expect(bottomNeurons(W, 0)).toEqual({ neurons: [0, 3], perClass: { a: [3], b: [0] } });
  });

  it('ordering: neurons in the step they enter, by id within a step; cutoffs after every step', () => {
    // stride 4, p = 0, 1/4, 1/2, 3/4, 1: prefixes a 1 1 2 2 4, b 1 1 2 2 4
    // entry steps: 0 -> 0, 1 -> 0, 2 -> 2, 3 -> 4, 4 -> 4, 5 never
    expect(neuronOrdering(W, 4)).toEqual({ ordering: [0, 1, 2, 3, 4], cutoffs: [2, 2, 3, 3, 5], unranked: [5] });
    // stride 1: p = 0 then p = 1
    expect(neuronOrdering(W, 1)).toEqual({ ordering: [0, 1, 2, 3, 4], cutoffs: [2, 5], unranked: [5] });
  });

  it('granular ordering: first p-set reaching each target size; stops where NeuroX would raise IndexError', () => {
    // set sizes 2 2 3 3 5; targets 0, 2, 4, 6: 0 -> step 0 adds {0, 1}; 2 -> step 0 again, nothing new;
    // 4 -> step 4 adds {2, 3, 4}; 6 -> no set holds 6 neurons (neuron 5 never enters): stop
    expect(granularOrdering(W, 2, 4)).toEqual({ ordering: [0, 1, 2, 3, 4], cutoffs: [2, 5], unranked: [5] });
    // granularity 1: targets 0..6 -> steps 0, 0, 0, 2, 4, 4 -> chunks {0, 1}, {2}, {3, 4}
    expect(granularOrdering(W, 1, 4)).toEqual({ ordering: [0, 1, 2, 3, 4], cutoffs: [2, 3, 5], unranked: [5] });
  });

  it('hard threshold: |w| > max|w| / f per class, compared in float32 as NumPy does', () => {
    // a: max 4/8, cut 2/8 -> {0, 2}; b: max 3/8, cut 1.5/8 -> {1, 2}
    expect(hardThresholdNeurons(W, 2)).toEqual({ neurons: [0, 1, 2], perClass: { a: [0, 2], b: [1, 2] } });
    expect(hardThresholdNeurons(W, 1).neurons).toEqual([]); // nothing is above the maximum itself
    // 1/3 in float32 is 0.3333333432…: in float64, max / 3 = 0.3333…33 would be below it; NeuroX (float32) says no.
    const third: WeightMatrix = { classes: ['x', 'y'], neurons: 2, weight: Float32Array.from([1, 1 / 3, 1, 1 / 3]) };
    expect(hardThresholdNeurons(third, 3).neurons).toEqual([0]);
  });

  it('random: each neuron kept when its seeded draw is <= p; same seed, same set', () => {
    const a = randomNeurons(1000, 0.3, 7);
    expect(randomNeurons(1000, 0.3, 7)).toEqual(a);
    expect(randomNeurons(1000, 0.3, 8)).not.toEqual(a);
    expect(a.length).toBeGreaterThan(240);
    expect(a.length).toBeLessThan(360);
    const rand = prng(7);
    expect(a).toEqual([...Array(1000).keys()].filter(() => rand() <= 0.3));
    expect(randomNeurons(50, 1, 1)).toEqual([...Array(50).keys()]);
  });

  it('rankNeurons maps positions to original ids for a probe trained on a subset', async () => {
    const p = probe({ columns: [60, 10, 50, 20, 40, 30] });
    const o = await rankNeurons({ probe: p }, { method: 'weights', stride: 4 });
    expect(o).toMatchObject({ method: 'weights', selection: 'ordering', ordering: [60, 10, 50, 20, 40], cutoffs: [2, 2, 3, 3, 5], unranked: [30], neurons: 6 });
    const t = await rankNeurons({ probe: p }, { method: 'weights', fraction: 0.5 });
    expect(t).toMatchObject({ selection: 'top', selected: [10, 50, 60], perClass: { a: [60, 50], b: [10, 50] } });
    const r = await rankNeurons({ probe: p }, { method: 'weights', selection: 'random', fraction: 1, seed: 3 });
    expect(r.selected).toEqual([10, 20, 30, 40, 50, 60]);
    const g = await rankNeurons({ probe: probe() }, { method: 'weights', selection: 'granular', granularity: 2, stride: 4 });
    expect(g).toMatchObject({ ordering: [0, 1, 2, 3, 4], cutoffs: [2, 5] });
  });

  it('rejects bad options by name', async () => {
    await expect(rankNeurons({ probe: probe() }, { method: 'weights', selection: 'top' })).rejects.toThrow("Expected a fraction for selection 'top' but received none");
    await expect(rankNeurons({ probe: probe() }, { method: 'weights', fraction: 1.5 })).rejects.toThrow('Expected a number in [0, 1] for fraction but received 1.5');
    await expect(rankNeurons({ probe: probe() }, { method: 'weights', stride: 0 })).rejects.toThrow('Expected an integer in [1, 10000000] for stride but received 0');
    await expect(rankNeurons({ probe: probe() }, { method: 'weights', fraction: 0.1, stride: 10 })).rejects.toThrow("Expected no stride for selection 'top' but received 10");
    await expect(rankNeurons({ probe: probe() }, { method: 'weights', selection: 'threshold', divisor: 0 })).rejects.toThrow('Expected a positive number for divisor but received 0');
    await expect(rankNeurons({}, { method: 'weights' })).rejects.toThrow("Expected a probe for method 'weights' but received none");
    await expect(rankNeurons({ probe: probe() }, { method: 'mass' as never })).rejects.toThrow("Expected one of 'weights', 'probeless', 'iou', 'gaussian' for method but received 'mass'");
    await expect(rankNeurons({ probe: probe() }, { method: 'weights', strid: 3 } as never)).rejects.toThrow(/Expected one of the options .* for rankNeurons but received 'strid'/);
  });
});

/**
 * Six rows, four neurons, three classes (a fourth class 'D' has no rows and takes no part):
 *   A rows (1,0,2,1) (3,0,2,3)          -> means (2, 0, 2, 2)
 *   B row  (2,1,2,2)                    -> means (2, 1, 2, 2)
 *   C rows (0,4,2,0) (0,6,2,0) (0,5,2,0) -> means (0, 5, 2, 0)
 * |A−B| = (0,1,0,0), |A−C| = (2,5,0,2), |B−C| = (2,4,0,2): overall (4, 10, 0, 4); neuron 3 ties neuron 0.
 */
const PX = { x: Float32Array.from([1, 0, 2, 1, 2, 1, 2, 2, 0, 4, 2, 0, 3, 0, 2, 3, 0, 6, 2, 0, 0, 5, 2, 0]), rows: 6, cols: 4 };
const PY = { ids: Int32Array.from([0, 1, 2, 0, 2, 2]), classes: ['A', 'B', 'C', 'D'] };

describe('probeless (Antverg & Belinkov 2022)', () => {
  it('sums |class-mean differences| over class pairs; per class over the other classes; ties by id', async () => {
    const r = await probelessRanking(PX, PY, { threads: 1 });
    expect(r.ordering).toEqual([1, 0, 3, 2]);
    expect(r.scores).toEqual([10, 4, 4, 0]);
    expect(r.counts).toEqual([2, 1, 3, 0]);
    expect(Array.from(r.means.subarray(8, 12))).toEqual([0, 5, 2, 0]);
    // A: (2,6,0,2), B: (2,5,0,2), C: (4,9,0,4); D has no rows
    expect(r.perClass).toEqual({ A: [1, 0, 3, 2], B: [1, 0, 3, 2], C: [1, 0, 3, 2] });
    expect(r.perClassScores).toEqual({ A: [6, 2, 2, 0], B: [5, 2, 2, 0], C: [9, 4, 4, 0] });
  });

  it('with a z-scoring probe\'s statistics, every difference is divided by std', async () => {
    const zscore = { mean: Float64Array.from([1, 2, 3, 4]), std: Float64Array.from([2, 1, 4, 0.5]) };
    const r = await probelessRanking(PX, PY, { zscore });
    // (4, 10, 0, 4) / (2, 1, 4, 0.5) = (2, 10, 0, 8)
    expect(r.ordering).toEqual([1, 3, 0, 2]);
    expect(r.scores).toEqual([10, 8, 2, 0]);
    expect(Array.from(r.means.subarray(8, 12))).toEqual([-0.5, 3, -0.25, -8]); // C's means (0, 5, 2, 0) z-scored
    await expect(probelessRanking(PX, PY, { zscore: { mean: zscore.mean, std: Float64Array.from([1, 0, 1, 1]) } })).rejects.toThrow(
      'Expected a positive finite std and a finite mean for every neuron but neuron 1 has mean 2, std 0',
    );
  });

  it('stops at NaN in activations given in memory, naming row and neuron', async () => {
    const x = PX.x.slice();
    x[2 * 4 + 3] = NaN;
    await expect(probelessRanking({ ...PX, x }, PY)).rejects.toThrow('activations: non-finite value at row 2, neuron 3');
  });
});

/**
 * Five rows, y = (1, 0, 1, 0, 1); AP of class 1 (sklearn, step-wise):
 *   neuron 0 (−1, 0, .3, 0, −2): .3 is a hit (1/3·1), the two 0s miss, −1 hit (1/3·2/4), −2 hit (1/3·3/5) = 0.7
 *   neuron 1 all 0: one threshold, 3 hits of 5 = 0.6
 *   neuron 2 (.9, .01, .8, .04, .7): hits on top = 1
 *   neuron 3 (.04, .03, .02, .5, .01): with |x| < .05 zeroed, .5 misses then one tie of 3 hits in 4: 3/5 = 0.6;
 *            without zeroing: 1/3·1/2 + 1/3·2/4 + 1/3·3/5 = 0.5333…
 */
const AX = {
  x: Float32Array.from([-1, 0, 0.9, 0.04, 0, 0, 0.01, 0.03, 0.3, 0, 0.8, 0.02, 0, 0, 0.04, 0.5, -2, 0, 0.7, 0.01]),
  rows: 5,
  cols: 4,
};
const AY = { ids: Int32Array.from([1, 0, 1, 0, 1]), classes: ['neg', 'pos'] };

describe('average precision (NeuroX iou_probe)', () => {
  it('binary: AP of class 1 after zeroing |x| < 0.05, ties by id; class 0 one-vs-rest alongside', async () => {
    const r = await averagePrecisionRanking(AX, AY, { threads: 1 });
    expect(r.overall).toEqual({ kind: 'class', class: 'pos' });
    expect(r.ordering).toEqual([2, 0, 1, 3]);
    expect(r.scores.map((s) => Number(s.toFixed(12)))).toEqual([1, 0.7, 0.6, 0.6]);
    // class 0 hits rows 1, 3: neuron 3 has .5 (hit) on top then a tie of 4 holding the other hit: 1/2 + 1/2·2/5 = 0.7
    expect(r.perClass.neg).toEqual([3, 0, 1, 2]);
    expect(r.perClassScores.neg!.map((s) => Number(s.toFixed(12)))).toEqual([0.7, Number((2 / 3).toFixed(12)), 0.4, 0.4]);
    const raw = await averagePrecisionRanking(AX, AY, { zeroBelow: 0 });
    expect(raw.scores.map((s) => Number(s.toFixed(12)))).toEqual([1, 0.7, 0.6, Number((8 / 15).toFixed(12))]);
  });

  it('with z-score statistics, scores (x − mean) / std as the probe computes it, before the |z| < 0.05 test', async () => {
    const zscore = { mean: Float64Array.from([0.1, -0.2, 0.5, 0.03]), std: Float64Array.from([3, 0.5, 1, 0.1]) };
    const z = Float32Array.from(AX.x, (v, i) => (v - zscore.mean[i % 4]!) * (1 / zscore.std[i % 4]!));
    const want = await averagePrecisionRanking({ ...AX, x: z }, AY);
    const got = await averagePrecisionRanking(AX, AY, { zscore });
    expect(got).toEqual(want);
    // neuron 3 z-scored is (0.1, 0, -0.1, 4.7, -0.2): only row 1 is zeroed now, so its AP differs from the raw one
    expect(got.scores).not.toEqual((await averagePrecisionRanking(AX, AY)).scores);
  });

  it('multiclass: mean AP over classes with rows, or one class with target', async () => {
    const y = { ids: Int32Array.from([1, 0, 1, 2, 2]), classes: ['p', 'q', 'r', 'none'] };
    const x = { x: Float32Array.from([0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1]), rows: 5, cols: 3 };
    const m = await averagePrecisionRanking(x, y);
    expect(m.overall).toEqual({ kind: 'macro', classes: ['p', 'q', 'r'] });
    // neuron c fires exactly on class c's rows: AP 1 for its class; its other classes' AP are the same base rates
    // (neuron 0: q 2/5, r 2/5 -> mean (1 + .4 + .4)/3; neuron 1: p 1/5, r 2/5; neuron 2: p 1/5, q 2/5)
    expect(m.scores.map((s) => Number(s.toFixed(12)))).toEqual([1.8 / 3, 1.6 / 3, 1.6 / 3].map((v) => Number(v.toFixed(12))));
    expect(m.ordering).toEqual([0, 1, 2]);
    const t = await averagePrecisionRanking(x, y, { target: 'r' });
    expect(t.ordering[0]).toBe(2);
    expect(t.scores[0]).toBe(1);
    await expect(averagePrecisionRanking(x, y, { target: 'none' })).rejects.toThrow("Expected a class with rows for class but 'none' has none");
    await expect(averagePrecisionRanking(x, y, { target: 'zz' })).rejects.toThrow("Expected one of the classes (p, q, r, none) for class but received 'zz'");
  });
});

/** AP from its definition, quadratic: every distinct value v (descending) is a threshold "x >= v". */
function naiveAp(x: number[], pos: boolean[]): number {
  const P = pos.filter(Boolean).length;
  if (P === 0) return 0;
  const values = [...new Set(x)].sort((a, b) => b - a);
  let ap = 0;
  let prevR = 0;
  for (const v of values) {
    let tp = 0;
    let n = 0;
    x.forEach((xi, i) => {
      if (xi >= v) {
        n++;
        if (pos[i]) tp++;
      }
    });
    ap += (tp / P - prevR) * (tp / n);
    prevR = tp / P;
  }
  return ap;
}

describe('random inputs against float64 references', () => {
  const rand = prng(TEST_SEED + 5);
  const T = 300, D = 9, C = 4;
  const ids = Int32Array.from({ length: T }, () => Math.floor(rand() * (C - 1))); // class 3 has no rows
  // Values on a coarse grid (many ties), some within ±0.05 of 0, signed zeros, a planted shift on neuron 4.
  const x = Float32Array.from({ length: T * D }, (_, i) => {
    const j = i % D;
    const t = Math.floor(i / D);
    if (j === 8) return rand() < 0.5 ? -0 : 0;
    return Math.round((randn(1, rand)[0]! + (j === 4 && ids[t] === 1 ? 1.5 : 0)) * 10) / 10 + (rand() < 0.1 ? 0.03 : 0);
  });
  const classes = ['a', 'b', 'c', 'd'];

  it('AP of every neuron and class equals the definition within 1e-12 (signed zeros are one threshold)', async () => {
    for (const zeroBelow of [0.05, 0]) {
      const r = await averagePrecisionRanking({ x, rows: T, cols: D }, { ids, classes }, { zeroBelow, threads: 2 });
      for (const [c, name] of ['a', 'b', 'c'].entries()) {
        const got = new Map(r.perClass[name]!.map((j, i) => [j, r.perClassScores[name]![i]!]));
        for (let j = 0; j < D; j++) {
          const col = Array.from({ length: T }, (_, t) => {
            const v = x[t * D + j]!;
            return Math.abs(v) < zeroBelow ? 0 : v === 0 ? 0 : v;
          });
          const want = naiveAp(col, Array.from(ids, (y) => y === c));
          expect(Math.abs(got.get(j)! - want), `zeroBelow ${zeroBelow} class ${name} neuron ${j}`).toBeLessThan(1e-12);
        }
      }
      expect(r.perClass.d).toBeUndefined();
      expect(r.perClass.b![0]).toBe(4);
    }
  });

  it('probeless scores equal a float64 two-pass reference within 1e-12', async () => {
    const r = await probelessRanking({ x, rows: T, cols: D }, { ids, classes }, { threads: 2 });
    const mean = (c: number, j: number) => {
      let s = 0;
      let n = 0;
      for (let t = 0; t < T; t++) if (ids[t] === c) (s += x[t * D + j]!), n++;
      return s / n;
    };
    const got = new Map(r.ordering.map((j, i) => [j, r.scores[i]!]));
    for (let j = 0; j < D; j++) {
      let want = 0;
      for (let a = 0; a < 3; a++) for (let b = a + 1; b < 3; b++) want += Math.abs(mean(a, j) - mean(b, j));
      expect(Math.abs(got.get(j)! - want), `neuron ${j}`).toBeLessThan(1e-12);
    }
    expect(r.ordering[0]).toBe(4);
  });
});

/** Planted data: neuron k of `informative` shifts by +3 on the rows of class k; every other neuron is noise. */
function plantedTask(T: number, D: number, informative: number[], seed: number) {
  const rand = prng(seed);
  const noise = randn(T * D, rand);
  const ids = new Int32Array(T);
  const x = new Float32Array(T * D);
  for (let t = 0; t < T; t++) {
    ids[t] = Math.floor(rand() * informative.length);
    for (let j = 0; j < D; j++) x[t * D + j] = noise[t * D + j]! + (informative[ids[t]!] === j ? 3 : 0);
  }
  return { x, ids, rows: T, cols: D };
}

describe('planted informative neurons', () => {
  const informative = [7, 23, 31];
  const task = plantedTask(900, 40, informative, TEST_SEED + 21);
  const classes = ['c0', 'c1', 'c2'];

  it('rank first for probeless and for AP, from files, identically for 1 and 2 threads', async () => {
    const xPath = join(dir, 'planted.npy');
    writeFileSync(xPath, npyBytes(task.x, [task.rows, task.cols], 'float32'));
    const yPath = join(dir, 'planted.json');
    writeFileSync(yPath, JSON.stringify(Array.from(task.ids, (i) => classes[i])));
    for (const method of ['probeless', 'iou'] as const) {
      const one = await rankNeurons({ activations: xPath, labels: yPath }, { method, threads: 1 });
      const two = await rankNeurons({ activations: xPath, labels: yPath }, { method, threads: 2 });
      expect(JSON.stringify(two)).toBe(JSON.stringify(one));
      expect(one.ordering!.slice(0, 3).sort((a, b) => a - b), method).toEqual(informative);
      for (const [k, c] of classes.entries()) expect(one.perClass![c]![0], `${method} ${c}`).toBe(informative[k]);
    }
  });

  it('a probe trained on a subset restricts the activations to its columns and reports original ids', async () => {
    const xPath = join(dir, 'planted.npy');
    const yPath = join(dir, 'planted.json');
    const columns = [31, 0, 1, 2, 23, 3, 7];
    const p: Probe = { classes, neurons: 7, columns, mode: 'exact', options: {}, weight: new Float32Array(21), bias: new Float32Array(3) };
    const r = await rankNeurons({ probe: p, activations: xPath, labels: yPath }, { method: 'probeless' });
    expect(r.neurons).toBe(7);
    expect(r.columns).toEqual(columns);
    expect(r.ordering!.slice(0, 3).sort((a, b) => a - b)).toEqual(informative);
    expect(r.ordering!.slice().sort((a, b) => a - b)).toEqual([...columns].sort((a, b) => a - b));
  });

  it('columns restricts a ranking to ids: activations alone, a probe\'s inputs, its weights', async () => {
    const xPath = join(dir, 'planted.npy');
    const yPath = join(dir, 'planted.json');
    const ids = [5, 23, 2, 7];
    const r = await rankNeurons({ activations: xPath, labels: yPath }, { method: 'probeless', columns: ids });
    expect(r.columns).toEqual(ids);
    expect(r.ordering!.slice(0, 2).sort((a, b) => a - b)).toEqual([7, 23]);
    expect(r.ordering!.slice().sort((a, b) => a - b)).toEqual([2, 5, 7, 23]);
    const p: Probe = { classes, neurons: 7, columns: [31, 0, 1, 2, 23, 3, 7], mode: 'exact', options: {}, weight: new Float32Array(21), bias: new Float32Array(3) };
    const q = await rankNeurons({ probe: p, activations: xPath, labels: yPath }, { method: 'probeless', columns: [7, 2, 31] });
    expect(q.columns).toEqual([7, 2, 31]);
    expect(q.ordering!.slice(0, 2).sort((a, b) => a - b)).toEqual([7, 31]);
    await expect(rankNeurons({ probe: p, activations: xPath, labels: yPath }, { method: 'probeless', columns: [5] })).rejects.toThrow(
      "Expected neuron ids among the probe's 7 inputs (its columns) for columns but received 5",
    );
    const w = await rankNeurons({ probe: probe({ columns: [60, 10, 50, 20, 40, 30] }) }, { method: 'weights', stride: 4, columns: [20, 60, 30] });
    expect(w).toMatchObject({ neurons: 3, columns: [20, 60, 30], ordering: [20, 60], unranked: [30] }); // one step: by position in the subset
  });

  it('rankNeurons applies a z-scoring probe\'s statistics by default, and not with zscore: false', async () => {
    const xPath = join(dir, 'planted.npy');
    const yPath = join(dir, 'planted.json');
    const std = Float64Array.from({ length: 40 }, (_, j) => (j === 7 ? 100 : 1)); // neuron 7 scaled down 100x
    const p: Probe = { classes, neurons: 40, mode: 'exact', options: {}, weight: new Float32Array(120), bias: new Float32Array(3), normalization: 'zscore', mean: new Float64Array(40), std };
    const z = await rankNeurons({ probe: p, activations: xPath, labels: yPath }, { method: 'probeless' });
    expect(z.options).toMatchObject({ zscore: true });
    expect(z.ordering!.slice(0, 2).sort((a, b) => a - b)).toEqual([23, 31]);
    expect(z.ordering!.indexOf(7)).toBeGreaterThan(10);
    const raw = await rankNeurons({ probe: p, activations: xPath, labels: yPath }, { method: 'probeless', zscore: false });
    expect(raw.ordering!.slice(0, 3).sort((a, b) => a - b)).toEqual(informative);
    const { normalization: _n, mean: _m, std: _s, ...plain } = p;
    await expect(rankNeurons({ probe: plain, activations: xPath, labels: yPath }, { method: 'iou', zscore: true })).rejects.toThrow(
      'Expected a probe with z-score statistics (normalization "zscore") for zscore: true',
    );
  });

  it('bad input: labels ≠ rows, one class, labels unknown to the probe, options of another method', async () => {
    const xPath = join(dir, 'planted.npy');
    const short = join(dir, 'short.json');
    writeFileSync(short, JSON.stringify([0, 1, 2]));
    await expect(rankNeurons({ activations: xPath, labels: short }, { method: 'probeless' })).rejects.toThrow(
      `${short}: holds 3 labels but the activations have 900 rows; labels must be aligned one per row`,
    );
    await expect(probelessRanking(task, { ids: new Int32Array(900), classes: ['only', 'other'] })).rejects.toThrow(
      'Expected labels with at least 2 classes for a ranking but all rows have the same class',
    );
    await expect(probelessRanking(task, { ids: new Int32Array(10), classes: ['a', 'b'] })).rejects.toThrow('Expected one label per activation row but received 10 labels for 900 rows');
    const p: Probe = { classes: ['c0', 'c1'], neurons: 40, mode: 'exact', options: {}, weight: new Float32Array(80), bias: new Float32Array(2) };
    await expect(rankNeurons({ probe: p, activations: xPath, labels: join(dir, 'planted.json') }, { method: 'iou' })).rejects.toThrow(
      /planted.json: label \d+ is "c2", which is not one of the 2 known classes \(c0, c1\)/,
    );
    await expect(rankNeurons({ activations: xPath, labels: short }, { method: 'probeless', fraction: 0.1 })).rejects.toThrow("Expected no fraction for method 'probeless' but received 0.1");
    await expect(rankNeurons({ activations: xPath }, { method: 'iou' })).rejects.toThrow("Expected labels for method 'iou' but received none");
  });
});
