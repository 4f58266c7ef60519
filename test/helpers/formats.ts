/**
 * Builders for the activation formats neurosieve reads, so reader tests write their own files:
 * .npy (versions 1.0/2.0/3.0), safetensors, NeuroX JSON lines. float16 / bfloat16 encoding rounds to nearest,
 * ties to even, straight from float64 (no double rounding through float32).
 */

import { prng } from '../../src/core/random.js';

export { prng };

/** Standard normal values (Box-Muller) from a seeded PRNG. */
export function randn(n: number, rand: () => number, scale = 1): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = 1 - rand();
    const v = rand();
    out[i] = scale * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  return out;
}

function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** Encodes x as a binary float with ebits exponent bits and mbits mantissa bits; returns the bit pattern. */
export function encodeMinifloat(x: number, ebits: number, mbits: number): number {
  const signBit = 2 ** (ebits + mbits);
  const expAll = 2 ** ebits - 1;
  const sign = x < 0 || Object.is(x, -0) ? signBit : 0;
  if (Number.isNaN(x)) return expAll * 2 ** mbits + 2 ** (mbits - 1);
  const a = Math.abs(x);
  if (a === Infinity) return sign + expAll * 2 ** mbits;
  if (a === 0) return sign;
  const bias = 2 ** (ebits - 1) - 1;
  const emin = 1 - bias;
  let e = Math.floor(Math.log2(a));
  while (2 ** e > a) e--;
  while (2 ** (e + 1) <= a) e++;
  if (e < emin) {
    // Subnormal: multiples of 2^(emin - mbits); rounding up to 2^mbits gives the smallest normal, as it should.
    const m = roundHalfEven(a / 2 ** (emin - mbits));
    return sign + m;
  }
  let m = roundHalfEven(a / 2 ** (e - mbits)); // in [2^mbits, 2^(mbits+1)]
  if (m === 2 ** (mbits + 1)) {
    m /= 2;
    e++;
  }
  if (e > bias) return sign + expAll * 2 ** mbits; // overflow to infinity
  return sign + (e + bias) * 2 ** mbits + (m - 2 ** mbits);
}

/** Exact value of a minifloat bit pattern. */
export function decodeMinifloat(bits: number, ebits: number, mbits: number): number {
  const sign = bits & 2 ** (ebits + mbits) ? -1 : 1;
  const exp = Math.floor(bits / 2 ** mbits) % 2 ** ebits;
  const man = bits % 2 ** mbits;
  const bias = 2 ** (ebits - 1) - 1;
  if (exp === 2 ** ebits - 1) return man ? NaN : sign * Infinity;
  if (exp === 0) return sign * man * 2 ** (1 - bias - mbits);
  return sign * (2 ** mbits + man) * 2 ** (exp - bias - mbits);
}

export const toHalf = (x: number) => encodeMinifloat(x, 5, 10);
export const fromHalf = (b: number) => decodeMinifloat(b, 5, 10);
export const toBf16 = (x: number) => encodeMinifloat(x, 8, 7);
export const fromBf16 = (b: number) => decodeMinifloat(b, 8, 7);

export type Dtype = 'float32' | 'float16' | 'float64' | 'bfloat16';

export const dtypeSize: Record<Dtype, number> = { float32: 4, float16: 2, float64: 8, bfloat16: 2 };

/** Little-endian bytes of values in dtype. */
export function encode(values: ArrayLike<number>, dtype: Dtype): Buffer {
  const n = values.length;
  const buf = Buffer.alloc(n * dtypeSize[dtype]);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (dtype === 'float32') buf.writeFloatLE(v, 4 * i);
    else if (dtype === 'float64') buf.writeDoubleLE(v, 8 * i);
    else if (dtype === 'float16') buf.writeUInt16LE(toHalf(v), 2 * i);
    else buf.writeUInt16LE(toBf16(v), 2 * i);
  }
  return buf;
}

/** What a reader must return for values written as dtype: the float32 cast of the stored value. */
export function expected(values: ArrayLike<number>, dtype: Dtype): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    out[i] =
      dtype === 'float16' ? fromHalf(toHalf(v)) : dtype === 'bfloat16' ? fromBf16(toBf16(v)) : Math.fround(v);
  }
  return out;
}

const npyDescr: Record<Dtype, string> = { float32: '<f4', float16: '<f2', float64: '<f8', bfloat16: '' };

export interface NpyOptions {
  version?: 1 | 2 | 3;
  /** Overrides the descr written in the header (data is still encoded as dtype). */
  descr?: string;
  fortran?: boolean;
  /** Overrides the shape written in the header. */
  headerShape?: number[];
  /** Writes the header dict by hand (key order, spacing, trailing comma are the caller's). */
  headerText?: string;
  /** Bytes appended after the data (positive) or removed from its end (negative). */
  extraBytes?: number;
  /** The data section as given, instead of values encoded as dtype. */
  rawData?: Buffer;
}

function pyShape(shape: number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** A .npy file holding values (row-major) with the given shape and dtype. */
export function npyBytes(values: ArrayLike<number>, shape: number[], dtype: Dtype, opts: NpyOptions = {}): Buffer {
  const version = opts.version ?? 1;
  const descr = opts.descr ?? npyDescr[dtype];
  const dict =
    opts.headerText ??
    `{'descr': '${descr}', 'fortran_order': ${opts.fortran ? 'True' : 'False'}, 'shape': ${pyShape(opts.headerShape ?? shape)}, }`;
  const pre = version === 1 ? 10 : 12;
  let text = dict;
  const total = pre + Buffer.byteLength(text) + 1;
  text += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const header = Buffer.from(text, version === 3 ? 'utf8' : 'latin1');
  const preamble = Buffer.alloc(pre);
  Buffer.from('\x93NUMPY', 'latin1').copy(preamble, 0);
  preamble[6] = version;
  preamble[7] = 0;
  if (version === 1) preamble.writeUInt16LE(header.length, 8);
  else preamble.writeUInt32LE(header.length, 8);
  let data = opts.rawData ?? encode(values, dtype);
  const extra = opts.extraBytes ?? 0;
  if (extra > 0) data = Buffer.concat([data, Buffer.alloc(extra, 0x41)]);
  if (extra < 0) data = data.subarray(0, data.length + extra);
  return Buffer.concat([preamble, header, data]);
}

const stDtype: Record<Dtype, string> = { float32: 'F32', float16: 'F16', float64: 'F64', bfloat16: 'BF16' };

export interface StTensor {
  name: string;
  shape: number[];
  values: ArrayLike<number>;
  dtype: Dtype;
}

/** A safetensors file; tensors are stored in the given order, the header lists them in headerOrder (default reversed). */
export function safetensorsBytes(
  tensors: StTensor[],
  opts: { metadata?: Record<string, string>; headerOrder?: number[]; pad?: boolean } = {},
): Buffer {
  const datas: Buffer[] = [];
  const entries: [string, unknown][] = [];
  let off = 0;
  for (const t of tensors) {
    const d = encode(t.values, t.dtype);
    entries.push([t.name, { dtype: stDtype[t.dtype], shape: t.shape, data_offsets: [off, off + d.length] }]);
    datas.push(d);
    off += d.length;
  }
  const order = opts.headerOrder ?? entries.map((_, i) => entries.length - 1 - i);
  const header: Record<string, unknown> = {};
  if (opts.metadata) header.__metadata__ = opts.metadata;
  for (const i of order) header[entries[i]![0]] = entries[i]![1];
  return safetensorsRaw(JSON.stringify(header), Buffer.concat(datas), opts.pad ?? true);
}

/** A safetensors file from a header text and a data section, as given (header padded with spaces to 8 bytes). */
export function safetensorsRaw(headerText: string, data: Buffer, pad = true, claimedLength?: number): Buffer {
  let h = Buffer.from(headerText, 'utf8');
  if (pad && h.length % 8) h = Buffer.concat([h, Buffer.alloc(8 - (h.length % 8), 0x20)]);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(claimedLength ?? h.length));
  return Buffer.concat([len, h, data]);
}

export interface JsonlStyle {
  /** Key order and spacing variants, chosen per sentence from the PRNG when given. */
  rand?: () => number;
}

/** Numbers as Python's json writes them, NaN / Infinity / -Infinity included. */
function num(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return JSON.stringify(v);
}

/**
 * NeuroX JSON lines: sentences[s][t] is the row of token t (layers * width values, layer-major). With a style
 * PRNG, key order, whitespace and the order in which layers are listed vary from line to line.
 */
export function neuroxJsonl(sentences: number[][][], layers: number, style: JsonlStyle = {}): string {
  const r = style.rand;
  const pick = <T>(xs: T[]): T => (r ? xs[Math.floor(r() * xs.length)]! : xs[0]!);
  const lines: string[] = [];
  sentences.forEach((tokens, s) => {
    const sp = pick(['', ' ', '  ', '\t']);
    const feats = tokens.map((row, t) => {
      const width = row.length / layers;
      const idx = [...Array(layers).keys()];
      if (r && r() < 0.5) idx.reverse();
      const ls = idx.map((l) => {
        const vals = '[' + row.slice(l * width, (l + 1) * width).map(num).join(',' + sp) + ']';
        return pick([
          `{"index":${sp}${l},${sp}"values":${sp}${vals}}`,
          `{${sp}"values"${sp}:${vals},${sp}"index":${l}${sp}}`,
        ]);
      });
      const layersText = `[${sp}${ls.join(`,${sp}`)}${sp}]`;
      const tok = JSON.stringify(`w${s}_${t}"\\{`);
      return pick([
        `{"token":${sp}${tok},${sp}"layers":${sp}${layersText}}`,
        `{${sp}"layers":${layersText},${sp}"token":${tok}, "extra": {"a": [1, {"b": null}], "c": true}}`,
      ]);
    });
    const featText = `[${feats.join(`,${sp}`)}]`;
    lines.push(
      pick([
        `{"linex_index":${sp}${s},${sp}"features":${sp}${featText}}`,
        `${sp}{${sp}"features"${sp}:${sp}${featText}${sp},${sp}"linex_index": ${s}}${sp}`,
      ]),
    );
  });
  return lines.join('\n') + '\n';
}
