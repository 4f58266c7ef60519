/// <reference types="@webgpu/types" />
/** Program for shaders/rnn-col-min.wgsl: column minima folded into the row minima, the round's nearest neighbours. */
import type { Gpu } from '../device.js';
import { uniforms } from '../readback.js';
import { encodePiecesPass, type DevicePieces } from './condensed-pieces.js';

export const RNN_COL_MIN = { shader: 'rnn-col-min', columnsPerWorkgroup: 64 } as const;

/** Records the dispatch; nn receives (distance bits, index | tie << 31) per slot, count how many slots attain the minimum. */
export async function encodeRnnColMin(
  g: Gpu,
  encoder: GPUCommandEncoder,
  d: DevicePieces,
  slots: GPUBuffer,
  rowbest: GPUBuffer,
  nn: GPUBuffer,
  count: GPUBuffer,
): Promise<GPUBuffer[]> {
  const n = d.layout.n;
  const params = uniforms(g, [n]);
  await encodePiecesPass(g, encoder, d, { shader: RNN_COL_MIN.shader, prelude: d.prelude }, 'rnn-col-min', [
    { binding: 10, resource: { buffer: slots, size: 8 * n } },
    { binding: 11, resource: { buffer: rowbest, size: 16 * n } },
    { binding: 12, resource: { buffer: nn, size: 8 * n } },
    { binding: 13, resource: { buffer: params } },
    { binding: 14, resource: { buffer: count, size: 4 * n } },
  ], [Math.ceil(n / RNN_COL_MIN.columnsPerWorkgroup)]);
  return [params];
}
