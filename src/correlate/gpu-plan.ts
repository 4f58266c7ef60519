/**
 * How the WebGPU correlation pass cuts the data: rows per device chunk (from the device's limits) and rows per
 * flush (how long float32 co-moments accumulate on the device before the host's float64 merge), with the error
 * bound that decides the latter. See shaders/README.md, "Device-side accumulation".
 */
import type { Gpu } from '../gpu/device.js';
import type { GpuStorage } from '../gpu/pipelines.js';

/** Rows summed in float32 before a panel sum is added to the running tile (lib/panel-product.wgsl's PANEL). */
export const PANEL_ROWS = 256;

/**
 * Largest chunk upload. The host holds two chunks (the reader fills one while the other goes up) and Dawn a
 * staging copy of each write in flight, so ~4 chunks of host memory; past ~256 MiB a chunk's fixed costs (one
 * submission, ~0.1 ms) are already < 0.1% of its kernels on any GPU (2·R·D² FLOPs), so larger chunks buy nothing.
 */
export const CHUNK_BYTES_CAP = 256 * 2 ** 20;

/** The largest chunk (rows) whose data fit in one storage binding and one buffer of this device. */
export function maxChunkRows(g: Gpu, cols: number, storage: GpuStorage = 'f32'): number {
  const limit = Math.min(g.limits.maxStorageBufferBindingSize, g.limits.maxBufferSize);
  return Math.max(1, Math.floor(limit / ((storage === 'f16' ? 2 : 4) * cols)));
}

/** Rows per device chunk: the device limits, capped at CHUNK_BYTES_CAP (not the CPU's cache-sized defaultChunkRows). */
export function gpuChunkRows(g: Gpu, cols: number, storage: GpuStorage = 'f32'): number {
  const bytes = (storage === 'f16' ? 2 : 4) * cols;
  return Math.max(1, Math.min(maxChunkRows(g, cols, storage), Math.floor(CHUNK_BYTES_CAP / bytes)));
}

/**
 * Rows per flush N for chunks of R rows: N = R · (PANEL + ⌈R / PANEL⌉).
 *
 * Derivation. Each co-moment element S_ij = Σ_r c_ri c_rj (c = fl(x − shift), shift = the group's first chunk's
 * mean rounded to float32) is a float32 sum tree: inside a panel of P = 256 rows the products are accumulated one
 * after another (≤ P roundings), the ⌈R/P⌉ panel sums of a chunk are added into the chunk's tile (≤ ⌈R/P⌉), and
 * the G = ⌈N/R⌉ chunk tiles of a flush group are added into the device accumulator (≤ G). A term passes through
 * at most k = P + ⌈R/P⌉ + G roundings, plus 2 for the centring, so (Higham, Accuracy and Stability, §4.2)
 *     |fl(S_ij) − S_ij| ≤ γ_{k+2} Σ_r |c_ri c_rj| ≤ γ_{k+2} · N · sqrt(m_i m_j),   γ_k = k·u / (1 − k·u), u = 2⁻²⁴,
 * with m = σ² + e² the mean square about the shift (e = group mean − shift). Relative to sqrt(S_ii S_jj) =
 * N σ_i σ_j the error is γ_{k+2} · sqrt((1 + e_i²/σ_i²)(1 + e_j²/σ_j²)): independent of N except through G.
 * Without device accumulation (G = 1, one readback per chunk) the bound is γ_{P+⌈R/P⌉+3}. Choosing
 * G ≤ P + ⌈R/P⌉ at most doubles it: k + 2 ≤ 2(P + ⌈R/P⌉) + 2, e.g. R = 3,360 (D = 9,984, 128 MiB bindings):
 * G = 270, N = 907,200 rows, γ ≤ 3.2·10⁻⁵ worst case (rounding errors of both signs make the typical error
 * ~sqrt(k)·u ≈ 1.4·10⁻⁶). The tests check ≤ 1e-5 in the correlation against float64 on large-mean data.
 * The shift is the first chunk's mean, so data whose mean drifts by e within a group pay (1 + e²/σ²): for
 * strongly non-stationary data pass a smaller flushRows.
 */
export function defaultFlushRows(chunkRows: number): number {
  return chunkRows * (PANEL_ROWS + Math.ceil(chunkRows / PANEL_ROWS));
}
