/// <reference types="@webgpu/types" />
/** Program for shaders/probe-axpby.wgsl: out = α·a + β·b over n floats (see the shader). */
import type { Gpu } from '../device.js';
import type { PipelineKey } from '../pipelines.js';
import { encodeElementwise } from './pass.js';

export const PROBE_AXPBY = { shader: 'probe-axpby', elementsPerWorkgroup: 256 } as const;

/** The complete key (nothing is baked into the shader). */
export const probeAxpbyKey = (): PipelineKey => ({ shader: PROBE_AXPBY.shader });

/** Records the dispatch (out must not alias a or b); returns the transient uniform buffer. */
export function encodeProbeAxpby(g: Gpu, encoder: GPUCommandEncoder, a: GPUBuffer, b: GPUBuffer, out: GPUBuffer, n: number, alpha: number, beta: number): Promise<GPUBuffer[]> {
  return encodeElementwise(g, encoder, probeAxpbyKey(), PROBE_AXPBY.elementsPerWorkgroup, [[a, n * 4], [b, n * 4], [out, n * 4]], n, [alpha, beta], [2, 3]);
}
