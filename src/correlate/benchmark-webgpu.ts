/**
 * The ready-to-share benchmark line of `neurosieve doctor`: one WebGPU correlation pass over random in-memory
 * rows (upload, kernels, flush and float64 merge: everything but file reading), with the device time of each
 * kernel from its run report. Users paste the line into an issue; it says what lavapipe cannot.
 *
 * Counting: syrk-centred does 2·T·(tiles·tile²) FLOPs (the upper-triangle tiles it computes, padding included);
 * column-means reads x twice in the first chunk of a flush group and once in the others, reported in GB/s.
 */
import { prng } from '../core/random.js';
import { GpuComomentPass } from './comoments-webgpu.js';
import type { GpuRunReport } from './run-report.js';

export interface GpuBenchmark {
  rows: number;
  cols: number;
  /** Rows per second through the whole pass (wall time). */
  rowsPerSecond: number;
  /** GFLOP/s of syrk-centred and GB/s of column-means, from device time; absent without timestamp queries. */
  syrkGflops?: number;
  columnMeansGBs?: number;
  report: GpuRunReport;
  /** One line to share. */
  line: string;
}

/** Sizes: small on a CPU adapter (~1 GFLOP/s), a few seconds on a GPU. */
export function benchmarkSize(fallback: boolean): { chunkRows: number; chunks: number; cols: number } {
  return fallback ? { chunkRows: 512, chunks: 4, cols: 256 } : { chunkRows: 16384, chunks: 8, cols: 4096 };
}

export async function gpuBenchmark(size: { chunkRows: number; chunks: number; cols: number }, version: string): Promise<GpuBenchmark> {
  const { chunkRows, chunks, cols } = size;
  const rand = prng(4242);
  const x = new Float32Array(chunkRows * cols);
  for (let i = 0; i < x.length; i++) x[i] = 100 * ((i % cols) / cols) + rand() - 0.5;
  // Warm-up: pipelines compiled and buffers allocated outside the timed pass.
  const warm = await GpuComomentPass.open(cols, 1, { chunkRows: Math.min(chunkRows, 64) });
  await warm.add(x, Math.min(chunkRows, 64));
  await warm.finish();
  warm.result();
  const pass = await GpuComomentPass.open(cols, 1, { chunkRows });
  try {
    const t0 = performance.now();
    for (let k = 0; k < chunks; k++) await pass.add(x, chunkRows);
    await pass.finish();
    const seconds = (performance.now() - t0) / 1000;
    const report = await pass.report();
    pass.result();
    const rows = chunks * chunkRows;
    const nb = Math.ceil(cols / report.tile);
    const syrkFlops = 2 * rows * ((nb * (nb + 1)) / 2) * report.tile * report.tile;
    const xReads = (report.chunks + report.flushes) * chunkRows * cols * 4;
    const syrkMs = report.deviceMs?.['syrk-centred'];
    const meansMs = report.deviceMs?.['column-means'];
    const syrkGflops = syrkMs ? syrkFlops / (syrkMs / 1000) / 1e9 : undefined;
    const columnMeansGBs = meansMs ? xReads / (meansMs / 1000) / 1e9 : undefined;
    const rowsPerSecond = rows / seconds;
    const kernels = report.deviceMs
      ? `syrk-centred ${syrkGflops!.toFixed(1)} GFLOP/s (tile ${report.tile}), column-means ${columnMeansGBs!.toFixed(1)} GB/s`
      : `kernel times unavailable: ${report.deviceMsUnavailable}`;
    const line =
      `neurosieve ${version} webgpu benchmark | ${report.adapter} | ${kernels} | ` +
      `end to end ${Math.round(rowsPerSecond)} rows/s at D = ${cols} (${rows} rows, ${report.chunks} chunks, ${report.flushes} flush, merge ${report.hostMergeMs.toFixed(0)} ms)`;
    return { rows, cols, rowsPerSecond, ...(syrkGflops ? { syrkGflops } : {}), ...(columnMeansGBs ? { columnMeansGBs } : {}), report, line };
  } finally {
    pass.close();
  }
}
