/// <reference types="@webgpu/types" />
/** Program for shaders/rnn-lance-williams.wgsl: the Lance–Williams updates of all merges of a round. */
import type { LinkageMethod } from '../../types.js';
import type { Gpu } from '../device.js';
import { uniforms } from '../readback.js';
import { encodePiecesPass, type DevicePieces } from './condensed-pieces.js';

export const RNN_LANCE_WILLIAMS = { shader: 'rnn-lance-williams', slotsPerWorkgroup: 64 } as const;

/** The METHOD override constant of shaders/lib/merge.wgsl (part of the pipeline key). */
export const METHOD_CODE: Record<LinkageMethod, number> = { single: 0, complete: 1, average: 2, weighted: 3, ward: 4 };

/** Words per merge record (struct Merge, shaders/lib/merge.wgsl): x, y, nx, ny, h (f32 bits), 3 padding. */
export const MERGE_WORDS = 8;

/** Records the dispatch for m merges (records in `merges`, roles in `slots`). */
export async function encodeRnnLanceWilliams(
  g: Gpu,
  encoder: GPUCommandEncoder,
  d: DevicePieces,
  method: LinkageMethod,
  slots: GPUBuffer,
  merges: GPUBuffer,
  m: number,
): Promise<GPUBuffer[]> {
  const n = d.layout.n;
  const params = uniforms(g, [n, m]);
  await encodePiecesPass(g, encoder, d, { shader: RNN_LANCE_WILLIAMS.shader, prelude: d.prelude, constants: { METHOD: METHOD_CODE[method] } }, 'rnn-lance-williams', [
    { binding: 10, resource: { buffer: slots, size: 8 * n } },
    { binding: 11, resource: { buffer: merges, size: 4 * MERGE_WORDS * m } },
    { binding: 12, resource: { buffer: params } },
  ], [Math.ceil(n / RNN_LANCE_WILLIAMS.slotsPerWorkgroup), m]);
  return [params];
}
