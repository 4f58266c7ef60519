/**
 * synth's richer planted truth (families, graded, spanning, near-constant, concept neurons with labels, layer
 * blocks, Student-t noise): old options keep their old bytes; the new kinds obey their truth file.
 *
 * Old bytes: the SHA-256 below are of the files written by the generator as it was before the richer options
 * existed (commit 11186ff, main's addon), for the same options, seeds and file names; they were checked equal
 * to this generator's output when the options were added. A change here means old seeds give other data.
 *
 * Statistics: T = 20,000 rows; a sample r has standard error ≤ (1 − ρ²)/√T < 0.0071 (0.0085 allowing for t(5)
 * noise's kurtosis: var r ≈ (1 − ρ²)²(1 + κ/2)/T with excess kurtosis κ = 6/(ν − 4) = 6 … bounded by 0.05 here
 * is 6 standard errors of the worst case); the data are seeded from the test seed.
 */
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNpy } from '../../src/io/npy.js';
import { synth, synthTruth, type SynthOptions } from '../../src/synth/synth.js';
import { filesIn, runCli, tempDir } from '../helpers/cli.js';
import { TEST_SEED } from '../helpers/planted.js';

const dir = tempDir('richer');
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

describe('old options, old bytes', () => {
  const golden: [Omit<SynthOptions, 'out'>, string, string][] = [
    [{ tokens: 1000, neurons: 96, groups: 6, constant: 2, largeMean: 2, seed: 7 }, '87caa76df25e9af091af94fb608baefb47dd9dd50e0cea18b645e08d8d7ff203', '52749ada241b5ae4e01dafe3975564a9f6e0205a21885b2766e730db9df1d079'],
    [
      { tokens: 700, neurons: 120, layers: 4, groupSize: [2, 6], noise: [0.1, 0.9], dtype: 'float16', largeMeanValue: 300, seed: 123456789 },
      '44e2b5bf6466516a9d95e14857f3c3da6eb73dbddb3d9d374a953e702b2d197e',
      '560df3abebe411f48ce31c6c31483cdc204b80882a2c525879281f6393c2a98a',
    ],
    [{ tokens: 300, neurons: 64, seed: 0 }, '59b6ddc8aafa9d05a422762e0988350ab3df773f7feff61bd50bbfedd240bc0b', '257f4da60fa9a7296cd93a801d50ae6399c11b8eecca876104316791dd7dde99'],
  ];
  golden.forEach(([options, data, truth], i) => {
    it(`config ${i}: data and truth file byte-identical to the generator before the richer options`, async () => {
      const r = await synth({ ...options, out: join(dir, `c${i}.npy`), threads: 2 });
      expect(sha(r.path)).toBe(data);
      expect(sha(r.truthPath)).toBe(truth);
      expect(r.truth.version).toBe(1);
      expect(r.labelsPath).toBeUndefined();
    });
  });
});

describe('richer truth', async () => {
  const seed = TEST_SEED % 2 ** 31;
  console.log(`richer-truth.test.ts seed ${seed}`);
  const options: SynthOptions = { out: join(dir, 'v2.npy'), tokens: 20000, neurons: 128, layers: 4, groups: 4, families: 2, familyWeight: 0.6, graded: 1, gradedSize: 5, gradedR: [0.4, 0.95], nearConstant: 2, concepts: 2, conceptNeurons: 2, conceptShift: 2, layerBlocks: 0.2, tailDof: 5, seed, threads: 2 };
  const made = await synth(options);
  const t = made.truth;
  const x = readNpy(made.path).data as Float32Array;
  const T = 20000;
  const D = 128;
  const H = 32;
  // [L, T, H] on disk: neuron c = layer·H + unit
  const col = (c: number) => Float64Array.from({ length: T }, (_, r) => x[(Math.floor(c / H) * T + r) * H + (c % H)]!);
  const stats = (v: Float64Array) => {
    let m = 0;
    for (const a of v) m += a;
    m /= v.length;
    let s = 0;
    for (const a of v) s += (a - m) ** 2;
    return { mean: m, std: Math.sqrt(s / v.length) };
  };
  const r = (a: number, b: number) => {
    const u = col(a);
    const v = col(b);
    const su = stats(u);
    const sv = stats(v);
    let s = 0;
    for (let i = 0; i < T; i++) s += (u[i]! - su.mean) * (v[i]! - sv.mean);
    return s / T / (su.std * sv.std);
  };
  const tol = 0.05;

  it('same options, same bytes, whatever the threads; synthTruth equals the file', async () => {
    const again = await synth({ ...options, out: join(dir, 'v2b.npy'), threads: 1 });
    expect(sha(again.path)).toBe(sha(made.path));
    expect(sha(again.labelsPath!)).toBe(sha(made.labelsPath!));
    expect(JSON.parse(readFileSync(made.truthPath, 'utf8'))).toEqual(t);
    expect(synthTruth(options)).toEqual(t);
    expect(t.version).toBe(2);
    expect(t.noiseDistribution).toEqual({ kind: 'student-t', dof: 5, scaledToUnitVariance: true });
  });

  it('families: two groups of one family correlate at w·ρ_i·ρ_j', () => {
    const [f] = t.families!;
    const a = t.groups[f!.groups[0]!]!.members[1]!;
    const b = t.groups[f!.groups[1]!]!.members[1]!;
    expect(Math.abs(r(a.neuron, b.neuron) - 0.6 * a.expectedR * b.expectedR)).toBeLessThan(tol);
    const other = t.groups[t.families![1]!.groups[0]!]!.members[0]!;
    expect(Math.abs(r(a.neuron, other.neuron))).toBeLessThan(tol);
    // the family's summary, against a brute-force pass over every cross-group member pair
    for (const fam of t.families!) {
      const rs: number[] = [];
      for (const ga of fam.groups)
        for (const gb of fam.groups)
          if (ga < gb) for (const i of t.groups[ga]!.members) for (const j of t.groups[gb]!.members) rs.push(0.6 * i.expectedAbsR * j.expectedAbsR);
      expect(fam.minCrossAbsR).toBeCloseTo(Math.min(...rs), 14);
      expect(fam.meanCrossAbsR).toBeCloseTo(rs.reduce((a, b) => a + b, 0) / rs.length, 14);
    }
    // within a group, still the plain model
    const g = t.groups[0]!;
    expect(Math.abs(r(g.base, g.members[1]!.neuron) - g.members[1]!.expectedR)).toBeLessThan(tol);
  });

  it('graded: |r| with the base runs from 0.95 down to 0.4', () => {
    const g = t.groups.find((x) => x.kind === 'graded')!;
    expect(g.members.slice(1).map((m) => Number(m.expectedAbsR.toFixed(6)))).toEqual([0.95, 0.766667, 0.583333, 0.4]);
    for (const m of g.members.slice(1)) expect(Math.abs(r(g.base, m.neuron) - m.expectedR)).toBeLessThan(tol);
  });

  it('layer blocks, near-constant and concept neurons', () => {
    const byLayer = (l: number) => t.independent.filter((c) => Math.floor(c / H) === l);
    expect(Math.abs(r(byLayer(0)[0]!, byLayer(0)[1]!) - 0.2)).toBeLessThan(tol);
    expect(Math.abs(r(byLayer(0)[0]!, byLayer(1)[0]!))).toBeLessThan(tol);
    for (const n of t.nearConstant!) {
      const s = stats(col(n.neuron));
      expect(Math.abs(s.std - 1e-3)).toBeLessThan(1e-4); // float32 spacing at |value| < 1 is ≤ 6e-8
      expect(Math.abs(s.mean - n.value)).toBeLessThan(1e-4);
    }
    const labels = readNpy(made.labelsPath!);
    expect(labels.descr).toBe('<i4');
    expect(labels.shape).toEqual([T]);
    const y = labels.data as Int32Array;
    const share = y.reduce((n, v) => n + (v === 1 ? 1 : 0), 0) / T;
    expect(Math.abs(share - 0.5)).toBeLessThan(6 * Math.sqrt(0.25 / T));
    for (const c of t.concepts!.neurons) {
      const v = col(c.neuron);
      let on = 0;
      let off = 0;
      let nOn = 0;
      for (let i = 0; i < T; i++) if (y[i] === c.class) (on += v[i]!, nOn++);
      else off += v[i]!;
      expect(Math.abs(on / nOn - off / (T - nOn) - 2)).toBeLessThan(0.1); // se of a mean difference: √(2·2/T) · t-noise ≈ 0.015
    }
    const [a, b] = t.concepts!.neurons.filter((c) => c.class === 0);
    expect(Math.abs(r(a!.neuron, b!.neuron) - t.concepts!.sameClassR)).toBeLessThan(tol);
    expect(t.concepts!.sameClassR).toBeCloseTo(0.5, 12); // s²p(1 − p) = 1: 1/(1 + 1)
  });
});

describe('bad options', () => {
  const base = { out: join(dir, 'bad.npy'), tokens: 10, neurons: 32 };
  it('are refused by name before anything is written', async () => {
    await expect(synth({ ...base, groups: 2, families: 2 })).rejects.toThrow('Expected groups ≥ 2 × families (each family nests at least 2 groups) but received 2 groups and 2 families');
    await expect(synth({ ...base, spanning: 1 })).rejects.toThrow('Expected no spanning groups with a single layer (set layers ≥ 2) for spanning but received 1');
    await expect(synth({ ...base, concepts: 1 })).rejects.toThrow('Expected 0 or at least 2 classes for concepts but received 1');
    await expect(synth({ ...base, tailDof: 2 })).rejects.toThrow('Expected 0 (normal noise) or an integer in [3, 100] for tailDof but received 2');
    await expect(synth({ ...base, gradedR: [0.5, 1] })).rejects.toThrow('Expected a [lowest, highest] pair of |r| in (0, 1) for gradedR but received [0.5, 1]');
    await expect(synth({ ...base, groups: 2, graded: 5 })).rejects.toThrow(
      'Expected the planted neurons to fit in neurons (32) but received 8 in groups, 0 constant, 0 large-mean, 30 graded, 0 spanning, 0 near-constant and 0 concept neurons = 38',
    );
    expect(filesIn(dir).filter((f) => f.startsWith('bad'))).toEqual([]);
  });

  it('the CLI writes the labels file beside the data and refuses a labels file that is an input', () => {
    const out = join(dir, 'cli.npy');
    const ok = runCli(['synth', '-o', out, '--tokens', '300', '--neurons', '64', '--concepts', '2', '--graded', '1', '--graded-r', '0.5:0.9', '--seed', '3']);
    expect(ok.stderr, ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`labels: ${out}.labels.npy`);
    expect(existsSync(`${out}.labels.npy`)).toBe(true);
    const truth = JSON.parse(readFileSync(`${out}.truth.json`, 'utf8'));
    expect(truth.richer.gradedR).toEqual([0.5, 0.9]);
    expect(truth.concepts.labels).toBe('cli.npy.labels.npy');
  });
});
