/**
 * Stats files and objects are checked for what they claim (issue 17): count a positive integer, finite means and
 * co-moments, a non-negative diagonal (a rounding residue down to -1e-12·count·mean² reads as 0), Cauchy–Schwarz
 * |M_ij| ≤ sqrt(M_ii·M_jj)·(1 + 1e-6); tensors inside the file and disjoint; `stats merge` refuses one input
 * twice. Every error names the file and the entry, exits 1 for bad data and 2 for usage, and leaves files as they were.
 */
import { copyFileSync, existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { correlationFromStats, mergeStats, readStats, writeStats } from '../../src/index.js';
import { correlationClusters } from '../../src/cluster/correlation-clusters.js';
import type { Stats } from '../../src/types.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { prng } from '../helpers/formats.js';
import { referenceCorrelation, TEST_SEED } from '../helpers/planted.js';

const D = 5;
const at = (i: number, j: number) => (i * (2 * D - i + 1)) / 2 + j - i;

/** A valid state of D neurons, none constant (random rows), with a named source so that two files differ. */
function valid(seed = TEST_SEED, tag = 'a'): Stats {
  const rows = 40;
  const rand = prng(seed);
  const x = new Float32Array(rows * D).map((_, k) => (k % D) * 3 + rand() - 0.5);
  const ref = referenceCorrelation(x, rows, D);
  const comoment = new Float64Array((D * (D + 1)) / 2);
  for (let i = 0; i < D; i++) for (let j = i; j < D; j++) comoment[at(i, j)] = ref.M[i * D + j]!;
  return { count: rows, cols: D, layers: 1, mean: Float64Array.from(ref.mean), comoment, dtype: 'float32', sources: [{ path: `${tag}.npy`, rows }] };
}

function written(dir: string, name: string, s: Stats): string {
  const path = join(dir, name);
  writeStats(path, s);
  return path;
}

/** Rewrites the header's count without touching the tensors (writeStats writes what it is given). */
function withCount(path: string, count: string): void {
  const b = readFileSync(path);
  const n = Number(b.readBigUInt64LE(0));
  const h = JSON.parse(b.subarray(8, 8 + n).toString('utf8'));
  h.__metadata__.count = count;
  let text = JSON.stringify(h);
  text += ' '.repeat((8 - (text.length % 8)) % 8);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(text.length));
  writeFileSync(path, Buffer.concat([len, Buffer.from(text), b.subarray(8 + n)]));
}

describe(`stats validation (seed ${TEST_SEED})`, () => {
  const dir = tempDir('stats-validate');
  const cases: { name: string; edit: (s: Stats) => void; message: string; code: string }[] = [
    { name: 'NaN mean', edit: (s) => (s.mean[2] = Number.NaN), message: 'Expected a finite mean for neuron 2 but received NaN', code: 'E_NONFINITE' },
    { name: 'Inf on the diagonal', edit: (s) => (s.comoment[at(1, 1)] = Infinity), message: 'Expected a finite co-moment diagonal M[1][1] but received Inf', code: 'E_NONFINITE' },
    { name: 'NaN on the diagonal', edit: (s) => (s.comoment[at(3, 3)] = Number.NaN), message: 'Expected a finite co-moment diagonal M[3][3] but received NaN', code: 'E_NONFINITE' },
    { name: 'NaN off the diagonal', edit: (s) => (s.comoment[at(1, 4)] = Number.NaN), message: 'Expected a finite co-moment M[1][4] but received NaN', code: 'E_NONFINITE' },
    { name: 'negative diagonal', edit: (s) => (s.comoment[at(2, 2)] = -3), message: 'Expected a non-negative co-moment diagonal M[2][2]', code: 'E_FORMAT' },
    {
      name: 'Cauchy-Schwarz violated',
      edit: (s) => (s.comoment[at(0, 3)] = 2 * Math.sqrt(s.comoment[at(0, 0)]! * s.comoment[at(3, 3)]!)),
      message: 'Expected |M[0][3]| <= sqrt(M[0][0] * M[3][3]) * (1 + 1e-6) (Cauchy-Schwarz: |r| <= 1) but received M[0][3] = ',
      code: 'E_FORMAT',
    },
  ];
  for (const c of cases) {
    it(`${c.name}: readStats, correlationFromStats, mergeStats, cluster and the CLI refuse it naming the file`, async () => {
      const s = valid();
      c.edit(s);
      const path = written(dir, `${c.name.replace(/\W+/g, '-')}.stats`, s);
      const before = readFileSync(path);
      expect(() => readStats(path)).toThrow(`${path}: ${c.message}`);
      expect(() => readStats(path)).toThrow(expect.objectContaining({ code: c.code }));
      expect(() => correlationFromStats(s)).toThrow(`statistics given to correlationFromStats: ${c.message}`);
      expect(() => mergeStats(valid(TEST_SEED + 1), s)).toThrow(`the second statistics given to mergeStats: ${c.message}`);
      await expect(correlationClusters(path, { thresholds: [0.3] })).rejects.toThrow(`${path}: ${c.message}`);
      const ok = written(dir, `ok-${c.name.replace(/\W+/g, '-')}.stats`, valid(TEST_SEED + 2, 'b'));
      const out = join(dir, `merged-${c.name.replace(/\W+/g, '-')}.stats`);
      const r = runCli(['stats', 'merge', ok, path, '-o', out]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`${path}: ${c.message}`);
      expect(existsSync(out)).toBe(false);
      const corr = runCli(['corr', '--from-stats', path, '-o', join(dir, 'c.npy')]);
      expect(corr.code).toBe(1);
      expect(readFileSync(path).equals(before)).toBe(true);
    });
  }

  it('count 0 or non-integer is refused (header and object)', () => {
    const path = written(dir, 'count.stats', valid());
    for (const count of ['0', '-3', '2.5']) {
      withCount(path, count);
      expect(() => readStats(path)).toThrow(`${path}: not a neurosieve stats file (count "${count}" is not a positive integer)`);
    }
    const s = valid();
    s.count = 0;
    expect(() => correlationFromStats(s)).toThrow('statistics given to correlationFromStats: Expected a positive integer row count but received 0');
  });

  it('a diagonal rounded just below 0 (within 1e-12·count·mean²) reads as a zero-variance neuron; beyond it is refused', () => {
    const s = valid();
    const count = s.count;
    s.mean[2] = 1000;
    for (let j = 0; j < D; j++) s.comoment[j <= 2 ? at(j, 2) : at(2, j)] = 0;
    const slack = 1e-12 * count * 1000 * 1000; // 4e-5
    s.comoment[at(2, 2)] = -0.5 * slack;
    const res = correlationFromStats(s);
    expect(res.zeroVariance).toEqual([2]);
    const t = valid();
    t.mean[2] = 1000;
    t.comoment[at(2, 2)] = -2 * slack;
    expect(() => correlationFromStats(t)).toThrow(/M\[2\]\[2\] \(a sum of squares; rounding may leave at most -4e-05 = -1e-12 \* count \* mean\^2\) but received -8e-05/);
  });

  it('randomized: every valid state passes, a random entry pushed past Cauchy-Schwarz fails naming it', () => {
    const rand = prng(TEST_SEED + 77);
    for (let trial = 0; trial < 20; trial++) {
      const s = valid(TEST_SEED + trial);
      expect(() => correlationFromStats(s)).not.toThrow();
      const i = Math.floor(rand() * (D - 1));
      const j = i + 1 + Math.floor(rand() * (D - 1 - i));
      const bad = valid(TEST_SEED + trial);
      bad.comoment[at(i, j)] = (rand() < 0.5 ? -1 : 1) * 1.01 * Math.sqrt(bad.comoment[at(i, i)]! * bad.comoment[at(j, j)]!);
      expect(() => correlationFromStats(bad)).toThrow(`Expected |M[${i}][${j}]|`);
    }
  });

  it('tensors that overlap are refused naming both', () => {
    const path = written(dir, 'overlap.stats', valid());
    const b = readFileSync(path);
    const n = Number(b.readBigUInt64LE(0));
    const h = JSON.parse(b.subarray(8, 8 + n).toString('utf8'));
    // mean [0, 40) and comoment moved to start inside it, still 120 bytes and inside the file.
    h.comoment.data_offsets = [8, 8 + 15 * 8];
    const text = JSON.stringify(h).padEnd(n, ' ');
    writeFileSync(path, Buffer.concat([b.subarray(0, 8), Buffer.from(text), b.subarray(8 + n)]));
    expect(() => readStats(path)).toThrow(`${path}: not a neurosieve stats file (tensors "mean" (data_offsets [0, 40]) and "comoment" ([8, 128]) overlap)`);
  });

  it('stats merge refuses one input twice: same path, a link to it, or a copy (exit 2, both named, nothing written)', () => {
    const a = written(dir, 'twice-a.stats', valid());
    const b = written(dir, 'twice-b.stats', valid(TEST_SEED + 5, 'other'));
    const link = join(dir, 'twice-link.stats');
    symlinkSync(a, link);
    const copy = join(dir, 'twice-copy.stats');
    copyFileSync(a, copy);
    const out = join(dir, 'twice-out.stats');
    const same = runCli(['stats', 'merge', a, b, a, '-o', out]);
    expect(same.code).toBe(2);
    expect(same.stderr).toContain(`Expected distinct stats files to merge but received '${a}' and '${a}', which are the same file`);
    const linked = runCli(['stats', 'merge', a, link, '-o', out]);
    expect(linked.code).toBe(2);
    expect(linked.stderr).toContain(`received '${a}' and '${link}', which are the same file`);
    const copied = runCli(['stats', 'merge', a, copy, '-o', out]);
    expect(copied.code).toBe(2);
    expect(copied.stderr).toContain(`received '${a}' and '${copy}', which hold the same rows (identical count, width and sources)`);
    expect(existsSync(out)).toBe(false);
    const ok = runCli(['stats', 'merge', a, b, '-o', out]);
    expect(ok.code).toBe(0);
    expect(readStats(out).count).toBe(80);
  });
});
