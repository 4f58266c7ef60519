/// <reference types="@webgpu/types" />
/**
 * The WebGPU correlation pass: per chunk, the device computes column statistics (shaders/column-means.wgsl) and
 * the co-moment about the chunk mean rounded to float32 (shaders/syrk-centred.wgsl, upper-triangle tiles in
 * neuron blocks); both come back and are merged in float64 on the host by the native TileComoments, with the
 * same rank-1 corrections and Chan update as the native engine (native/src/stats/comoments.h).
 */
import { callNativeSync, NeurosieveError } from '../core/errors.js';
import { native } from '../core/native.js';
import type { NativeComoments, NativeTileComoments } from '../core/native-types.js';
import { checked, gpu, type Gpu } from '../gpu/device.js';
import type { GpuStorage } from '../gpu/pipelines.js';
import { columnMeansOutputFloats, encodeColumnMeans } from '../gpu/programs/column-means.js';
import { encodeSyrkBlock, syrkBlocks, type SyrkBlock, type SyrkTile } from '../gpu/programs/syrk-centred.js';
import { poison as poisonBuffer, readback, upload } from '../gpu/readback.js';

const STORAGE_RW = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

export interface ChunkKernelOptions {
  /** Caps the output binding below the device limit (tests use it to force several neuron blocks). */
  maxBindingBytes?: number;
  /** Fill every output buffer with this value before the run (tests: NaN, so an unwritten element shows). */
  poison?: number;
  /** SYRK tile edge; default 128 on a real GPU, 64 on a CPU adapter (where the smaller tile runs faster). */
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

/** The largest chunk (rows) whose data fit in one storage binding of this device. */
export function maxChunkRows(g: Gpu, cols: number, storage: GpuStorage = 'f32'): number {
  return Math.max(1, Math.floor(g.limits.maxStorageBufferBindingSize / ((storage === 'f16' ? 2 : 4) * cols)));
}

let halfScratch = new Uint16Array(0);

/** Runs both kernels on one chunk and reads everything back (the building block of the pass, and of the tests). */
export async function chunkKernels(g: Gpu, x: Float32Array, rows: number, cols: number, options: ChunkKernelOptions = {}): Promise<ChunkKernelOutput> {
  if (rows < 1 || x.length < rows * cols) throw new NeurosieveError('E_INTERNAL', `chunk of ${x.length} floats is smaller than ${rows}×${cols}`);
  const storage = options.storage ?? 'f32';
  if (storage === 'f16' && !g.f16) throw new NeurosieveError('E_GPU', "storage 'f16' needs the shader-f16 feature, which this adapter lacks");
  if (rows > maxChunkRows(g, cols, storage)) throw new NeurosieveError('E_INTERNAL', `a chunk of ${rows} rows exceeds the device's binding limit (${maxChunkRows(g, cols, storage)} rows)`);
  const maxBytes = Math.min(g.limits.maxStorageBufferBindingSize, g.limits.maxBufferSize, options.maxBindingBytes ?? Infinity);
  const tile: SyrkTile = options.tile ?? (g.adapter.fallback ? 64 : 128);
  const blocks = syrkBlocks(cols, maxBytes, tile);
  const transient: GPUBuffer[] = [];
  return checked(g, `correlation chunk of ${rows}×${cols}`, async () => {
    let data: Float32Array | Uint16Array = x.subarray(0, rows * cols);
    if (storage === 'f16') {
      if (halfScratch.length < rows * cols) halfScratch = new Uint16Array(rows * cols);
      const h = halfScratch.subarray(0, rows * cols);
      callNativeSync(() => native().toHalf(data as Float32Array, h));
      data = h;
    }
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

/** Streams chunks through the device; result() gives the exact float64 statistics of all rows added. */
export class GpuComomentPass {
  private acc: NativeTileComoments | undefined;
  private constructor(
    readonly g: Gpu,
    readonly cols: number,
    private readonly options: ChunkKernelOptions,
    threads: number,
  ) {
    const T = native().TileComoments;
    this.acc = callNativeSync(() => new T(cols, threads));
  }

  static async open(cols: number, threads: number, options: ChunkKernelOptions = {}): Promise<GpuComomentPass> {
    return new GpuComomentPass(await gpu(), cols, options, threads);
  }

  /** Rows per chunk the device can take at this width. */
  get maxRows(): number {
    return maxChunkRows(this.g, this.cols, this.options.storage);
  }

  /** Folds in rows×cols float32 values (row-major); rows ≤ maxRows. */
  async add(x: Float32Array, rows: number): Promise<void> {
    if (rows === 0) return;
    this.merge(await this.submit(x, rows), rows);
  }

  /**
   * Starts the kernels on a chunk. `x` is copied to the device before this returns, so the caller may refill it
   * at once; the promise gives the chunk's results for merge(). Splitting add() in two lets the host merge chunk
   * k while the device computes chunk k + 1.
   */
  submit(x: Float32Array, rows: number): Promise<ChunkKernelOutput> {
    if (!this.acc) throw new NeurosieveError('E_INTERNAL', 'GpuComomentPass used after result()');
    return chunkKernels(this.g, x, rows, this.cols, this.options);
  }

  /** Adds a chunk's results into the float64 state (synchronous: a pass over the packed co-moment). */
  merge(out: ChunkKernelOutput, rows: number): void {
    const acc = this.acc;
    if (!acc) throw new NeurosieveError('E_INTERNAL', 'GpuComomentPass used after result()');
    callNativeSync(() => {
      for (const { block, tiles } of out.blocks) acc.addTiles(tiles, out.tile, block.bi0, block.bi1);
      acc.endChunk(rows, out.columnStats);
    });
  }

  result(): NativeComoments {
    const acc = this.acc;
    if (!acc) throw new NeurosieveError('E_INTERNAL', 'GpuComomentPass.result() called twice');
    this.acc = undefined;
    return callNativeSync(() => acc.result());
  }
}
