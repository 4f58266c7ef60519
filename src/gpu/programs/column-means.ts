/// <reference types="@webgpu/types" />
/** Program for shaders/column-means.wgsl: pivot | dev | shift per column of a float32 chunk (see the shader). */
import type { Gpu } from '../device.js';
import { storageKey, type GpuStorage, type PipelineKey } from '../pipelines.js';
import { encodeWithParams } from './pass.js';

export const COLUMN_MEANS = { shader: 'column-means', columnsPerWorkgroup: 64 } as const;

/** The complete key: the shader and its storage prelude (alias XT). */
export const columnMeansKey = (storage: GpuStorage): PipelineKey => storageKey(COLUMN_MEANS.shader, storage);

/** Bytes of a rows×cols chunk in device memory (bindings are multiples of 4 bytes). */
export const xBindingBytes = (rows: number, cols: number, storage: GpuStorage): number =>
  Math.ceil((rows * cols * (storage === 'f16' ? 2 : 4)) / 4) * 4;

/** Floats written to `out`: 3·cols. */
export const columnMeansOutputFloats = (cols: number): number => 3 * cols;

/**
 * Records the dispatch into `encoder`. With `accumulate`, `out` already holds a flush group's statistics: the
 * pivot and shift stay, and this chunk's deviations from the pivot are added to dev. x: rows×cols (float32 or float16 per `storage`), out: ≥ 3·cols floats. The uniform buffer is
 * returned so the caller can give it back to the pool once the work is submitted.
 */
export async function encodeColumnMeans(
  g: Gpu,
  encoder: GPUCommandEncoder,
  x: GPUBuffer,
  out: GPUBuffer,
  rows: number,
  cols: number,
  storage: GpuStorage = 'f32',
  accumulate = false,
): Promise<GPUBuffer[]> {
  return encodeWithParams(g, encoder, columnMeansKey(storage), COLUMN_MEANS.shader,
    [[x, xBindingBytes(rows, cols, storage)], [out, 3 * cols * 4]], [rows, cols, accumulate ? 1 : 0],
    [Math.ceil(cols / COLUMN_MEANS.columnsPerWorkgroup)]);
}
