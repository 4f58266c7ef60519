/**
 * The WebGPU correlation backend end to end (files -> native row reader -> shaders -> float64 merge on the host)
 * against the native engine on the same files: correlations within 1e-5 (both are exact up to float32 rounding
 * of per-chunk sums; the bound of correlate.test.ts is ~3e-5 at 512-row panels, and in practice both stay
 * within ~1e-6 of the float64 reference), identical counts, rows per file and zero-variance neurons. Also the
 * adapter-missing path, through the CLI with NEUROSIEVE_ADAPTER naming no adapter.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { correlate, NeurosieveError } from '../../src/index.js';
import { releaseGpu } from '../../src/gpu/device.js';
import { filesIn, runCli, tempDir } from '../helpers/cli.js';
import { npyBytes } from '../helpers/formats.js';
import { probeGpu } from '../helpers/gpu.js';
import { maxAbsDiff, planted, referenceCorrelation, TEST_SEED } from '../helpers/planted.js';

console.log(`gpu-correlate.test.ts seed ${TEST_SEED} (set NEUROSIEVE_TEST_SEED to reproduce)`);
const { g } = await probeGpu('gpu-correlate.test.ts');
afterAll(releaseGpu);
const dir = tempDir('gpu-corr');

function write(name: string, x: Float32Array, rows: number, cols: number): string {
  const path = join(dir, name);
  writeFileSync(path, npyBytes(x, [rows, cols], 'float32'));
  return path;
}

describe.skipIf(!g)('WebGPU correlation vs native', () => {
  for (const [rows, cols, chunkRows] of [
    [1000, 7, 300],
    [700, 257, 256],
    [1000, 63, 4096],
  ] as const) {
    it(`${rows} rows × ${cols} neurons, chunks of ${chunkRows}`, async () => {
      const p = planted(rows, cols, TEST_SEED + 7 * cols);
      const path = write(`d${cols}.npy`, p.x, rows, cols);
      const n = await correlate(path, { backend: 'native', chunkRows });
      const w = await correlate(path, { backend: 'webgpu', chunkRows });
      expect(w.backend).toBe('webgpu');
      expect(w.count).toBe(rows);
      expect(w.zeroVariance).toEqual(n.zeroVariance);
      expect(maxAbsDiff(w.corr, n.corr)).toBeLessThanOrEqual(1e-5);
      const ref = referenceCorrelation(p.x, rows, cols);
      expect(maxAbsDiff(w.corr, ref.r)).toBeLessThanOrEqual(1e-5);
      for (let c = 0; c < cols; c++) {
        expect(Math.abs(w.means[c]! - ref.mean[c]!)).toBeLessThanOrEqual(1e-6 * (1 + n.stds[c]!));
        expect(Math.abs(w.stds[c]! - n.stds[c]!)).toBeLessThanOrEqual(1e-5 * (n.stds[c]! + 1e-30));
      }
    });
  }

  it('several files: rows per file exact, same result as one file', async () => {
    const rows = 900;
    const cols = 33;
    const p = planted(rows, cols, TEST_SEED + 99);
    const a = write('s1.npy', p.x.subarray(0, 250 * cols), 250, cols);
    const b = write('s2.npy', p.x.subarray(250 * cols), 650, cols);
    const whole = write('whole.npy', p.x, rows, cols);
    const w = await correlate([a, b], { backend: 'webgpu', chunkRows: 200 });
    const n = await correlate(whole, { backend: 'native' });
    expect(w.stats.sources.map((s) => s.rows)).toEqual([250, 650]);
    expect(maxAbsDiff(w.corr, n.corr)).toBeLessThanOrEqual(1e-5);
  });

  it('NaN in the data: the native reader names file, row and neuron', async () => {
    const x = planted(50, 5, TEST_SEED).x;
    x[17 * 5 + 3] = Number.NaN;
    const path = write('nan.npy', x, 50, 5);
    await expect(correlate(path, { backend: 'webgpu' })).rejects.toMatchObject({ code: 'E_NONFINITE', message: expect.stringMatching(/row 17, neuron 3/) });
    const z = await correlate(path, { backend: 'webgpu', nan: 'zero' });
    expect(z.nonFinite).toBe(1);
  });

  it('same input, same bytes: repeated runs and any host thread count', async () => {
    const p = planted(800, 130, TEST_SEED + 11);
    const path = write('det.npy', p.x, 800, 130);
    const a = await correlate(path, { backend: 'webgpu', chunkRows: 300, threads: 1 });
    const b = await correlate(path, { backend: 'webgpu', chunkRows: 300, threads: 2 });
    expect(Buffer.from(b.stats.comoment.buffer).equals(Buffer.from(a.stats.comoment.buffer))).toBe(true);
    expect(Buffer.from(b.corr.buffer).equals(Buffer.from(a.corr.buffer))).toBe(true);
  });

  it('a float16 file: uploaded as float16 when the device has shader-f16, same result as native', async () => {
    const rows = 900;
    const cols = 70;
    const p = planted(rows, cols, TEST_SEED + 21);
    // The data must be representable: planted() bounds every column for float16 (largest finite 65,504).
    expect(p.x.reduce((m, v) => Math.max(m, Math.abs(v)), 0)).toBeLessThan(65504);
    const path = join(dir, 'f16.npy');
    writeFileSync(path, npyBytes(p.x, [rows, cols], 'float16'));
    const n = await correlate(path, { backend: 'native' });
    const w = await correlate(path, { backend: 'webgpu', chunkRows: 256 });
    expect(maxAbsDiff(w.corr, n.corr)).toBeLessThanOrEqual(1e-5);
    expect(w.zeroVariance).toEqual(n.zeroVariance);
  });

  it('fewer than 2 rows: E_EMPTY, as with native', async () => {
    const path = write('one.npy', planted(1, 4, TEST_SEED).x, 1, 4);
    await expect(correlate(path, { backend: 'webgpu' })).rejects.toMatchObject({ code: 'E_EMPTY', message: expect.stringMatching(/^Expected at least 2 rows to correlate but received 1/) });
  });

  it('abort stops at a chunk boundary with E_CANCELLED', async () => {
    const p = planted(600, 9, TEST_SEED + 3);
    const path = write('cancel.npy', p.x, 600, 9);
    const ac = new AbortController();
    const run = correlate(path, { backend: 'webgpu', chunkRows: 100, signal: ac.signal, onProgress: () => ac.abort() });
    await expect(run).rejects.toBeInstanceOf(NeurosieveError);
    await expect(run).rejects.toMatchObject({ code: 'E_CANCELLED' });
  });

  it("'auto' uses WebGPU only on a real adapter", async () => {
    const p = planted(100, 4, TEST_SEED + 4);
    const r = await correlate(write('auto.npy', p.x, 100, 4), { backend: 'auto' });
    expect(r.backend).toBe(g!.adapter.fallback ? 'native' : 'webgpu');
  });

  it('the device going away mid-pass is an E_GPU error, and the next pass opens a new device', async () => {
    const p = planted(1200, 40, TEST_SEED + 8);
    const path = write('lost.npy', p.x, 1200, 40);
    let released = false;
    const run = correlate(path, {
      backend: 'webgpu',
      chunkRows: 200,
      onProgress: () => {
        if (!released) void releaseGpu();
        released = true;
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'E_GPU', message: expect.stringMatching(/^correlation chunk of 200×40: .*released or lost/) });
    const again = await correlate(path, { backend: 'webgpu', chunkRows: 200 });
    expect(again.count).toBe(1200);
  });

  it('CLI: corr --backend webgpu', () => {
    const p = planted(120, 9, TEST_SEED + 5);
    const path = write('cli.npy', p.x, 120, 9);
    const r = runCli(['corr', path, '-o', join(dir, 'cli-corr.npy'), '--backend', 'webgpu', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ backend: 'webgpu', count: 120, neurons: 9 });
    // The run report: one chunk sized from the device limits, one flush, 120·9 floats up.
    expect(summary.gpu).toMatchObject({ rows: 120, chunks: 1, flushes: 1, hostMerges: 1, bytesUp: 120 * 9 * 4, storage: 'f32' });
  });
});

describe('no adapter', () => {
  it('NEUROSIEVE_ADAPTER naming no adapter: a clear E_GPU error, exit 1, no output', () => {
    const d = tempDir('gpu-missing');
    const p = planted(40, 3, TEST_SEED);
    const path = join(d, 'x.npy');
    writeFileSync(path, npyBytes(p.x, [40, 3], 'float32'));
    const r = runCli(['corr', path, '-o', join(d, 'c.npy'), '--backend', 'webgpu'], { NEUROSIEVE_ADAPTER: 'no-such-adapter' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^neurosieve corr: error E_GPU: NEUROSIEVE_ADAPTER='no-such-adapter' names no WebGPU adapter/);
    expect(existsSync(join(d, 'c.npy'))).toBe(false);
    expect(filesIn(d)).toEqual(['x.npy']);
  });

  it("'auto' with no usable adapter quietly runs native", () => {
    const d = tempDir('gpu-auto');
    const p = planted(40, 3, TEST_SEED);
    const path = join(d, 'x.npy');
    writeFileSync(path, npyBytes(p.x, [40, 3], 'float32'));
    const r = runCli(['corr', path, '-o', join(d, 'c.npy'), '--json'], { NEUROSIEVE_ADAPTER: 'no-such-adapter' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ backend: 'native' });
  });
});
