/// <reference types="@webgpu/types" />
/** Program for shaders/gemm-xwt.wgsl: logits Z = X[r0 .. r0+rows)·Wᵀ + b (see the shader). */
import type { Gpu } from '../device.js';
import { storageKey, type GpuStorage, type PipelineKey } from '../pipelines.js';
import { encodeWithParams } from './pass.js';

export const GEMM_XWT = { shader: 'gemm-xwt', rowsPerWorkgroup: 64, classesPerWorkgroup: 64 } as const;

/** The complete key: the shader and its storage prelude (alias XT). */
export const gemmXwtKey = (storage: GpuStorage): PipelineKey => storageKey(GEMM_XWT.shader, storage);

/** The activation operand of the probe GEMMs: rows r0 … r0 + rows − 1 of `x` (cols wide, bound whole). */
export interface ActivationRows {
  x: GPUBuffer;
  storage: GpuStorage;
  r0: number;
  rows: number;
  cols: number;
}

export interface GemmXwtArgs extends ActivationRows {
  /** classes × cols, f32. */
  w: GPUBuffer;
  /** classes, f32. */
  b: GPUBuffer;
  /** rows × classes, f32 (written). */
  out: GPUBuffer;
  classes: number;
}

/** Records the dispatch; returns the transient uniform buffer for the caller to release after submission. */
export async function encodeGemmXwt(g: Gpu, encoder: GPUCommandEncoder, a: GemmXwtArgs): Promise<GPUBuffer[]> {
  const C = a.classes;
  return encodeWithParams(g, encoder, gemmXwtKey(a.storage), GEMM_XWT.shader,
    [a.x, [a.w, C * a.cols * 4], [a.b, C * 4], [a.out, a.rows * C * 4]], [a.rows, a.cols, C, a.r0],
    [Math.ceil(C / GEMM_XWT.classesPerWorkgroup), Math.ceil(a.rows / GEMM_XWT.rowsPerWorkgroup)]);
}
