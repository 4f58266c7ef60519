/**
 * Arrow IPC reader (native/src/io/arrow_source.cc) on files the apache-arrow package wrote in the layouts of
 * Hugging Face `datasets` and SAELens (test/fixtures/formats/make_arrow.mjs): stream and file formats,
 * fixed-size, variable and large lists, float16 and float32, one row per record or per inner list; rows equal
 * the expected rows bit for bit in chunks that cut record batches anywhere; corr equals corr on the .npy; bad
 * input names the file, the record batch and the column.
 */
import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { native } from '../../src/core/native.js';
import type { NeurosieveError } from '../../src/core/errors.js';
import { readNpy, writeNpy } from '../../src/io/npy.js';
import { openActivations } from '../../src/io/dataset.js';
import { loadActivations } from '../../src/io/load.js';
import { correlate } from '../../src/correlate/correlate.js';
import { scratchDir } from '../helpers/tmp.js';
import { filesIn, runCli, tempDir } from '../helpers/cli.js';
import { call, expectBitIdentical, errorOf } from '../helpers/reader-checks.js';

const FIX = resolve(import.meta.dirname, '../fixtures/formats');
const fx = (name: string) => join(FIX, name);
const { dir, file } = scratchDir('arrow');

const inspect = (p: string) => call(() => native().inspect(p, 'auto'));
const readRows = (p: string, chunk: number) => call(() => native().readRows(p, 'auto', chunk));
const rowsOf = (npy: string) => readNpy(fx(npy)).data as Float32Array;

describe('Arrow IPC: rows', () => {
  it('a Hugging Face datasets directory: state.json names the stream shards; fixed_size_list<float32, 8>', async () => {
    const ds = openActivations(fx('hf-dataset'));
    expect(ds.files.map((f) => f.path)).toEqual([fx('hf-dataset/data-00000-of-00002.arrow'), fx('hf-dataset/data-00001-of-00002.arrow')]);
    expect(ds).toMatchObject({ rows: 21, cols: 8 });
    expect(ds.files[0]).toMatchObject({ format: 'arrow', dtype: 'float32', tensorNames: ['activations'] });
    const got = await loadActivations(fx('hf-dataset'), { chunkRows: 4 });
    expectBitIdentical(got.x, rowsOf('hf-dataset.rows.npy'), 'hf-dataset');
    for (const chunk of [1, 4, 1000]) {
      const a = readRows(fx('hf-dataset/data-00000-of-00002.arrow'), chunk);
      expectBitIdentical(a, rowsOf('hf-dataset.rows.npy').subarray(0, 11 * 8), `shard 0 chunk ${chunk}`);
    }
  });

  it("SAELens's cache: Array2D [4 tokens, 6] per record as list<list<float32>>, every token a row", () => {
    const want = rowsOf('saelens-cache.rows.npy');
    const p = fx('saelens-cache/data-00000-of-00001.arrow');
    expect(inspect(p)).toMatchObject({ rows: 20, cols: 6, tensorNames: ['blocks.0.hook_mlp_out'] });
    // 3 cuts a sequence of 4 tokens and the 3-sequence record batch; 7 crosses into the second batch.
    for (const chunk of [1, 3, 7, 1000]) expectBitIdentical(readRows(p, chunk), want, `saelens chunk ${chunk}`);
    expect(openActivations(fx('saelens-cache'), { column: 'blocks.0.hook_mlp_out' })).toMatchObject({ rows: 20, cols: 6 });
  });

  it('IPC file format with two float-list columns: chosen by name (option or <file>#<column>); float16 widened exactly', () => {
    const p = fx('two-columns.arrow');
    const e = errorOf(() => openActivations(p));
    expect(e.code).toBe('E_ARGUMENT');
    expect(e.message).toBe(`${p}: several columns hold lists of floats ("mlp", "resid"); name one (--column, or <file>#<column>)`);
    for (const chunk of [1, 3, 1000]) {
      expectBitIdentical(readRows(`${p}#mlp`, chunk), rowsOf('two-columns.mlp.rows.npy'), `mlp ${chunk}`);
      expectBitIdentical(readRows(`${p}#resid`, chunk), rowsOf('two-columns.resid.rows.npy'), `resid ${chunk}`);
    }
    expect(openActivations(p, { column: 'mlp' }).files[0]).toMatchObject({ path: `${p}#mlp`, dtype: 'float16', cols: 5 });
    expect(openActivations(`${p}#resid`).files[0]).toMatchObject({ path: `${p}#resid`, dtype: 'float32', cols: 3 });
  });

  it('a string column beside the activations is skipped; chosen by name it is refused', () => {
    const p = fx('tokens-and-acts.arrow');
    expect(inspect(p)).toMatchObject({ rows: 2, cols: 4, tensorNames: ['acts'] });
    const e = errorOf(() => openActivations(p, { column: 'tokens' }));
    expect(e.code).toBe('E_DTYPE');
    expect(e.message).toBe(`${p}: column "tokens" is string, not a list of floats (float16, float32 or float64) per row`);
    const m = errorOf(() => openActivations(p, { column: 'nope' }));
    expect(m.message).toBe(`${p}: no column "nope" (columns: "tokens" (string), "acts" (fixed_size_list<float32, 4>))`);
  });
});

describe('Arrow IPC: corr equals corr on the same rows as .npy', () => {
  // The hf-dataset's two shards are compared with the same rows as two .npy shards: chunks end at file ends.
  const hfRows = rowsOf('hf-dataset.rows.npy');
  const shard0 = join(dir, 'hf-0.npy');
  const shard1 = join(dir, 'hf-1.npy');
  writeNpy(shard0, hfRows.slice(0, 11 * 8), [11, 8]);
  writeNpy(shard1, hfRows.slice(11 * 8), [10, 8]);
  for (const [input, npy] of [
    [[fx('hf-dataset')], [shard0, shard1]],
    [[fx('saelens-cache')], [fx('saelens-cache.rows.npy')]],
    [[fx('two-columns.arrow#mlp')], [fx('two-columns.mlp.rows.npy')]],
  ] as const) {
    it(input[0]!, async () => {
      const a = await correlate(input, { threads: 1, chunkRows: 3 });
      const b = await correlate(npy, { threads: 1, chunkRows: 3 });
      expectBitIdentical(a.corr, b.corr, `${input[0]} corr`);
      // Planted: neuron 1 is neuron 0 plus small noise.
      expect(a.corr[1]!).toBeGreaterThan(0.95);
    });
  }
});

describe('Arrow IPC: bad input names the file, the record batch and the column', () => {
  it('a ragged list', () => {
    const p = fx('bad-ragged.arrow');
    expect(inspect(p)).toMatchObject({ rows: 9, cols: 4 });
    const e = errorOf(() => readRows(p, 100));
    expect(e.code).toBe('E_SHAPE');
    expect(e.message).toBe(
      `${p}: record batch 1, column "acts": row 2 of the batch has 3 floats, but the column's rows have 4 (a ragged list: every row must have the same width)`,
    );
  });

  it('null rows', () => {
    const p = fx('bad-null.arrow');
    expect(errorOf(() => inspect(p)).message).toBe(`${p}: record batch 0, column "acts": holds 1 null rows; activations cannot be null`);
  });

  it('truncated files (stream and file format) and a non-Arrow .arrow file', () => {
    const stream = readFileSync(fx('hf-dataset/data-00000-of-00002.arrow'));
    // (Cutting exactly the 8-byte end-of-stream marker leaves a valid stream: the marker is optional.)
    for (const keep of [stream.length - 9, stream.length - 100, 300, 12, 5]) {
      const p = file(`cut-stream-${keep}.arrow`, stream.subarray(0, keep));
      const e = errorOf(() => {
        inspect(p);
        readRows(p, 100);
      });
      expect(e.message.startsWith(p), e.message).toBe(true);
      expect(e.message, e.message).toMatch(/truncated|corrupt|not an Arrow IPC file|no schema/);
    }
    const whole = readFileSync(fx('two-columns.arrow'));
    for (const keep of [whole.length - 1, whole.length - 200, 40]) {
      const p = file(`cut-file-${keep}.arrow`, whole.subarray(0, keep));
      const e = errorOf(() => inspect(`${p}#mlp`));
      expect(e.message.startsWith(p), e.message).toBe(true);
      expect(e.message, e.message).toMatch(/truncated|corrupt/);
    }
    const text = file('text.arrow', 'tokens,activations\n1,2\n');
    expect(errorOf(() => inspect(text)).message).toMatch(new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: (not an Arrow IPC file|truncated)`));
    const empty = file('empty.arrow', '');
    expect(errorOf(() => inspect(empty)).message).toBe(`${empty}: empty file (0 bytes), not an Arrow file`);
  });

  it('flipped bytes in the metadata never read out of bounds: an error naming the file, or rows', () => {
    const bytes = readFileSync(fx('two-columns.arrow'));
    const seed = Number(process.env.NEUROSIEVE_TEST_SEED ?? 7);
    let s = seed >>> 0 || 1;
    const next = () => ((s = (s * 1103515245 + 12345) >>> 0), s);
    for (let trial = 0; trial < 300; trial++) {
      const b = Buffer.from(bytes);
      b[next() % b.length] = next() & 0xff;
      const p = join(dir, 'flipped.arrow');
      writeFileSync(p, b);
      try {
        const info = inspect(`${p}#mlp`);
        const r = readRows(`${p}#mlp`, 4);
        expect(r.length).toBe(info.rows * info.cols);
      } catch (err) {
        const e = err as NeurosieveError;
        expect(e.name, `seed ${seed} trial ${trial}: ${e.message}`).toBe('NeurosieveError');
        expect(e.message.startsWith(p), `seed ${seed} trial ${trial}: ${e.message}`).toBe(true);
      }
    }
  });

  it('a state.json that lists no shards', () => {
    const d = join(dir, 'hf-bad');
    mkdirSync(d);
    writeFileSync(join(d, 'state.json'), JSON.stringify({ _data_files: 'data.arrow' }));
    const e = errorOf(() => openActivations(d));
    expect(e.code).toBe('E_FORMAT');
    expect(e.message).toContain(`${join(d, 'state.json')}: expected "_data_files"`);
  });

  it('CLI: corr --column on a Hugging Face directory, and a ragged file exits 1 with nothing written', () => {
    const out = tempDir('arrow-corr');
    const ok = runCli(['corr', fx('two-columns.arrow'), '--column', 'resid', '-o', join(out, 'corr.npy')]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(readNpy(join(out, 'corr.npy')).shape).toEqual([3, 3]);
    const bad = runCli(['corr', fx('bad-ragged.arrow'), '-o', join(out, 'bad.npy')]);
    expect(bad.code, bad.stderr).toBe(1);
    expect(bad.stderr).toContain(`${fx('bad-ragged.arrow')}: record batch 1, column "acts": row 2`);
    expect(filesIn(out)).toEqual(['corr.npy', 'corr.npy.json']);
  });
});
