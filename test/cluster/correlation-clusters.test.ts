/**
 * correlationClusters and `neurosieve cluster`: the three inputs (matrix in memory, corr.npy, stats file) give
 * the same linkage, planted groups of `neurosieve synth` are recovered, representatives are deterministic, and
 * bad input fails with a clear message, exit code != 0 and no output left behind.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { correlate } from '../../src/correlate/correlate.js';
import { correlationClusters } from '../../src/cluster/correlation-clusters.js';
import { fcluster } from '../../src/cluster/fcluster.js';
import { readNpy, writeNpy } from '../../src/io/npy.js';
import { linkage } from '../../src/cluster/linkage.js';
import { writeStats } from '../../src/correlate/stats.js';
import { synth } from '../../src/synth/synth.js';
import { filesIn, runCli, tempDir } from '../helpers/cli.js';
import { npyBytes, prng } from '../helpers/formats.js';
import { planted, referenceCorrelation, TEST_SEED } from '../helpers/planted.js';

/** NeuroX's distances in float64 from a square r: clipped to [−1, 1] (np.corrcoef), NaN → 0, (r + rᵀ)/2, 1 − |r|, condensed. */
function neuroxDistances(r: ArrayLike<number>, n: number): Float64Array {
  const d = new Float64Array((n * (n - 1)) / 2);
  let k = 0;
  const v = (x: number) => (Number.isNaN(x) ? 0 : Math.max(-1, Math.min(1, x)));
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) d[k++] = 1 - Math.abs((v(r[i * n + j]!) + v(r[j * n + i]!)) / 2);
  return d;
}

describe(`correlationClusters (seed ${TEST_SEED})`, () => {
  it('repair: float64 precision on a float64 matrix equals scipy-style linkage of NeuroX distances, with NaN and asymmetry', async () => {
    const n = 30;
    const p = planted(100, n, TEST_SEED + 1);
    const r = Float64Array.from(referenceCorrelation(p.x, 100, n).r);
    for (let k = 0; k < 40; k++) r[(k * 7919) % (n * n)]! += 1e-3 * Math.sin(k); // asymmetric (symmetrisation matters), sometimes beyond ±1
    r[3 * n + 5] = Number.NaN;
    r[4 * n + 4] = 1.5; // diagonal: ignored
    r[1 * n + 7] = 1.0000001; // beyond 1: clipped
    const before = r.slice();
    const ref = await linkage(neuroxDistances(r, n), { method: 'average' });
    const res = await correlationClusters(r, { thresholds: [0.2, 0.5], precision: 'float64', repair: true });
    expect(res.linkage).toEqual(ref);
    expect(Array.from(res.cuts[0]!.labels)).toEqual(Array.from(fcluster(ref, 0.2)));
    expect(r).toEqual(before);
    const f32 = await correlationClusters(r, { thresholds: [0.2, 0.5], repair: true });
    expect(f32.repairs).toEqual(res.repairs);
    for (let i = 2; i < ref.length; i += 4) expect(Math.abs(f32.linkage[i]! - ref[i]!)).toBeLessThanOrEqual(1e-6 * Math.max(ref[i]!, 1e-3));
  });

  it('a matrix in memory, its corr.npy and the stats file give the same Z; central representatives agree', async () => {
    const dir = tempDir('cluster');
    const p = planted(300, 40, TEST_SEED + 2);
    writeFileSync(join(dir, 'x.npy'), npyBytes(p.x, [300, 40], 'float32'));
    const c = await correlate(join(dir, 'x.npy'));
    writeNpy(join(dir, 'corr.npy'), c.corr, [40, 40]);
    writeStats(join(dir, 'run.stats'), c.stats);
    const opts = { thresholds: [0.1, 0.3, 0.9], representative: 'central' as const, threads: 2 };
    const a = await correlationClusters(c.corr, opts);
    const b = await correlationClusters(join(dir, 'corr.npy'), opts);
    const s = await correlationClusters(join(dir, 'run.stats'), { ...opts, threads: 1 });
    expect(b.linkage).toEqual(a.linkage);
    expect(s.linkage).toEqual(a.linkage);
    expect(s.cuts.map((x) => x.kept)).toEqual(a.cuts.map((x) => x.kept));
    // Central: the member with the highest summed |r| to the others, checked against the float64 correlation.
    const ref = referenceCorrelation(p.x, 300, 40).r;
    for (const cut of a.cuts) {
      cut.sizes.forEach((size, ci) => {
        const members = [...cut.labels.keys()].filter((i) => cut.labels[i] === ci + 1);
        expect(members.length).toBe(size);
        const score = (i: number) => members.reduce((acc, j) => acc + (i === j ? 0 : Math.abs(ref[i * 40 + j]!)), 0);
        const best = Math.max(...members.map(score));
        expect(score(cut.kept[ci]!)).toBeGreaterThanOrEqual(best - 1e-5);
      });
    }
  });

  it('random representatives: one member per cluster, deterministic for a seed, independent of the other thresholds', async () => {
    const p = planted(200, 50, TEST_SEED + 3);
    const r = Float32Array.from(referenceCorrelation(p.x, 200, 50).r);
    const a = await correlationClusters(r, { thresholds: [0.3, 0.6], seed: 7 });
    const b = await correlationClusters(r, { thresholds: [0.6], seed: 7 });
    const c = await correlationClusters(r, { thresholds: [0.3, 0.6], seed: 8 });
    expect(b.cuts[0]!.kept).toEqual(a.cuts[1]!.kept);
    for (const cut of [...a.cuts, ...c.cuts]) {
      expect(cut.kept.length).toBe(cut.clusters);
      cut.kept.forEach((neuron, ci) => expect(cut.labels[neuron]).toBe(ci + 1));
    }
    // The seed matters wherever a cluster has several members. With few such clusters two seeds can pick the
    // same members by chance (one pair: 1 in 2), so look for a difference over 32 further seeds (2^-32).
    if (a.cuts.some((x) => x.sizes.some((s) => s > 1))) {
      let differs = c.cuts.some((cut, i) => cut.kept.join() !== a.cuts[i]!.kept.join());
      for (let seed = 9; !differs && seed < 41; seed++) {
        const d = await correlationClusters(r, { thresholds: [0.3, 0.6], seed });
        differs = d.cuts.some((cut, i) => cut.kept.join() !== a.cuts[i]!.kept.join());
      }
      expect(differs).toBe(true);
    }
  });

  it('recovers the planted groups of neurosieve synth', async () => {
    const dir = tempDir('cluster-synth');
    const out = join(dir, 'x.npy');
    const { truth } = await synth({ out, tokens: 4000, neurons: 256, groups: 24, groupSize: [2, 6], noise: [0.05, 0.5], seed: TEST_SEED % 1000 });
    const c = await correlate(out);
    // Members correlate with |r| >= 1/(1 + 0.5^2) = 0.8 (d <= 0.2) within a group and ~1/sqrt(4000) across:
    // at t = 0.3 the non-singleton clusters are exactly the planted groups.
    const res = await correlationClusters(c.corr, { thresholds: [0.3] });
    const cut = res.cuts[0]!;
    const clusters = new Map<number, number[]>();
    cut.labels.forEach((l, i) => clusters.set(l, [...(clusters.get(l) ?? []), i]));
    const found = [...clusters.values()].filter((m) => m.length > 1).map((m) => m.join(',')).sort();
    const planted_ = truth.groups.map((g) => [...g.neurons].sort((x, y) => x - y).join(',')).sort();
    expect(found).toEqual(planted_);
    expect(cut.clusters).toBe(256 - truth.groups.reduce((acc, g) => acc + g.neurons.length - 1, 0));
  });

  it('stops with E_CANCELLED when aborted mid-job', async () => {
    // Progress events reach JS asynchronously: at n = 1,500 the first one arrived 70 ms into an 89 ms job, so a
    // busy machine could finish before the abort. At n = 4,000 it arrives at ~10% of the job.
    const n = 4000;
    const rand = prng(TEST_SEED + 12);
    const r = new Float32Array(n * n).map(() => 2 * rand() - 1);
    const ac = new AbortController();
    const job = correlationClusters(r, { thresholds: [0.3], signal: ac.signal, onProgress: () => ac.abort(), repair: true });
    await expect(job).rejects.toMatchObject({ code: 'E_CANCELLED' });
  });

  it('rejects bad input with clear messages', async () => {
    await expect(correlationClusters(new Float32Array(6), { thresholds: [0.3] })).rejects.toThrow(
      'Expected a square correlation matrix (n x n values, n >= 2) for input but received 6 values',
    );
    await expect(correlationClusters(new Float32Array(1), { thresholds: [0.3] })).rejects.toMatchObject({ code: 'E_SHAPE' });
    await expect(correlationClusters(new Float32Array(4), { thresholds: [2.5] })).rejects.toThrow(
      'Expected a distance threshold in [0, 2] for thresholds but received 2.5',
    );
    await expect(correlationClusters(new Float32Array(4), { thresholds: [] })).rejects.toMatchObject({ code: 'E_ARGUMENT' });
    await expect(correlationClusters(new Float32Array(4), { thresholds: [0.3], representative: 'first' as 'random' })).rejects.toThrow(
      "Expected one of 'random', 'central' for representative but received 'first'",
    );
    const inf = new Float32Array([1, 0.5, Infinity, 1]);
    await expect(correlationClusters(inf, { thresholds: [0.3] })).rejects.toThrow('infinite correlation at row 1, column 0');
  });
});

describe(`correlation files bigger than one 32 MiB read block (seed ${TEST_SEED})`, () => {
  it('a float32 / float64 .npy and a stats file give the Z of the distances computed here', async () => {
    const dir = tempDir('cluster-big');
    const rand = prng(TEST_SEED + 11);
    // n = 2,200: 8 bytes × n² > 32 MiB, so the square is read in several row blocks; asymmetric on purpose.
    const n = 2200;
    const r = new Float64Array(n * n);
    for (let k = 0; k < n * n; k++) r[k] = Math.fround(2 * rand() - 1);
    for (let k = 0; k < 50; k++) r[Math.floor(rand() * n * n)] = rand() < 0.5 ? 1 : Number.NaN;
    const d32 = new Float32Array((n * (n - 1)) / 2);
    const d64 = new Float64Array(d32.length);
    let k = 0;
    const v = (x: number) => (Number.isNaN(x) ? 0 : x);
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++, k++) {
        d64[k] = 1 - Math.abs((v(r[i * n + j]!) + v(r[j * n + i]!)) / 2);
        d32[k] = d64[k]!;
      }
    }
    writeNpy(join(dir, 'r32.npy'), Float32Array.from(r), [n, n]);
    writeNpy(join(dir, 'r64.npy'), r, [n, n]);
    const a = await correlationClusters(join(dir, 'r32.npy'), { thresholds: [0.5], repair: true });
    expect(a.linkage).toEqual(await linkage(d32));
    const b = await correlationClusters(join(dir, 'r64.npy'), { thresholds: [0.5], precision: 'float64', repair: true });
    expect(b.linkage).toEqual(await linkage(d64));

    // Stats: n = 3,000 packed float64 is 36 MB, two read blocks. r = M_ij / sqrt(M_ii M_jj), clamped, rounded
    // to float32 (as `neurosieve corr` writes it), d = 1 - |r|; one zero-variance neuron (r = 0, d = 1).
    const m = 3000;
    const comoment = new Float64Array((m * (m + 1)) / 2);
    const inv = new Float64Array(m);
    for (let i = 0, off = 0; i < m; off += m - i, i++) {
      comoment[off] = i === 17 ? 0 : 1 + rand();
      inv[i] = comoment[off]! > 0 ? 1 / Math.sqrt(comoment[off]!) : 0;
      // |M_ij| <= 0.6 < sqrt(M_ii M_jj): Cauchy-Schwarz holds; the zero-variance neuron's co-moments are 0.
      for (let j = i + 1; j < m; j++) comoment[off + j - i] = (rand() - 0.5) * 1.2;
    }
    for (let i = 0, off = 0; i < m; off += m - i, i++) {
      for (let j = i + 1; j < m; j++) if (i === 17 || j === 17) comoment[off + j - i] = 0;
    }
    writeStats(join(dir, 'run.stats'), { count: 10, cols: m, layers: 1, mean: new Float64Array(m), comoment, dtype: 'float32', sources: [] });
    const ds = new Float32Array((m * (m - 1)) / 2);
    k = 0;
    for (let i = 0, off = 0; i < m; off += m - i, i++) {
      for (let j = i + 1; j < m; j++, k++) {
        let c = comoment[off + j - i]! * inv[i]! * inv[j]!;
        c = Math.min(1, Math.max(-1, c));
        ds[k] = 1 - Math.abs(Math.fround(c));
      }
    }
    const s = await correlationClusters(join(dir, 'run.stats'), { thresholds: [0.5], linkage: 'complete' });
    expect(s.linkage).toEqual(await linkage(ds, { method: 'complete' }));
  });
});

describe('neurosieve cluster', () => {
  function corrFile(n = 24) {
    const dir = tempDir('cli-cluster');
    const p = planted(150, n, TEST_SEED + 4);
    const r = Float32Array.from(referenceCorrelation(p.x, 150, n).r);
    writeNpy(join(dir, 'corr.npy'), r, [n, n]);
    return { dir, r, n };
  }

  it('writes clusters.json and Z.npy (float64, scipy layout); --json prints the summary', async () => {
    const { dir, r, n } = corrFile();
    const res = runCli(['cluster', join(dir, 'corr.npy'), '--threshold', '0.1', '0.3', '-o', join(dir, 'c.json'), '--linkage-out', join(dir, 'Z.npy'), '--json']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const summary = JSON.parse(res.stdout);
    expect(summary).toMatchObject({ neurons: n, linkage: 'average', representative: 'random', seed: 0 });
    const Z = readNpy(join(dir, 'Z.npy'));
    expect(Z.descr).toBe('<f8');
    expect(Z.shape).toEqual([n - 1, 4]);
    const api = await correlationClusters(r, { thresholds: [0.1, 0.3] });
    expect(Z.data).toEqual(api.linkage);
    const json = JSON.parse(readFileSync(join(dir, 'c.json'), 'utf8'));
    expect(json.cuts.map((c: { threshold: number }) => c.threshold)).toEqual([0.1, 0.3]);
    expect(json.cuts[1].labels).toEqual(Array.from(api.cuts[1]!.labels));
    expect(json.cuts[1].keptNeurons).toEqual(api.cuts[1]!.kept);
    expect(json.cuts[1].clusters).toBe(api.cuts[1]!.clusters);
    expect(filesIn(dir)).toEqual(['Z.npy', 'c.json', 'corr.npy']);
  });

  it('same input and seed give the same bytes, whatever the thread count (random and central)', () => {
    const { dir } = corrFile(60);
    for (const rep of ['random', 'central']) {
      const outs = [1, 2].map((threads) => {
        // Same file names (clusters.json records them), different directories.
        const sub = join(dir, `${rep}-t${threads}`);
        mkdirSync(sub);
        const c = join(sub, 'c.json'), z = join(sub, 'z.npy');
        const r = runCli(['cluster', join(dir, 'corr.npy'), '-t', '0.2', '0.6', '-o', c, '--linkage-out', z, '--representative', rep, '--seed', '5', '--threads', String(threads), '-q']);
        expect(r.code).toBe(0);
        // Everything but the output paths it records must match byte for byte.
        const text = readFileSync(c, 'utf8').replaceAll(sub, '<dir>');
        return [text, readFileSync(z)] as const;
      });
      expect(outs[1]![0]).toBe(outs[0]![0]);
      expect(outs[1]![1].equals(outs[0]![1])).toBe(true);
    }
  });

  it('bad input: non-square matrix, threshold outside [0, 2], unknown linkage, missing file — nothing written', () => {
    const dir = tempDir('cli-cluster-bad');
    writeNpy(join(dir, 'rect.npy'), new Float32Array(12), [3, 4]);
    const out = join(dir, 'c.json');
    const r1 = runCli(['cluster', join(dir, 'rect.npy'), '-t', '0.3', '-o', out]);
    expect(r1.code).toBe(1);
    expect(r1.stderr).toContain('error E_SHAPE');
    expect(r1.stderr).toContain('Expected a square correlation matrix [n, n] but received shape [3, 4]');
    const r2 = runCli(['cluster', join(dir, 'rect.npy'), '-t', '0.3', '2.5', '-o', out]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain("Expected a distance threshold in [0, 2] for --threshold of 'neurosieve cluster' but received '2.5'");
    const r3 = runCli(['cluster', join(dir, 'rect.npy'), '-t', '0.3', '--linkage', 'median', '-o', out]);
    expect(r3.code).toBe(2);
    const r4 = runCli(['cluster', join(dir, 'missing.npy'), '-t', '0.3', '-o', out]);
    expect(r4.code).toBe(1);
    expect(r4.stderr).toContain('missing.npy: cannot open');
    writeNpy(join(dir, 'one.npy'), new Float32Array([1]), [1, 1]);
    const r5 = runCli(['cluster', join(dir, 'one.npy'), '-t', '0.3', '-o', out]);
    expect(r5.stderr).toContain('Expected at least 2 neurons to cluster but received 1');
    expect(filesIn(dir)).toEqual(['one.npy', 'rect.npy']);
  });
});
