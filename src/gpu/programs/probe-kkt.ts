/// <reference types="@webgpu/types" />
/** Program for shaders/probe-kkt.wgsl: the largest KKT violation of the exact probe (see the shader). */
import type { Gpu } from '../device.js';
import type { PipelineKey } from '../pipelines.js';
import { encodeWithParams } from './pass.js';

export const PROBE_KKT = { shader: 'probe-kkt' } as const;

/** The complete key (nothing is baked into the shader). */
export const probeKktKey = (): PipelineKey => ({ shader: PROBE_KKT.shader });

/**
 * Records the dispatch (ONE workgroup): out[0] = the criterion at θ = `w` (n = classes·cols floats, the last
 * column the intercept) with datafit gradient `grad`. Returns the transient uniform buffer.
 */
export async function encodeProbeKkt(
  g: Gpu,
  encoder: GPUCommandEncoder,
  w: GPUBuffer,
  grad: GPUBuffer,
  out: GPUBuffer,
  n: number,
  cols: number,
  l1: number,
  l2: number,
): Promise<GPUBuffer[]> {
  return encodeWithParams(g, encoder, probeKktKey(), PROBE_KKT.shader, [[w, n * 4], [grad, n * 4], [out, 4]], [n, cols, l1, l2], [1], [2, 3]);
}
