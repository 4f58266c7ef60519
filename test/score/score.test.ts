/**
 * scoreClustering / scoreSelection / scoreRanking / redundancyLeft on synth data with planted groups, and the
 * `neurosieve score` command.
 *
 * The redundancy left is checked two ways: (1) the native scan against the same scan in JS over the same float32
 * matrix — equal exactly (|r| of one float32 entry, no arithmetic); (2) against a float64 two-pass reference
 * correlation of the data, within 1e-5 (float32 correlations agree with float64 within 1e-6 relative; |r| ≤ 1).
 * Each input path (square matrix in memory, corr .npy read in row blocks, float64 .npy, stats file, activations)
 * must give the same answer as (1).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { correlate } from '../../src/correlate/correlate.js';
import { writeStats } from '../../src/correlate/stats.js';
import { NeurosieveError } from '../../src/core/errors.js';
import { writeNpy } from '../../src/io/npy.js';
import { redundancyLeft } from '../../src/score/redundancy-left.js';
import { scoreClustering, scoreRanking, scoreSelection } from '../../src/score/score.js';
import { plantedTruth } from '../../src/score/truth.js';
import { synth } from '../../src/synth/synth.js';
import { readNpy } from '../../src/io/npy.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { prng } from '../helpers/formats.js';
import { referenceCorrelation, TEST_SEED } from '../helpers/planted.js';

const seed = TEST_SEED;
console.log(`score.test.ts seed ${seed} (NEUROSIEVE_TEST_SEED=${seed} reproduces it)`);
const dir = tempDir('score');
const data = join(dir, 'd.npy');
const T = 3000;
const D = 96;
const made = await synth({ out: data, tokens: T, neurons: D, groups: 8, groupSize: [2, 5], seed: seed % 2 ** 31, threads: 1 });
const truth = made.truth;
const x = readNpy(data).data as Float32Array;
const ref = referenceCorrelation(x, T, D).r;
const corr = await correlate(data, { threads: 1 });
const corrPath = join(dir, 'c.npy');
writeNpy(corrPath, corr.corr, [D, D]);
const rand = prng(seed);

/** A random subset of neurons, in random order. */
function someNeurons(k: number): number[] {
  const ids = Array.from({ length: D }, (_, i) => i);
  for (let i = D - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  return ids.slice(0, k);
}

function jsScan(m: ArrayLike<number>, stride: number, kept: number[]): { max: number[]; arg: number[] } {
  const max: number[] = [];
  const arg: number[] = [];
  for (let i = 0; i < kept.length; i++) {
    let best = 0;
    let at = -1;
    for (let j = 0; j < kept.length; j++) {
      if (j === i) continue;
      const r = Math.abs(m[kept[i]! * stride + kept[j]!]!);
      if (r > best || at < 0) [best, at] = [r, j];
    }
    max.push(best);
    arg.push(at < 0 ? -1 : kept[at]!);
  }
  return { max, arg };
}

describe('redundancy left among kept neurons', () => {
  const kept = someNeurons(40);
  const expected = jsScan(corr.corr, D, kept);

  it('in memory: the native scan equals the JS scan, and the float64 reference within 1e-5', async () => {
    const r = await redundancyLeft(corr.corr, kept, 2);
    expect(Array.from(r.maxAbsR)).toEqual(expected.max.map((v) => Math.fround(v)));
    expect(Array.from(r.nearest)).toEqual(expected.arg);
    const f64 = jsScan(ref, D, kept);
    for (let i = 0; i < kept.length; i++) expect(Math.abs(r.maxAbsR[i]! - f64.max[i]!)).toBeLessThanOrEqual(1e-5);
    const sorted = [...expected.max].sort((a, b) => a - b);
    expect(r.max).toBe(Math.fround(sorted.at(-1)!));
    expect(r.atLeast['0.5']).toBe(expected.max.filter((v) => v >= 0.5).length);
  });

  it('a corr .npy read in blocks of rows (float32 and float64), a stats file and the activations agree', async () => {
    const base = await redundancyLeft(corr.corr, kept, 1);
    for (const blockBytes of [D * 4, 7 * D * 4, 1 << 25]) {
      const r = await redundancyLeft(corrPath, kept, 1, blockBytes);
      expect(Array.from(r.maxAbsR)).toEqual(Array.from(base.maxAbsR));
      expect(Array.from(r.nearest)).toEqual(Array.from(base.nearest));
    }
    const f64Path = join(dir, 'c64.npy');
    writeNpy(f64Path, Float64Array.from(corr.corr), [D, D]);
    expect(Array.from((await redundancyLeft(f64Path, kept, 1, 5 * D * 8)).maxAbsR)).toEqual(Array.from(base.maxAbsR));
    const statsPath = join(dir, 'run.stats');
    writeStats(statsPath, corr.stats);
    const fromStats = await redundancyLeft(statsPath, kept, 1);
    const fromActs = await redundancyLeft({ activations: data }, kept, 1);
    for (let i = 0; i < kept.length; i++) {
      expect(Math.abs(fromStats.maxAbsR[i]! - base.maxAbsR[i]!)).toBeLessThanOrEqual(1e-6);
      expect(Math.abs(fromActs.maxAbsR[i]! - base.maxAbsR[i]!)).toBeLessThanOrEqual(1e-6);
    }
  });

  it('one kept neuron has nothing left; ids beyond the matrix are refused', async () => {
    const one = await redundancyLeft(corr.corr, [3]);
    expect(one.max).toBe(0);
    expect(Array.from(one.nearest)).toEqual([-1]);
    await expect(redundancyLeft(corrPath, [0, D])).rejects.toThrow(`${corrPath}: has ${D} neurons, but neuron ${D} is kept`);
  });
});

describe('scoreClustering and scoreSelection on planted groups', () => {
  it('the planted partition itself scores 1 everywhere; a base per group covers every group once', async () => {
    const labels = truth.groupOf.map((g, i) => (g >= 0 ? g : 1000 + i));
    const s = scoreClustering(truth, labels);
    expect(s).toMatchObject({ ari: 1, pairPrecision: 1, pairRecall: 1, planted: 8, outcomes: { exact: 8, split: 0, merged: 0, splitMerged: 0 } });
    expect(s.nmi).toBeCloseTo(1, 12);
    const bases = truth.groups.map((g) => g.base);
    const others = truth.groupOf.flatMap((g, i) => (g < 0 ? [i] : []));
    const sel = await scoreSelection(truth, [...bases, ...others], { correlation: corr.corr });
    expect(sel).toMatchObject({ planted: 8, covered: 8, lost: 0, duplicated: 0, extraKept: 0, inertKept: truth.constant.length });
    // Bases of distinct groups and independent neurons: population r = 0, sample |r| ~ 1/sqrt(T) (< 0.15 at 6 sd)
    expect(sel.redundancyLeft!.max).toBeLessThan(0.15);
    // Two members of one group kept: a duplicate, and its |r| is what is left
    const g = truth.groups[0]!;
    const dup = await scoreSelection(truth, [...bases, g.neurons.find((n) => n !== g.base)!], { correlation: corrPath });
    expect(dup.duplicated).toBe(1);
    expect(dup.redundancyLeft!.max).toBeGreaterThan(0.5);
  });

  it('a clustering of a subset is scored on the subset (columns)', () => {
    const columns = someNeurons(50);
    const labels = columns.map((c) => (truth.groupOf[c]! >= 0 ? truth.groupOf[c]! : 1000 + c));
    const s = scoreClustering(truth, labels, { columns });
    expect(s.neurons).toBe(50);
    expect(s.ari).toBe(1);
    const inSubset = truth.groups.filter((g) => g.neurons.filter((n) => columns.includes(n)).length >= 2).length;
    expect(s.planted).toBe(inSubset);
  });

  it('errors name the option and the entry', async () => {
    expect(() => scoreClustering(truth, [1, 2, 3])).toThrow(`Expected ${D} cluster labels (one per neuron) for labels but received 3`);
    expect(() => scoreClustering(truth, new Array(D).fill(0.5))).toThrow('Expected integer cluster labels for labels but received 0.5 at position 0');
    expect(() => scoreClustering(truth, new Array(D).fill(0), { level: 'families' })).toThrow("Expected a truth with nested groups (families) for level 'families' but truth has none");
    await expect(scoreSelection(truth, [1, 1])).rejects.toThrow('Expected distinct neuron ids for kept but received 1 more than once');
    await expect(scoreSelection(truth, [D])).rejects.toThrow(`Expected neuron ids in [0, ${D - 1}] for kept but received ${D} at position 0`);
    expect(() => scoreRanking(truth, [0, 1])).toThrow('Expected a truth with concept neurons to score a ranking but truth has none (synth --concepts)');
  });

  it('a malformed truth is refused naming the entry', () => {
    const doc = JSON.parse(JSON.stringify(truth));
    doc.groups[1].neurons.push(doc.groups[0].neurons[0]);
    expect(() => plantedTruth(doc, 'x.truth.json')).toThrow(`x.truth.json: not a neurosieve synth truth file (neuron ${doc.groups[0].neurons[0]} is in groups[0] and groups[1])`);
    expect(() => plantedTruth({ ...truth, version: 9 }, 'x.truth.json')).toThrow('x.truth.json: not a neurosieve synth truth file (unsupported version 9)');
  });
});

describe('neurosieve score', () => {
  it('scores every cut of a clusters file, a selection and labels from another tool', () => {
    const clusters = join(dir, 'clusters.json');
    expect(runCli(['cluster', corrPath, '-t', '0.05', '0.5', '-o', clusters, '-q']).code).toBe(0);
    const out = join(dir, 'score.json');
    const labels = join(dir, 'labels.json');
    writeFileSync(labels, JSON.stringify(truth.groupOf.map((g, i) => (g >= 0 ? g : -1 - i))));
    // Another tool's labels as an integer .npy: groups merged in pairs (0+1, 2+3, …), the rest alone
    const npyLabels = join(dir, 'labels.npy');
    writeNpy(npyLabels, Int32Array.from(truth.groupOf, (g, i) => (g >= 0 ? g >> 1 : 100 + i)), [D]);
    const r = runCli(['score', made.truthPath, '-c', clusters, labels, npyLabels, '--corr', corrPath, '--selection', `${clusters}@0.5`, '-o', out]);
    expect(r.stderr, r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/t = 0\.5: ARI 1\.000 NMI 1\.000 pairs P 100\.0% R 100\.0%  groups 8\/8 exact/);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    expect(doc.format).toBe('neurosieve-score');
    expect(doc.clusterings[0].cuts.map((c: { threshold: number }) => c.threshold)).toEqual([0.05, 0.5]);
    expect(doc.clusterings[1].cuts[0].ari).toBe(1);
    expect(doc.clusterings[2].cuts[0].outcomes).toEqual({ exact: 0, split: 0, merged: 8, splitMerged: 0 });
    expect(doc.clusterings[2].cuts[0].pairRecall).toBe(1);
    expect(doc.clusterings[2].cuts[0].pairPrecision).toBeLessThan(1);
    expect(doc.clusterings[0].cuts[1].kept.redundancyLeft.max).toBeLessThan(0.5);
    expect(doc.selection.covered).toBe(8);
  });

  it('bad input: nothing to score (exit 2), a file that is not a clustering (exit 1, naming it)', () => {
    const none = runCli(['score', made.truthPath]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("Expected --clusters, --selection or --ranking for 'neurosieve score' but received none of them");
    const badFile = join(dir, 'bad.json');
    writeFileSync(badFile, JSON.stringify({ cuts: [{ labels: [1, 2] }, { labels: [1] }] }));
    const bad = runCli(['score', made.truthPath, '-c', badFile]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`${badFile}: not a clustering (cuts[1] has 1 labels, but cuts[0] has 2)`);
    const short = join(dir, 'short.json');
    writeFileSync(short, JSON.stringify([1, 2, 3]));
    const s = runCli(['score', made.truthPath, '-c', short]);
    expect(s.code).toBe(2);
    expect(s.stderr).toContain(`${short}, cut 0: Expected ${D} cluster labels (one per neuron) for labels but received 3`);
  });
});
