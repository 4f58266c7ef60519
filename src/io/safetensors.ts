/**
 * Small whole-file safetensors writer and reader for outputs neurosieve produces (probe weights). Activations
 * never go through here: the streaming C++ readers handle those. Format: 8-byte little-endian header length,
 * a JSON header { name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__"?: {string: string} }, then
 * the data; https://huggingface.co/docs/safetensors.
 */
import { readFileSync } from 'node:fs';
import { NeurosieveError } from '../core/errors.js';
import { writeWithAtomic } from './atomic.js';
import type { OutputSet } from './output-set.js';

export type TensorData = Float32Array | Float64Array | Int32Array | Uint32Array;

export interface Tensor {
  data: TensorData;
  shape: number[];
}

const DTYPE = new Map<string, { ctor: new (n: number) => TensorData; size: number }>([
  ['F32', { ctor: Float32Array, size: 4 }],
  ['F64', { ctor: Float64Array, size: 8 }],
  ['I32', { ctor: Int32Array, size: 4 }],
  ['U32', { ctor: Uint32Array, size: 4 }],
]);

function dtypeOf(d: TensorData): string {
  if (d instanceof Float32Array) return 'F32';
  if (d instanceof Float64Array) return 'F64';
  if (d instanceof Uint32Array) return 'U32';
  return 'I32';
}

/** Writes tensors (in the given order, 8-byte aligned) atomically (into a set, returning its sha256, with `into`). */
export function writeSafetensors(path: string, tensors: Record<string, Tensor>, metadata?: Record<string, string>, into?: OutputSet): string | undefined {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let off = 0;
  const parts: TensorData[] = [];
  for (const [name, t] of Object.entries(tensors)) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) throw new NeurosieveError('E_SHAPE', `${path}: tensor "${name}" has ${t.data.length} elements but shape [${t.shape.join(', ')}]`);
    header[name] = { dtype: dtypeOf(t.data), shape: t.shape, data_offsets: [off, off + t.data.byteLength] };
    off += t.data.byteLength;
    parts.push(t.data);
  }
  let text = JSON.stringify(header);
  text += ' '.repeat((8 - (text.length % 8)) % 8);
  const json = Buffer.from(text, 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  return writeWithAtomic(
    path,
    (write) => {
      write(len);
      write(json);
      for (const p of parts) write(p);
    },
    into,
  );
}

/** A tensor's data_offsets, relative to the data section. */
export interface TensorRange {
  name: string;
  begin: number;
  end: number;
}

/**
 * Refuses tensors whose non-empty data ranges overlap (a corrupt or hostile header would make one tensor read
 * another's bytes), naming both; `bad` throws with the file's name. Sorted by start, a first overlap is always
 * between neighbours.
 */
export function expectDisjointRanges(ranges: readonly TensorRange[], bad: (why: string) => never): void {
  const sorted = ranges.filter((r) => r.end > r.begin).sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    if (b.begin < a.end) bad(`tensors "${a.name}" (data_offsets [${a.begin}, ${a.end}]) and "${b.name}" ([${b.begin}, ${b.end}]) overlap`);
  }
}

/** Reads every tensor of a (small) safetensors file, checking offsets and sizes. */
export function readSafetensors(path: string): { tensors: Map<string, Tensor>; metadata: Record<string, string> } {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (err) {
    throw new NeurosieveError('E_IO', `${path}: cannot read (${(err as Error).message})`, { cause: err });
  }
  const bad = (why: string): never => {
    throw new NeurosieveError('E_FORMAT', `${path}: not a readable safetensors file (${why})`);
  };
  if (buf.length < 8) bad('shorter than the 8-byte header length');
  const hlen = Number(buf.readBigUInt64LE(0));
  if (hlen < 2 || 8 + hlen > buf.length) bad(`header length ${hlen} does not fit in the ${buf.length}-byte file`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(buf.toString('utf8', 8, 8 + hlen)) as Record<string, unknown>;
  } catch (err) {
    return bad(`header is not valid JSON: ${(err as Error).message}`);
  }
  const base = 8 + hlen;
  const tensors = new Map<string, Tensor>();
  const ranges: TensorRange[] = [];
  for (const [name, v] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const e = v as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const dt = typeof e.dtype === 'string' ? DTYPE.get(e.dtype) : undefined;
    if (!dt) bad(`tensor "${name}" has dtype ${JSON.stringify(e.dtype)}; expected F32, F64, I32 or U32`);
    if (!Array.isArray(e.shape) || !e.shape.every((s) => Number.isSafeInteger(s) && s >= 0)) bad(`tensor "${name}" has an invalid shape`);
    const shape = e.shape as number[];
    const n = shape.reduce((a, b) => a * b, 1);
    const offs = e.data_offsets as [number, number] | undefined;
    if (!Array.isArray(offs) || offs.length !== 2 || !(offs[1] - offs[0] === n * dt!.size) || offs[0] < 0 || base + offs[1] > buf.length) {
      bad(`tensor "${name}" data lies outside the file or does not match its shape`);
    }
    const data = new dt!.ctor(n);
    new Uint8Array(data.buffer).set(buf.subarray(base + offs![0], base + offs![1]));
    tensors.set(name, { data, shape });
    ranges.push({ name, begin: offs![0], end: offs![1] });
  }
  expectDisjointRanges(ranges, bad);
  return { tensors, metadata: (header.__metadata__ ?? {}) as Record<string, string> };
}
