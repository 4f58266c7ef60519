/**
 * Minimal .npy (format version 1.0) writer and whole-file reader for outputs neurosieve itself produces
 * (correlation matrices, linkage matrices, labels). Activations are never read here: the streaming C++ readers
 * handle those. Spec: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { NeurosieveError } from '../core/errors.js';
import { writeWithAtomic } from './atomic.js';
import type { OutputSet } from './output-set.js';

export type NpyArray = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Uint16Array;

interface NpyArrayCtor {
  new (buffer: ArrayBuffer, byteOffset: number, length: number): NpyArray;
  readonly BYTES_PER_ELEMENT: number;
}

const DESCR: [NpyArrayCtor, string][] = [
  [Float32Array, '<f4'],
  [Float64Array, '<f8'],
  [Int32Array, '<i4'],
  [BigInt64Array, '<i8'],
  [Uint8Array, '|u1'],
  [Uint16Array, '<u2'],
];

function descrOf(data: NpyArray): string {
  for (const [ctor, d] of DESCR) if (data instanceof ctor) return d;
  throw new NeurosieveError('E_DTYPE', `Expected a Float32/Float64/Int32/BigInt64/Uint8/Uint16 array but received ${data.constructor.name}`);
}

/** The header bytes of a C-order .npy v1.0 file: magic, version, length, and a dict padded to 64 bytes. */
export function npyHeader(descr: string, shape: readonly number[]): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = 10 + dict.length + 1;
  dict += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  if (dict.length > 0xffff) throw new NeurosieveError('E_ARGUMENT', `npy header too long for shape ${shapeText}`);
  const out = new Uint8Array(10 + dict.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0); // \x93NUMPY v1.0
  out[8] = dict.length & 0xff;
  out[9] = dict.length >> 8;
  out.set(Buffer.from(dict, 'latin1'), 10);
  return out;
}

/** Writes `data` with the given shape as a .npy file, atomically (into a set, returning its sha256, with `into`). */
export function writeNpy(path: string, data: NpyArray, shape: readonly number[], into?: OutputSet): string | undefined {
  const n = shape.reduce((a, b) => a * b, 1);
  if (n !== data.length) {
    throw new NeurosieveError('E_SHAPE', `Expected ${n} elements for shape [${shape.join(', ')}] but received ${data.length}`);
  }
  return writeWithAtomic(path, (write) => {
    write(npyHeader(descrOf(data), shape));
    // Write in 64 MiB slices so a 400 MB matrix does not need a second copy.
    const step = Math.max(1, Math.floor((64 << 20) / data.BYTES_PER_ELEMENT));
    for (let i = 0; i < data.length; i += step) write(data.subarray(i, Math.min(data.length, i + step)));
  }, into);
}

export interface NpyFile {
  descr: string;
  shape: number[];
  data: NpyArray;
}

/** Reads a whole little-endian, C-order .npy file (v1–v3) of a type listed above. For small outputs only. */
export function readNpy(path: string): NpyFile {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (err) {
    throw new NeurosieveError('E_IO', `${path}: cannot read (${(err as Error).message})`, { cause: err });
  }
  const bad = (why: string): never => {
    throw new NeurosieveError('E_FORMAT', `${path}: not a readable .npy file (${why})`);
  };
  if (buf.length < 10 || buf[0] !== 0x93 || buf.toString('latin1', 1, 6) !== 'NUMPY') bad('missing \\x93NUMPY magic');
  const major = buf[6]!;
  const lenBytes = major === 1 ? 2 : 4;
  if (major < 1 || major > 3) bad(`unknown format version ${major}`);
  const hlen = lenBytes === 2 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = 8 + lenBytes + hlen;
  if (start > buf.length) bad('header runs past the end of the file');
  const header = buf.toString(major === 3 ? 'utf8' : 'latin1', 8 + lenBytes, start);
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1] ?? bad('no descr');
  if (/'fortran_order'\s*:\s*True/.test(header)) bad('Fortran order is not supported');
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1] ?? bad('no shape');
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  const n = shape.reduce((a, b) => a * b, 1);
  const entry = DESCR.find(([, d]) => d === descr) ?? bad(`unsupported dtype ${descr}`);
  const ctor = entry[0];
  if (buf.length - start !== n * ctor.BYTES_PER_ELEMENT) {
    bad(`shape (${shape.join(', ')}) needs ${n * ctor.BYTES_PER_ELEMENT} data bytes but the file holds ${buf.length - start}`);
  }
  // Copy into a fresh, aligned buffer: the Buffer pool's offset may not be a multiple of the element size.
  const aligned = new ArrayBuffer(n * ctor.BYTES_PER_ELEMENT);
  new Uint8Array(aligned).set(buf.subarray(start));
  return { descr, shape, data: new ctor(aligned, 0, n) };
}

export interface NpyHeader {
  descr: string;
  shape: number[];
  fortranOrder: boolean;
  /** Byte offset of the first data element. */
  dataOffset: number;
  fileSize: number;
}

/** Reads only the header of a .npy file (v1–v3), for files too large to load (a 50,000² correlation matrix). */
export function readNpyHeader(path: string): NpyHeader {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new NeurosieveError('E_IO', `${path}: cannot open (${(err as Error).message})`, { cause: err });
  }
  try {
    const bad = (why: string): never => {
      throw new NeurosieveError('E_FORMAT', `${path}: not a readable .npy file (${why})`);
    };
    const fileSize = fstatSync(fd).size;
    const pre = Buffer.alloc(12);
    const got = readSync(fd, pre, 0, 12, 0);
    if (got < 10 || pre[0] !== 0x93 || pre.toString('latin1', 1, 6) !== 'NUMPY') bad('missing \\x93NUMPY magic');
    const major = pre[6]!;
    if (major < 1 || major > 3) bad(`unknown format version ${major}`);
    const lenBytes = major === 1 ? 2 : 4;
    const hlen = lenBytes === 2 ? pre.readUInt16LE(8) : pre.readUInt32LE(8);
    const dataOffset = 8 + lenBytes + hlen;
    if (dataOffset > fileSize) bad('header runs past the end of the file');
    const hbuf = Buffer.alloc(hlen);
    readSync(fd, hbuf, 0, hlen, 8 + lenBytes);
    const header = hbuf.toString(major === 3 ? 'utf8' : 'latin1');
    const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1] ?? bad('no descr');
    const fortranOrder = /'fortran_order'\s*:\s*True/.test(header);
    const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1] ?? bad('no shape');
    const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
    return { descr, shape, fortranOrder, dataOffset, fileSize };
  } finally {
    closeSync(fd);
  }
}
