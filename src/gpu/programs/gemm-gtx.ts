/// <reference types="@webgpu/types" />
/** Program for shaders/gemm-gtx.wgsl: the weight gradient Gᵀ·X[r0 .. r0+rows) (see the shader). */
import type { Gpu } from '../device.js';
import { storagePrelude, type GpuStorage, type PipelineKey } from '../pipelines.js';
import { uniforms } from '../readback.js';
import { bindings, encodePass } from './pass.js';

export const GEMM_GTX = { shader: 'gemm-gtx', classesPerWorkgroup: 64, colsPerWorkgroup: 64 } as const;

/** The complete key: the shader and its storage prelude (alias XT). */
export const gemmGtxKey = (storage: GpuStorage): PipelineKey => ({ shader: GEMM_GTX.shader, prelude: storagePrelude(storage) });

export interface GemmGtxArgs {
  /** rows × classes, f32. */
  G: GPUBuffer;
  /** Activations (any rows ≥ r0 + rows) × cols, stored as `storage`; bound whole. */
  x: GPUBuffer;
  storage: GpuStorage;
  /** classes × cols, f32 (written). */
  out: GPUBuffer;
  rows: number;
  cols: number;
  classes: number;
  /** First row of x. */
  r0: number;
}

/** Records the dispatch; returns the transient uniform buffer for the caller to release after submission. */
export async function encodeGemmGtx(g: Gpu, encoder: GPUCommandEncoder, a: GemmGtxArgs): Promise<GPUBuffer[]> {
  const C = a.classes;
  const params = uniforms(g, [a.rows, a.cols, C, a.r0]);
  await encodePass(g, encoder, gemmGtxKey(a.storage), GEMM_GTX.shader,
    bindings([[a.G, a.rows * C * 4], a.x, [a.out, C * a.cols * 4], params]),
    [Math.ceil(a.cols / GEMM_GTX.colsPerWorkgroup), Math.ceil(C / GEMM_GTX.classesPerWorkgroup)]);
  return [params];
}
