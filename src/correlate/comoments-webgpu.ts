/// <reference types="@webgpu/types" />
/**
 * The WebGPU correlation pass: the device computes column statistics (shaders/column-means.wgsl) and the
 * co-moment about a float32 shift (shaders/syrk-centred.wgsl, upper-triangle tiles in neuron blocks). Chunks are
 * grouped into flush groups (src/correlate/gpu-plan.ts): the first chunk of a group sets the shift (its mean
 * rounded to float32), later chunks add into the same device accumulators, and once per group the accumulators
 * come back and are merged in float64 on the host by the native TileComoments, with the same rank-1 corrections
 * and Chan update as the native engine (native/src/stats/comoments.h).
 */
import { callNativeSync, NeurosieveError } from '../core/errors.js';
import { native } from '../core/native.js';
import type { NativeComoments, NativeTileComoments } from '../core/native-types.js';
import { checked, gpu, type Gpu } from '../gpu/device.js';
import type { GpuStorage } from '../gpu/pipelines.js';
import { columnMeansOutputFloats, encodeColumnMeans } from '../gpu/programs/column-means.js';
import { chooseSyrkTile, encodeSyrkBlock, syrkBlocks, type SyrkBlock, type SyrkTile } from '../gpu/programs/syrk-centred.js';
import { poison as poisonBuffer, readback, upload, writeBuffer } from '../gpu/readback.js';
import { KernelTimer, timingUnavailable } from '../gpu/timer.js';
import { defaultFlushRows, gpuChunkRows, maxChunkRows } from './gpu-plan.js';
import type { GpuRunReport } from './run-report.js';

export { maxChunkRows };

const STORAGE_RW = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

export interface ChunkKernelOptions {
  /** Caps the output binding below the device limit (tests use it to force several neuron blocks). */
  maxBindingBytes?: number;
  /** Fill every output buffer with this value before the run (tests: NaN, so an unwritten element shows). */
  poison?: number;
  /** SYRK tile edge; default chooseSyrkTile(adapter): 128 on NVIDIA/AMD, 64 elsewhere (src/gpu/programs/syrk-centred.ts). */
  tile?: SyrkTile;
  /**
   * Upload the chunk as float16 (needs shader-f16). Lossless only for data that are float16 already (a float16
   * dataset), and then bit-identical to 'f32' with half the bytes moved; default 'f32'.
   */
  storage?: GpuStorage;
}

export interface ChunkKernelOutput {
  /** pivot | dev | shift, 3·cols floats (see shaders/column-means.wgsl). */
  columnStats: Float32Array;
  /** Upper-triangle tiles, one array per neuron block. */
  blocks: { block: SyrkBlock; tiles: Float32Array }[];
  tile: SyrkTile;
}

let halfScratch = new Uint16Array(0);

/** float32 → float16 bits (native, round to nearest even) into a shared scratch array. */
function toHalf(x: Float32Array): Uint16Array {
  if (halfScratch.length < x.length) halfScratch = new Uint16Array(x.length);
  const h = halfScratch.subarray(0, x.length);
  callNativeSync(() => native().toHalf(x, h));
  return h;
}

/** Runs both kernels on one chunk and reads everything back (the building block of the pass, and of the tests). */
export async function chunkKernels(g: Gpu, x: Float32Array, rows: number, cols: number, options: ChunkKernelOptions = {}): Promise<ChunkKernelOutput> {
  if (rows < 1 || x.length < rows * cols) throw new NeurosieveError('E_INTERNAL', `chunk of ${x.length} floats is smaller than ${rows}×${cols}`);
  const storage = options.storage ?? 'f32';
  if (storage === 'f16' && !g.f16) throw new NeurosieveError('E_GPU', "storage 'f16' needs the shader-f16 feature, which this adapter lacks");
  if (rows > maxChunkRows(g, cols, storage)) throw new NeurosieveError('E_INTERNAL', `a chunk of ${rows} rows exceeds the device's binding limit (${maxChunkRows(g, cols, storage)} rows)`);
  const maxBytes = Math.min(g.limits.maxStorageBufferBindingSize, g.limits.maxBufferSize, options.maxBindingBytes ?? Infinity);
  const tile: SyrkTile = options.tile ?? chooseSyrkTile(g.adapter);
  const blocks = syrkBlocks(cols, maxBytes, tile);
  const transient: GPUBuffer[] = [];
  return checked(g, `correlation chunk of ${rows}×${cols}`, async () => {
    const data = storage === 'f16' ? toHalf(x.subarray(0, rows * cols)) : x.subarray(0, rows * cols);
    const xBuf = upload(g, data, 'chunk');
    const statsBuf = g.buffers.acquire(columnMeansOutputFloats(cols) * 4, STORAGE_RW(), 'column-stats');
    const outs = blocks.map((b) => g.buffers.acquire(b.tiles * tile * tile * 4, STORAGE_RW(), 'syrk-tiles'));
    transient.push(xBuf, statsBuf, ...outs);
    if (options.poison !== undefined) for (const b of [statsBuf, ...outs]) poisonBuffer(g, b, options.poison);
    try {
      const enc = g.device.createCommandEncoder({ label: 'correlation chunk' });
      transient.push(...(await encodeColumnMeans(g, enc, xBuf, statsBuf, rows, cols, storage)));
      for (let k = 0; k < blocks.length; k++) transient.push(...(await encodeSyrkBlock(g, enc, xBuf, statsBuf, outs[k]!, rows, cols, blocks[k]!, tile, storage)));
      const reads = [readback(g, statsBuf, 0, columnMeansOutputFloats(cols) * 4, enc), ...blocks.map((b, k) => readback(g, outs[k]!, 0, b.tiles * tile * tile * 4, enc))];
      g.device.queue.submit([enc.finish()]);
      const [stats, ...tiles] = await Promise.all(reads.map((r) => r()));
      return { columnStats: new Float32Array(stats!), blocks: blocks.map((block, k) => ({ block, tiles: new Float32Array(tiles[k]!) })), tile };
    } finally {
      for (const b of transient) g.buffers.release(b);
    }
  });
}

export interface PassOptions extends Omit<ChunkKernelOptions, 'poison'> {
  /** Rows per device chunk (default: gpuChunkRows, from the device limits); capped at the binding limit. */
  chunkRows?: number;
  /** Rows accumulated on the device between host merges (default: defaultFlushRows(chunkRows)). */
  flushRows?: number;
  /** Time each kernel with timestamp queries where the adapter has them (default true). */
  timeKernels?: boolean;
  /** Tests: record the order of submissions and merges in `events`. */
  trace?: boolean;
}

/** One entry of the event trace: chunk k submitted; the merge of the group ending at chunk k started / ended. */
export type PassEvent = `submit ${number}` | `merge-start ${number}` | `merge-end ${number}`;

/** Chunks the device may hold queued: the one computing and the one going up. */
const IN_FLIGHT = 2;

/**
 * Streams chunks through the device; result() gives the exact float64 statistics of all rows added.
 *
 * Pipeline: add(k) waits until chunk k − 2 is done (so at most two chunks are queued, and their two upload
 * buffers alternate: chunk k goes up while chunk k − 1 computes), writes chunk k to the queue and submits it.
 * When chunk k does not fit in the current flush group, the group's accumulators are first copied to staging
 * buffers in a submission of their own, chunk k starts a new group, and the copy is mapped and merged in float64
 * only after chunk k is submitted: the device computes chunk k while the host merges (event order:
 * `submit k` before `merge-start k−1`). Merges happen once per flush group (every flushRows rows).
 */
export class GpuComomentPass {
  private acc: NativeTileComoments | undefined;
  readonly storage: GpuStorage;
  readonly tile: SyrkTile;
  readonly chunkRows: number;
  readonly flushRows: number;
  readonly events: PassEvent[] = [];
  private readonly blocks: SyrkBlock[];
  private readonly stats: GPUBuffer;
  private readonly outs: GPUBuffer[];
  private readonly xBufs: GPUBuffer[] = [];
  private readonly done: Promise<unknown>[] = [];
  private readonly timer: KernelTimer | undefined;
  private readonly t0 = performance.now();
  private groupRows = 0;
  private chunk = 0;
  private pending: { reads: (() => Promise<ArrayBuffer>)[]; rows: number; lastChunk: number } | undefined;
  private readonly counts = { rows: 0, chunks: 0, flushes: 0, hostMerges: 0, bytesUp: 0, bytesDown: 0, hostMergeMs: 0, conversionMs: 0, uploadMs: 0 };

  private constructor(
    readonly g: Gpu,
    readonly cols: number,
    threads: number,
    options: PassOptions,
  ) {
    this.storage = options.storage ?? 'f32';
    if (this.storage === 'f16' && !g.f16) throw new NeurosieveError('E_GPU', "storage 'f16' needs the shader-f16 feature, which this adapter lacks");
    this.tile = options.tile ?? chooseSyrkTile(g.adapter);
    this.chunkRows = Math.max(1, Math.min(options.chunkRows ?? gpuChunkRows(g, cols, this.storage), maxChunkRows(g, cols, this.storage)));
    this.flushRows = Math.max(this.chunkRows, options.flushRows ?? defaultFlushRows(this.chunkRows));
    const maxBytes = Math.min(g.limits.maxStorageBufferBindingSize, g.limits.maxBufferSize, options.maxBindingBytes ?? Infinity);
    this.blocks = syrkBlocks(cols, maxBytes, this.tile);
    this.stats = g.buffers.acquire(columnMeansOutputFloats(cols) * 4, STORAGE_RW(), 'column-stats');
    this.outs = this.blocks.map((b) => g.buffers.acquire(b.tiles * this.tile * this.tile * 4, STORAGE_RW(), 'syrk-accumulator'));
    this.timer = options.timeKernels !== false && !timingUnavailable(g) ? new KernelTimer(g) : undefined;
    this.trace = options.trace === true;
    void g.device.lost.then((info) => {
      this.lost = info.message || String(info.reason);
    });
    const T = native().TileComoments;
    this.acc = callNativeSync(() => new T(cols, threads));
  }

  private readonly trace: boolean;
  private lost: string | undefined;

  static async open(cols: number, threads: number, options: PassOptions = {}): Promise<GpuComomentPass> {
    return new GpuComomentPass(await gpu(), cols, threads, options);
  }

  /** Rows per chunk add() takes at most. */
  get maxRows(): number {
    return this.chunkRows;
  }

  private open_(): NativeTileComoments {
    if (!this.acc) throw new NeurosieveError('E_INTERNAL', 'GpuComomentPass used after result()');
    return this.acc;
  }

  private event(e: PassEvent): void {
    if (this.trace) this.events.push(e);
  }

  /**
   * Sends rows×cols float32 values (row-major, rows ≤ maxRows) to the device and folds them in. `x` is copied
   * before this resolves, so the caller may refill it at once. Resolves after the chunk is submitted and any
   * flush started before it is merged.
   */
  async add(x: Float32Array, rows: number): Promise<void> {
    this.open_();
    if (rows === 0) return;
    if (rows > this.chunkRows || x.length < rows * this.cols) throw new NeurosieveError('E_INTERNAL', `chunk of ${rows} rows (${x.length} floats) exceeds the pass's ${this.chunkRows}×${this.cols}`);
    const g = this.g;
    const k = this.chunk++;
    const what = `correlation chunk of ${rows}×${this.cols}`;
    // Work submitted to a released device is dropped silently; say so at the next chunk, not at the flush.
    if (this.lost) throw new NeurosieveError('E_GPU', `${what}: the WebGPU device was released or lost (${this.lost})`);
    await checked(g, what, async () => {
      // At most IN_FLIGHT chunks queued: wait for chunk k − IN_FLIGHT before reusing its upload buffer.
      if (this.done.length >= IN_FLIGHT) await this.done.shift();
      if (this.groupRows > 0 && this.groupRows + rows > this.flushRows) this.startFlush(k - 1);
      const accumulate = this.groupRows > 0;
      let data: Float32Array | Uint16Array = x.subarray(0, rows * this.cols);
      if (this.storage === 'f16') {
        const t = performance.now();
        data = toHalf(data);
        this.counts.conversionMs += performance.now() - t;
      }
      const slot = k % IN_FLIGHT;
      this.xBufs[slot] ??= g.buffers.acquire(Math.ceil((this.chunkRows * this.cols * (this.storage === 'f16' ? 2 : 4)) / 4) * 4, STORAGE_RW(), 'chunk');
      const xBuf = this.xBufs[slot]!;
      const tu = performance.now();
      writeBuffer(g, xBuf, data);
      this.counts.uploadMs += performance.now() - tu;
      const enc = g.device.createCommandEncoder({ label: `correlation chunk ${k}` });
      this.timer?.begin(enc, 1 + this.blocks.length);
      const transient = await encodeColumnMeans(g, enc, xBuf, this.stats, rows, this.cols, this.storage, accumulate);
      for (let b = 0; b < this.blocks.length; b++) transient.push(...(await encodeSyrkBlock(g, enc, xBuf, this.stats, this.outs[b]!, rows, this.cols, this.blocks[b]!, this.tile, this.storage, accumulate)));
      this.timer?.resolve(enc);
      g.device.queue.submit([enc.finish()]);
      this.timer?.submitted();
      for (const b of transient) g.buffers.release(b);
      // Never rejects: a device loss is reported by checked() and by the `lost` flag.
      this.done.push(g.device.queue.onSubmittedWorkDone().catch(() => undefined));
      this.event(`submit ${k}`);
      this.groupRows += rows;
      this.counts.rows += rows;
      this.counts.chunks++;
      this.counts.bytesUp += data.byteLength;
      // The group that ended before this chunk: merged now, while the device computes this chunk.
      await this.mergePending();
    });
  }

  /** Copies the accumulators to staging (its own submission) and ends the group; merged by mergePending(). */
  private startFlush(lastChunk: number): void {
    const g = this.g;
    const enc = g.device.createCommandEncoder({ label: 'correlation flush' });
    const reads = [readback(g, this.stats, 0, columnMeansOutputFloats(this.cols) * 4, enc), ...this.blocks.map((b, i) => readback(g, this.outs[i]!, 0, b.tiles * this.tile * this.tile * 4, enc))];
    g.device.queue.submit([enc.finish()]);
    this.pending = { reads, rows: this.groupRows, lastChunk };
    this.groupRows = 0;
    this.counts.flushes++;
    this.counts.bytesDown += (columnMeansOutputFloats(this.cols) + this.blocks.reduce((s, b) => s + b.tiles * this.tile * this.tile, 0)) * 4;
  }

  /** Maps the pending flush's staging buffers and merges them into the float64 state. */
  private async mergePending(): Promise<void> {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    const [stats, ...tiles] = await Promise.all(p.reads.map((r) => r()));
    const acc = this.open_();
    this.event(`merge-start ${p.lastChunk}`);
    const t = performance.now();
    callNativeSync(() => {
      this.blocks.forEach((block, i) => acc.addTiles(new Float32Array(tiles[i]!), this.tile, block.bi0, block.bi1));
      acc.endChunk(p.rows, new Float32Array(stats!));
    });
    this.counts.hostMergeMs += performance.now() - t;
    this.counts.hostMerges++;
    this.event(`merge-end ${p.lastChunk}`);
  }

  /** Flushes the last group and merges it (call once, after the last add()). */
  async finish(): Promise<void> {
    this.open_();
    if (this.groupRows === 0) return;
    if (this.lost) throw new NeurosieveError('E_GPU', `correlation flush: the WebGPU device was released or lost (${this.lost})`);
    await checked(this.g, 'correlation flush', async () => {
      this.startFlush(this.chunk - 1);
      await this.mergePending();
    });
  }

  /** What the run did (call after finish()). */
  async report(): Promise<GpuRunReport> {
    const a = this.g.adapter;
    const reason = timingUnavailable(this.g) ?? (this.timer ? undefined : 'kernel timing was turned off');
    return {
      adapter: `${a.vendor} ${a.architecture} (${a.description || a.device}), ${a.backend}`,
      storage: this.storage,
      tile: this.tile,
      chunkRows: this.chunkRows,
      flushRows: this.flushRows,
      ...this.counts,
      wallMs: performance.now() - this.t0,
      ...(this.timer ? { deviceMs: await this.timer.totals() } : { deviceMsUnavailable: reason }),
    };
  }

  /** The float64 statistics; gives the device buffers back. Call after finish(). */
  result(): NativeComoments {
    const acc = this.open_();
    if (this.groupRows > 0 || this.pending) throw new NeurosieveError('E_INTERNAL', 'GpuComomentPass.result() before finish()');
    this.acc = undefined;
    this.close();
    return callNativeSync(() => acc.result());
  }

  /** Gives the device buffers back to the pool (also on failure). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const b of [this.stats, ...this.outs, ...this.xBufs]) this.g.buffers.release(b);
  }

  private closed = false;
}
