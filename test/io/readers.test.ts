/**
 * The streaming readers (native/src/io): every format against files this test writes itself, read through
 * Source::read in chunks of 1, 7 and 1000 rows, and every kind of bad input, checking the error code and that
 * the message names the file (and the line, for JSON lines).
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { native } from '../../src/core/native.js';
import type { NativeFormat } from '../../src/core/native-types.js';
import {
  type Dtype,
  encode,
  expected,
  fromBf16,
  fromHalf,
  neuroxJsonl,
  npyBytes,
  prng,
  randn,
  safetensorsBytes,
  safetensorsRaw,
} from '../helpers/formats.js';
import { scratchDir } from '../helpers/tmp.js';
import { readSafetensors } from '../../src/io/safetensors.js';
import { call, errorOf } from '../helpers/reader-checks.js';

const SEED = Number(process.env.NEUROSIEVE_TEST_SEED ?? 20240611);
console.log(`readers.test.ts seed ${SEED} (set NEUROSIEVE_TEST_SEED to reproduce)`);
const rand = prng(SEED);

const { dir, file } = scratchDir('readers');

const inspect = (p: string, format: NativeFormat = 'auto') => call(() => native().inspect(p, format));
const readRows = (p: string, format: NativeFormat = 'auto', chunk = 1000) =>
  call(() => native().readRows(p, format, chunk));

/** Elementwise Object.is (NaN equals NaN, and the sign of zero counts), reporting the first difference. */
function expectSame(actual: Float32Array, want: Float32Array, what = ''): void {
  expect(actual.length, `${what} length`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(actual[i], want[i])) {
      expect.fail(`${what} element ${i}: got ${actual[i]}, expected ${want[i]}`);
    }
  }
}

/** All rows in chunks of 1, 7 and 1000 must be identical and equal to want. */
function expectRows(p: string, want: Float32Array, format: NativeFormat = 'auto'): void {
  for (const chunk of [1, 7, 1000]) expectSame(readRows(p, format, chunk), want, `${p} chunk ${chunk}`);
}

/** Asserts that opening and reading p fails with code, with a message starting with the path and holding parts. */
function expectError(p: string, code: string, parts: (string | RegExp)[] = [], format: NativeFormat = 'auto'): void {
  const e = errorOf(() => {
    inspect(p, format);
    readRows(p, format, 7);
  });
  expect(e.name, e.message).toBe('NeurosieveError');
  expect(e.code, e.message).toBe(code);
  expect(e.message.startsWith(p), e.message).toBe(true);
  for (const part of parts) {
    if (typeof part === 'string') expect(e.message).toContain(part);
    else expect(e.message).toMatch(part);
  }
}

/** [layers, tokens, H] → rows = tokens, cols = layers·H, layer-major. */
function gather3d(v: ArrayLike<number>, L: number, T: number, H: number): Float64Array {
  const out = new Float64Array(L * T * H);
  for (let l = 0; l < L; l++)
    for (let t = 0; t < T; t++)
      for (let h = 0; h < H; h++) out[t * L * H + l * H + h] = v[(l * T + t) * H + h]!;
  return out;
}

const dtypes: Dtype[] = ['float32', 'float16', 'float64'];

describe('.npy', () => {
  for (const version of [1, 2, 3] as const) {
    for (const dtype of dtypes) {
      it(`v${version}.0 ${dtype} 2-D`, () => {
        const T = 37, D = 13;
        const v = randn(T * D, rand, dtype === 'float16' ? 4 : 100);
        const p = file(`a_v${version}_${dtype}.npy`, npyBytes(v, [T, D], dtype, { version }));
        expect(inspect(p)).toEqual({ path: p, format: 'npy', dtype, rows: T, cols: D, layers: 1, tensorNames: [] });
        expectRows(p, expected(v, dtype));
        expectRows(p, expected(v, dtype), 'npy');
      });
    }
  }

  it('3-D [layers, tokens, neurons] is read layer-major', () => {
    const L = 4, T = 23, H = 5;
    for (const dtype of dtypes) {
      const v = randn(L * T * H, rand);
      const p = file(`b_${dtype}.npy`, npyBytes(v, [L, T, H], dtype, { version: 2 }));
      expect(inspect(p)).toMatchObject({ rows: T, cols: L * H, layers: L, dtype });
      expectRows(p, expected(gather3d(v, L, T, H), dtype));
    }
  });

  it('float16 converts every bit pattern exactly (subnormals, inf, nan)', () => {
    const raw = Buffer.alloc(65536 * 2);
    const want = new Float32Array(65536);
    for (let i = 0; i < 65536; i++) {
      raw.writeUInt16LE(i, 2 * i);
      want[i] = fromHalf(i);
    }
    const p = file('allhalf.npy', npyBytes([], [256, 256], 'float16', { rawData: raw }));
    const got = readRows(p, 'auto', 7);
    for (let i = 0; i < 65536; i++) {
      if (Number.isNaN(want[i])) expect(Number.isNaN(got[i]), `bits ${i}`).toBe(true);
      else if (!Object.is(got[i], want[i])) expect.fail(`float16 bits 0x${i.toString(16)}: got ${got[i]}, want ${want[i]}`);
    }
    // Round-to-nearest-even of the helper, checked on known values.
    expect(expected([65504, 65520, 1e-8, 2 ** -24, 3 * 2 ** -25, 1 + 2 ** -11], 'float16')).toEqual(
      new Float32Array([65504, Infinity, 0, 2 ** -24, 2 ** -23, 1]),
    );
  });

  it('header dict: any key order, spacing, trailing comma, byte-order markers, zero rows', () => {
    const v = randn(12, rand);
    const headers = [
      `{"shape": (3, 4), "fortran_order": False, "descr": "<f4"}`,
      `{ 'fortran_order' : False ,'shape':(3,4,),'descr':'=f4', }`,
      `{'descr':'|f4','shape':(3, 4),'fortran_order':False}`,
      `{'shape':(3L, 4L), 'descr': '<f4', 'fortran_order': False}`,
    ];
    headers.forEach((headerText, i) => {
      const p = file(`hdr${i}.npy`, npyBytes(v, [3, 4], 'float32', { headerText, version: i === 1 ? 3 : 1 }));
      expect(inspect(p)).toMatchObject({ rows: 3, cols: 4 });
      expectRows(p, expected(v, 'float32'));
    });
    const p = file('zero_rows.npy', npyBytes([], [0, 9], 'float32'));
    expect(inspect(p)).toMatchObject({ rows: 0, cols: 9 });
    expect(readRows(p).length).toBe(0);
  });

  it('bad input', () => {
    const v = randn(6 * 5, rand);
    const ok = (name: string, o = {}) => file(name, npyBytes(v, [6, 5], 'float32', o));
    expectError(ok('trunc.npy', { extraBytes: -5 }), 'E_FORMAT', ['truncated: expected 120 bytes of data, found 115']);
    expectError(ok('shape_big.npy', { headerShape: [7, 5] }), 'E_FORMAT', ['truncated: expected 140 bytes of data, found 120']);
    expectError(ok('shape_small.npy', { headerShape: [5, 5] }), 'E_SHAPE', ['trailing']);
    expectError(ok('trailing.npy', { extraBytes: 3 }), 'E_SHAPE', ['3 trailing bytes']);
    expectError(ok('int.npy', { descr: '<i4' }), 'E_DTYPE', ["'<i4'", 'int32', "'<f4'"]);
    expectError(ok('uint.npy', { descr: '|u1' }), 'E_DTYPE', ["'|u1'"]);
    // An item size no dtype has (found by the fuzzer: the bit count once overflowed an int): named as written.
    expectError(ok('lying_size.npy', { descr: '<f81152134988784335!' }), 'E_DTYPE', [
      "dtype '<f81152134988784335!' (float of item size '81152134988784335!') is not supported",
    ]);
    expectError(ok('big.npy', { descr: '>f4' }), 'E_DTYPE', ['big-endian', "'>f4'", 'supported']);
    expectError(ok('fortran.npy', { fortran: true }), 'E_FORMAT', [
      'Fortran order is not supported; save with np.ascontiguousarray',
    ]);
    expectError(file('one_d.npy', npyBytes(v, [30], 'float32')), 'E_SHAPE', ['(30,)']);
    expectError(file('zero_d.npy', npyBytes([1], [], 'float32')), 'E_SHAPE', ['()']);
    expectError(file('four_d.npy', npyBytes(v, [1, 2, 3, 5], 'float32')), 'E_SHAPE');
    expectError(file('empty.npy', ''), 'E_FORMAT', ['empty']);
    expectError(file('magic.npy', 'hello world, not numpy'), 'E_FORMAT', ['magic']);
    expectError(ok('badhdr.npy', { headerText: `{'descr': '<f4', 'fortran_order': False, 'shape': (6 5)}` }), 'E_FORMAT', [
      'header',
    ]);
    expectError(ok('nokey.npy', { headerText: `{'descr': '<f4', 'shape': (6, 5)}` }), 'E_FORMAT', ['fortran_order']);
    const hdrBeyond = npyBytes(v, [6, 5], 'float32').subarray(0, 40);
    expectError(file('hdr_beyond.npy', hdrBeyond), 'E_FORMAT', ['truncated']);
    expectError(join(dir, 'missing.npy'), 'E_IO', ['cannot open']);
  });
});

describe('safetensors', () => {
  for (const dtype of ['float32', 'float16', 'bfloat16', 'float64'] as Dtype[]) {
    it(`one 2-D tensor, ${dtype}`, () => {
      const T = 19, D = 6;
      const v = randn(T * D, rand, 3);
      const p = file(`one_${dtype}.safetensors`, safetensorsBytes([{ name: 'acts', shape: [T, D], values: v, dtype }], {
        metadata: { format: 'pt', note: 'x' },
      }));
      expect(inspect(p)).toEqual({
        path: p, format: 'safetensors', dtype, rows: T, cols: D, layers: 1, tensorNames: ['acts'],
      });
      expectRows(p, expected(v, dtype));
    });
  }

  it('bfloat16 converts every bit pattern exactly', () => {
    const raw = Buffer.alloc(65536 * 2);
    for (let i = 0; i < 65536; i++) raw.writeUInt16LE(i, 2 * i);
    const header = JSON.stringify({ x: { dtype: 'BF16', shape: [4096, 16], data_offsets: [0, raw.length] } });
    const got = readRows(file('allbf16.safetensors', safetensorsRaw(header, raw)), 'auto', 1000);
    for (let i = 0; i < 65536; i++) {
      const want = fromBf16(i);
      if (Number.isNaN(want)) expect(Number.isNaN(got[i])).toBe(true);
      else if (!Object.is(got[i], want)) expect.fail(`bf16 bits 0x${i.toString(16)}: got ${got[i]}, want ${want}`);
    }
  });

  it('12 per-layer tensors are ordered by numeric suffix, not by name or storage', () => {
    const L = 12, T = 9, H = 4;
    const layers = Array.from({ length: L }, () => randn(T * H, rand));
    // Stored in a shuffled order; the header lists them in yet another order.
    const storage = [...Array(L).keys()].sort(() => rand() - 0.5);
    const tensors = storage.map((l) => ({ name: `layer_${l}`, shape: [T, H], values: layers[l]!, dtype: 'float16' as Dtype }));
    const p = file('layers.safetensors', safetensorsBytes(tensors, { metadata: { a: 'b' } }));
    const info = inspect(p);
    expect(info).toMatchObject({ rows: T, cols: L * H, layers: L, dtype: 'float16' });
    expect(info.tensorNames).toEqual([...Array(L).keys()].map((l) => `layer_${l}`));
    const want = new Float64Array(T * L * H);
    for (let t = 0; t < T; t++) for (let l = 0; l < L; l++) for (let h = 0; h < H; h++) want[t * L * H + l * H + h] = layers[l]![t * H + h]!;
    expectRows(p, expected(want, 'float16'));
    // Leading zeros and dotted names count numerically too.
    const q = file('dotted.safetensors', safetensorsBytes(
      [10, 2, 1].map((l) => ({ name: `h.${l}`, shape: [T, H], values: layers[l]!, dtype: 'float32' as Dtype })),
    ));
    expect(inspect(q).tensorNames).toEqual(['h.1', 'h.2', 'h.10']);
  });

  it('a single 3-D tensor reads like a 3-D .npy', () => {
    const L = 3, T = 11, H = 2;
    const v = randn(L * T * H, rand);
    const p = file('three_d.safetensors', safetensorsBytes([{ name: 'all', shape: [L, T, H], values: v, dtype: 'float32' }]));
    expect(inspect(p)).toMatchObject({ rows: T, cols: L * H, layers: L });
    expectRows(p, expected(gather3d(v, L, T, H), 'float32'));
  });

  it('bad input', () => {
    const v = randn(8, rand);
    const data = encode(v, 'float32');
    const hdr = (o: unknown) => JSON.stringify(o);
    const good = { t: { dtype: 'F32', shape: [2, 4], data_offsets: [0, 32] } };
    expectError(file('bad_json.safetensors', safetensorsRaw('{"t": {"dtype": "F32",', data)), 'E_FORMAT', ['bad JSON']);
    expectError(file('not_object.safetensors', safetensorsRaw('[1, 2]', data)), 'E_FORMAT', ['object']);
    expectError(file('len_beyond.safetensors', safetensorsRaw(hdr(good), data, true, 1e6)), 'E_FORMAT', ['beyond the end']);
    expectError(file('offsets.safetensors', safetensorsRaw(hdr({ t: { ...good.t, data_offsets: [0, 64] } }), data)), 'E_FORMAT', [
      'out of range',
    ]);
    expectError(file('offsets2.safetensors', safetensorsRaw(hdr({ t: { ...good.t, data_offsets: [8, 32] } }), data)), 'E_FORMAT', [
      'data_offsets',
    ]);
    expectError(file('i32.safetensors', safetensorsRaw(hdr({ t: { ...good.t, dtype: 'I32' } }), data)), 'E_DTYPE', ['I32']);
    expectError(file('one_d.safetensors', safetensorsRaw(hdr({ t: { ...good.t, shape: [8] } }), data)), 'E_SHAPE', ['[8]']);
    const two = (a: string, b: string, rowsB = 1) =>
      safetensorsRaw(hdr({ [a]: { dtype: 'F32', shape: [1, 4], data_offsets: [0, 16] }, [b]: { dtype: 'F32', shape: [rowsB, 4 / rowsB], data_offsets: [16, 32] } }), data);
    expectError(file('nosuffix.safetensors', two('layer_0', 'pooler')), 'E_FORMAT', ['"pooler"', '"layer_0"', 'numeric suffix']);
    expectError(file('rows.safetensors', two('layer_0', 'layer_1', 2)), 'E_SHAPE', ['rows']);
    expectError(file('dup.safetensors', two('a_1', 'b_1')), 'E_FORMAT', ['same layer number']);
    // Overlapping data ranges (one tensor would read another's bytes) are refused, naming both; so is a range
    // past the end of the file (above: 'out of range').
    const overlapping = safetensorsRaw(hdr({ layer_0: { dtype: 'F32', shape: [1, 4], data_offsets: [0, 16] }, layer_1: { dtype: 'F32', shape: [1, 4], data_offsets: [8, 24] } }), data);
    const overlapPath = file('overlap.safetensors', overlapping);
    expectError(overlapPath, 'E_FORMAT', [
      `${overlapPath}: corrupt safetensors header: tensors "layer_0" (data_offsets [0, 16]) and "layer_1" ([8, 24]) overlap`,
    ]);
    expect(() => readSafetensors(overlapPath)).toThrow(
      `${overlapPath}: not a readable safetensors file (tensors "layer_0" (data_offsets [0, 16]) and "layer_1" ([8, 24]) overlap)`,
    );
    const inside = safetensorsRaw(hdr({ a: { dtype: 'F32', shape: [1, 4], data_offsets: [0, 16] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }), data);
    const insidePath = file('inside.safetensors', inside);
    expect(() => readSafetensors(insidePath)).toThrow('tensors "a" (data_offsets [0, 16]) and "b" ([4, 12]) overlap');
    const pastEnd = safetensorsRaw(hdr({ a: { dtype: 'F32', shape: [16], data_offsets: [0, 64] } }), data);
    expect(() => readSafetensors(file('past.safetensors', pastEnd))).toThrow('tensor "a" data lies outside the file');
    expectError(file('empty.safetensors', ''), 'E_FORMAT', ['empty']);
    expectError(file('short.safetensors', 'abc'), 'E_FORMAT');
    expectError(file('none.safetensors', safetensorsRaw(hdr({ __metadata__: { a: 'b' } }), Buffer.alloc(0))), 'E_FORMAT', ['no tensors']);
    expectError(join(dir, 'missing.safetensors'), 'E_IO');
  });
});

describe('NeuroX JSON lines', () => {
  const L = 3, H = 4;
  function sentences(n: number, withNonFinite = false): number[][][] {
    const out: number[][][] = [];
    for (let s = 0; s < n; s++) {
      const T = s === 2 ? 0 : 1 + Math.floor(rand() * 5);
      const toks: number[][] = [];
      for (let t = 0; t < T; t++) toks.push(Array.from(randn(L * H, rand, 10)));
      out.push(toks);
    }
    if (withNonFinite) {
      out[0]![0]![1] = NaN;
      out[1]![0]![5] = Infinity;
      out[3]![0]![L * H - 1] = -Infinity;
    }
    return out;
  }
  const flat = (ss: number[][][]) => Float64Array.from(ss.flat(2));

  it('odd whitespace, key order, layer order, extra keys, blank lines, NaN/Infinity', () => {
    const ss = sentences(9, true);
    const text = neuroxJsonl(ss, L, { rand });
    // Blank lines between sentences and CRLF endings on one variant.
    const lines = text.split('\n');
    const withBlanks = ['', ...lines.slice(0, 4), '   ', ...lines.slice(4)].join('\n');
    for (const [name, body] of [
      ['a.jsonl', withBlanks],
      ['b.json', text.replace(/\n/g, '\r\n')],
      ['c.jsonl', text.trimEnd()], // no final newline
    ] as const) {
      const p = file(name, body);
      expect(inspect(p)).toEqual({ path: p, format: 'neurox-jsonl', dtype: 'float32', rows: -1, cols: L * H, layers: L, tensorNames: [] });
      expectRows(p, expected(flat(ss), 'float32'));
    }
  });

  it('empty file and a file of empty sentences have no rows', () => {
    for (const [name, body] of [['e.jsonl', ''], ['e2.jsonl', '\n\n{"features": []}\n']] as const) {
      const p = file(name, body);
      expect(inspect(p)).toMatchObject({ rows: 0, cols: 0 });
      expect(readRows(p).length).toBe(0);
    }
  });

  it('bad input names the file and the line', () => {
    const ss = sentences(5);
    const lines = neuroxJsonl(ss, L).trimEnd().split('\n');
    const at = (i: number, line: string) => [...lines.slice(0, i), line, ...lines.slice(i + 1)].join('\n');
    const p1 = file('malformed.jsonl', at(3, lines[3]!.slice(0, 60)));
    expectError(p1, 'E_FORMAT', [`${p1}:4:`, 'unexpected end of line']);
    const p2 = file('garbage.jsonl', at(4, '{"features": [{"layers": [{"index": 0, "values": [1, 2, oops]}]}]}'));
    expectError(p2, 'E_FORMAT', [`${p2}:5:`, 'expected a number']);
    const p3 = file('notobject.jsonl', at(0, '[1, 2, 3]'));
    expectError(p3, 'E_FORMAT', [`${p3}:1:`]);
    const p4 = file('nofeatures.jsonl', at(1, '{"linex_index": 1}'));
    expectError(p4, 'E_FORMAT', [`${p4}:2:`, 'features']);
    // Token 1 of line 2 has one value too many in its last layer.
    const bad = [...lines];
    const tok = (vals: number[][]) => `{"token": "x", "layers": [${vals.map((v, i) => `{"index": ${i}, "values": [${v.join(', ')}]}`).join(', ')}]}`;
    const row = (extra: number) => Array.from({ length: L }, (_, l) => Array.from({ length: H + (l === L - 1 ? extra : 0) }, () => 1));
    bad[1] = `{"linex_index": 1, "features": [${tok(row(0))}, ${tok(row(1))}]}`;
    const p5 = file('width.jsonl', bad.join('\n'));
    expectError(p5, 'E_SHAPE', [`${p5}:2:`, 'token 1']);
    const fewer = [...lines];
    fewer[3] = `{"features": [${tok(row(0))}, ${tok(row(0))}, ${tok(row(0).slice(0, 2))}]}`;
    const p6 = file('layers.jsonl', fewer.join('\n'));
    expectError(p6, 'E_SHAPE', [`${p6}:4:`, 'token 2', '2 layers']);
    const p7 = file('firstbad.jsonl', '{"features": [{"layers": [{"index": 0, "values": [1, 2]}, {"index": 1, "values": [3]}]}]}\n');
    expectError(p7, 'E_SHAPE', [`${p7}:1:`]);
    expectError(join(dir, 'missing.jsonl'), 'E_IO');
  });
});

describe('format detection', () => {
  it('by extension, then magic bytes; an explicit format wins', () => {
    const v = randn(10, rand);
    const npy = file('x.bin', npyBytes(v, [2, 5], 'float32'));
    const st = file('y.bin', safetensorsBytes([{ name: 'a', shape: [2, 5], values: v, dtype: 'float32' }]));
    const jl = file('z.txt', neuroxJsonl([[Array.from(v)]], 2));
    expect(inspect(npy).format).toBe('npy');
    expect(inspect(st).format).toBe('safetensors');
    expect(inspect(jl).format).toBe('neurox-jsonl');
    expectSame(readRows(npy), expected(v, 'float32'));
    expectSame(readRows(st), expected(v, 'float32'));
    expectSame(readRows(jl), expected(v, 'float32'));
    expect(inspect(jl, 'neurox-jsonl').cols).toBe(10);
    expectError(npy, 'E_FORMAT', [], 'safetensors');
    expectError(file('mystery.bin', 'just text'), 'E_FORMAT', ['cannot tell the format']);
    expectError(file('empty.bin', ''), 'E_FORMAT', ['empty']);
    expectError(join(dir, 'nothing.bin'), 'E_IO');
  });

  it('rejects bad arguments', () => {
    const p = file('arg.npy', npyBytes([1, 2], [1, 2], 'float32'));
    expect(errorOf(() => readRows(p, 'auto', 0)).code).toBe('E_ARGUMENT');
    expect(errorOf(() => inspect(p, 'hdf5' as NativeFormat)).code).toBe('E_ARGUMENT');
  });
});
