/// <reference types="@webgpu/types" />
/** Program for shaders/rnn-rescan.wgsl: full nearest-neighbour scans of a list of slots. */
import type { Gpu } from '../device.js';
import { uniforms } from '../readback.js';
import { encodePiecesPass, type DevicePieces } from './condensed-pieces.js';

export const RNN_RESCAN = { shader: 'rnn-rescan' } as const;

/** Records the dispatch over the first `len` slots of `list` (len ≥ 1). */
export async function encodeRnnRescan(
  g: Gpu,
  encoder: GPUCommandEncoder,
  d: DevicePieces,
  list: GPUBuffer,
  len: number,
  nn: GPUBuffer,
  count: GPUBuffer,
): Promise<GPUBuffer[]> {
  const n = d.layout.n;
  const gridX = Math.min(len, g.limits.maxComputeWorkgroupsPerDimension);
  const params = uniforms(g, [n, len, gridX]);
  await encodePiecesPass(g, encoder, d, { shader: RNN_RESCAN.shader, prelude: d.prelude }, 'rnn-rescan', [
    { binding: 10, resource: { buffer: list, size: 4 * len } },
    { binding: 12, resource: { buffer: params } },
    { binding: 13, resource: { buffer: nn, size: 8 * n } },
    { binding: 14, resource: { buffer: count, size: 4 * n } },
  ], [gridX, Math.ceil(len / gridX)]);
  return [params];
}
