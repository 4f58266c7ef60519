/// <reference types="@webgpu/types" />
/** Program for shaders/probe-extrapolate.wgsl: y = x + β(x − x_prev) over n floats, β from the device (see the shader). */
import type { Gpu } from '../device.js';
import type { PipelineKey } from '../pipelines.js';
import { encodeElementwise } from './pass.js';

export const PROBE_EXTRAPOLATE = { shader: 'probe-extrapolate', elementsPerWorkgroup: 256 } as const;

/** The complete key (nothing is baked into the shader). */
export const probeExtrapolateKey = (): PipelineKey => ({ shader: PROBE_EXTRAPOLATE.shader });

/**
 * Records the dispatch (out must not alias x or xp; state = [t, β] from probe-momentum); returns the transient
 * uniform buffer.
 */
export function encodeProbeExtrapolate(g: Gpu, encoder: GPUCommandEncoder, x: GPUBuffer, xp: GPUBuffer, out: GPUBuffer, state: GPUBuffer, n: number): Promise<GPUBuffer[]> {
  return encodeElementwise(g, encoder, probeExtrapolateKey(), PROBE_EXTRAPOLATE.elementsPerWorkgroup, [[x, n * 4], [xp, n * 4], [out, n * 4], [state, 8]], n);
}
