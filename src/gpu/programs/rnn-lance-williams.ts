/// <reference types="@webgpu/types" />
/** Program for shaders/rnn-lance-williams.wgsl: the Lance–Williams updates of all merges of a round. */
import type { LinkageMethod } from '../../types.js';
import type { Gpu } from '../device.js';
import { uniforms } from '../readback.js';
import { encodePiecesPass, type DevicePieces } from './condensed-pieces.js';

export const RNN_LANCE_WILLIAMS = { shader: 'rnn-lance-williams', slotsPerWorkgroup: 64 } as const;

/** The shader's METHOD constant. */
export const METHOD_CODE: Record<LinkageMethod, number> = { single: 0, complete: 1, average: 2, weighted: 3, ward: 4 };

/** Words per merge record: x, y, nx, ny, h (f32 bits), 3 padding. */
export const MERGE_WORDS = 8;

/**
 * WGSL shared by rnn-lance-williams, rnn-refresh and rnn-retire: the merge record and the update formulas (Lance &
 * Williams 1967), each with the operand order of native/src/cluster/lance_williams.h. One text for all kernels, so
 * the refresh computes bit for bit the value the update stores.
 */
export function mergePrelude(): string {
  return `// merge prelude (src/gpu/programs/rnn-lance-williams.ts)
override METHOD: u32 = 2u;
struct Merge {
  x: u32,
  y: u32,
  nx: u32,
  ny: u32,
  h: f32,
  _p0: u32,
  _p1: u32,
  _p2: u32,
}
// The distance from cluster i (size ni) to the union of x (size nx) and y (size ny), from d_xi, d_yi, d_xy.
fn lance_williams(d_xi: f32, d_yi: f32, d_xy: f32, nx: u32, ny: u32, ni: u32) -> f32 {
  switch METHOD {
    case 0u: {
      return select(d_yi, d_xi, d_xi < d_yi);
    }
    case 1u: {
      return select(d_xi, d_yi, d_yi > d_xi);
    }
    case 2u: {
      return (f32(nx) * d_xi + f32(ny) * d_yi) / f32(nx + ny);
    }
    case 3u: {
      return 0.5 * (d_xi + d_yi);
    }
    default: {
      let t = 1.0 / f32(nx + ny + ni);
      return sqrt(f32(ni + nx) * t * d_xi * d_xi + f32(ni + ny) * t * d_yi * d_yi - f32(ni) * t * d_xy * d_xy);
    }
  }
}
`;
}

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
  await encodePiecesPass(g, encoder, d, { shader: RNN_LANCE_WILLIAMS.shader, prelude: d.prelude + mergePrelude(), constants: { METHOD: METHOD_CODE[method] } }, 'rnn-lance-williams', [
    { binding: 10, resource: { buffer: slots, size: 8 * n } },
    { binding: 11, resource: { buffer: merges, size: 4 * MERGE_WORDS * m } },
    { binding: 12, resource: { buffer: params } },
  ], [Math.ceil(n / RNN_LANCE_WILLIAMS.slotsPerWorkgroup), m]);
  return [params];
}
