/// <reference types="@webgpu/types" />
/** Program for shaders/probe-momentum.wgsl: the FISTA momentum state [t, β] on the device (see the shader). */
import type { Gpu } from '../device.js';
import type { PipelineKey } from '../pipelines.js';
import { bindings, encodePass } from './pass.js';

export const PROBE_MOMENTUM = { shader: 'probe-momentum' } as const;

/** The complete key (nothing is baked into the shader). */
export const probeMomentumKey = (): PipelineKey => ({ shader: PROBE_MOMENTUM.shader });

/** Records the dispatch: one invocation reads the restart test `dot` (1 float) and updates `state` (2 floats). */
export async function encodeProbeMomentum(g: Gpu, encoder: GPUCommandEncoder, dot: GPUBuffer, state: GPUBuffer): Promise<GPUBuffer[]> {
  await encodePass(g, encoder, probeMomentumKey(), PROBE_MOMENTUM.shader, bindings([[dot, 4], [state, 8]]), [1]);
  return [];
}
