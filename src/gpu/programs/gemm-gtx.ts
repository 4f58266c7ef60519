/// <reference types="@webgpu/types" />
/** Program for shaders/gemm-gtx.wgsl: the weight gradient Gᵀ·X[r0 .. r0+rows) (see the shader). */
import type { Gpu } from '../device.js';
import { storageKey, type GpuStorage, type PipelineKey } from '../pipelines.js';
import type { ActivationRows } from './gemm-xwt.js';
import { encodeWithParams } from './pass.js';

export const GEMM_GTX = { shader: 'gemm-gtx', classesPerWorkgroup: 64, colsPerWorkgroup: 64 } as const;

/** The complete key: the shader and its storage prelude (alias XT). */
export const gemmGtxKey = (storage: GpuStorage): PipelineKey => storageKey(GEMM_GTX.shader, storage);

export interface GemmGtxArgs extends ActivationRows {
  /** rows × classes, f32. */
  G: GPUBuffer;
  /** classes × cols, f32 (written). */
  out: GPUBuffer;
  classes: number;
}

/** Records the dispatch; returns the transient uniform buffer for the caller to release after submission. */
export async function encodeGemmGtx(g: Gpu, encoder: GPUCommandEncoder, a: GemmGtxArgs): Promise<GPUBuffer[]> {
  const C = a.classes;
  return encodeWithParams(g, encoder, gemmGtxKey(a.storage), GEMM_GTX.shader,
    [[a.G, a.rows * C * 4], a.x, [a.out, C * a.cols * 4]], [a.rows, a.cols, C, a.r0],
    [Math.ceil(a.cols / GEMM_GTX.colsPerWorkgroup), Math.ceil(C / GEMM_GTX.classesPerWorkgroup)]);
}
