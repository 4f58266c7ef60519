/// <reference types="@webgpu/types" />
/** Program for shaders/gemm-xwt.wgsl: logits Z = X[r0 .. r0+rows)·Wᵀ + b (see the shader). */
import type { Gpu } from '../device.js';
import { storagePrelude, type GpuStorage, type PipelineKey } from '../pipelines.js';
import { uniforms } from '../readback.js';
import { bindings, encodePass } from './pass.js';

export const GEMM_XWT = { shader: 'gemm-xwt', rowsPerWorkgroup: 64, classesPerWorkgroup: 64 } as const;

/** The complete key: the shader and its storage prelude (alias XT). */
export const gemmXwtKey = (storage: GpuStorage): PipelineKey => ({ shader: GEMM_XWT.shader, prelude: storagePrelude(storage) });

export interface GemmXwtArgs {
  /** Activations (any rows ≥ r0 + rows) × cols, stored as `storage`; bound whole. */
  x: GPUBuffer;
  storage: GpuStorage;
  /** classes × cols, f32. */
  w: GPUBuffer;
  /** classes, f32. */
  b: GPUBuffer;
  /** rows × classes, f32 (written). */
  out: GPUBuffer;
  rows: number;
  cols: number;
  classes: number;
  /** First row of x. */
  r0: number;
}

/** Records the dispatch; returns the transient uniform buffer for the caller to release after submission. */
export async function encodeGemmXwt(g: Gpu, encoder: GPUCommandEncoder, a: GemmXwtArgs): Promise<GPUBuffer[]> {
  const C = a.classes;
  const params = uniforms(g, [a.rows, a.cols, C, a.r0]);
  await encodePass(g, encoder, gemmXwtKey(a.storage), GEMM_XWT.shader,
    bindings([a.x, [a.w, C * a.cols * 4], [a.b, C * 4], [a.out, a.rows * C * 4], params]),
    [Math.ceil(C / GEMM_XWT.classesPerWorkgroup), Math.ceil(a.rows / GEMM_XWT.rowsPerWorkgroup)]);
  return [params];
}
