/**
 * The truth of every planted kind is recovered by the exact method where it should be, and where it should not
 * (graded groups below the cut), it is split exactly as the planted |r| says.
 *
 * "The exact method": the Pearson matrix of the synth data (neurosieve's exact correlation engine), average
 * linkage on d = 1 − |r|, flat clusters at a threshold t. Population correlations come from the truth file; the
 * sample r of T = 20,000 rows has standard error ≤ (1 − ρ²)/√T ≤ 0.007 (a little more with Student-t(5) noise,
 * whose fourth moment is finite), so every threshold below keeps ≥ 0.04 (6 standard errors) from the nearest
 * planted distance it must fall on one side of. The data is seeded from the test seed: every seed must pass.
 *
 * Dataset A (4 layers, Student-t(5) noise): plain groups (noise 0.05 … 0.5: pairwise |r| ≥ 0.8, d ≤ 0.2) in two
 * families (w = 0.5: d ≈ 1 − 0.5·ρ_i·ρ_j ∈ [0.5, 0.6] across a family's groups), graded groups (|r| with the base
 * 0.99, 0.817, 0.645, 0.473, 0.3), spanning groups, constant, near-constant and concept neurons.
 *   t = 0.3:  plain and spanning groups exact; families split into their groups; graded groups split, the core
 *             {base, 0.99, 0.817} (pairwise d ≤ 0.19) exact and the members at 0.645 (d 0.355 to the base),
 *             0.473, 0.3 alone — the documented "below the cut" case;
 *   t = 0.75: families exact (level 'families'); graded groups still split: the 0.3 member's mean |r| to the
 *             rest is 0.3 · 0.785, d = 0.764;
 *   t = 0.85: graded groups exact;
 *   every t < 0.95: constant and near-constant neurons alone.
 * Concept neurons: the probeless ranking on the labels file finds all of them in its first k = #concept neurons.
 * Dataset B: layer blocks (r = 0.1 within a layer, so d ≈ 0.9): at t = 0.95 the independent neurons of each layer
 * form one cluster of their own; at t = 0.3 the plain groups are still exact.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { correlationClusters } from '../../src/cluster/correlation-clusters.js';
import { correlate } from '../../src/correlate/correlate.js';
import { loadActivations } from '../../src/io/load.js';
import { readLabels } from '../../src/probe/labels.js';
import { rankNeurons } from '../../src/rank/rank.js';
import { scoreClustering, scoreRanking } from '../../src/score/score.js';
import { synth, type SynthTruth } from '../../src/synth/synth.js';
import { tempDir } from '../helpers/cli.js';
import { TEST_SEED } from '../helpers/planted.js';

const seed = TEST_SEED % 2 ** 31;
console.log(`recovery.test.ts seed ${seed} (NEUROSIEVE_TEST_SEED=${TEST_SEED} reproduces it)`);
const dir = tempDir('recovery');

async function cuts(path: string, thresholds: number[]) {
  const r = await correlate(path, { threads: 2 });
  return { corr: r, clusters: await correlationClusters(r.corr, { thresholds, linkage: 'average' }) };
}

/** Cluster label of each neuron at cut i. */
const labelsAt = (c: Awaited<ReturnType<typeof cuts>>, i: number) => Array.from(c.clusters.cuts[i]!.labels);

describe('dataset A: plain, nested, graded, spanning, inert and concept neurons (Student-t noise)', async () => {
  const out = join(dir, 'a.npy');
  const made = await synth({
    out,
    tokens: 20000,
    neurons: 240,
    layers: 4,
    groups: 8,
    groupSize: [2, 5],
    families: 2,
    graded: 2,
    gradedSize: 6,
    spanning: 2,
    nearConstant: 3,
    constant: 2,
    largeMean: 2,
    concepts: 3,
    conceptNeurons: 2,
    tailDof: 5,
    seed,
    threads: 2,
  });
  const truth: SynthTruth = made.truth;
  const c = await cuts(out, [0.3, 0.75, 0.85, 0.94]);
  const kinds = (k: string) => truth.groups.filter((g) => g.kind === k);

  it('writes a version 2 truth with every kind', () => {
    expect(truth.version).toBe(2);
    expect(kinds('plain').length).toBe(8);
    expect(kinds('graded').length).toBe(2);
    expect(kinds('spanning').map((g) => g.layers)).toEqual([
      [0, 1, 2, 3],
      [0, 1, 2, 3],
    ]);
    expect(truth.families!.map((f) => f.groups)).toEqual([
      [0, 2, 4, 6],
      [1, 3, 5, 7],
    ]);
    expect(truth.concepts!.neurons.length).toBe(6);
    expect(truth.nearConstant!.length).toBe(3);
  });

  it('t = 0.3: plain and spanning groups exact, graded groups split at their planted core', () => {
    const s = scoreClustering(truth, labelsAt(c, 0));
    expect(s.outcomesByKind.plain).toEqual({ exact: 8, split: 0, merged: 0, splitMerged: 0 });
    expect(s.outcomesByKind.spanning).toEqual({ exact: 2, split: 0, merged: 0, splitMerged: 0 });
    expect(s.outcomesByKind.graded).toEqual({ exact: 0, split: 2, merged: 0, splitMerged: 0 });
    const labels = labelsAt(c, 0);
    for (const g of kinds('graded')) {
      // members in draw order: base, then |r| 0.99, 0.817, 0.645, 0.473, 0.3 with it
      const [base, r99, r82, r65, r47, r30] = g.members.map((m) => m.neuron) as [number, number, number, number, number, number];
      expect(labels[r99]).toBe(labels[base]);
      expect(labels[r82]).toBe(labels[base]);
      const size = (n: number) => labels.filter((l) => l === labels[n]).length;
      expect(size(base)).toBe(3);
      for (const alone of [r65, r47, r30]) expect(size(alone)).toBe(1);
    }
    const families = scoreClustering(truth, labelsAt(c, 0), { level: 'families' });
    expect(families.outcomesByKind.family).toEqual({ exact: 0, split: 2, merged: 0, splitMerged: 0 }); // each family still its groups
  });

  it('t = 0.75: families exact; t = 0.85: graded groups exact', () => {
    const f = scoreClustering(truth, labelsAt(c, 1), { level: 'families' });
    expect(f.outcomesByKind.family).toEqual({ exact: 2, split: 0, merged: 0, splitMerged: 0 });
    expect(scoreClustering(truth, labelsAt(c, 1)).outcomesByKind.graded).toEqual({ exact: 0, split: 2, merged: 0, splitMerged: 0 });
    expect(scoreClustering(truth, labelsAt(c, 2)).outcomesByKind.graded).toEqual({ exact: 2, split: 0, merged: 0, splitMerged: 0 });
  });

  it('constant and near-constant neurons stay alone at every cut', () => {
    for (let i = 0; i < 4; i++) {
      const labels = labelsAt(c, i);
      for (const n of [...truth.constant.map((e) => e.neuron), ...truth.nearConstant!.map((e) => e.neuron)]) {
        expect(labels.filter((l) => l === labels[n]).length).toBe(1);
      }
    }
  });

  it('concept neurons: the probeless ranking on the planted labels finds all of them first', async () => {
    const acts = await loadActivations(out);
    const labels = readLabels(made.labelsPath!, { rows: acts.rows });
    expect(labels.classes.length).toBe(3);
    const ranking = await rankNeurons({ activations: acts, labels }, { method: 'probeless' });
    const [atK] = scoreRanking(truth, ranking.ordering!);
    expect(atK).toMatchObject({ k: 6, total: 6, found: 6, recall: 1, precision: 1, foundPerClass: [2, 2, 2] });
  });
});

describe('dataset B: layer blocks', async () => {
  const out = join(dir, 'b.npy');
  const made = await synth({ out, tokens: 20000, neurons: 128, layers: 4, groups: 4, layerBlocks: 0.1, seed: seed + 1, threads: 2 });
  const truth = made.truth;
  const c = await cuts(out, [0.3, 0.95]);

  it('t = 0.3: plain groups exact; t = 0.95: the independent neurons of each layer form one cluster of their own', () => {
    expect(scoreClustering(truth, labelsAt(c, 0)).outcomes).toEqual({ exact: 4, split: 0, merged: 0, splitMerged: 0 });
    const labels = labelsAt(c, 1);
    const H = 32;
    for (let l = 0; l < 4; l++) {
      const mine = truth.independent.filter((n) => Math.floor(n / H) === l);
      const cluster = labels[mine[0]!];
      expect(mine.every((n) => labels[n] === cluster)).toBe(true);
      expect(labels.filter((x) => x === cluster).length).toBe(mine.length);
    }
  });
});
