/**
 * correlate / computeStats with `columns`: the statistics and correlations of a neuron subset equal those of a
 * file holding only those columns, in that order, on fresh planted data (seeded). Tolerance: none, bit for bit,
 * native and WebGPU alike: the subset's rows are gathered before any arithmetic, so each chunk holds exactly the
 * values of the sliced file in the same order and every sum runs the same way (the same chunkRows is used).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { computeStats, correlate, NeurosieveError } from '../../src/index.js';
import { releaseGpu } from '../../src/gpu/device.js';
import { npyBytes, prng } from '../helpers/formats.js';
import { probeGpu } from '../helpers/gpu.js';
import { planted, TEST_SEED } from '../helpers/planted.js';
import { scratchDir } from '../helpers/tmp.js';

console.log(`columns.test.ts seed ${TEST_SEED} (set NEUROSIEVE_TEST_SEED to reproduce)`);
const { g } = await probeGpu('columns.test.ts');
afterAll(releaseGpu);
const { dir } = scratchDir('corr-columns');

function write(name: string, x: Float32Array, rows: number, cols: number): string {
  const path = join(dir, name);
  writeFileSync(path, npyBytes(x, [rows, cols], 'float32'));
  return path;
}

/** A random subset of [0, cols) in random order. */
function subset(cols: number, m: number, rand: () => number): number[] {
  const ids = Array.from({ length: cols }, (_, i) => i);
  for (let i = cols - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  return ids.slice(0, m);
}

function slice(x: Float32Array, rows: number, cols: number, ids: number[]): Float32Array {
  const out = new Float32Array(rows * ids.length);
  for (let r = 0; r < rows; r++) for (let j = 0; j < ids.length; j++) out[r * ids.length + j] = x[r * cols + ids[j]!]!;
  return out;
}

const backends = g ? (['native', 'webgpu'] as const) : (['native'] as const);

describe('correlate with columns = correlate of the sliced data', () => {
  for (const backend of backends) {
    for (const [rows, cols, m] of [
      [300, 40, 17],
      [700, 130, 64],
    ] as const) {
      it(`${backend}: ${m} of ${cols} neurons, ${rows} rows, across two files`, async () => {
        const seed = TEST_SEED + cols;
        const p = planted(rows, cols, seed);
        const ids = subset(cols, m, prng(seed + 1));
        const half = Math.floor(rows / 2);
        const full = [write(`a${cols}.npy`, p.x.subarray(0, half * cols), half, cols), write(`b${cols}.npy`, p.x.subarray(half * cols), rows - half, cols)];
        const sliced = slice(p.x, rows, cols, ids);
        const part = [write(`sa${cols}.npy`, sliced.subarray(0, half * m), half, m), write(`sb${cols}.npy`, sliced.subarray(half * m), rows - half, m)];
        const a = await correlate(full, { columns: ids, chunkRows: 128, backend });
        const b = await correlate(part, { chunkRows: 128, backend });
        expect(a.cols).toBe(m);
        expect(a.stats.layers).toBe(1);
        expect(a.stats.sources.map((s) => s.rows)).toEqual([half, rows - half]);
        expect(Array.from(a.stats.mean)).toEqual(Array.from(b.stats.mean));
        expect(Array.from(a.stats.comoment)).toEqual(Array.from(b.stats.comoment));
        expect(Array.from(a.corr)).toEqual(Array.from(b.corr));
        expect(a.zeroVariance).toEqual(b.zeroVariance);
      });
    }
  }

  it('checks the ids: out of range, repeated, unknown option names stay refused', async () => {
    const p = planted(20, 6, TEST_SEED);
    const path = write('small.npy', p.x, 20, 6);
    await expect(computeStats(path, { columns: [0, 6] })).rejects.toThrow('Expected neuron ids in [0, 5] for columns but received 6 at position 1');
    await expect(computeStats(path, { columns: [1, 1] })).rejects.toThrow('Expected distinct neuron ids for columns but received 1 more than once');
    await expect(computeStats(path, { columns: [] })).rejects.toBeInstanceOf(NeurosieveError);
  });

  it('a NaN is reported with its original neuron id', async () => {
    const x = new Float32Array(10 * 5).fill(1);
    x[3 * 5 + 4] = NaN;
    const path = write('nan.npy', x, 10, 5);
    await expect(computeStats(path, { columns: [4, 0], backend: 'native' })).rejects.toThrow(/NaN at row 3, neuron 4/);
  });
});
