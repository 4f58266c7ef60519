/**
 * The report's views (src/analyze/views*.ts, native/src/views/): each part against a float64 / brute-force
 * reference on fresh planted data.
 *  - column profiles: min, max, histogram counts (bin edges as the reader computes them) and the k highest rows
 *    with ties to the lower row, the same bytes at 1 and 3 threads;
 *  - block means of |r|: against a float64 sum (tolerance 1e-12: both sum float32 values in double, in another
 *    order);
 *  - the dendrogram's leaves are the clusters fcluster gives at p = leaves (continuous data: no tied heights),
 *    and leaf order lists every neuron once with each merge's members contiguous;
 *  - end to end in analyze: a top row's context centre is its own value, the cuts agree with ccOnly, and raw
 *    values do not depend on z-scoring.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze/analyze.js';
import type { Corpus } from '../../src/analyze/corpus.js';
import { leafOrder, topMerges } from '../../src/analyze/views-tree.js';
import { correlationClusters } from '../../src/cluster/correlation-clusters.js';
import { fcluster } from '../../src/cluster/fcluster.js';
import { native } from '../../src/core/native.js';
import { unpack } from '../../src/io/packed-array.js';
import type { LoadedActivations } from '../../src/io/load.js';
import { prng, randn } from '../helpers/formats.js';
import { planted, referenceCorrelation, TEST_SEED } from '../helpers/planted.js';
import { plantedTask } from '../helpers/planted-task.js';

console.log(`views.test.ts seed ${TEST_SEED} (set NEUROSIEVE_TEST_SEED to reproduce)`);

describe('column profiles', () => {
  it('match a brute-force reference, ties to the lower row, independent of threads', async () => {
    const rand = prng(TEST_SEED);
    const rows = 1000, cols = 70, bins = 16, k = 7;
    const z = randn(rows * cols, rand);
    const x = new Float32Array(rows * cols);
    for (let t = 0; t < rows; t++) {
      for (let j = 0; j < cols; j++) {
        // Column kinds: continuous, few integer levels (many ties), constant.
        const v = j % 3 === 0 ? z[t * cols + j]! * 3 + 10 : j % 3 === 1 ? Math.round(z[t * cols + j]! * 2) : 2.5;
        x[t * cols + j] = v;
      }
    }
    const one = await native().columnProfiles(x, rows, cols, bins, k, 1);
    const three = await native().columnProfiles(x, rows, cols, bins, k, 3);
    for (const key of ['min', 'max', 'counts', 'topRows', 'topValues'] as const) {
      expect(Buffer.from(three[key].buffer).equals(Buffer.from(one[key].buffer))).toBe(true);
    }
    for (let j = 0; j < cols; j++) {
      const col = Array.from({ length: rows }, (_, t) => x[t * cols + j]!);
      const lo = Math.min(...col), hi = Math.max(...col);
      expect(one.min[j]).toBe(lo);
      expect(one.max[j]).toBe(hi);
      const counts = new Array<number>(bins).fill(0);
      const w = (hi - lo) / bins;
      for (const v of col) counts[w > 0 ? Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / w))) : 0]!++;
      expect(Array.from(one.counts.subarray(j * bins, (j + 1) * bins))).toEqual(counts);
      const order = col.map((v, t) => [v, t] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]).slice(0, k);
      expect(Array.from(one.topRows.subarray(j * k, (j + 1) * k))).toEqual(order.map((o) => o[1]));
      expect(Array.from(one.topValues.subarray(j * k, (j + 1) * k))).toEqual(order.map((o) => o[0]));
    }
  });
});

describe('block means of |r|', () => {
  it('match a float64 reference, skip neurons outside every block', async () => {
    const p = planted(600, 45, TEST_SEED + 1);
    const ref = referenceCorrelation(p.x, p.rows, p.cols);
    const corr = Float32Array.from(ref.r);
    const rand = prng(TEST_SEED + 2);
    const blocks = 6;
    const blockOf = Int32Array.from({ length: 45 }, () => Math.floor(rand() * (blocks + 1)) - 1); // −1 … 5
    const got = await native().blockMeanAbs(corr, 45, 45, blockOf, blocks, 2);
    for (let a = 0; a < blocks; a++) {
      for (let b = 0; b < blocks; b++) {
        let sum = 0, n = 0;
        for (let i = 0; i < 45; i++) for (let j = 0; j < 45; j++) if (blockOf[i] === a && blockOf[j] === b) (sum += Math.abs(corr[i * 45 + j]!)), n++;
        const want = n > 0 ? sum / n : 0;
        expect(Math.abs(got[a * blocks + b]! - want)).toBeLessThanOrEqual(1e-12 * Math.max(1, want));
      }
    }
  });
});

describe('within-cluster |r| histograms', () => {
  it('count every member pair once, in the bin of its |r|', async () => {
    const p = planted(500, 50, TEST_SEED + 5);
    const corr = Float32Array.from(referenceCorrelation(p.x, p.rows, p.cols).r);
    const rand = prng(TEST_SEED + 6);
    const clusters = 7, bins = 10;
    const labels = Int32Array.from({ length: 50 }, () => 1 + Math.floor(rand() * clusters));
    const got = await native().clusterPairHistograms(corr, 50, 50, labels, clusters, bins, 3);
    const want = new Uint32Array(clusters * bins);
    for (let i = 0; i < 50; i++) {
      for (let j = i + 1; j < 50; j++) {
        if (labels[i] !== labels[j]) continue;
        const r = Math.min(1, Math.abs(corr[i * 50 + j]!));
        want[(labels[i]! - 1) * bins + Math.min(bins - 1, Math.floor(r * bins))]!++;
      }
    }
    expect(Array.from(got)).toEqual(Array.from(want));
  });
});

describe('the top of the tree', () => {
  it('leaves are the clusters at p = leaves; leaf order keeps every merge contiguous', async () => {
    const p = planted(400, 60, TEST_SEED + 3);
    const corr = Float32Array.from(referenceCorrelation(p.x, p.rows, p.cols).r);
    const { linkage: Z } = await correlationClusters(corr, { thresholds: [0.5], threads: 1 });
    const layers = [0, 1, 2].map((l) => ({ name: `layer ${l}`, offset: 20 * l, width: 20 }));
    const d = topMerges(Z, 60, layers, 15);
    expect(d.leaves).toHaveLength(16);
    expect(d.merges).toHaveLength(15);
    expect(d.leaves.reduce((s, l) => s + l.size, 0)).toBe(60);
    const labels = fcluster(Z, 16, 'maxclust');
    const byLabel = new Map<number, number[]>();
    labels.forEach((c, j) => byLabel.set(c, [...(byLabel.get(c) ?? []), j]));
    const clusters = [...byLabel.values()].sort((a, b) => a[0]! - b[0]!);
    expect(d.leaves.map((l) => [l.first, l.size])).toEqual(clusters.map((c) => [c[0], c.length]));
    for (const [i, l] of d.leaves.entries()) expect(l.perLayer).toEqual([0, 1, 2].map((li) => clusters[i]!.filter((j) => Math.floor(j / 20) === li).length));
    // Each merge's size is its children's, and the last one holds everything at the root's height.
    const size = (node: number): number => (node < 16 ? d.leaves[node]!.size : d.merges[node - 16]![3]);
    for (const [a, b, , s] of d.merges) expect(size(a) + size(b)).toBe(s);
    expect(d.merges[14]![2]).toBe(Z[58 * 4 + 2]);

    const order = leafOrder(Z, 60);
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, j) => j));
    const position = new Int32Array(60);
    order.forEach((j, i) => (position[j] = i));
    const members: number[][] = Array.from({ length: 60 }, (_, j) => [j]);
    for (let i = 0; i < 59; i++) {
      const m = [...members[Z[i * 4]!]!, ...members[Z[i * 4 + 1]!]!];
      members.push(m);
      const pos = m.map((j) => position[j]!);
      expect(Math.max(...pos) - Math.min(...pos) + 1).toBe(m.length);
    }
  });
});

describe('views in analyze', () => {
  const task = plantedTask(3000, TEST_SEED + 4);
  // Sentences of 10 words each: every row's neighbours are held (compat split of the whole task).
  const corpus: Corpus = { unit: 'tokens', sentences: Array.from({ length: 300 }, (_, s) => task.words.slice(10 * s, 10 * s + 10)) };
  const run = (zscore: boolean) => {
    const activations: LoadedActivations = { x: task.x.slice(), rows: task.rows, cols: task.D, nonFinite: 0 };
    const counts = [0, 1, 2].map((c) => task.y.filter((v) => v === c).length);
    return analyze({ train: { activations, labels: { ids: task.y.slice(), classes: task.classes, counts }, words: task.words }, layers: task.H, corpus },
      { seeds: 1, thresholds: [-1, 0.05, 0.3], deltas: [[3, 1]], epochs: 10, compareExact: false, zscore });
  };

  it('top rows are the highest raw values with their context; cuts agree with ccOnly; z-scoring changes nothing', async () => {
    const [zs, plain] = [await run(true), await run(false)];
    const D = task.D;
    for (const r of [zs, plain]) {
      const v = r.views!;
      const top = v.neurons!.top!;
      const k = top.k;
      const rows = unpack(top.row), values = unpack(top.value), scale = unpack(top.context!.scale), ctx = unpack(top.context!.values);
      const sentence = unpack(top.sentence!), position = unpack(top.position!);
      const W = top.context!.window;
      for (const j of [0, task.concept[1]!, D - 1]) {
        for (let i = 0; i < k; i++) {
          const row = rows[j * k + i]!;
          // Raw value of the row in the original (unsplit, unscaled) matrix, to float32 rounding of the z-score map.
          expect(Math.abs(values[j * k + i]! - task.x[row * D + j]!)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(task.x[row * D + j]!)));
          expect(ctx[(j * k + i) * (2 * W + 1) + W]).toBe(Math.round((127 * values[j * k + i]!) / scale[j]!));
          const s = v.text!.sentences[sentence[j * k + i]!]!;
          expect(s.index).toBe(Math.floor(row / 10));
          expect(position[j * k + i]).toBe(row % 10);
          expect(v.text!.vocabulary[s.words[row % 10]!]).toBe(task.words[row]);
        }
      }
      for (const cut of v.cuts!) {
        const cc = r.ccOnly.find((c) => c.threshold === cut.threshold)!;
        expect([...cut.kept].sort((a, b) => a - b)).toEqual(cc.neurons);
        const labels = unpack(cut.labels);
        cut.kept.forEach((id, c) => expect(labels[id]).toBe(c + 1));
        // Every cluster of two or more has a histogram of all its member pairs.
        const sizes = new Map<number, number>();
        for (const c of labels) sizes.set(c, (sizes.get(c) ?? 0) + 1);
        const ids = unpack(cut.within!.clusters), counts = unpack(cut.within!.counts);
        expect(Array.from(ids)).toEqual([...sizes].filter(([, n]) => n >= 2).map(([c]) => c).sort((a, b) => a - b));
        ids.forEach((c, i) => expect(counts.subarray(i * cut.within!.bins, (i + 1) * cut.within!.bins).reduce((a, b) => a + b, 0)).toBe((sizes.get(c)! * (sizes.get(c)! - 1)) / 2));
      }
      expect(unpack(v.heatmaps!.order).length).toBe(D);
      expect(v.heatmaps!.layers.map((m) => m.span)).toEqual([0, 1, 2, 3].map((l) => [l * task.H, (l + 1) * task.H]));
    }
    // Same top rows with and without z-scoring (a monotone map per neuron).
    expect(zs.views!.neurons!.top!.row).toEqual(plain.views!.neurons!.top!.row);
    // Linear CKA of the raw train rows between layers, the same from z-scored rows (r and the raw stds kept).
    const [a, b] = [zs.views!.cka!, plain.views!.cka!];
    expect(a.estimator).toBe('linear');
    expect(a.layers).toHaveLength(4);
    a.matrix.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v! - b.matrix[i]![j]!)).toBeLessThan(1e-5)));
    a.matrix.forEach((row, i) => expect(row[i]).toBeCloseTo(1, 6));
  });
});
