/// <reference types="@webgpu/types" />
/** Program for shaders/rnn-retire.wgsl: row and column of each merge's slot x become DEAD. */
import type { Gpu } from '../device.js';
import { uniforms } from '../readback.js';
import { encodePiecesPass, type DevicePieces } from './condensed-pieces.js';
import { MERGE_WORDS } from './rnn-lance-williams.js';

export const RNN_RETIRE = { shader: 'rnn-retire', slotsPerWorkgroup: 64 } as const;

export async function encodeRnnRetire(g: Gpu, encoder: GPUCommandEncoder, d: DevicePieces, merges: GPUBuffer, m: number): Promise<GPUBuffer[]> {
  const n = d.layout.n;
  const params = uniforms(g, [n, m]);
  await encodePiecesPass(g, encoder, d, { shader: RNN_RETIRE.shader, prelude: d.prelude }, 'rnn-retire', [
    { binding: 11, resource: { buffer: merges, size: 4 * MERGE_WORDS * m } },
    { binding: 12, resource: { buffer: params } },
  ], [Math.ceil(n / RNN_RETIRE.slotsPerWorkgroup), m]);
  return [params];
}
