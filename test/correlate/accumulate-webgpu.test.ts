/**
 * Device-side accumulation of the WebGPU correlation pass (src/correlate/comoments-webgpu.ts, gpu-plan.ts): many
 * chunks summed in float32 on the device between float64 merges, checked against the float64 reference on
 * large-mean data with drift, and the pipeline's structure read from its run report and event trace.
 *
 * Tolerance: 1e-5 on Pearson r and 1e-5·σ on the means. The worst-case bound of gpu-plan.ts at the largest
 * group the default allows (R = 16 rows per chunk, G = 257 chunks per flush: k + 2 = 531 roundings) is
 * γ₅₃₁ ≈ 3.2e-5 times (1 + e²/σ²) with the planted drift e ≤ σ; rounding errors of both signs keep the actual
 * error near sqrt(k)·u ≈ 1.4e-6 (measured 1.5e-6 to 2.9e-6 on lavapipe, seeds 1–5), so 1e-5 has margin and still catches a
 * chunk added twice or with the wrong shift (errors of order 1e-2 and more).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { correlate } from '../../src/index.js';
import { releaseGpu } from '../../src/gpu/device.js';
import { GpuComomentPass, type PassOptions } from '../../src/correlate/comoments-webgpu.js';
import { defaultFlushRows } from '../../src/correlate/gpu-plan.js';
import { tempDir } from '../helpers/cli.js';
import { npyBytes } from '../helpers/formats.js';
import { probeGpu } from '../helpers/gpu.js';
import { maxAbsDiff, planted, referenceCorrelation, TEST_SEED } from '../helpers/planted.js';

console.log(`accumulate-webgpu.test.ts seed ${TEST_SEED} (set NEUROSIEVE_TEST_SEED to reproduce)`);
const { g } = await probeGpu('accumulate-webgpu.test.ts');
afterAll(releaseGpu);

/**
 * planted() data moved to means of 1e4–3e4 (float32 spacing 1e-3–2e-3) with a linear drift of up to one planted
 * scale over the rows (non-constant columns), so later chunks are centred by a shift that is off by up to ~σ.
 */
function largeMean(rows: number, cols: number, seed: number) {
  const p = planted(rows, cols, seed);
  const x = p.x;
  for (let c = 0; c < cols; c++) {
    const constant = p.constant.includes(c);
    const offset = 1e4 * (1 + (c % 3));
    const drift = constant ? 0 : ((c * 7919) % 13) / 13;
    for (let r = 0; r < rows; r++) x[r * cols + c] = x[r * cols + c]! + offset + (drift * r) / rows;
  }
  return { ...p, x };
}

/** Pearson r from a packed upper-triangle co-moment (row i holds j ≥ i). */
function corrOf(M: Float64Array, D: number): Float64Array {
  const at = (i: number, j: number) => M[(i * (2 * D - i + 1)) / 2 + j - i]!;
  const r = new Float64Array(D * D);
  for (let i = 0; i < D; i++) {
    for (let j = i; j < D; j++) {
      const d = at(i, i) * at(j, j);
      const v = i === j ? 1 : d > 0 ? at(i, j) / Math.sqrt(d) : 0;
      r[i * D + j] = v;
      r[j * D + i] = v;
    }
  }
  return r;
}

async function runPass(x: Float32Array, rows: number, cols: number, options: PassOptions) {
  const pass = await GpuComomentPass.open(cols, 1, options);
  try {
    for (let r0 = 0; r0 < rows; r0 += pass.maxRows) {
      const n = Math.min(pass.maxRows, rows - r0);
      await pass.add(x.subarray(r0 * cols, (r0 + n) * cols), n);
    }
    await pass.finish();
    const report = await pass.report();
    return { result: pass.result(), report, events: pass.events };
  } finally {
    pass.close();
  }
}

describe.skipIf(!g)('WebGPU device-side accumulation', () => {
  it('large means with drift: 250 chunks of 16 rows in one flush group match float64, as do 4 chunks of 1,000 with 128-tiles', async () => {
    const rows = 4000;
    const cols = 70;
    const p = largeMean(rows, cols, TEST_SEED + 1);
    const ref = referenceCorrelation(p.x, rows, cols);
    const small = await runPass(p.x, rows, cols, { chunkRows: 16 });
    expect(small.report.flushRows).toBe(defaultFlushRows(16));
    expect(small.report).toMatchObject({ chunks: 250, flushes: 1, hostMerges: 1, rows });
    const big = await runPass(p.x, rows, cols, { chunkRows: 1000, tile: 128 });
    expect(big.report).toMatchObject({ chunks: 4, flushes: 1, tile: 128 });
    for (const run of [small, big]) {
      expect(run.result.count).toBe(rows);
      expect(maxAbsDiff(corrOf(run.result.comoment, cols), ref.r)).toBeLessThanOrEqual(1e-5);
      for (let c = 0; c < cols; c++) {
        const sd = Math.sqrt(ref.M[c * cols + c]! / rows);
        expect(Math.abs(run.result.mean[c]! - ref.mean[c]!)).toBeLessThanOrEqual(1e-5 * sd + 1e-12 * Math.abs(ref.mean[c]!));
      }
    }
    // Chunk size changes only the float32 rounding.
    expect(maxAbsDiff(corrOf(small.result.comoment, cols), corrOf(big.result.comoment, cols))).toBeLessThanOrEqual(2e-5);
  });

  it('run report: merges ≤ ⌈T/N⌉ + 1, bytes read back independent of the chunks per flush', async () => {
    const rows = 3000;
    const cols = 40;
    const p = largeMean(rows, cols, TEST_SEED + 2);
    const ref = referenceCorrelation(p.x, rows, cols);
    const a = await runPass(p.x, rows, cols, { chunkRows: 100, flushRows: 700 });
    const b = await runPass(p.x, rows, cols, { chunkRows: 50, flushRows: 700 });
    for (const { report, result } of [a, b]) {
      expect(report.hostMerges).toBe(report.flushes);
      expect(report.hostMerges).toBeLessThanOrEqual(Math.ceil(rows / report.flushRows) + 1);
      expect(report.bytesUp).toBe(rows * cols * 4);
      expect(maxAbsDiff(corrOf(result.comoment, cols), ref.r)).toBeLessThanOrEqual(1e-5);
    }
    expect(a.report.chunks).toBe(30);
    expect(b.report.chunks).toBe(60);
    // Twice the chunks, the same flushes: the same bytes read back (3·D stats + the 64-tiles of the triangle).
    expect(a.report.flushes).toBe(5); // 4 groups of 700 rows, then 200
    expect(b.report.bytesDown).toBe(a.report.bytesDown);
    expect(a.report.bytesDown).toBe(a.report.flushes * 4 * (3 * cols + 64 * 64));
  });

  it('event order: chunk k+1 is submitted before the merge of the group ending at chunk k starts', async () => {
    const rows = 1200;
    const cols = 24;
    const p = largeMean(rows, cols, TEST_SEED + 3);
    const { events, report } = await runPass(p.x, rows, cols, { chunkRows: 100, flushRows: 300, trace: true });
    expect(report.flushes).toBe(4);
    const at = (e: string) => events.indexOf(e as never);
    const merges = events.filter((e) => e.startsWith('merge-start')).map((e) => Number(e.split(' ')[1]));
    expect(merges).toEqual([2, 5, 8, 11]);
    for (const k of merges.slice(0, -1)) {
      expect(at(`submit ${k + 1}`)).toBeGreaterThanOrEqual(0);
      expect(at(`submit ${k + 1}`)).toBeLessThan(at(`merge-start ${k}`));
      expect(at(`merge-start ${k}`)).toBeLessThan(at(`merge-end ${k}`));
    }
  });

  it('device time per kernel from timestamp queries, or the reason it is absent; through correlate()', async () => {
    const rows = 500;
    const cols = 30;
    const p = largeMean(rows, cols, TEST_SEED + 4);
    const dir = tempDir('gpu-accumulate');
    const path = join(dir, 'x.npy');
    writeFileSync(path, npyBytes(p.x, [rows, cols], 'float32'));
    const w = await correlate(path, { backend: 'webgpu', chunkRows: 128 });
    const report = w.gpu!;
    expect(report).toMatchObject({ rows, chunks: 4, flushes: 1, hostMerges: 1, storage: 'f32', chunkRows: 128 });
    expect(report.adapter).toContain(g!.adapter.vendor);
    if (g!.device.features.has('timestamp-query')) {
      expect(Object.keys(report.deviceMs!).sort()).toEqual(['column-means', 'syrk-centred']);
      for (const ms of Object.values(report.deviceMs!)) expect(ms).toBeGreaterThan(0);
    } else {
      expect(report.deviceMsUnavailable).toMatch(/timestamp-query/);
    }
    // Without chunkRows the chunk size comes from the device limits, not the CPU heuristic.
    const d = await correlate(path, { backend: 'webgpu' });
    expect(d.gpu!.chunkRows).toBe(Math.floor(Math.min(g!.limits.maxStorageBufferBindingSize, g!.limits.maxBufferSize, 256 * 2 ** 20) / (4 * cols)));
    expect(d.gpu!.chunks).toBe(1);
    expect(maxAbsDiff(d.corr, w.corr)).toBeLessThanOrEqual(1e-5);
  });
});
