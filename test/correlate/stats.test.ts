/** Stats files: exact round trip, exact merge, and clear errors on files that are not stats files. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeStats, mergeStats, readStats, writeStats } from '../../src/index.js';
import { npyBytes } from '../helpers/formats.js';
import { maxAbsDiff, planted, TEST_SEED } from '../helpers/planted.js';
import { scratchDir } from '../helpers/tmp.js';

const { dir } = scratchDir('stats');

async function statsOf(name: string, rows: number, cols: number, seed: number) {
  const p = planted(rows, cols, seed);
  const path = join(dir, name);
  writeFileSync(path, npyBytes(p.x, [rows, cols], 'float32'));
  return (await computeStats(path, { chunkRows: 64 })).stats;
}

describe('stats files', () => {
  it('round-trip every bit, with metadata', async () => {
    const s = await statsOf('a.npy', 200, 33, TEST_SEED);
    const file = join(dir, 'a.stats');
    writeStats(file, s);
    const back = readStats(file);
    expect(back.count).toBe(200);
    expect(back.cols).toBe(33);
    expect(back.dtype).toBe('float32');
    expect(back.sources).toEqual([{ path: join(dir, 'a.npy'), rows: 200 }]);
    expect(Buffer.from(back.mean.buffer).equals(Buffer.from(s.mean.buffer))).toBe(true);
    expect(Buffer.from(back.comoment.buffer).equals(Buffer.from(s.comoment.buffer))).toBe(true);
    // A safetensors reader sees two F64 tensors and our metadata.
    const bytes = readFileSync(file);
    const header = JSON.parse(bytes.subarray(8, 8 + Number(bytes.readBigUInt64LE(0))).toString('utf8'));
    expect(header.__metadata__.format).toBe('neurosieve-stats');
    expect(header.comoment.shape).toEqual([(33 * 34) / 2]);
  });

  it('merge is exact: equal to the statistics of the concatenated rows', async () => {
    const p = planted(300, 20, TEST_SEED + 9);
    writeFileSync(join(dir, 'all.npy'), npyBytes(p.x, [300, 20], 'float32'));
    writeFileSync(join(dir, 'first.npy'), npyBytes(p.x.subarray(0, 100 * 20), [100, 20], 'float32'));
    writeFileSync(join(dir, 'rest.npy'), npyBytes(p.x.subarray(100 * 20), [200, 20], 'float32'));
    const whole = (await computeStats(join(dir, 'all.npy'), { chunkRows: 50 })).stats;
    const merged = mergeStats(
      (await computeStats(join(dir, 'first.npy'), { chunkRows: 50 })).stats,
      (await computeStats(join(dir, 'rest.npy'), { chunkRows: 50 })).stats,
    );
    expect(merged.count).toBe(300);
    // Same chunks in the same order, only grouped differently: float64 rounding differences only.
    let scale = 0;
    for (const v of whole.comoment) scale = Math.max(scale, Math.abs(v));
    expect(maxAbsDiff(merged.comoment, whole.comoment)).toBeLessThanOrEqual(1e-12 * scale);
    expect(maxAbsDiff(merged.mean, whole.mean)).toBeLessThanOrEqual(1e-12 * 1e4);
  });

  it('refuses to merge different widths', async () => {
    const a = await statsOf('w3.npy', 10, 3, TEST_SEED);
    const b = await statsOf('w4.npy', 10, 4, TEST_SEED);
    expect(() => mergeStats(a, b)).toThrow('Expected statistics of the same width to merge but received 3 and 4 neurons');
  });

  it('names the file and the problem for corrupt input', () => {
    const junk = join(dir, 'junk.stats');
    writeFileSync(junk, Buffer.from('not a stats file at all'));
    expect(() => readStats(junk)).toThrow(/junk\.stats: not a neurosieve stats file/);
    const short = join(dir, 'short.stats');
    const good = join(dir, 'good.stats');
    return statsOf('g.npy', 20, 5, TEST_SEED).then((s) => {
      writeStats(good, s);
      const bytes = readFileSync(good);
      writeFileSync(short, bytes.subarray(0, bytes.length - 16));
      expect(() => readStats(short)).toThrow(/short\.stats: not a neurosieve stats file \(tensor "comoment" data lies outside the file/);
    });
  });
});
