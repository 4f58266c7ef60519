/// <reference types="@webgpu/types" />
/**
 * A condensed distance matrix on the device, split by rows into pieces that each fit one storage binding, and
 * the WGSL prelude that the agglomeration kernels (shaders/rnn-*.wgsl) prepend to address it:
 *
 * - bindings 0..P−1: the pieces (array<f32>), piece p holding rows firstRow[p] … firstRow[p+1]−1 whole;
 * - binding 9: uniform { n, P, firstRow[0..P] };
 * - ld(i, j) / st(i, j, v) for i < j (a loop over ≤ 8 row bounds, then a switch on the piece), dist(a, b) in
 *   either order;
 * - DEAD (the largest f32: retired slots), NONE (0x7fffffff: no index).
 *
 * The nearest-neighbour candidates (Best, better(), nn_word()) and the merge record with the Lance–Williams
 * formulas are WGSL pieces the kernels include themselves (shaders/lib/nearest.wgsl, shaders/lib/merge.wgsl).
 *
 * P is baked into the prelude (part of the pipeline key) so that one piece costs no switch. WebGPU has no
 * arrays of bindings, hence a fixed maximum: MAX_PIECES, fewer when the adapter allows fewer storage buffers
 * per stage (each kernel uses at most 3 besides the pieces). With lavapipe's 128 MiB bindings that is 1 GiB of
 * distances, n ≤ 23,170; with a discrete GPU's 2 GiB bindings n ≈ 92,000 (offsets inside a piece are u32).
 */
import { NeurosieveError } from '../../core/errors.js';
import type { Gpu } from '../device.js';
import type { PipelineKey } from '../pipelines.js';
import { uniforms } from '../readback.js';
import { encodePass } from './pass.js';

export const MAX_PIECES = 8;
/** Storage buffers a kernel binds besides the pieces (rnn-col-min, rnn-refresh: four). */
const OTHER_STORAGE = 4;

export interface PieceLayout {
  n: number;
  /** firstRow[p] = first row of piece p; firstRow[P] = n. */
  firstRow: number[];
  /** Condensed offset of each piece's first element; offsets[P] = n(n − 1)/2. */
  offsets: number[];
}

/** Offset of row i's first element, (i, i + 1), in scipy's condensed layout. */
export const rowStart = (n: number, i: number): number => n * i - (i * (i + 1)) / 2;

/** The most pieces a kernel may bind on this device. */
export function maxPieces(g: Gpu): number {
  return Math.max(1, Math.min(MAX_PIECES, g.limits.maxStorageBuffersPerShaderStage - OTHER_STORAGE));
}

/** Bytes one piece may hold on this device (a test may lower it to force several pieces). */
export function pieceBytes(g: Gpu, maxBindingBytes?: number): number {
  return Math.min(g.limits.maxStorageBufferBindingSize, g.limits.maxBufferSize, 2 ** 32 - 4, maxBindingBytes ?? Infinity);
}

/** Whole rows, greedily, into pieces of at most `bytes`; undefined if more than `pieces` are needed. */
export function pieceLayout(n: number, bytes: number, pieces: number): PieceLayout | undefined {
  const cap = Math.floor(bytes / 4);
  const firstRow = [0];
  const offsets = [0];
  let used = 0;
  for (let i = 0; i < n; i++) {
    const len = n - i - 1;
    if (len > cap) return undefined;
    if (used + len > cap) {
      firstRow.push(i);
      offsets.push(rowStart(n, i));
      used = 0;
    }
    used += len;
  }
  if (firstRow.length > pieces) return undefined;
  firstRow.push(n);
  offsets.push((n * (n - 1)) / 2);
  return { n, firstRow, offsets };
}

/** The largest n whose distances fit (for the error message). */
export function maxPoints(bytes: number, pieces: number): number {
  let lo = 2;
  let hi = 2;
  while (pieceLayout(hi * 2, bytes, pieces)) hi *= 2;
  hi *= 2;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (pieceLayout(mid, bytes, pieces)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** The layout for n points on this device, or E_GPU naming the limit. */
export function layoutFor(g: Gpu, n: number, maxBindingBytes?: number): PieceLayout {
  const bytes = pieceBytes(g, maxBindingBytes);
  const pieces = maxPieces(g);
  const layout = pieceLayout(n, bytes, pieces);
  if (!layout) {
    throw new NeurosieveError(
      'E_GPU',
      `Expected at most ${maxPoints(bytes, pieces)} points for the WebGPU linkage on this adapter but received ${n}: ` +
        `the ${((n * (n - 1)) / 2 * 4 / 2 ** 20).toFixed(0)} MiB of float32 distances must fit ${pieces} storage bindings of ` +
        `${(bytes / 2 ** 20).toFixed(0)} MiB (maxStorageBufferBindingSize); use backend 'native'`,
    );
  }
  return layout;
}

/** The WGSL prelude for P pieces (see the header). */
export function piecesPrelude(pieces: number): string {
  const decl: string[] = [];
  const loads: string[] = [];
  const stores: string[] = [];
  for (let p = 0; p < pieces; p++) {
    decl.push(`@group(0) @binding(${p}) var<storage, read_write> piece${p}: array<f32>;`);
    if (p > 0) {
      loads.push(`    case ${p}u: { return piece${p}[o]; }`);
      stores.push(`    case ${p}u: { piece${p}[o] = v; }`);
    }
  }
  return `// condensed-pieces prelude, ${pieces} piece(s) (src/gpu/programs/condensed-pieces.ts)
const PIECES: u32 = ${pieces}u;
const DEAD: f32 = bitcast<f32>(0x7f7fffffu);
const NONE: u32 = 0x7fffffffu;
struct Pieces {
  n: u32,
  count: u32,
  _p0: u32,
  _p1: u32,
  first_row: array<vec4<u32>, 3>,
}
@group(0) @binding(9) var<uniform> cp: Pieces;
${decl.join('\n')}
fn first_row(p: u32) -> u32 {
  return cp.first_row[p / 4u][p % 4u];
}
fn piece_of(i: u32) -> u32 {
  var p = 0u;
  for (var q = 1u; q < PIECES; q++) {
    if (i >= first_row(q)) {
      p = q;
    }
  }
  return p;
}
// Rows r0 … i − 1 of a piece hold (i − r0)(2n − i − r0 − 1)/2 values (< 2^31 for a piece below 4 GiB).
fn local_offset(p: u32, i: u32, j: u32) -> u32 {
  let r0 = first_row(p);
  return ((i - r0) * (2u * cp.n - i - r0 - 1u)) / 2u + (j - i - 1u);
}
fn ld(i: u32, j: u32) -> f32 {
  let p = piece_of(i);
  let o = local_offset(p, i, j);
  switch p {
${loads.join('\n')}
    default: { return piece0[o]; }
  }
}
fn st(i: u32, j: u32, v: f32) {
  let p = piece_of(i);
  let o = local_offset(p, i, j);
  switch p {
${stores.join('\n')}
    default: { piece0[o] = v; }
  }
}
// d(a, b) for a != b, either order.
fn dist(a: u32, b: u32) -> f32 {
  return ld(min(a, b), max(a, b));
}
`;
}

/** The distances on the device: pieces, their uniform, and the bind group entries every rnn kernel shares. */
export interface DevicePieces {
  layout: PieceLayout;
  buffers: GPUBuffer[];
  params: GPUBuffer;
  prelude: string;
}

export function piecesParams(g: Gpu, layout: PieceLayout): GPUBuffer {
  const words = new Array<number>(16).fill(0);
  words[0] = layout.n;
  words[1] = layout.firstRow.length - 1;
  layout.firstRow.forEach((r, p) => (words[4 + p] = r));
  return uniforms(g, words);
}

export function pieceEntries(d: DevicePieces): GPUBindGroupEntry[] {
  const entries: GPUBindGroupEntry[] = d.buffers.map((buffer, p) => ({
    binding: p,
    resource: { buffer, size: Math.max(4, (d.layout.offsets[p + 1]! - d.layout.offsets[p]!) * 4) },
  }));
  entries.push({ binding: 9, resource: { buffer: d.params } });
  return entries;
}

/**
 * Records one compute pass of an agglomeration kernel: its pipeline (`key`), a bind group of the pieces
 * (bindings 0..P−1 and 9) plus the kernel's own `entries`, and `workgroups` (x, y). Every rnn-* program is this
 * pass with its own bindings and grid.
 */
export async function encodePiecesPass(
  g: Gpu,
  encoder: GPUCommandEncoder,
  d: DevicePieces,
  key: PipelineKey,
  label: string,
  entries: GPUBindGroupEntry[],
  workgroups: readonly [number, number?],
): Promise<void> {
  await encodePass(g, encoder, key, label, [...pieceEntries(d), ...entries], workgroups);
}
