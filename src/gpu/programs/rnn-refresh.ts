/// <reference types="@webgpu/types" />
/** Program for shaders/rnn-refresh.wgsl: keeps the cached nearest neighbours exact across a round (two phases). */
import type { Gpu } from '../device.js';
import { uniforms } from '../readback.js';
import { encodePiecesPass, type DevicePieces } from './condensed-pieces.js';
import { MERGE_WORDS } from './rnn-lance-williams.js';

export const RNN_REFRESH = { shader: 'rnn-refresh', slotsPerWorkgroup: 64 } as const;

/** Phase 0 goes before the Lance–Williams update of the round's m merges, phase 1 after it. */
export async function encodeRnnRefresh(
  g: Gpu,
  encoder: GPUCommandEncoder,
  d: DevicePieces,
  phase: 0 | 1,
  slots: GPUBuffer,
  merges: GPUBuffer,
  m: number,
  nn: GPUBuffer,
  count: GPUBuffer,
): Promise<GPUBuffer[]> {
  const n = d.layout.n;
  const params = uniforms(g, [n, m]);
  await encodePiecesPass(g, encoder, d, { shader: RNN_REFRESH.shader, prelude: d.prelude, constants: { PHASE: phase } }, `rnn-refresh ${phase}`, [
    { binding: 10, resource: { buffer: slots, size: 8 * n } },
    { binding: 11, resource: { buffer: merges, size: 4 * MERGE_WORDS * m } },
    { binding: 12, resource: { buffer: params } },
    { binding: 13, resource: { buffer: nn, size: 8 * n } },
    { binding: 14, resource: { buffer: count, size: 4 * n } },
  ], [Math.ceil(n / RNN_REFRESH.slotsPerWorkgroup)]);
  return [params];
}
