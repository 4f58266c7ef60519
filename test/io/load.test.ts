/**
 * Loading activations into memory (src/io/load.ts over native/src/io/row_stream.cc): every format and several
 * shards read as one stream must equal the existing streaming readers' rows concatenated, bit for bit, for any
 * chunk size; a column subset is a gather of those rows; NaN/Inf stop with the file, row and (original) neuron
 * named, or are zeroed and counted; bad options fail by name.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadActivations, openRowStream } from '../../src/io/load.js';
import { native } from '../../src/core/native.js';
import { NeurosieveError } from '../../src/core/errors.js';
import { neuroxJsonl, npyBytes, prng, randn, safetensorsBytes } from '../helpers/formats.js';
import { planted, TEST_SEED } from '../helpers/planted.js';
import { scratchDir } from '../helpers/tmp.js';

console.log(`load.test.ts seed ${TEST_SEED} (set NEUROSIEVE_TEST_SEED to reproduce)`);

const { dir, file } = scratchDir('load');

/** Rows of one file through the existing reader test hook (Source::read), the reference for the loader. */
const readerRows = (p: string) => native().readRows(p, 'auto', 1000);

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function gather(x: Float32Array, rows: number, width: number, cols: number[]): Float32Array {
  const out = new Float32Array(rows * cols.length);
  for (let r = 0; r < rows; r++) for (let j = 0; j < cols.length; j++) out[r * cols.length + j] = x[r * width + cols[j]!]!;
  return out;
}

function bytesEqual(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

async function errorOf(p: Promise<unknown>): Promise<NeurosieveError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(NeurosieveError);
    return err as NeurosieveError;
  }
  throw new Error('expected an error, none was thrown');
}

/** Three shards of one planted dataset, in three formats (npy float32, safetensors per layer float16, JSON lines). */
function shards() {
  const W = 12;
  const p = planted(61, W, TEST_SEED + 11);
  const a = file('part-1.npy', npyBytes(p.x.subarray(0, 20 * W), [20, W], 'float32'));
  // safetensors, one tensor per layer of 4 neurons ([tokens, 4] each), float16
  const L = 3;
  const H = W / L;
  const mid = p.x.subarray(20 * W, 45 * W);
  const layers = [...Array(L).keys()].map((l) => ({
    name: `layer.${l}`,
    shape: [25, H],
    dtype: 'float16' as const,
    values: Array.from({ length: 25 * H }, (_, i) => mid[Math.floor(i / H) * W + l * H + (i % H)]!),
  }));
  const b = file('part-2.safetensors', safetensorsBytes(layers));
  const tail = p.x.subarray(45 * W);
  const sentences: number[][][] = [[], []];
  for (let t = 0; t < 16; t++) sentences[t < 9 ? 0 : 1]!.push(Array.from(tail.subarray(t * W, (t + 1) * W)));
  const c = file('part-3.jsonl', neuroxJsonl(sentences, L, { rand: prng(TEST_SEED) }));
  return { W, files: [a, b, c], want: concat([a, b, c].map(readerRows)) };
}

describe('loadActivations', () => {
  it('reads several shards of different formats as one matrix, equal to the readers, for any chunk size', async () => {
    const { W, files, want } = shards();
    expect(want.length).toBe(61 * W);
    for (const chunkRows of [1, 7, 4096]) {
      const r = await loadActivations(files, { chunkRows });
      expect([r.rows, r.cols, r.nonFinite, r.columns]).toEqual([61, W, 0, undefined]);
      expect(bytesEqual(r.x, want), `chunkRows ${chunkRows}`).toBe(true);
    }
  });

  it('grows its buffer for JSON lines, whose row count is unknown until read', async () => {
    const rand = prng(TEST_SEED + 3);
    const sentences = Array.from({ length: 40 }, () => Array.from({ length: 1 + Math.floor(rand() * 6) }, () => Array.from(randn(10, rand))));
    const p = file('many.jsonl', neuroxJsonl(sentences, 2));
    const want = readerRows(p);
    const r = await loadActivations(p, { chunkRows: 3 });
    expect(r.rows).toBe(sentences.reduce((s, x) => s + x.length, 0));
    expect(r.x.length).toBe(r.rows * 10);
    expect(bytesEqual(r.x, want)).toBe(true);
  });

  it('keeps a column subset in the order asked for', async () => {
    const { W, files, want } = shards();
    const cols = [11, 0, 5, 6, 3];
    const r = await loadActivations(files, { columns: cols, chunkRows: 5 });
    expect(r.cols).toBe(5);
    expect(Array.from(r.columns!)).toEqual(cols);
    expect(bytesEqual(r.x, gather(want, 61, W, cols))).toBe(true);
  });

  it('names file, row and neuron of a NaN in a later shard; a subset without it reads fine; zero counts', async () => {
    const W = 6;
    const rand = prng(TEST_SEED + 4);
    const x1 = Float32Array.from(randn(10 * W, rand));
    const x2 = Float32Array.from(randn(8 * W, rand));
    x2[3 * W + 4] = NaN;
    x2[6 * W + 1] = -Infinity;
    const a = file('ok.npy', npyBytes(x1, [10, W], 'float32'));
    const b = file('bad.npy', npyBytes(x2, [8, W], 'float32'));
    const e = await errorOf(loadActivations([a, b], { chunkRows: 4 }));
    expect(e.code).toBe('E_NONFINITE');
    expect(e.message).toBe(`${b}: NaN at row 3, neuron 4; pass --nan zero (API: nan: 'zero') to replace non-finite values by 0 and count them`);
    // Subset: the neuron id in the message is the original one.
    const e2 = await errorOf(loadActivations([a, b], { columns: [1, 0] }));
    expect(e2.message).toContain(`${b}: -Inf at row 6, neuron 1;`);
    const ok = await loadActivations([a, b], { columns: [5, 2] });
    expect(ok.rows).toBe(18);
    const z = await loadActivations([a, b], { nan: 'zero' });
    expect(z.nonFinite).toBe(2);
    expect(z.x[(10 + 3) * W + 4]).toBe(0);
    expect(z.x[(10 + 6) * W + 1]).toBe(0);
    expect(z.x[(10 + 6) * W + 2]).toBe(x2[6 * W + 2]);
  });

  it('names the layer of a NaN in a 3-D [layers, tokens, neurons] file', async () => {
    const L = 2, T = 5, H = 3;
    const lt = new Float32Array(L * T * H).fill(1);
    lt[(1 * T + 2) * H + 1] = Infinity; // layer 1, token 2, unit 1 -> neuron 4
    const p = file('3d.npy', npyBytes(lt, [L, T, H], 'float32'));
    const e = await errorOf(loadActivations(p));
    expect(e.message).toContain(`${p}: +Inf at row 2, neuron 4 (layer 1, unit 1);`);
  });

  it('rejects shards of different widths and bad options by name', async () => {
    const a = file('w4.npy', npyBytes(new Float32Array(8), [2, 4], 'float32'));
    const b = file('w5.npy', npyBytes(new Float32Array(10), [2, 5], 'float32'));
    expect((await errorOf(loadActivations([a, b]))).code).toBe('E_WIDTH');
    const bad = async (o: object) => (await errorOf(loadActivations(a, o as never))).message;
    expect(await bad({ columns: [4] })).toBe('Expected neuron ids in [0, 3] for columns but received 4 at position 0');
    expect(await bad({ columns: [1, 2, 1] })).toBe('Expected distinct neuron ids for columns but received 1 more than once');
    expect(await bad({ columns: [0.5] })).toBe('Expected neuron ids in [0, 3] for columns but received 0.5 at position 0');
    expect(await bad({ columns: [] })).toBe('Expected at least one neuron id for columns but received none');
    expect(await bad({ nan: 'skip' })).toBe("Expected one of 'error', 'zero' for nan but received 'skip'");
    expect(await bad({ chunkRows: 0 })).toBe('Expected an integer in [1, 16777216] for chunkRows but received 0');
    expect(await bad({ colums: [1] })).toBe("Expected one of the options columns, nan, format, column, chunkRows, onProgress, signal for loadActivations but received 'colums'");
  });

  it('reports progress and stops when aborted', async () => {
    const { files } = shards();
    const seen: number[] = [];
    await loadActivations(files, { chunkRows: 10, onProgress: (p) => seen.push(p.rows) });
    expect(seen.at(-1)).toBe(61);
    expect(seen.length).toBeGreaterThan(3);
    const ac = new AbortController();
    const e = await errorOf(loadActivations(files, { chunkRows: 10, signal: ac.signal, onProgress: () => ac.abort() }));
    expect(e.code).toBe('E_CANCELLED');
  });
});

describe('openRowStream', () => {
  it('hands out chunks into caller buffers across file boundaries', async () => {
    const { W, files, want } = shards();
    const s = openRowStream(files, { columns: [2, 3] });
    const out = new Float32Array(13 * 2);
    const got: Float32Array[] = [];
    let n: number;
    while ((n = await s.read(out, 13)) > 0) got.push(out.slice(0, n * 2));
    expect(got.map((g) => g.length / 2)).toEqual([13, 13, 13, 13, 9]);
    expect(bytesEqual(concat(got), gather(want, 61, W, [2, 3]))).toBe(true);
    expect(s.rows).toBe(61);
    expect(await s.read(out, 1)).toBe(0);
    s.close();
    await expect(s.read(out, 1)).rejects.toThrow('the row reader is closed');
  });

  it('refuses a second read while one is in flight, and a buffer too small for maxRows', async () => {
    const { files } = shards();
    const s = openRowStream(files);
    const out = new Float32Array(12 * 4);
    await expect(s.read(out, 5)).rejects.toThrow('Expected an integer in [1, 4] for maxRows but received 5');
    const first = s.read(out.subarray(0, 24), 2);
    await expect(s.read(out.subarray(24), 2)).rejects.toThrow('a read is already in progress on this reader');
    expect(await first).toBe(2);
    expect(await s.read(out.subarray(24), 2)).toBe(2);
    s.close();
  });
});
