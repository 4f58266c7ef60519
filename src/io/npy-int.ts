/**
 * Reads a 1-D integer .npy file (class labels) of any integer dtype, little- or big-endian, as float64 numbers
 * (every value must be a safe integer, which int64 labels always are in practice). Kept apart from io/npy.ts,
 * which reads only the dtypes neurosieve writes.
 */
import { readFileSync } from 'node:fs';
import { NeurosieveError } from '../core/errors.js';

const INT = /^([<>|=])([iu])([1248])$/;

export function readNpyIntegers(path: string): Float64Array {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (err) {
    throw new NeurosieveError('E_IO', `${path}: cannot read (${(err as Error).message})`, { cause: err });
  }
  const bad = (why: string): never => {
    throw new NeurosieveError('E_FORMAT', `${path}: not a readable .npy label file (${why})`);
  };
  if (buf.length < 10 || buf[0] !== 0x93 || buf.toString('latin1', 1, 6) !== 'NUMPY') bad('missing \\x93NUMPY magic');
  const major = buf[6]!;
  if (major < 1 || major > 3) bad(`unknown format version ${major}`);
  const lenBytes = major === 1 ? 2 : 4;
  const hlen = lenBytes === 2 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = 8 + lenBytes + hlen;
  if (start > buf.length) bad('header runs past the end of the file');
  const header = buf.toString(major === 3 ? 'utf8' : 'latin1', 8 + lenBytes, start);
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1] ?? bad('no descr');
  const m = INT.exec(descr);
  if (!m) {
    throw new NeurosieveError('E_DTYPE', `${path}: labels must have an integer dtype (int8/16/32/64 or uint8/16/32/64) but the file holds '${descr}'`);
  }
  if (/'fortran_order'\s*:\s*True/.test(header)) bad('Fortran order is not supported');
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1] ?? bad('no shape');
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  // [n] or [n, 1] (a column vector): one label per row.
  if (!(shape.length === 1 || (shape.length === 2 && shape[1] === 1))) {
    throw new NeurosieveError('E_SHAPE', `${path}: labels must be a 1-D array (one per row) but the file has shape (${shape.join(', ')})`);
  }
  const n = shape[0]!;
  const size = Number(m[3]);
  if (buf.length - start !== n * size) bad(`shape (${shape.join(', ')}) needs ${n * size} data bytes but the file holds ${buf.length - start}`);
  const big = m[1] === '>';
  const signed = m[2] === 'i';
  const out = new Float64Array(n);
  for (let i = 0, o = start; i < n; i++, o += size) {
    let v: number;
    if (size === 1) v = signed ? buf.readInt8(o) : buf.readUInt8(o);
    else if (size === 2) v = signed ? (big ? buf.readInt16BE(o) : buf.readInt16LE(o)) : big ? buf.readUInt16BE(o) : buf.readUInt16LE(o);
    else if (size === 4) v = signed ? (big ? buf.readInt32BE(o) : buf.readInt32LE(o)) : big ? buf.readUInt32BE(o) : buf.readUInt32LE(o);
    else {
      const b = signed ? (big ? buf.readBigInt64BE(o) : buf.readBigInt64LE(o)) : big ? buf.readBigUInt64BE(o) : buf.readBigUInt64LE(o);
      if (b > BigInt(Number.MAX_SAFE_INTEGER) || b < -BigInt(Number.MAX_SAFE_INTEGER)) bad(`label ${i} is ${b}, too large for a class id`);
      v = Number(b);
    }
    out[i] = v;
  }
  return out;
}
