/**
 * The correlation engine end to end (file -> chunks -> co-moments -> r), against a float64 two-pass reference
 * computed here on the same float32 values, on fresh random data with planted groups, constant neurons and
 * neurons offset by 1e4.
 *
 * Tolerance. The engine centres each chunk by its mean rounded to float32 (x - mu_f is exact for the offset
 * columns by Sterbenz' lemma, and otherwise rounds once, relative 2^-24), sums products in float32 over panels of
 * at most 512 rows, then in float64. For centred data Cauchy–Schwarz gives sum|x_i x_j| <= sqrt(M_ii M_jj), so the
 * float32 summation error of M_ij relative to sqrt(M_ii M_jj) is at most g = (min(rows, 512) + 2)·2^-24, and
 * r = M_ij / sqrt(M_ii M_jj) then errs by at most ~3g, plus 2^-24 for the final float32 rounding. That bound is
 * rigorous and still ~20× smaller than the effect of a single lost or doubled row among the few hundred used here.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeStats, correlate, correlationFromStats, mergeStats, NeurosieveError, openActivations } from '../../src/index.js';
import { npyBytes } from '../helpers/formats.js';
import { maxAbsDiff, planted, referenceCorrelation, TEST_SEED } from '../helpers/planted.js';
import { scratchDir } from '../helpers/tmp.js';

console.log(`correlate.test.ts seed ${TEST_SEED} (set NEUROSIEVE_TEST_SEED to reproduce)`);
const U = 2 ** -24;
const bound = (rows: number) => 3 * (Math.min(rows, 512) + 2) * U + U;
const { dir } = scratchDir('corr');

function writeData(name: string, x: Float32Array, rows: number, cols: number): string {
  const path = join(dir, name);
  writeFileSync(path, npyBytes(x, [rows, cols], 'float32'));
  return path;
}

describe('correlate against a float64 reference', () => {
  for (const [rows, cols] of [
    [50, 1],
    [300, 7],
    [700, 257],
    [600, 1000],
  ] as const) {
    it(`${rows} rows × ${cols} neurons`, async () => {
      const p = planted(rows, cols, TEST_SEED + cols);
      const path = writeData(`ref-${cols}.npy`, p.x, rows, cols);
      const res = await correlate(path, { chunkRows: 128 });
      const ref = referenceCorrelation(p.x, rows, cols);
      expect(res.count).toBe(rows);
      expect(res.corr.length).toBe(cols * cols);
      expect(maxAbsDiff(res.corr, ref.r)).toBeLessThanOrEqual(bound(rows));
      for (let c = 0; c < cols; c++) {
        expect(Math.abs(res.means[c]! - ref.mean[c]!)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(ref.mean[c]!)));
        const std = Math.sqrt(ref.M[c * cols + c]! / rows);
        expect(Math.abs(res.stds[c]! - std)).toBeLessThanOrEqual(1e-5 * Math.max(std, 1e-30));
      }
      expect(res.zeroVariance).toEqual(p.constant);
      for (const c of p.constant) {
        for (let j = 0; j < cols; j++) expect(res.corr[c * cols + j]).toBe(c === j ? 1 : 0);
      }
      expect(res.corr.every(Number.isFinite)).toBe(true);
    });
  }

  it('keeps full precision for neurons with mean 1e4, where the one-pass formula fails', async () => {
    const rows = 2000;
    // About 1 seed in 170 plants fewer than two offset columns among 40: take the next seed that plants two.
    let p = planted(rows, 40, TEST_SEED + 1);
    for (let s = TEST_SEED + 2; p.offset.length < 2; s++) p = planted(rows, 40, s);
    const path = writeData('offset.npy', p.x, rows, 40);
    const res = await correlate(path, { chunkRows: 300 });
    const ref = referenceCorrelation(p.x, rows, 40);
    expect(p.offset.length).toBeGreaterThan(1);
    expect(maxAbsDiff(res.corr, ref.r)).toBeLessThanOrEqual(bound(rows));
    // The test is sensitive: the one-pass variance E[x²] − E[x]² with float32 sums is wrong by more than 100% on
    // some offset column (over 1,487 seeds the worst column was off by ≥ 12× its variance, median 250×), where
    // ours stays within 1e-5. The one-pass r between two offset columns is no such witness: both its numerator and
    // its denominator are garbage and for some seeds it lands near the true r ≈ 0 by chance.
    let worst = 0;
    for (const a of p.offset) {
      let s = 0, ss = 0, mean = 0, centred = 0;
      for (let t = 0; t < rows; t++) {
        const v = p.x[t * 40 + a]!;
        s = Math.fround(s + v); ss = Math.fround(ss + Math.fround(v * v)); mean += v;
      }
      mean /= rows;
      for (let t = 0; t < rows; t++) centred += (p.x[t * 40 + a]! - mean) ** 2;
      const variance = centred / rows;
      worst = Math.max(worst, Math.abs(ss / rows - (s / rows) ** 2 - variance) / variance);
      expect(Math.abs(res.stds[a]! - Math.sqrt(variance))).toBeLessThanOrEqual(1e-5 * Math.sqrt(variance));
    }
    expect(worst).toBeGreaterThan(1);
  });
});

describe('invariance', () => {
  const rows = 1500;
  const cols = 77;
  const p = planted(rows, cols, TEST_SEED + 2);
  const path = writeData('inv.npy', p.x, rows, cols);

  it('thread count does not change a single bit', async () => {
    const one = await correlate(path, { threads: 1, chunkRows: 256 });
    const three = await correlate(path, { threads: 3, chunkRows: 256 });
    expect(Buffer.from(three.corr.buffer).equals(Buffer.from(one.corr.buffer))).toBe(true);
    expect(Buffer.from(three.stats.comoment.buffer).equals(Buffer.from(one.stats.comoment.buffer))).toBe(true);
  });

  it('chunk size changes results by at most 1e-6', async () => {
    const base = await correlate(path, { chunkRows: 1500 });
    for (const chunkRows of [1, 7, 100, 513, 4096]) {
      const other = await correlate(path, { chunkRows });
      expect(maxAbsDiff(other.corr, base.corr)).toBeLessThanOrEqual(1e-6);
      expect(maxAbsDiff(other.means, base.means)).toBeLessThanOrEqual(1e-9);
    }
  });

  it('shards merged with mergeStats equal one pass over the whole', async () => {
    const cut = 611;
    const a = writeData('shard-a.npy', p.x.subarray(0, cut * cols), cut, cols);
    const b = writeData('shard-b.npy', p.x.subarray(cut * cols), rows - cut, cols);
    const whole = await correlate(path, { chunkRows: 256 });
    const sa = await computeStats(a, { chunkRows: 256 });
    const sb = await computeStats(b, { chunkRows: 256 });
    const merged = correlationFromStats(mergeStats(sa.stats, sb.stats));
    expect(merged.count).toBe(rows);
    expect(maxAbsDiff(merged.corr, whole.corr)).toBeLessThanOrEqual(1e-6);
    expect(maxAbsDiff(merged.means, whole.means)).toBeLessThanOrEqual(1e-9);
    // Two files read as one dataset give the same as the merge.
    const both = await correlate([a, b], { chunkRows: 256 });
    expect(maxAbsDiff(both.corr, whole.corr)).toBeLessThanOrEqual(1e-6);
    expect(both.stats.sources.map((s) => s.rows)).toEqual([cut, rows - cut]);
  });
});

describe('API behaviour', () => {
  it('reports progress and can be cancelled', async () => {
    const rows = 4000;
    const p = planted(rows, 64, TEST_SEED + 3);
    const path = writeData('progress.npy', p.x, rows, 64);
    const seen: number[] = [];
    await correlate(path, { chunkRows: 100, onProgress: (e) => seen.push(e.rows) });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.at(-1)).toBe(rows);
    expect([...seen].sort((x, y) => x - y)).toEqual(seen);

    const controller = new AbortController();
    const pending = correlate(path, { chunkRows: 10, onProgress: () => controller.abort() , signal: controller.signal });
    await expect(pending).rejects.toMatchObject({ code: 'E_CANCELLED' });
  });

  it('rejects bad options by name', async () => {
    const p = planted(10, 3, TEST_SEED);
    const path = writeData('opts.npy', p.x, 10, 3);
    await expect(correlate(path, { chunkRows: 0 })).rejects.toThrow("Expected an integer in [1, 16777216] for chunkRows but received 0");
    await expect(correlate(path, { nan: 'drop' as never })).rejects.toThrow("Expected one of 'error', 'zero' for nan but received 'drop'");
    await expect(correlate(path, { chunkrows: 5 } as never)).rejects.toBeInstanceOf(NeurosieveError);
  });

  it('opens directories and globs in natural order', () => {
    const sub = mkdtempSync(join(dir, 'shards-'));
    const p = planted(6, 4, TEST_SEED);
    for (const n of [10, 2, 1]) writeFileSync(join(sub, `part-${n}.npy`), npyBytes(p.x, [6, 4], 'float32'));
    writeFileSync(join(sub, 'manifest.json'), '{}');
    const ds = openActivations(sub);
    expect(ds.files.map((f) => f.path.split('/').at(-1))).toEqual(['part-1.npy', 'part-2.npy', 'part-10.npy']);
    expect(ds.rows).toBe(18);
    expect(openActivations(join(sub, 'part-*.npy')).files.length).toBe(3);
  });
});
