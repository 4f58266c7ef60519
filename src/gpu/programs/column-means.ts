/// <reference types="@webgpu/types" />
/** Program for shaders/column-means.wgsl: pivot | dev | shift per column of a float32 chunk (see the shader). */
import type { Gpu } from '../device.js';
import { storagePrelude, type GpuStorage, type PipelineKey } from '../pipelines.js';
import { uniforms } from '../readback.js';
import { bindings, encodePass } from './pass.js';

export const COLUMN_MEANS = { shader: 'column-means', columnsPerWorkgroup: 64 } as const;

/** The complete key: the shader and its storage prelude (alias XT). */
export const columnMeansKey = (storage: GpuStorage): PipelineKey => ({ shader: COLUMN_MEANS.shader, prelude: storagePrelude(storage) });

/** Bytes of a rows×cols chunk in device memory (bindings are multiples of 4 bytes). */
export const xBindingBytes = (rows: number, cols: number, storage: GpuStorage): number =>
  Math.ceil((rows * cols * (storage === 'f16' ? 2 : 4)) / 4) * 4;

/** Floats written to `out`: 3·cols. */
export const columnMeansOutputFloats = (cols: number): number => 3 * cols;

/**
 * Records the dispatch into `encoder`. x: rows×cols (float32 or float16 per `storage`), out: ≥ 3·cols floats. The uniform buffer is
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
): Promise<GPUBuffer[]> {
  const params = uniforms(g, [rows, cols]);
  await encodePass(g, encoder, columnMeansKey(storage), COLUMN_MEANS.shader,
    bindings([[x, xBindingBytes(rows, cols, storage)], [out, 3 * cols * 4], params]),
    [Math.ceil(cols / COLUMN_MEANS.columnsPerWorkgroup)]);
  return [params];
}
