/**
 * splitActivations on small files: every part's rows are the input rows the split names, in its order (round trip
 * through the written .npy files), the compat split equals compatSplit, balancing equalises each part, sentences
 * move whole, and bad input fails with exact messages and leaves nothing behind.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpy } from '../../src/io/npy.js';
import { splitActivations } from '../../src/split/split.js';
import { compatSplit } from '../../src/split/split-rows.js';
import { npyBytes, prng } from '../helpers/formats.js';
import { TEST_SEED } from '../helpers/planted.js';
import { scratchDir } from '../helpers/tmp.js';

const scratch = scratchDir('split');
let n = 0;
const fresh = (name: string) => join(scratch.dir, `${name}-${n++}`);

/** T×D activations whose row t holds t·D + j (so a row names itself) and labels drawn from the test seed. */
function task(T: number, D: number, classes: number, seed = TEST_SEED) {
  const x = Float32Array.from({ length: T * D }, (_, i) => i);
  const rand = prng(seed);
  const ids = Array.from({ length: T }, () => Math.floor(rand() * rand() * classes));
  ids[0] = 0;
  ids[1] = classes - 1; // at least two classes
  const acts = scratch.file(`acts-${n++}.npy`, npyBytes(x, [T, D], 'float32'));
  const labels = scratch.file(`labels-${n++}.json`, JSON.stringify(ids));
  return { acts, labels, ids, D };
}

function rowsOf(dir: string, part: string, D: number): number[] {
  const f = readNpy(join(dir, `${part}.npy`));
  const x = f.data as Float32Array;
  expect(f.shape[1]).toBe(D);
  return Array.from({ length: f.shape[0]! }, (_, r) => x[r * D]! / D);
}

describe('splitActivations', () => {
  it('compat: train and dev hold the rows of compatSplit, in its order, with their labels and index', async () => {
    console.log(`split tests: NEUROSIEVE_TEST_SEED=${TEST_SEED}`);
    const T = 50 + (TEST_SEED % 200);
    const { acts, labels, ids, D } = task(T, 3, 3);
    const out = fresh('compat');
    const r = await splitActivations(acts, { labels, out });
    const want = compatSplit(T);
    expect(rowsOf(out, 'train', D)).toEqual([...want.train]);
    expect(rowsOf(out, 'dev', D)).toEqual([...want.dev]);
    expect([...(readNpy(join(out, 'train-index.npy')).data as Int32Array)]).toEqual([...want.train]);
    expect([...(readNpy(join(out, 'dev-labels.npy')).data as Int32Array)]).toEqual([...want.dev].map((i) => ids[i]));
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(m).toMatchObject({ format: 'neurosieve-activations', kind: 'split', mode: 'compat', seed: 7361, unit: 'row', rows: T, columns: D, labels: ['0', '1', '2'] });
    expect(m.splits.train).toMatchObject({ activations: 'train.npy', labels: 'train-labels.npy', index: 'train-index.npy', rows: Math.trunc(T * 0.9) });
    expect(m.splits.test).toBeUndefined();
    expect(r.parts.dev!.rows).toBe(T - Math.trunc(T * 0.9));
    expect(readdirSync(scratch.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('seeded + balance: three parts partition the kept rows, each balanced, the same for the same seed', async () => {
    const { acts, labels, ids, D } = task(400, 2, 3);
    const a = fresh('seeded');
    const b = fresh('seeded');
    const opts = { labels, mode: 'seeded' as const, seed: TEST_SEED, fractions: { train: 0.6, dev: 0.2, test: 0.2 }, balance: true };
    const r = await splitActivations(acts, { ...opts, out: a });
    await splitActivations(acts, { ...opts, out: b });
    const seen = new Set<number>();
    for (const part of ['train', 'dev', 'test']) {
      const rows = rowsOf(a, part, D);
      expect(rows, `${part} same seed`).toEqual(rowsOf(b, part, D));
      const counts = [0, 0, 0];
      for (const t of rows) {
        expect(seen.has(t)).toBe(false);
        seen.add(t);
        counts[ids[t]!]!++;
      }
      const present = counts.filter((c) => c > 0);
      expect(new Set(present).size, `${part} balanced: ${counts}`).toBeLessThanOrEqual(1);
      expect(r.parts[part as 'train']!.counts).toEqual(counts);
    }
  });

  it('by sentence: a NeuroX .in file keeps each sentence whole and in order', async () => {
    const T = 60;
    const { acts, labels, D } = task(T, 2, 2);
    // Sentences of 1..5 tokens.
    const sizes: number[] = [];
    for (let left = T, k = 0; left > 0; k++) sizes.push(Math.min(left, 1 + (k % 5))), (left -= sizes[sizes.length - 1]!);
    const inFile = scratch.file(`s-${n++}.in`, sizes.map((s) => Array.from({ length: s }, (_, i) => `w${i}`).join(' ')).join('\n') + '\n');
    const out = fresh('sent');
    await splitActivations(acts, { labels, out, sentences: inFile });
    const starts = [0];
    for (const s of sizes) starts.push(starts[starts.length - 1]! + s);
    const want = compatSplit(sizes.length);
    const expand = (items: Uint32Array) => [...items].flatMap((k) => Array.from({ length: sizes[k]! }, (_, i) => starts[k]! + i));
    expect(rowsOf(out, 'train', D)).toEqual(expand(want.train));
    expect(rowsOf(out, 'dev', D)).toEqual(expand(want.dev));
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))).toMatchObject({ unit: 'sentence', items: sizes.length });
  });

  it('fails with exact messages and writes nothing', async () => {
    const { acts } = task(20, 2, 2);
    const short = scratch.file(`short-${n++}.json`, JSON.stringify([0, 1, 0]));
    const out = fresh('bad');
    await expect(splitActivations(acts, { labels: short, out })).rejects.toThrow(`${short}: holds 3 labels but the activations have 20 rows; labels must be aligned one per row`);
    const labels = scratch.file(`ok-${n++}.json`, JSON.stringify(Array.from({ length: 20 }, (_, i) => i % 2)));
    await expect(splitActivations(acts, { labels, out, mode: 'seeded', seed: 1, fractions: { train: 0.7, dev: 0.2 } })).rejects.toThrow(
      'Expected fractions summing to 1 for fractions but received a sum of 0.8999999999999999',
    );
    await expect(splitActivations(acts, { labels, out, mode: 'seeded' })).rejects.toThrow("Expected a seed in mode 'seeded' for seed but received undefined");
    await expect(splitActivations(acts, { labels, out, trainFraction: 2 })).rejects.toThrow('Expected a number in [0, 1] for trainFraction but received 2');
    await expect(splitActivations(acts, { labels, out, shuffle: true } as never)).rejects.toThrow("for splitActivations but received 'shuffle'");
    const badIn = scratch.file(`bad-${n++}.in`, 'a b c\nd\n');
    await expect(splitActivations(acts, { labels, out, sentences: badIn })).rejects.toThrow(
      `${badIn}: holds 4 tokens in 2 sentences but the activations have 20 rows; tokens must be aligned one per row`,
    );
    expect(readdirSync(scratch.dir).filter((f) => f.startsWith('bad-') && !f.endsWith('.in'))).toEqual([]);
  });

  it('refuses an output directory that holds an input', async () => {
    const { acts, labels } = task(20, 2, 2);
    await expect(splitActivations(acts, { labels, out: scratch.dir, overwrite: true })).rejects.toThrow(`Expected an output directory that holds no input for out but received '${scratch.dir}', which holds ${acts}`);
  });
});
