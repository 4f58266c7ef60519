/// <reference types="@webgpu/types" />
/** Program for shaders/probe-residual.wgsl: the class-weighted softmax residual of the exact probe (see the shader). */
import type { Gpu } from '../device.js';
import type { PipelineKey } from '../pipelines.js';
import { encodeWithParams } from './pass.js';

export const PROBE_RESIDUAL = { shader: 'probe-residual', rowsPerWorkgroup: 64 } as const;

/** The complete key (nothing is baked into the shader). */
export const probeResidualKey = (): PipelineKey => ({ shader: PROBE_RESIDUAL.shader });

export interface ProbeResidualArgs {
  /** rows × classes, f32. */
  logits: GPUBuffer;
  /** rows class ids; bound whole. */
  labels: GPUBuffer;
  /** classes, f32: class weight / T. */
  weight: GPUBuffer;
  /** rows × classes, f32 (written). */
  r: GPUBuffer;
  rows: number;
  classes: number;
}

/** Records the dispatch; returns the transient uniform buffer for the caller to release after submission. */
export async function encodeProbeResidual(g: Gpu, encoder: GPUCommandEncoder, a: ProbeResidualArgs): Promise<GPUBuffer[]> {
  const bytes = a.rows * a.classes * 4;
  return encodeWithParams(g, encoder, probeResidualKey(), PROBE_RESIDUAL.shader,
    [[a.logits, bytes], a.labels, [a.weight, a.classes * 4], [a.r, bytes]], [a.rows, a.classes],
    [Math.ceil(a.rows / PROBE_RESIDUAL.rowsPerWorkgroup)]);
}
