/**
 * correlationClusters with `columns` (src/cluster/subset.ts): clustering a neuron subset names ORIGINAL ids, so
 * nobody maps positions back by hand — the seed scripts' error (method.md §6b: cluster a reduced matrix, apply
 * the returned indices to the full one). Planted: neurons in groups of known membership (r = 0.9 inside a group,
 * |r| ≤ 0.05 across), a random subset in random order (seeded); at t = 0.3 the subset's clusters are exactly the
 * groups met in the subset, and each kept neuron is a subset member of its own group. The subset from each source
 * kind (memory float32/float64, .npy float32/float64, stats file) equals clustering the hand-sliced matrix: same
 * Z bit for bit (the same values reach the same linkage), same cuts once positions are mapped through columns.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeStats, correlationClusters, correlationFromStats, writeStats } from '../../src/index.js';
import { npyBytes, prng, randn } from '../helpers/formats.js';
import { planted, referenceCorrelation, TEST_SEED } from '../helpers/planted.js';
import { scratchDir } from '../helpers/tmp.js';

console.log(`subset.test.ts seed ${TEST_SEED} (set NEUROSIEVE_TEST_SEED to reproduce)`);
const { dir } = scratchDir('cluster-subset');
const rand = prng(TEST_SEED);
const n = 40;
const groupOf = Array.from({ length: n }, () => Math.floor(rand() * 8));
const r = new Float64Array(n * n);
for (let i = 0; i < n; i++) {
  for (let j = i; j < n; j++) {
    const v = i === j ? 1 : groupOf[i] === groupOf[j] ? 0.9 : (rand() - 0.5) * 0.1;
    r[i * n + j] = v;
    r[j * n + i] = v;
  }
}
const ids = Array.from({ length: n }, (_, i) => i);
for (let i = n - 1; i > 0; i--) {
  const j = Math.floor(rand() * (i + 1));
  [ids[i], ids[j]] = [ids[j]!, ids[i]!];
}
const columns = ids.slice(0, 23);
const m = columns.length;
const slice = <T extends Float32Array | Float64Array>(a: T, make: (k: number) => T, size: number): T => {
  const out = make(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) out[i * m + j] = a[columns[i]! * size + columns[j]!]!;
  return out;
};
const opts = { thresholds: [0.3, 0.05], seed: 11 };

describe('clustering a subset maps ids back', () => {
  it('the planted groups met in the subset, one kept original id each', async () => {
    const res = await correlationClusters(Float64Array.from(r), { ...opts, columns });
    expect(res.neurons).toBe(m);
    expect(res.columns).toEqual(columns);
    const groups = new Set(columns.map((c) => groupOf[c]));
    const cut = res.cuts[0]!;
    expect(cut.clusters).toBe(groups.size);
    expect(new Set(cut.kept.map((k) => groupOf[k])).size).toBe(groups.size);
    for (const k of cut.kept) expect(columns).toContain(k);
    // labels[i] belongs to columns[i]: two subset members share a label exactly when they share a group.
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) expect(cut.labels[i] === cut.labels[j]).toBe(groupOf[columns[i]!] === groupOf[columns[j]!]);
    // t = 0.05: nothing merges (d ≥ 0.1 inside groups), every subset member kept, by its own id.
    expect([...res.cuts[1]!.kept].sort((a, b) => a - b)).toEqual([...columns].sort((a, b) => a - b));
  });

  const f32 = Float32Array.from(r);
  const sources: [string, () => Promise<string | Float32Array | Float64Array>, () => Float32Array | Float64Array][] = [
    ['memory float32', async () => f32, () => slice(f32, (k) => new Float32Array(k), n)],
    ['memory float64', async () => Float64Array.from(r), () => slice(Float64Array.from(r), (k) => new Float64Array(k), n)],
    ['.npy float32', async () => write('r32.npy', f32, 'float32'), () => slice(f32, (k) => new Float32Array(k), n)],
    ['.npy float64', async () => write('r64.npy', Float64Array.from(r), 'float64'), () => slice(Float64Array.from(r), (k) => new Float64Array(k), n)],
  ];
  for (const [name, full, sliced] of sources) {
    it(`${name}: equals clustering the sliced matrix`, async () => {
      for (const representative of ['random', 'central'] as const) {
        const a = await correlationClusters(await full(), { ...opts, representative, columns });
        const b = await correlationClusters(sliced(), { ...opts, representative });
        expect(Array.from(a.linkage)).toEqual(Array.from(b.linkage));
        a.cuts.forEach((cut, i) => {
          expect(Array.from(cut.labels)).toEqual(Array.from(b.cuts[i]!.labels));
          expect(cut.kept).toEqual(b.cuts[i]!.kept.map((p) => columns[p]!));
        });
      }
    });
  }

  it('stats file: equals clustering the subset of its correlation matrix', async () => {
    const rows = 200;
    const x = randn(rows * n, rand);
    // Data whose neurons follow the planted groups: a shared factor per group plus noise.
    const factor = randn(rows * 8, rand);
    const data = new Float32Array(rows * n);
    for (let t = 0; t < rows; t++) for (let j = 0; j < n; j++) data[t * n + j] = factor[t * 8 + groupOf[j]!]! * 3 + x[t * n + j]!;
    const npy = join(dir, 'acts.npy');
    writeFileSync(npy, npyBytes(data, [rows, n], 'float32'));
    const { stats } = await computeStats(npy, { backend: 'native' });
    const statsPath = join(dir, 'run.stats');
    writeStats(statsPath, stats);
    const corr = correlationFromStats(stats).corr;
    const a = await correlationClusters(statsPath, { ...opts, columns });
    const b = await correlationClusters(slice(corr, (k) => new Float32Array(k), n), opts);
    expect(Array.from(a.linkage)).toEqual(Array.from(b.linkage));
    a.cuts.forEach((cut, i) => expect(cut.kept).toEqual(b.cuts[i]!.kept.map((p) => columns[p]!)));
  });

  it('refuses bad ids by name', async () => {
    await expect(correlationClusters(f32, { ...opts, columns: [0, 40] })).rejects.toThrow('Expected neuron ids in [0, 39] for columns but received 40 at position 1');
    await expect(correlationClusters(f32, { ...opts, columns: [3] })).rejects.toThrow('Expected at least 2 neurons to cluster for columns but received 1');
  });
});

function write(name: string, a: Float32Array | Float64Array, dtype: 'float32' | 'float64'): string {
  const path = join(dir, name);
  writeFileSync(path, npyBytes(a, [n, n], dtype));
  return path;
}

describe('leading blocks', () => {
  it('clustering the top-left k × k block of a matrix in place gives the Z of the copied block, with and without columns', async () => {
    const D = 40;
    const k = 27;
    const { x } = planted(400, D, TEST_SEED + 5);
    const corr = Float32Array.from(referenceCorrelation(x, 400, D).r);
    const block = new Float32Array(k * k);
    for (let i = 0; i < k; i++) block.set(corr.subarray(i * D, i * D + k), i * k);
    const options = { thresholds: [0.2, 0.6], backend: 'native' as const };
    const inPlace = await correlationClusters({ data: corr, n: k, stride: D }, options);
    const copied = await correlationClusters(block, options);
    expect(Array.from(inPlace.linkage)).toEqual(Array.from(copied.linkage));
    expect(inPlace.cuts.map((c) => c.kept)).toEqual(copied.cuts.map((c) => c.kept));
    const columns = [3, 26, 0, 11, 5];
    const sub = await correlationClusters({ data: corr, n: k, stride: D }, { ...options, columns });
    const subCopied = await correlationClusters(block, { ...options, columns });
    expect(Array.from(sub.linkage)).toEqual(Array.from(subCopied.linkage));
    await expect(correlationClusters({ data: corr, n: D + 1, stride: D }, options)).rejects.toMatchObject({
      code: 'E_SHAPE',
      message: `Expected the leading n × n block (2 <= n <= stride) of a stride × stride matrix for input but received n = ${D + 1}, stride = ${D} and ${D * D} values`,
    });
  });
});
