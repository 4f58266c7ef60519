/// <reference types="@webgpu/types" />
/**
 * Program for shaders/syrk-centred.wgsl: the shifted co-moment of a chunk as upper-triangle tiles, with
 * the output split into blocks of tile rows ("neuron blocks") so that no binding exceeds the device's
 * maxStorageBufferBindingSize.
 */
import { NeurosieveError } from '../../core/errors.js';
import type { Gpu } from '../device.js';
import { storagePrelude, type GpuStorage, type PipelineKey } from '../pipelines.js';
import { xBindingBytes } from './column-means.js';
import { encodeWithParams } from './pass.js';

export const SYRK = { shader: 'syrk-centred' } as const;

/** The complete key: the shader, its storage prelude (alias XT) and the register block RB = tile / 16. */
export const syrkKey = (tile: SyrkTile, storage: GpuStorage): PipelineKey => ({
  shader: SYRK.shader,
  prelude: `${storagePrelude(storage)}const RB: u32 = ${tile / 16}u;\n`,
});

/**
 * Output tile edge: 64 (4×4 register blocks, K step 32) or 128 (8×8 blocks, K step 16: twice the FLOPs per byte
 * loaded). Both use 16 KiB of workgroup memory; the tests run both.
 */
export type SyrkTile = 64 | 128;

/**
 * The tile for an adapter. 128 (8×8 accumulators + 8×8 panel sums = 128 live floats per invocation) only where
 * register files are large: NVIDIA and AMD discrete-class GPUs (64 Ki 32-bit registers per SM/CU, up to 255 per
 * thread), and only if the adapter lets a 16×16 workgroup stage 2·16·128 floats (16 KiB, the default workgroup
 * storage). Elsewhere 64 (4×4 + 4×4): Apple and Intel GPUs and unknown vendors, where 128 live floats would spill,
 * and CPU adapters, where the smaller tile measured faster. An estimate from register counts, not a measurement:
 * `neurosieve doctor`'s benchmark line reports the GFLOP/s of the tile chosen.
 */
export function chooseSyrkTile(adapter: { vendor: string; fallback: boolean; limits: Record<string, number> }): SyrkTile {
  const roomy = (adapter.limits.maxComputeWorkgroupStorageSize ?? 0) >= 16384 && (adapter.limits.maxComputeInvocationsPerWorkgroup ?? 0) >= 256;
  return !adapter.fallback && roomy && /^(nvidia|amd|ati)$/i.test(adapter.vendor) ? 128 : 64;
}

export interface SyrkBlock {
  /** Tile rows [bi0, bi1) of the nb×nb tile grid. */
  bi0: number;
  bi1: number;
  /** Packed index of tile (bi0, bi0): the block's first tile. */
  tile0: number;
  /** Tiles in the block (its output holds tiles·64·64 floats). */
  tiles: number;
}

const tileIndex = (bi: number, bj: number, nb: number) => (bi * (2 * nb - bi + 1)) / 2 + (bj - bi);

/** Splits the tile rows into consecutive blocks whose output fits in `maxBytes`. */
export function syrkBlocks(cols: number, maxBytes: number, tile: SyrkTile = 64): SyrkBlock[] {
  const T = tile;
  const nb = Math.ceil(cols / T);
  const tileBytes = T * T * 4;
  const maxTiles = Math.floor(maxBytes / tileBytes);
  if (maxTiles < nb) {
    throw new NeurosieveError('E_GPU', `a row of ${nb} output tiles (${nb * tileBytes} bytes) exceeds the device's storage binding limit of ${maxBytes} bytes`);
  }
  const blocks: SyrkBlock[] = [];
  let bi0 = 0;
  while (bi0 < nb) {
    let bi1 = bi0;
    let tiles = 0;
    while (bi1 < nb && tiles + (nb - bi1) <= maxTiles) tiles += nb - bi1++;
    blocks.push({ bi0, bi1, tile0: tileIndex(bi0, bi0, nb), tiles });
    bi0 = bi1;
  }
  return blocks;
}

/**
 * Records one block's dispatch. x: rows×cols float32; stats: the column-means output (shift at 2·cols);
 * out: ≥ block.tiles·tile² floats, overwritten, or added to with `accumulate` (a later chunk of a flush group,
 * centred by the group's shift). Returns the transient buffers for the caller to release after submission.
 */
export async function encodeSyrkBlock(
  g: Gpu,
  encoder: GPUCommandEncoder,
  x: GPUBuffer,
  stats: GPUBuffer,
  out: GPUBuffer,
  rows: number,
  cols: number,
  block: SyrkBlock,
  tile: SyrkTile,
  storage: GpuStorage = 'f32',
  accumulate = false,
): Promise<GPUBuffer[]> {
  const nb = Math.ceil(cols / tile);
  return encodeWithParams(g, encoder, syrkKey(tile, storage), SYRK.shader,
    // x is array<vec4<XT>>: its binding is a whole number of 16-byte elements (pooled buffers are 256-byte multiples).
    [[x, Math.ceil(xBindingBytes(rows, cols, storage) / 16) * 16], [stats, 3 * cols * 4], [out, block.tiles * tile * tile * 4]], [rows, cols, nb, block.bi0, block.tile0, accumulate ? 1 : 0],
    [nb, block.bi1 - block.bi0]);
}
