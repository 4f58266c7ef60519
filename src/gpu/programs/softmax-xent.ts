/// <reference types="@webgpu/types" />
/** Program for shaders/softmax-xent.wgsl: per-row softmax cross-entropy and scale·dL/dz (see the shader). */
import type { Gpu } from '../device.js';
import type { PipelineKey } from '../pipelines.js';
import { encodeWithParams } from './pass.js';

export const SOFTMAX_XENT = { shader: 'softmax-xent', rowsPerWorkgroup: 64 } as const;

/** The complete key (nothing is baked into the shader). */
export const softmaxXentKey = (): PipelineKey => ({ shader: SOFTMAX_XENT.shader });

export interface SoftmaxXentArgs {
  /** rows × classes, f32. */
  logits: GPUBuffer;
  /** Class ids (any rows ≥ r0 + rows); bound whole. */
  labels: GPUBuffer;
  /** rows × classes, f32 (written). */
  grad: GPUBuffer;
  /** rows, f32 (written). */
  loss: GPUBuffer;
  rows: number;
  classes: number;
  /** First label. */
  r0: number;
  /** Multiplies the gradient (1/rows for a mean loss). */
  scale: number;
}

/** Records the dispatch; returns the transient uniform buffer for the caller to release after submission. */
export async function encodeSoftmaxXent(g: Gpu, encoder: GPUCommandEncoder, a: SoftmaxXentArgs): Promise<GPUBuffer[]> {
  const bytes = a.rows * a.classes * 4;
  return encodeWithParams(g, encoder, softmaxXentKey(), SOFTMAX_XENT.shader,
    [[a.logits, bytes], a.labels, [a.grad, bytes], [a.loss, a.rows * 4]], [a.rows, a.classes, a.r0, a.scale],
    [Math.ceil(a.rows / SOFTMAX_XENT.rowsPerWorkgroup)], [3]);
}
