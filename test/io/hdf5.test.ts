/**
 * NeuroX HDF5 reader (native/src/io/neurox_hdf5_source.cc) on files written by h5py the way NeuroX's
 * HDF5ActivationsWriter writes them (test/fixtures/formats/make_hdf5.py): rows equal, bit for bit, the rows numpy
 * computed with NeuroX's own swapaxes + reshape, in chunks that cut sentences anywhere; per-layer files join side
 * by side; corr on the HDF5 file equals corr on the same rows as .npy byte for byte; every bad input fails naming
 * the file and the sentence.
 */
import { describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { native } from '../../src/core/native.js';
import type { NativeFormat } from '../../src/core/native-types.js';
import { readNpy } from '../../src/io/npy.js';
import { openActivations } from '../../src/io/dataset.js';
import { loadActivations } from '../../src/io/load.js';
import { correlate } from '../../src/correlate/correlate.js';
import { scratchDir } from '../helpers/tmp.js';
import { filesIn, runCli, tempDir } from '../helpers/cli.js';
import { call, expectBitIdentical, errorOf } from '../helpers/reader-checks.js';

const FIX = resolve(import.meta.dirname, '../fixtures/formats');
const fx = (name: string) => join(FIX, name);
const { dir, file } = scratchDir('hdf5');

const inspect = (p: string, format: NativeFormat = 'auto') => call(() => native().inspect(p, format));
const readRows = (p: string, chunk: number, format: NativeFormat = 'auto') => call(() => native().readRows(p, format, chunk));

function rowsOf(npy: string): Float32Array {
  return readNpy(fx(npy)).data as Float32Array;
}

describe('NeuroX HDF5: rows as NeuroX loads them', () => {
  const cases = [
    ['neurox-f32.hdf5', 'neurox-f32.rows.npy', 'float32', 3],
    ['neurox-f16.hdf5', 'neurox-f16.rows.npy', 'float16', 3],
    ['neurox-gzip.hdf5', 'neurox-f32.rows.npy', 'float32', 3], // chunked + gzip: libhdf5 decompresses
  ] as const;
  for (const [h5, npy, dtype, layers] of cases) {
    it(`${h5}: header and every row, in chunks of 1, 4, 7 and 1000 tokens`, () => {
      const want = rowsOf(npy);
      const info = inspect(fx(h5));
      expect(info).toMatchObject({ format: 'neurox-hdf5', dtype, rows: 33, cols: 24, layers });
      // 4 and 7 cut sentences (lengths 5 1 9 3 7 2 6) in the middle and join the end of one to the next.
      for (const chunk of [1, 4, 7, 1000]) expectBitIdentical(readRows(fx(h5), chunk), want, `${h5} chunk ${chunk}`);
      expectBitIdentical(readRows(fx(h5), 5, 'neurox-hdf5'), want, `${h5} --format neurox-hdf5`);
    });
  }

  it('float16 rows are the float16 values widened exactly (not the float32 ones)', () => {
    const f16 = rowsOf('neurox-f16.rows.npy');
    const f32 = rowsOf('neurox-f32.rows.npy');
    let differ = 0;
    for (let i = 0; i < f16.length; i++) if (f16[i] !== f32[i]) differ++;
    expect(differ).toBeGreaterThan(f16.length / 2);
  });

  it('detected by its signature whatever its name', () => {
    const p = file('no-extension', readFileSync(fx('neurox-f32.hdf5')));
    expect(inspect(p).format).toBe('neurox-hdf5');
    expectBitIdentical(readRows(p, 7), rowsOf('neurox-f32.rows.npy'), 'no extension');
  });

  it('decompose_layers files given together read as one file of those layers side by side', () => {
    const want = rowsOf('neurox-decomposed.rows.npy');
    for (const inputs of [
      [fx('neurox-decomposed-layer0.hdf5'), fx('neurox-decomposed-layer2.hdf5')],
      [join(FIX, 'neurox-decomposed-layer*.hdf5')],
    ]) {
      const ds = openActivations(inputs);
      expect(ds.files.length).toBe(1);
      expect(ds.files[0]).toMatchObject({ path: join(FIX, 'neurox-decomposed-layer{0,2}.hdf5'), rows: 33, cols: 16, layers: 2 });
      expect(ds.files[0]!.tensorNames).toEqual([fx('neurox-decomposed-layer0.hdf5'), fx('neurox-decomposed-layer2.hdf5')]);
    }
    for (const chunk of [1, 4, 1000]) expectBitIdentical(readRows(join(FIX, 'neurox-decomposed-layer{0,2}.hdf5'), chunk), want, `decomposed chunk ${chunk}`);
    // One per-layer file alone is a one-layer file.
    expect(inspect(fx('neurox-decomposed-layer2.hdf5'))).toMatchObject({ rows: 33, cols: 8, layers: 1 });
  });

  it('a directory of per-layer files is grouped too; a directory of whole files stays shards', () => {
    const d = join(dir, 'layers');
    const w = join(dir, 'whole');
    for (const [from, to] of [
      ['neurox-decomposed-layer0.hdf5', join(d, 'acts-layer0.hdf5')],
      ['neurox-decomposed-layer2.hdf5', join(d, 'acts-layer2.hdf5')],
      ['neurox-f32.hdf5', join(w, 'part-1.hdf5')],
      ['neurox-f16.hdf5', join(w, 'part-2.hdf5')],
    ] as const) {
      mkdirSync(join(to, '..'), { recursive: true });
      copyFileSync(fx(from), to);
    }
    expect(openActivations(d)).toMatchObject({ rows: 33, cols: 16, layers: 2 });
    expect(openActivations(w)).toMatchObject({ rows: 66, cols: 24, layers: 3 });
  });

  it('layer selection: loadActivations of layer 2 columns equals those columns of the rows', async () => {
    const want = rowsOf('neurox-f32.rows.npy');
    const columns = Array.from({ length: 8 }, (_, i) => 16 + i);
    const got = await loadActivations(fx('neurox-f32.hdf5'), { columns });
    const expected = new Float32Array(33 * 8);
    for (let r = 0; r < 33; r++) for (let c = 0; c < 8; c++) expected[r * 8 + c] = want[r * 24 + 16 + c]!;
    expectBitIdentical(got.x, expected, 'layer 2');
  });
});

describe('NeuroX HDF5: corr equals corr on the same rows as .npy', () => {
  for (const [h5, npy] of [
    ['neurox-f32.hdf5', 'neurox-f32.rows.npy'],
    ['neurox-f16.hdf5', 'neurox-f16.rows.npy'],
    ['neurox-decomposed-layer*.hdf5', 'neurox-decomposed.rows.npy'],
  ] as const) {
    it(h5, async () => {
      const a = await correlate(fx(h5), { threads: 1, chunkRows: 5 });
      const b = await correlate(fx(npy), { threads: 1, chunkRows: 5 });
      expectBitIdentical(a.corr, b.corr, `${h5} corr`);
      expect(Array.from(a.means)).toEqual(Array.from(b.means));
      // The planted structure is there: neuron 1 follows neuron 0 within layer 0 (r ≈ 0.99).
      expect(a.corr[1]!).toBeGreaterThan(0.95);
    });
  }
});

describe('NeuroX HDF5: bad input names the file and the sentence', () => {
  const bad: [string, string, (string | RegExp)[]][] = [
    ['bad-mixed-width.hdf5', 'E_SHAPE', ['sentence "4": has 3 layers of 9 neurons, but sentence "0" has 3 of 8']],
    ['bad-rank.hdf5', 'E_SHAPE', ['sentence "3": has shape [3, 8]; expected 3-D [layers, tokens, neurons]']],
    ['bad-int.hdf5', 'E_DTYPE', ['sentence "0": holds 32-bit integer values; expected float32, float16 or float64']],
    ['bad-missing-sentence.hdf5', 'E_FORMAT', ['sentence "2" is missing']],
    ['bad-not-neurox.hdf5', 'E_FORMAT', ['holds "embeddings", which is neither a sentence', 'not a NeuroX activations file']],
  ];
  for (const [name, code, parts] of bad) {
    it(name, () => {
      const e = errorOf(() => inspect(fx(name)));
      expect(e.code, e.message).toBe(code);
      expect(e.message.startsWith(fx(name)), e.message).toBe(true);
      for (const part of parts) expect(e.message).toContain(part);
    });
  }

  it('a truncated file (cut in its data, or in its header) is refused when opened', () => {
    const whole = readFileSync(fx('neurox-f32.hdf5'));
    for (const keep of [whole.length - 100, 2000, 600, 40, 7]) {
      const p = file(`cut-${keep}.hdf5`, whole.subarray(0, keep));
      const e = errorOf(() => {
        inspect(p);
        readRows(p, 7);
      });
      expect(e.code, e.message).toBe('E_FORMAT');
      expect(e.message.startsWith(p), e.message).toBe(true);
      expect(e.message).toMatch(/truncated|not an HDF5 file/);
    }
  });

  it('a .hdf5 file that is not HDF5, and an empty one', () => {
    const p = file('text.hdf5', 'sentence,activations\n');
    expect(errorOf(() => inspect(p)).message).toBe(`${p}: not an HDF5 file (no HDF5 signature at byte 0)`);
    const q = file('empty.hdf5', '');
    expect(errorOf(() => inspect(q)).message).toBe(`${q}: empty file (0 bytes), not an HDF5 file`);
  });

  it('sentence_to_index that names a sentence the file lacks', () => {
    // Rewrites the JSON in place with the same length: "6" → "9" for the last sentence.
    const bytes = Buffer.from(readFileSync(fx('neurox-f32.hdf5')));
    const at = bytes.lastIndexOf('": "6"}');
    expect(at).toBeGreaterThan(0);
    bytes.write('": "9"}', at);
    const p = file('bad-index.hdf5', bytes);
    const e = errorOf(() => inspect(p));
    expect(e.message).toBe(`${p}: sentence_to_index: maps a sentence to "9", which names no sentence of the file ("0" … "6")`);
  });

  it('per-layer files of different sentences are refused, naming the file', () => {
    copyFileSync(fx('neurox-decomposed-layer0.hdf5'), join(dir, 'mix-layer0.hdf5'));
    copyFileSync(fx('bad-missing-sentence.hdf5'), join(dir, 'mix-layer1.hdf5'));
    const e = errorOf(() => openActivations([join(dir, 'mix-layer0.hdf5'), join(dir, 'mix-layer1.hdf5')]));
    expect(e.message).toContain(`${join(dir, 'mix-layer1.hdf5')}: sentence "2" is missing`);
  });

  it('CLI: corr on a bad file exits 1 naming file and sentence, writes nothing', () => {
    const out = tempDir('hdf5-corr');
    const r = runCli(['corr', fx('bad-mixed-width.hdf5'), '-o', join(out, 'corr.npy')]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`${fx('bad-mixed-width.hdf5')}: sentence "4"`);
    expect(filesIn(out)).toEqual([]);
    const ok = runCli(['corr', fx('neurox-f16.hdf5'), '-o', join(out, 'corr.npy'), '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(readNpy(join(out, 'corr.npy')).shape).toEqual([24, 24]);
  });
});
