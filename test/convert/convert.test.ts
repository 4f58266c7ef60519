/**
 * neurosieve convert / convertActivations: NeuroX HDF5 and Arrow inputs into npy, safetensors and Arrow
 * directories; what is written reads back bit for bit (through our readers, and the Arrow output through the
 * apache-arrow package as another tool would), tokens and labels land beside the activations, and a failure
 * leaves no output directory behind.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { convertActivations } from '../../src/convert/convert.js';
import { loadActivations } from '../../src/io/load.js';
import { readNpy } from '../../src/io/npy.js';
import { readSafetensors } from '../../src/io/safetensors.js';
import { correlate } from '../../src/correlate/correlate.js';
import type { NeurosieveError } from '../../src/core/errors.js';
import { scratchDir } from '../helpers/tmp.js';
import { runCli } from '../helpers/cli.js';
import { neuroxJsonl } from '../helpers/formats.js';

const FIX = resolve(import.meta.dirname, '../fixtures/formats');
const fx = (name: string) => join(FIX, name);
const { dir } = scratchDir('convert');

// The HDF5 fixtures' sentences have 5 1 9 3 7 2 6 tokens: a NeuroX .in / .label pair of those lengths.
const LENGTHS = [5, 1, 9, 3, 7, 2, 6];
const tokenLines = LENGTHS.map((n, s) => Array.from({ length: n }, (_, i) => `w${s}_${i}`).join(' '));
const labelLines = LENGTHS.map((n, s) => Array.from({ length: n }, (_, i) => ['NAME', 'OP', 'KEYWORD'][(s + i) % 3]).join(' '));
const tokensIn = join(dir, 'acts.in');
const labelsFile = join(dir, 'acts.label');
writeFileSync(tokensIn, tokenLines.join('\n') + '\n');
writeFileSync(labelsFile, labelLines.join('\n') + '\n');
const flatTokens = tokenLines.flatMap((l) => l.split(' '));
const flatLabels = labelLines.flatMap((l) => l.split(' '));
const classes = ['KEYWORD', 'NAME', 'OP']; // sorted, as readLabels numbers string labels

function same(a: Float32Array, b: Float32Array, what: string): void {
  expect(Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength)), what).toBe(true);
}

async function errorOf(p: Promise<unknown>): Promise<NeurosieveError> {
  try {
    await p;
  } catch (err) {
    return err as NeurosieveError;
  }
  throw new Error('expected an error, none was thrown');
}

describe('convert', () => {
  const want = readNpy(fx('neurox-f16.rows.npy')).data as Float32Array;

  it('NeuroX HDF5 (float16) → npy: activations.npy, labels.npy, tokens.txt', async () => {
    const out = join(dir, 'to-npy');
    const r = await convertActivations(fx('neurox-f16.hdf5'), { out, to: 'npy', tokens: tokensIn, labels: labelsFile, chunkRows: 4 });
    expect(r).toMatchObject({ rows: 33, cols: 24, files: ['activations.npy', 'labels.npy', 'tokens.txt', 'convert.json'] });
    const a = readNpy(join(out, 'activations.npy'));
    expect(a.shape).toEqual([33, 24]);
    same(a.data as Float32Array, want, 'activations.npy');
    expect(Array.from(readNpy(join(out, 'labels.npy')).data as Int32Array)).toEqual(flatLabels.map((l) => classes.indexOf(l)));
    expect(readFileSync(join(out, 'tokens.txt'), 'utf8').trimEnd().split('\n')).toEqual(flatTokens);
    expect(JSON.parse(readFileSync(join(out, 'convert.json'), 'utf8'))).toMatchObject({ to: 'npy', rows: 33, cols: 24, layers: 3, classes });
  });

  it('→ safetensors: "activations" F32 and "labels" I32, classes in the metadata; our reader reads it back', async () => {
    const out = join(dir, 'to-st');
    await convertActivations(fx('neurox-f16.hdf5'), { out, to: 'safetensors', labels: labelsFile, chunkRows: 7 });
    const { tensors, metadata } = readSafetensors(join(out, 'activations.safetensors'));
    same(tensors.get('activations')!.data as Float32Array, want, 'safetensors activations');
    expect(Array.from(tensors.get('labels')!.data as Int32Array)).toEqual(flatLabels.map((l) => classes.indexOf(l)));
    expect(JSON.parse(metadata.classes!)).toEqual(classes);
  });

  it('→ arrow: a Hugging Face datasets directory that apache-arrow reads (token, label, activations) and we read back', async () => {
    const out = join(dir, 'to-arrow');
    await convertActivations(fx('neurox-f16.hdf5'), { out, to: 'arrow', tokens: tokensIn, labels: labelsFile, chunkRows: 5 });
    expect(readdirSync(out).sort()).toEqual(['convert.json', 'data-00000-of-00001.arrow', 'dataset_info.json', 'state.json']);
    const table = tableFromIPC(readFileSync(join(out, 'data-00000-of-00001.arrow')));
    expect(table.numRows).toBe(33);
    expect(table.batches.length).toBe(7); // 33 rows in chunks of 5
    expect(table.schema.fields.map((f) => `${f.name}: ${String(f.type)}`)).toEqual(['token: Utf8', 'label: Int64', 'activations: FixedSizeList[24]<Float32>']);
    expect(table.getChild('token')!.toArray()).toEqual(flatTokens);
    expect(Array.from(table.getChild('label')!.toArray() as BigInt64Array, Number)).toEqual(flatLabels.map((l) => classes.indexOf(l)));
    const acts = new Float32Array(33 * 24);
    for (let r = 0; r < 33; r++) acts.set(table.getChild('activations')!.get(r)!.toArray() as Float32Array, r * 24);
    same(acts, want, 'apache-arrow read');
    expect(JSON.parse(readFileSync(join(out, 'dataset_info.json'), 'utf8')).features.label).toEqual({ names: classes, _type: 'ClassLabel' });
    same((await loadActivations(out)).x, want, 'neurosieve read');
    // The same rows in the same chunks as the HDF5 file: the same correlation, byte for byte.
    same((await correlate(out, { threads: 1, chunkRows: 8 })).corr, (await correlate(fx('neurox-f16.hdf5'), { threads: 1, chunkRows: 8 })).corr, 'corr');
  });

  it('Arrow → npy (SAELens layout), and NeuroX per-layer files → arrow', async () => {
    const a = join(dir, 'sae-npy');
    await convertActivations(fx('saelens-cache'), { out: a, to: 'npy' });
    same(readNpy(join(a, 'activations.npy')).data as Float32Array, readNpy(fx('saelens-cache.rows.npy')).data as Float32Array, 'saelens → npy');
    const b = join(dir, 'layers-arrow');
    await convertActivations(join(FIX, 'neurox-decomposed-layer*.hdf5'), { out: b, to: 'arrow' });
    same((await loadActivations(b)).x, readNpy(fx('neurox-decomposed.rows.npy')).data as Float32Array, 'decomposed → arrow');
  });

  it('NeuroX JSON lines (row count unknown until read: counted first) → npy', async () => {
    // Values k/8 print exactly in JSON, so the rows are known exactly.
    const sentences = [3, 1, 4].map((n, s) => Array.from({ length: n }, (_, t) => Array.from({ length: 6 }, (_, c) => ((s * 7 + t * 5 + c * 3) % 17) / 8 - 1)));
    const p = join(dir, 'acts.jsonl');
    writeFileSync(p, neuroxJsonl(sentences, 2));
    const out = join(dir, 'jsonl-npy');
    const r = await convertActivations(p, { out, to: 'npy', chunkRows: 2 });
    expect(r).toMatchObject({ rows: 8, cols: 6 });
    same(readNpy(join(out, 'activations.npy')).data as Float32Array, Float32Array.from(sentences.flat(2)), 'jsonl → npy');
  });

  it('bad input or a token count that does not match: an error naming the file, and no output directory', async () => {
    const out = join(dir, 'never');
    const e = await errorOf(convertActivations(fx('bad-ragged.arrow'), { out, to: 'arrow', chunkRows: 2 }));
    expect(e.message).toContain(`${fx('bad-ragged.arrow')}: record batch 1, column "acts": row 2`);
    const short = join(dir, 'short.in');
    writeFileSync(short, 'a b c\n');
    const t = await errorOf(convertActivations(fx('neurox-f32.hdf5'), { out, to: 'npy', tokens: short }));
    expect(t.code).toBe('E_SHAPE');
    expect(t.message).toBe(`${short}: holds 3 tokens, but the activations have 33 rows`);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('CLI: --to arrow --json; an existing non-empty output is refused', () => {
    const out = join(dir, 'cli-out');
    const r = runCli(['convert', fx('neurox-f32.hdf5'), '-o', out, '--to', 'arrow', '--labels', labelsFile, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ to: 'arrow', rows: 33, cols: 24 });
    const again = runCli(['convert', fx('neurox-f32.hdf5'), '-o', out, '--to', 'npy']);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('holds files (use --overwrite to replace it)');
    const usage = runCli(['convert', fx('neurox-f32.hdf5'), '-o', join(dir, 'x')]);
    expect(usage.code).toBe(2);
  });
});
