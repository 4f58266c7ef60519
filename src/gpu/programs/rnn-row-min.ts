/// <reference types="@webgpu/types" />
/** Program for shaders/rnn-row-min.wgsl: per live slot, the minimum of its condensed row (see the shader). */
import type { Gpu } from '../device.js';
import { uniforms } from '../readback.js';
import { encodePiecesPass, type DevicePieces } from './condensed-pieces.js';

export const RNN_ROW_MIN = { shader: 'rnn-row-min' } as const;

/** Records the dispatch; returns the transient uniform buffer for the caller to release after submission. */
export async function encodeRnnRowMin(g: Gpu, encoder: GPUCommandEncoder, d: DevicePieces, slots: GPUBuffer, rowbest: GPUBuffer): Promise<GPUBuffer[]> {
  const n = d.layout.n;
  const gridX = Math.min(n, g.limits.maxComputeWorkgroupsPerDimension);
  const params = uniforms(g, [n, gridX]);
  await encodePiecesPass(g, encoder, d, { shader: RNN_ROW_MIN.shader, prelude: d.prelude }, 'rnn-row-min', [
    { binding: 10, resource: { buffer: slots, size: 8 * n } },
    { binding: 11, resource: { buffer: rowbest, size: 16 * n } },
    { binding: 12, resource: { buffer: params } },
  ], [gridX, Math.ceil(n / gridX)]);
  return [params];
}
