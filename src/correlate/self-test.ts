/**
 * Short self-tests of the compute backends, for `neurosieve doctor`: a correctness check against a float64
 * reference on random data with non-zero means, then a GFLOP/s figure for the correlation kernel (the co-moment
 * of a chunk, counted as rows·cols² multiply-adds = 2·rows·cols² FLOPs, like the benchmarks).
 */
import { callNativeSync } from '../core/errors.js';
import { chunkKernels } from './comoments-webgpu.js';
import { gpu } from '../gpu/device.js';
import { native } from '../core/native.js';
import { prng } from '../core/random.js';

export interface SelfTest {
  backend: 'native' | 'webgpu';
  ok: boolean;
  /** Largest |S − S_ref| / sqrt(S_ii S_jj) over the check's co-moment. */
  maxError: number;
  tolerance: number;
  /** Shape of the timed chunk and its speed. */
  rows: number;
  cols: number;
  seconds: number;
  gflops: number;
  /** Set for a CPU implementation of WebGPU, whose speed says nothing about a GPU. */
  note?: string;
}

/** rows×cols float32 with per-column means in [−50, 50] and scales in [0.5, 3.5]. */
function randomChunk(rows: number, cols: number, seed: number): Float32Array {
  const rand = prng(seed);
  const mean = Array.from({ length: cols }, () => (rand() - 0.5) * 100);
  const scale = Array.from({ length: cols }, () => 0.5 + 3 * rand());
  const x = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) x[r * cols + c] = mean[c]! + scale[c]! * (rand() - 0.5);
  return x;
}

/** Max over i ≤ j of |got(i,j) − ref_ij| / sqrt(ref_ii ref_jj), with ref = Σ (x − shift)(x − shift)ᵀ in float64. */
function comomentError(x: Float32Array, rows: number, cols: number, shift: ArrayLike<number>, got: (i: number, j: number) => number): number {
  const S = new Float64Array(cols * cols);
  const a = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) a[c] = Math.fround(x[r * cols + c]! - shift[c]!);
    for (let i = 0; i < cols; i++) for (let j = i; j < cols; j++) S[i * cols + j]! += a[i]! * a[j]!;
  }
  let worst = 0;
  for (let i = 0; i < cols; i++) {
    for (let j = i; j < cols; j++) {
      const e = Math.abs(got(i, j) - S[i * cols + j]!) / Math.sqrt(S[i * cols + i]! * S[j * cols + j]!);
      worst = Math.max(worst, Number.isNaN(e) ? Infinity : e);
    }
  }
  return worst;
}

const CHECK = { rows: 300, cols: 70 } as const;
// float32 sums over ≤ 300 rows: the error relative to sqrt(S_ii S_jj) is below ~300·2^-24 ≈ 1.8e-5 in the worst
// case and ~1e-7 in practice; 1e-5 catches any wrong element while allowing unlucky rounding.
const TOLERANCE = 1e-5;

export async function selfTest(backend: 'native' | 'webgpu', size: { rows: number; cols: number }): Promise<SelfTest> {
  const x = randomChunk(CHECK.rows, CHECK.cols, 12345);
  const big = randomChunk(size.rows, size.cols, 678);
  const flops = 2 * size.rows * size.cols * size.cols;
  if (backend === 'native') {
    const n = native();
    // Centre by float32 column means, as the engine does, then the production SYRK kernel.
    const shift = new Float32Array(CHECK.cols);
    for (let c = 0; c < CHECK.cols; c++) {
      let s = 0;
      for (let r = 0; r < CHECK.rows; r++) s += x[r * CHECK.cols + c]!;
      shift[c] = s / CHECK.rows;
    }
    const centred = x.map((v, k) => v - shift[k % CHECK.cols]!);
    const packed = callNativeSync(() => n.syrkChunk(centred, CHECK.rows, CHECK.cols, 0));
    const D = CHECK.cols;
    const maxError = comomentError(x, CHECK.rows, D, shift, (i, j) => packed[(i * (2 * D - i + 1)) / 2 + j - i]!);
    callNativeSync(() => n.syrkChunk(big, size.rows, size.cols, 0)); // warm-up
    const t0 = performance.now();
    callNativeSync(() => n.syrkChunk(big, size.rows, size.cols, 0));
    const seconds = (performance.now() - t0) / 1000;
    return { backend, ok: maxError <= TOLERANCE, maxError, tolerance: TOLERANCE, ...size, seconds, gflops: flops / seconds / 1e9 };
  }
  const g = await gpu();
  const out = await chunkKernels(g, x, CHECK.rows, CHECK.cols, { poison: Number.NaN });
  const D = CHECK.cols;
  const shift = out.columnStats.subarray(2 * D, 3 * D);
  const { tiles } = out.blocks[0]!; // 70 columns: at most 3 tiles, one block
  const T = out.tile;
  const nb = Math.ceil(D / T);
  const at = (i: number, j: number) => {
    const bi = Math.floor(i / T);
    const bj = Math.floor(j / T);
    const t = (bi * (2 * nb - bi + 1)) / 2 + (bj - bi);
    return tiles[t * T * T + (i % T) * T + (j % T)]!;
  };
  const maxError = comomentError(x, CHECK.rows, D, shift, at);
  await chunkKernels(g, big, size.rows, size.cols); // warm-up: pipelines, buffers
  const t0 = performance.now();
  await chunkKernels(g, big, size.rows, size.cols);
  const seconds = (performance.now() - t0) / 1000;
  return {
    backend,
    ok: maxError <= TOLERANCE,
    maxError,
    tolerance: TOLERANCE,
    ...size,
    seconds,
    gflops: flops / seconds / 1e9,
    note: g.adapter.fallback ? 'software adapter: correctness only' : 'includes upload and readback',
  };
}
