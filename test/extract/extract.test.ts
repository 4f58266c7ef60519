/**
 * Activation extraction end to end on tiny inputs with the bundled model: rows equal a reference computed here from
 * the same ONNX session, for every aggregation mode and across window boundaries; outputs, splits and the NeuroX
 * files agree with each other; bad inputs fail cleanly and leave nothing behind.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { SpanAggregator } from '../../src/extract/aggregate.js';
import { extractActivations, type Aggregation } from '../../src/extract/extract.js';
import { halfBits } from '../../src/io/float16.js';
import { prepareText } from '../../src/extract/prepare.js';
import { balancedSplits } from '../../src/extract/splits.js';
import { SubwordTokenizer } from '../../src/extract/tokenizer.js';
import { planWindows } from '../../src/extract/windows.js';
import { readNpy } from '../../src/io/npy.js';
import { filesIn, root, runCli, tempDir } from '../helpers/cli.js';

const MODEL = join(root, 'models/tiny-code-mlm');
const tokenizer = new SubwordTokenizer(JSON.parse(readFileSync(join(MODEL, 'tokenizer.json'), 'utf8')), 'tokenizer.json', 1);
let session: ort.InferenceSession;

const SMALL = 'def add(a, b):\n    """Sum."""\n    return a + b  # done\n\nx = add(1, 2)\n';
// ~400 subwords: several windows of 126.
const LONG = Array.from({ length: 24 }, (_, i) => `def f${i}(value_${i}, other=${i}):\n    return value_${i} * other + ${i}  # line ${i}\n`).join('');

/** The model's hidden states (5 × 256 per position) for one window [<s> ids </s>]. */
async function hidden(ids: Int32Array): Promise<Float32Array[]> {
  const n = ids.length + 2;
  const input = BigInt64Array.from([0, ...ids, 2].map(BigInt));
  const out = await session.run(
    { input_ids: new ort.Tensor('int64', input, [1, n]), attention_mask: new ort.Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]) },
    ['hidden_states'],
  );
  const data = out.hidden_states!.data as Float32Array;
  // Row of position p (1..n-2): layer-major concatenation.
  return Array.from({ length: ids.length }, (_, i) => {
    const row = new Float32Array(5 * 256);
    for (let l = 0; l < 5; l++) row.set(data.subarray((l * n + i + 1) * 256, (l * n + i + 2) * 256), l * 256);
    return row;
  });
}

/** Expected token-task rows: per kept word, its clean subwords aggregated. */
function expectedRows(src: string, subRows: Float32Array[], mode: Aggregation): Float32Array[] {
  const p = prepareText('x', src, tokenizer);
  if (!p.ok) throw new Error(p.reason);
  const { align, wordOfSub } = p.source;
  const rows: Float32Array[] = [];
  for (let w = 0; w < align.words.length; w++) {
    if (align.wordFirst[w] === -1) continue;
    const subs = [...wordOfSub.keys()].filter((s) => wordOfSub[s] === w);
    const pick = mode === 'first' ? [subs[0]!] : mode === 'last' ? [subs.at(-1)!] : subs;
    const row = new Float32Array(1280);
    for (let i = 0; i < 1280; i++) row[i] = pick.reduce((acc, s) => acc + subRows[s]![i]!, 0) / pick.length;
    rows.push(row);
  }
  return rows;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** A float16 .npy as its header fields and raw uint16 values (readNpy reads only the types neurosieve writes itself). */
function readHalfNpy(path: string): { descr: string; shape: number[]; data: Uint16Array } {
  const buf = readFileSync(path);
  const hlen = buf.readUInt16LE(8);
  const header = buf.toString('latin1', 10, 10 + hlen);
  const descr = /'descr': '([^']+)'/.exec(header)![1]!;
  const shape = /'shape': \(([^)]*)\)/.exec(header)![1]!.split(',').map((x) => x.trim()).filter(Boolean).map(Number);
  const bytes = buf.subarray(10 + hlen);
  const data = new Uint16Array(bytes.length / 2);
  for (let i = 0; i < data.length; i++) data[i] = bytes.readUInt16LE(2 * i);
  return { descr, shape, data };
}

function writeSources(files: Record<string, string | Buffer>): string {
  const dir = tempDir('extract-src');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const quick = { splits: { train: 2, dev: 1, test: 1 }, minClassCount: 1, threads: 2 };

beforeAll(async () => {
  session = await ort.InferenceSession.create(join(MODEL, 'model.fp16.onnx'), { intraOpNumThreads: 2 });
});

describe('SpanAggregator', () => {
  it('first, last and average over a hand-made span', () => {
    const rows = [Float32Array.of(1, 10), Float32Array.of(2, 20), Float32Array.of(6, 60)];
    const run = (mode: 'first' | 'last' | 'average') => {
      const agg = new SpanAggregator(mode, 2);
      const out = rows.map((r, i) => agg.add(r, i === 0, i === 2));
      expect(out.slice(0, 2)).toEqual([undefined, undefined]);
      return [...out[2]!];
    };
    expect(run('first')).toEqual([1, 10]);
    expect(run('last')).toEqual([6, 60]);
    expect(run('average')).toEqual([3, 30]);
    // A one-subword span is itself in every mode.
    const agg = new SpanAggregator('average', 2);
    expect([...agg.add(Float32Array.of(4, 5), true, true)!]).toEqual([4, 5]);
  });
});

describe('planWindows', () => {
  it('tiles every token exactly once, owned away from window edges', () => {
    for (const [n, size, stride] of [[1, 126, 63], [126, 126, 63], [127, 126, 63], [400, 126, 63], [1000, 10, 3], [50, 10, 10]] as const) {
      const p = planWindows(n, size, stride);
      let next = 0;
      for (let k = 0; k < p.start.length; k++) {
        expect(p.ownStart[k]).toBe(next);
        expect(p.end[k]! - p.start[k]!).toBeLessThanOrEqual(size);
        expect(p.ownStart[k]!).toBeGreaterThanOrEqual(p.start[k]!);
        expect(p.ownEnd[k]!).toBeLessThanOrEqual(p.end[k]!);
        next = p.ownEnd[k]!;
      }
      expect(next).toBe(n);
    }
    const p = planWindows(400, 126, 63);
    // Interior boundaries leave ≥ size/4 tokens of context on both sides.
    for (let k = 1; k < p.start.length; k++) {
      expect(p.ownStart[k]! - p.start[k]!).toBeGreaterThanOrEqual(31);
      expect(p.end[k - 1]! - p.ownEnd[k - 1]!).toBeGreaterThanOrEqual(31);
    }
  });
});

describe('balancedSplits', () => {
  it('takes the same number per class, seeded, disjoint, and scales down to the rarest class', () => {
    const labels = Int32Array.from({ length: 1000 }, (_, i) => (i % 10 === 0 ? 2 : i % 2));
    const a = balancedSplits(labels, 4, { train: 50, dev: 10, test: 5 }, 7, 1);
    const b = balancedSplits(labels, 4, { train: 50, dev: 10, test: 5 }, 7, 1);
    expect([...a.train]).toEqual([...b.train]);
    expect(a.train.length).toBe(150);
    const all = new Set([...a.train, ...a.dev, ...a.test]);
    expect(all.size).toBe(150 + 30 + 15);
    const small = balancedSplits(labels, 4, { train: 500, dev: 54, test: 36 }, 7, 1);
    expect(small.perClass.train + small.perClass.dev + small.perClass.test).toBe(100); // class 2 has 100
    expect(balancedSplits(labels, 4, { train: 5, dev: 1, test: 1 }, 7, 101).excluded).toEqual([2]);
  });
});

describe('extractActivations', () => {
  it('equals the ONNX session run directly, for every aggregation mode', async () => {
    const dir = writeSources({ 'small.py': SMALL });
    const ids = tokenizer.encode(SMALL).ids;
    const sub = await hidden(ids);
    for (const aggregation of ['average', 'first', 'last'] as const) {
      const out = join(tempDir('extract-out'), 'run');
      const s = await extractActivations({ model: MODEL, sources: [dir], output: out, aggregation, ...quick });
      const exp = expectedRows(SMALL, sub, aggregation);
      expect(s.tokenTask.rows).toBe(exp.length);
      const got = readNpy(join(out, 'tokens/activations-00000.npy'));
      expect(got.shape).toEqual([exp.length, 1280]);
      const flat = new Float32Array(exp.length * 1280);
      exp.forEach((r, i) => flat.set(r, i * 1280));
      expect(maxDiff(got.data as Float32Array, flat)).toBeLessThan(1e-4);
    }
  });

  it('unit subword: one row per clean subword of a kept word, labelled with its word, equal to the session', async () => {
    const dir = writeSources({ 'small.py': SMALL });
    const sub = await hidden(tokenizer.encode(SMALL).ids);
    const p = prepareText('x', SMALL, tokenizer);
    if (!p.ok) throw new Error(p.reason);
    const { align, wordOfSub } = p.source;
    const subs = [...wordOfSub.keys()].filter((s) => wordOfSub[s]! >= 0);
    const out = join(tempDir('extract-out'), 'run');
    const s = await extractActivations({ model: MODEL, sources: [dir], output: out, unit: 'subword', ...quick });
    expect(s.tokenTask.rows).toBe(subs.length);
    expect(subs.length).toBeGreaterThan(new Set(subs.map((x) => wordOfSub[x])).size); // some word has several subwords
    const got = readNpy(join(out, 'tokens/activations-00000.npy'));
    const flat = new Float32Array(subs.length * 1280);
    subs.forEach((x, i) => flat.set(sub[x]!, i * 1280));
    expect(maxDiff(got.data as Float32Array, flat)).toBeLessThan(1e-4);
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(m.unit).toBe('subword');
    expect(m.aggregation).toBeNull();
    const labels = readNpy(join(out, 'tokens/labels.npy')).data as Int32Array;
    expect([...labels].map((c) => m.tokens.labels[c])).toEqual(subs.map((x) => align.words[wordOfSub[x]!]!.type));
    const words = readFileSync(join(out, 'tokens/tokens.in'), 'utf8').trim().split('\n').map((l) => l.split(' '));
    expect(words.flat().length).toBe(subs.length);
    expect(readFileSync(join(out, 'tokens/tokens.label'), 'utf8').trim().split(/\s+/)).toEqual([...labels].map((c) => m.tokens.labels[c]));
  });

  it('rejects an unknown option key by name, before reading anything', async () => {
    const options = { model: MODEL, sources: ['missing.py'], output: join(tempDir('extract-out'), 'run'), maxToken: 5 };
    await expect(extractActivations(options as never)).rejects.toMatchObject({
      code: 'E_ARGUMENT',
      message:
        'Expected one of the options model, sources, output, aggregation, unit, layers, dtype, maxLength, stride, batchSize, threads, ' +
        'maxTokens, shardRows, splits, sentenceSplits, minClassCount, seed, tokenClasses, sentenceRepresentation, overwrite, ' +
        "onProgress, onWarning, signal for extractActivations but received 'maxToken'",
    });
  });

  it('across window boundaries equals the reference windows, whatever the batch size', async () => {
    const dir = writeSources({ 'long.py': LONG });
    const ids = tokenizer.encode(LONG).ids;
    expect(ids.length).toBeGreaterThan(300);
    const plan = planWindows(ids.length, 126, 63);
    const sub: Float32Array[] = [];
    for (let k = 0; k < plan.start.length; k++) {
      const rows = await hidden(ids.slice(plan.start[k], plan.end[k]));
      for (let s = plan.ownStart[k]!; s < plan.ownEnd[k]!; s++) sub[s] = rows[s - plan.start[k]!]!;
    }
    const exp = expectedRows(LONG, sub, 'average');
    const flat = new Float32Array(exp.length * 1280);
    exp.forEach((r, i) => flat.set(r, i * 1280));
    const outs: Float32Array[] = [];
    for (const batchSize of [1, 3]) {
      const out = join(tempDir('extract-out'), 'run');
      const s = await extractActivations({ model: MODEL, sources: [join(dir, 'long.py')], output: out, batchSize, shardRows: 100, ...quick });
      expect(s.windows).toBe(plan.start.length);
      const shards = s.manifest.tokens as { shards: { file: string; rows: number }[] };
      expect(shards.shards.map((x) => x.rows).reduce((a, b) => a + b)).toBe(exp.length);
      const data = new Float32Array(exp.length * 1280);
      let o = 0;
      for (const sh of shards.shards) {
        const d = readNpy(join(out, sh.file)).data as Float32Array;
        data.set(d, o);
        o += d.length;
      }
      expect(maxDiff(data, flat)).toBeLessThan(1e-4);
      outs.push(data);
    }
  });

  it('writes consistent labels, splits, NeuroX files and float16 / FFN columns', async () => {
    const dir = writeSources({ 'a.py': SMALL, 'b.py': LONG });
    const out = join(tempDir('extract-out'), 'run');
    const s = await extractActivations({ model: MODEL, sources: [join(dir, '*.py')], output: out, layers: 'both', dtype: 'float16', ...quick });
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(m.columns).toBe(5 * 256 + 4 * 1024);
    expect(m.blocks.map((b: { name: string }) => b.name)).toEqual(['hidden_0', 'hidden_1', 'hidden_2', 'hidden_3', 'hidden_4', 'ffn_1', 'ffn_2', 'ffn_3', 'ffn_4']);
    expect(m.neuronsPerLayer).toBeNull();
    const x = readHalfNpy(join(out, 'tokens/activations-00000.npy'));
    expect(x.descr).toBe('<f2');
    expect(x.shape).toEqual([s.tokenTask.rows, m.columns]);
    const labels = readNpy(join(out, 'tokens/labels.npy')).data as Int32Array;
    expect(labels.length).toBe(s.tokenTask.rows);
    // .in / .label: one word and one label per row, in row order.
    const words = readFileSync(join(out, 'tokens/tokens.in'), 'utf8').trim().split('\n').map((l) => l.split(' '));
    const labs = readFileSync(join(out, 'tokens/tokens.label'), 'utf8').trim().split('\n').map((l) => l.split(' '));
    expect(words.map((l) => l.length)).toEqual(labs.map((l) => l.length));
    expect(labs.flat()).toEqual([...labels].map((c) => m.tokens.labels[c]));
    // `):` is one subword covering two OPs: both are dropped, the rest of the line stays.
    expect(words[0]).toEqual(['def', 'add', '(', 'a', ',', 'b']);
    expect(words[2]).toEqual(['return', 'a', '+', 'b', '#\u2423done']);
    // Splits: balanced, and their rows are copies of the indexed rows.
    const idx = readNpy(join(out, 'tokens/train-index.npy')).data as Int32Array;
    const ylab = readNpy(join(out, 'tokens/train-labels.npy')).data as Int32Array;
    expect([...ylab]).toEqual([...idx].map((r) => labels[r]));
    const per = new Map<number, number>();
    for (const c of ylab) per.set(c, (per.get(c) ?? 0) + 1);
    expect(new Set(per.values())).toEqual(new Set([s.tokenTask.splits.train.perClass]));
    expect(per.size).toBe(6);
    const train = readHalfNpy(join(out, 'tokens/train.npy'));
    const w = m.columns;
    const all = x.data;
    const tr = train.data;
    for (let i = 0; i < idx.length; i++) expect([...tr.subarray(i * w, (i + 1) * w)]).toEqual([...all.subarray(idx[i]! * w, (idx[i]! + 1) * w)]);
    // Sentences: one row per statement.
    expect(readFileSync(join(out, 'sentences/sentences.label'), 'utf8').split('\n')[0]).toBe('def');
    expect(readHalfNpy(join(out, 'sentences/activations-00000.npy')).shape).toEqual([s.sentenceTask.rows, w]);
    expect(halfBits(1)).toBe(0x3c00);
    expect(halfBits(65520)).toBe(0x7c00);
    expect(halfBits(5.960464477539063e-8)).toBe(1);
  });

  it('rejects unknown option keys by name before any work', async () => {
    const out = join(tempDir('extract-keys'), 'out');
    await expect(extractActivations({ model: MODEL, sources: [], output: out, batch: 4 } as never)).rejects.toMatchObject({
      code: 'E_ARGUMENT',
      message:
        'Expected one of the options model, sources, output, aggregation, unit, layers, dtype, maxLength, stride, batchSize, threads, maxTokens, shardRows, ' +
        "splits, sentenceSplits, minClassCount, seed, tokenClasses, sentenceRepresentation, overwrite, onProgress, onWarning, signal for extractActivations but received 'batch'",
    });
    expect(existsSync(out)).toBe(false);
  });
});

describe('neurosieve extract (CLI)', () => {
  it('skips non-UTF-8 and unparsable sources with a warning and counts them', () => {
    const dir = writeSources({ 'good.py': SMALL, 'latin1.py': Buffer.from('x = "\xe9"\n', 'latin1'), 'broken.py': 'def f(:\n  x = (1,\n' });
    const out = join(tempDir('extract-cli'), 'run');
    const r = runCli(['extract', '--model', MODEL, '--source', join(dir, '*.py'), '-o', out, '--json', '--split', '2', '1', '1', '--min-class-count', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`warning: skipping ${join(dir, 'latin1.py')}: not valid UTF-8`);
    expect(r.stderr).toContain(`warning: skipping ${join(dir, 'broken.py')}: not valid Python: EOF in multi-line statement (line 3)`);
    const j = JSON.parse(r.stdout);
    expect(j.sources).toBe(1);
    expect(j.skipped).toHaveLength(2);
    expect(existsSync(join(out, 'manifest.json'))).toBe(true);
  });

  it('skips an empty source among others (reported), and fails with E_EMPTY when every source is empty', () => {
    const dir = writeSources({ 'good.py': SMALL, 'empty.py': '', 'blank.py': '\n\n   \n' });
    const parent = tempDir('extract-cli');
    const out = join(parent, 'run');
    const r = runCli(['extract', '--model', MODEL, '--source', join(dir, '*.py'), '-o', out, '--json', '--split', '2', '1', '1', '--min-class-count', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`warning: skipping ${join(dir, 'empty.py')}: empty: no tokens to extract`);
    expect(r.stderr).toContain(`warning: skipping ${join(dir, 'blank.py')}: empty: no tokens to extract`);
    const j = JSON.parse(r.stdout);
    expect(j.sources).toBe(1);
    expect(j.skipped).toEqual([
      { path: join(dir, 'blank.py'), reason: 'empty: no tokens to extract' },
      { path: join(dir, 'empty.py'), reason: 'empty: no tokens to extract' },
    ]);
    const out2 = join(parent, 'run2');
    const e = runCli(['extract', '--model', MODEL, '--source', join(dir, 'empty.py'), join(dir, 'blank.py'), '-o', out2]);
    expect(e.code).toBe(1);
    expect(e.stderr).toContain('error E_EMPTY: Expected at least one readable, non-empty Python source but all 2 were skipped (see the warnings)');
    expect(filesIn(parent)).toEqual(['run']);
  });

  it('fails cleanly on a missing model file, an empty source list, or only bad sources', () => {
    const parent = tempDir('extract-cli');
    const out = join(parent, 'run');
    const noModel = join(parent, 'model');
    mkdirSync(noModel);
    writeFileSync(join(noModel, 'tokenizer.json'), '{}');
    const src = writeSources({ 'a.py': SMALL, 'bad.py': Buffer.from([0xff, 0xfe, 0x00]) });

    let r = runCli(['extract', '--model', noModel, '--source', src, '-o', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error E_MODEL: Expected model.onnx (or a single .onnx file) in ${noModel} but received no .onnx file`);

    r = runCli(['extract', '--model', MODEL, '-o', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error E_EMPTY: Expected at least one source file or glob for --source but received none');

    r = runCli(['extract', '--model', MODEL, '--source', join(src, 'bad.py'), '-o', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error E_EMPTY: Expected at least one readable, non-empty Python source but all 1 were skipped (see the warnings)');

    r = runCli(['extract', '--model', MODEL, '--source', join(src, 'missing.py'), '-o', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error E_IO: Expected a source file, directory or glob but '${join(src, 'missing.py')}' does not exist`);

    r = runCli(['extract', '--model', MODEL, '--source', src, '-o', out, '--aggregation', 'max']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error E_ARGUMENT: Expected one of first, last, average for --aggregation of 'neurosieve extract' but received 'max'");
    // Nothing half-written: no output, no temporary directory.
    expect(filesIn(parent)).toEqual(['model']);
  });

  it('refuses a non-empty output directory without --overwrite', () => {
    const out = tempDir('extract-cli');
    writeFileSync(join(out, 'keep.txt'), 'x');
    const src = writeSources({ 'a.py': SMALL });
    const r = runCli(['extract', '--model', MODEL, '--source', src, '-o', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error E_IO: Expected an empty or new output directory but '${out}' holds files (use --overwrite to replace it)`);
    expect(filesIn(out)).toEqual(['keep.txt']);
  });
});
