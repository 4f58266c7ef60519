/// <reference types="@webgpu/types" />
/** Program for shaders/probe-extrapolate.wgsl: y = x + β(x − x_prev) over n floats, β from the device (see the shader). */
import type { Gpu } from '../device.js';
import type { PipelineKey } from '../pipelines.js';
import { uniforms } from '../readback.js';
import { bindings, elementGrid, encodePass } from './pass.js';

export const PROBE_EXTRAPOLATE = { shader: 'probe-extrapolate', elementsPerWorkgroup: 256 } as const;

/** The complete key (nothing is baked into the shader). */
export const probeExtrapolateKey = (): PipelineKey => ({ shader: PROBE_EXTRAPOLATE.shader });

/** Records the dispatch (out must not alias x or xp; state = [t, β], probe-momentum); returns the transient uniform buffer. */
export async function encodeProbeExtrapolate(
  g: Gpu,
  encoder: GPUCommandEncoder,
  x: GPUBuffer,
  xp: GPUBuffer,
  out: GPUBuffer,
  state: GPUBuffer,
  n: number,
): Promise<GPUBuffer[]> {
  const grid = elementGrid(g, n, PROBE_EXTRAPOLATE.elementsPerWorkgroup);
  const params = uniforms(g, [n, grid[0]]);
  await encodePass(g, encoder, probeExtrapolateKey(), PROBE_EXTRAPOLATE.shader, bindings([[x, n * 4], [xp, n * 4], [out, n * 4], [state, 8], params]), grid);
  return [params];
}
