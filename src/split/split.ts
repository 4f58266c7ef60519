/**
 * splitActivations: existing activations + labels → an output directory with train/dev(/test) files, laid out as
 * `extract` lays out a task (manifest.json whose `splits` name each part's activations, labels and row index), so
 * that `probe`, `analyze` and scripts read either the same way.
 *
 * - The rows are streamed (io/load.ts), never held whole: each row is written at its place in its part's file,
 *   so a part keeps the order of the split (the reference walks its train rows in shuffled order, and a compat
 *   probe's minibatches depend on it).
 * - Split items are rows, or sentences (`sentences`: one id per row, or a NeuroX `.in` file whose lines are the
 *   sentences and whose tokens are the rows): a sentence's rows then stay together, in their original order.
 * - `balance` undersamples each part separately to its smallest class (split-rows.ts `balance`), keeping the
 *   part's order, so dev and test are balanced too and scores compare with 1/C.
 * - The directory appears complete or not at all (written beside it, renamed into place).
 */
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { NeurosieveError } from '../core/errors.js';
import { expectBoolean, expectInteger, expectNumber, expectOneOf, expectOptions, fail } from '../core/validate.js';
import { defaultChunkRows } from '../io/chunk-rows.js';
import { ACTIVATION_FORMATS, asDataset, DEFAULT_FORMAT } from '../io/dataset.js';
import { DEFAULT_NAN, NAN_POLICIES, streamRows, type NanPolicy } from '../io/load.js';
import { npyHeader, writeNpy } from '../io/npy.js';
import { readNpyIntegers } from '../io/npy-int.js';
import { writeTextAtomic } from '../io/atomic.js';
import { checkOutputDir, createTempDir, discardTempDir, moveIntoPlace } from '../extract/output-dir.js';
import { readLabels, type Labels } from '../probe/labels.js';
import type { ActivationFormat, Dataset, Progress } from '../types.js';
import { balance, COMPAT_SEED, COMPAT_TRAIN_FRACTION, compatSplit, MAX_SEED, resolveFractions, seededSplit, type SplitFractions } from './split-rows.js';

export const SPLIT_MODES = ['compat', 'seeded'] as const;
export type SplitMode = (typeof SPLIT_MODES)[number];
export const DEFAULT_SPLIT_MODE: SplitMode = 'compat';
/** Our own splits' default shares. */
export const SEEDED_FRACTIONS = { train: 0.8, dev: 0.1, test: 0.1 } as const;
export const PART_NAMES = ['train', 'dev', 'test'] as const;
export type PartName = (typeof PART_NAMES)[number];

export interface SplitActivationsOptions {
  /** Class labels, one per row (a .json, .npy or NeuroX .label file, see readLabels), or labels already read. */
  labels: string | Labels;
  /** Output directory: new or empty (or replaced with `overwrite`). */
  out: string;
  /** 'compat' (default): the reference's seed-7361 shuffle, 90% train / 10% dev. 'seeded': our split into train/dev/test. */
  mode?: SplitMode;
  /** Shuffle seed: default 7361 in compat mode; required in seeded mode. Also seeds balancing. */
  seed?: number;
  /** compat: train share (default 0.9). */
  trainFraction?: number;
  /** seeded: shares summing to 1 (default 0.8 / 0.1 / 0.1). */
  fractions?: SplitFractions;
  /** Undersample each part to its smallest class (default false). */
  balance?: boolean;
  /** Split sentences rather than rows: a sentence id per row, or a NeuroX .in file (a line per sentence, a token per row). */
  sentences?: string | ArrayLike<number>;
  overwrite?: boolean;
  format?: ActivationFormat;
  nan?: NanPolicy;
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
}

export interface SplitPart {
  activations: string;
  labels: string;
  index: string;
  rows: number;
  counts: number[];
}

export interface SplitActivationsResult {
  out: string;
  manifest: Record<string, unknown>;
  parts: Partial<Record<PartName, SplitPart>>;
  rows: number;
  cols: number;
  seconds: number;
}

const KEYS = ['labels', 'out', 'mode', 'seed', 'trainFraction', 'fractions', 'balance', 'sentences', 'overwrite', 'format', 'nan', 'onProgress', 'signal'] as const;

/** Sentence groups: items[k] lists, in row order, the rows of the k-th sentence (ordered by first row). */
interface Groups {
  starts: Uint32Array;
  rows: Uint32Array;
}

function groupsFromIds(ids: ArrayLike<number>, rows: number, name: string): Groups {
  if (ids.length !== rows) fail(`one sentence id per row (${rows})`, name, ids.length, `${ids.length} ids`);
  const index = new Map<number, number>();
  const item = new Uint32Array(rows);
  for (let r = 0; r < rows; r++) {
    const id = ids[r]!;
    if (!Number.isInteger(id)) fail('integer sentence ids', name, id, `${String(id)} at row ${r}`);
    let k = index.get(id);
    if (k === undefined) index.set(id, (k = index.size));
    item[r] = k;
  }
  const count = new Uint32Array(index.size + 1);
  for (let r = 0; r < rows; r++) count[item[r]! + 1]!++;
  for (let k = 0; k < index.size; k++) count[k + 1]! += count[k]!;
  const starts = count.slice();
  const out = new Uint32Array(rows);
  const fill = count.slice(0, index.size);
  for (let r = 0; r < rows; r++) out[fill[item[r]!]!++] = r;
  return { starts, rows: out };
}

function groupsFromIn(path: string, rows: number): Groups {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new NeurosieveError('E_IO', `${path}: cannot read sentences (${(err as Error).message})`, { cause: err });
  }
  const sizes: number[] = [];
  for (const line of text.split(/\r?\n/)) {
    const n = line.trim() === '' ? 0 : line.trim().split(/\s+/).length;
    if (n > 0) sizes.push(n);
  }
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total !== rows) {
    throw new NeurosieveError('E_SHAPE', `${path}: holds ${total} tokens in ${sizes.length} sentences but the activations have ${rows} rows; tokens must be aligned one per row`);
  }
  const starts = new Uint32Array(sizes.length + 1);
  sizes.forEach((n, k) => (starts[k + 1] = starts[k]! + n));
  const all = new Uint32Array(rows);
  for (let r = 0; r < rows; r++) all[r] = r;
  return { starts, rows: all };
}

/** Expands item ids (sentences) to their rows, in item order. */
function expand(items: Uint32Array, g: Groups | undefined): Uint32Array {
  if (!g) return items;
  let n = 0;
  for (const k of items) n += g.starts[k + 1]! - g.starts[k]!;
  const out = new Uint32Array(n);
  let o = 0;
  for (const k of items) for (let i = g.starts[k]!; i < g.starts[k + 1]!; i++) out[o++] = g.rows[i]!;
  return out;
}

function isInside(path: string, dir: string): boolean {
  const rel = relative(resolve(dir), resolve(path));
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && rel !== '..');
}

/** The column blocks of an `extract` manifest beside the inputs, when its width matches: layers stay named. */
function blocksNear(dataset: Dataset): unknown[] | null {
  const first = dataset.files[0]!.path;
  for (const dir of [dirname(first), dirname(dirname(first))]) {
    const p = join(dir, 'manifest.json');
    if (!existsSync(p)) continue;
    try {
      const m = JSON.parse(readFileSync(p, 'utf8')) as { format?: string; columns?: number; blocks?: unknown[] };
      if (m.format === 'neurosieve-activations' && m.columns === dataset.cols && Array.isArray(m.blocks)) return m.blocks;
    } catch {
      /* not ours, or unreadable: no blocks */
    }
  }
  return null;
}

/** Splits activations and labels into train/dev(/test) files in `options.out` (see the file comment). */
export async function splitActivations(inputs: Dataset | string | readonly string[], options: SplitActivationsOptions): Promise<SplitActivationsResult> {
  expectOptions(options, KEYS, 'splitActivations');
  const start = performance.now();
  const format = expectOneOf(options.format ?? DEFAULT_FORMAT, 'format', ACTIVATION_FORMATS);
  const nan = expectOneOf(options.nan ?? DEFAULT_NAN, 'nan', NAN_POLICIES);
  const mode = expectOneOf(options.mode ?? DEFAULT_SPLIT_MODE, 'mode', SPLIT_MODES);
  const doBalance = expectBoolean(options.balance ?? false, 'balance');
  const overwrite = expectBoolean(options.overwrite ?? false, 'overwrite');
  if (typeof options.out !== 'string' || options.out.length === 0) fail('a directory path', 'out', options.out);
  const out = options.out;
  let seed: number;
  let fractions: Required<SplitFractions>;
  if (mode === 'compat') {
    if (options.fractions !== undefined) fail("no fractions in mode 'compat' (use trainFraction)", 'fractions', options.fractions);
    seed = expectInteger(options.seed ?? COMPAT_SEED, 'seed', 0, MAX_SEED);
    const train = expectNumber(options.trainFraction ?? COMPAT_TRAIN_FRACTION, 'trainFraction', 0, 1);
    fractions = { train, dev: 1 - train, test: 0 };
  } else {
    if (options.trainFraction !== undefined) fail("no trainFraction in mode 'seeded' (use fractions)", 'trainFraction', options.trainFraction);
    if (options.seed === undefined) fail("a seed in mode 'seeded'", 'seed', undefined);
    seed = expectInteger(options.seed, 'seed', 0, MAX_SEED);
    fractions = resolveFractions(options.fractions ?? SEEDED_FRACTIONS);
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) fail('an AbortSignal', 'signal', options.signal);

  const dataset = asDataset(inputs, { format });
  const known = dataset.rows >= 0 ? dataset.rows : undefined;
  const labels: Labels =
    typeof options.labels === 'string'
      ? readLabels(options.labels, { rows: known, allowSingleClass: !doBalance })
      : checkLabels(options.labels, known);
  const rows = labels.ids.length;
  const labelsPath = typeof options.labels === 'string' ? options.labels : undefined;
  const sentencesPath = typeof options.sentences === 'string' ? options.sentences : undefined;
  const groups =
    options.sentences === undefined
      ? undefined
      : typeof options.sentences === 'string'
        ? options.sentences.toLowerCase().endsWith('.npy')
          ? groupsFromIds(readNpyIntegers(options.sentences), rows, 'sentences')
          : groupsFromIn(options.sentences, rows)
        : groupsFromIds(options.sentences, rows, 'sentences');

  // An output never overwrites an input.
  for (const p of [...dataset.files.map((f) => f.path), labelsPath, sentencesPath]) {
    if (p !== undefined && isInside(p, out)) fail('an output directory that holds no input', 'out', out, `'${out}', which holds ${p}`);
  }
  checkOutputDir(out, overwrite);

  // Which rows go where, in the order each part lists them.
  const items = groups ? groups.starts.length - 1 : rows;
  const raw: Partial<Record<PartName, Uint32Array>> =
    mode === 'compat' ? compatSplit(items, { seed, trainFraction: fractions.train }) : seededSplit(items, { seed, fractions });
  const partRows: Partial<Record<PartName, Uint32Array>> = {};
  for (const name of PART_NAMES) {
    const it = raw[name];
    // Compat splits have no test part (the official dev set serves as test); a seeded one only when asked for.
    if (it === undefined || (name === 'test' && fractions.test === 0)) continue;
    let r = expand(it, groups);
    if (doBalance && r.length > 0) {
      const kept = balance(Int32Array.from(r, (i) => labels.ids[i]!), labels.classes.length, { seed });
      r = Uint32Array.from(kept, (k) => r[k]!);
    }
    partRows[name] = r;
  }

  const tmp = createTempDir(out);
  try {
    const parts = await writeParts(tmp, dataset, nan, rows, labels, partRows, options);
    const manifest = {
      format: 'neurosieve-activations',
      version: 1,
      kind: 'split',
      created: new Date().toISOString(),
      source: {
        activations: dataset.files.map((f) => relative(process.cwd(), resolve(f.path))),
        labels: labelsPath === undefined ? null : relative(process.cwd(), resolve(labelsPath)),
        sentences: sentencesPath === undefined ? (groups ? '(ids array)' : null) : relative(process.cwd(), resolve(sentencesPath)),
      },
      columns: dataset.cols,
      blocks: blocksNear(dataset),
      layers: dataset.layers,
      neuronsPerLayer: dataset.cols % dataset.layers === 0 ? dataset.cols / dataset.layers : null,
      dtype: 'float32',
      // What was shuffled: rows, or sentences whose rows moved together.
      unit: groups ? 'sentence' : 'row',
      items,
      mode,
      seed,
      fractions,
      balanced: doBalance,
      rows,
      labels: labels.classes,
      counts: labels.counts,
      splits: parts,
    };
    writeTextAtomic(join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    moveIntoPlace(tmp, out);
    return { out, manifest, parts, rows, cols: dataset.cols, seconds: (performance.now() - start) / 1000 };
  } catch (err) {
    discardTempDir(tmp);
    throw err;
  }
}

function checkLabels(l: Labels, rows: number | undefined): Labels {
  if (typeof l !== 'object' || l === null || !(l.ids instanceof Int32Array) || !Array.isArray(l.classes)) {
    fail('a labels path or { ids: Int32Array, classes, counts }', 'labels', l);
  }
  if (rows !== undefined && l.ids.length !== rows) fail(`${rows} labels (one per row)`, 'labels', l.ids.length, `${l.ids.length} labels`);
  return l;
}

/** Streams the rows once, writing each at its place in its part's .npy; then the labels and indices of each part. */
async function writeParts(
  dir: string,
  dataset: Dataset,
  nan: NanPolicy,
  rows: number,
  labels: Labels,
  partRows: Partial<Record<PartName, Uint32Array>>,
  options: SplitActivationsOptions,
): Promise<Partial<Record<PartName, SplitPart>>> {
  const cols = dataset.cols;
  const names = PART_NAMES.filter((n) => partRows[n] !== undefined);
  // Destination of every input row: its part (−1: in none, e.g. balanced away) and its position there.
  const partOf = new Int8Array(rows).fill(-1);
  const posOf = new Uint32Array(rows);
  names.forEach((name, p) => partRows[name]!.forEach((r, i) => ((partOf[r] = p), (posOf[r] = i))));

  const rowBytes = cols * 4;
  const headers = names.map((n) => npyHeader('<f4', [partRows[n]!.length, cols]));
  const fds = names.map((n) => openSync(join(dir, `${n}.npy`), 'wx'));
  try {
    fds.forEach((fd, p) => writeSync(fd, headers[p]!, 0, headers[p]!.length, 0));
    const stream = streamRows(dataset, undefined, nan);
    try {
      const chunkRows = defaultChunkRows(cols);
      const buf = new Float32Array(chunkRows * cols);
      const bytes = new Uint8Array(buf.buffer);
      let done = 0;
      while (true) {
        if (options.signal?.aborted) throw new NeurosieveError('E_CANCELLED', 'cancelled while splitting activations');
        const n = await stream.read(buf, chunkRows);
        if (n === 0) break;
        if (done + n > rows) {
          throw new NeurosieveError('E_SHAPE', `the activations have more rows than the ${rows} labels; labels must be aligned one per row`);
        }
        // Runs of rows bound for consecutive places of one part go in one write.
        let i = 0;
        while (i < n) {
          const p = partOf[done + i]!;
          let j = i + 1;
          while (j < n && partOf[done + j] === p && posOf[done + j] === posOf[done + i]! + (j - i)) j++;
          if (p >= 0) writeSync(fds[p]!, bytes, i * rowBytes, (j - i) * rowBytes, headers[p]!.length + posOf[done + i]! * rowBytes);
          i = j;
        }
        done += n;
        options.onProgress?.({ rows: done, totalRows: rows, file: stream.file });
      }
      if (done !== rows) {
        throw new NeurosieveError('E_SHAPE', `the activations have ${done} rows but there are ${rows} labels; labels must be aligned one per row`);
      }
    } finally {
      stream.close();
    }
  } finally {
    for (const fd of fds) closeSync(fd);
  }

  const parts: Partial<Record<PartName, SplitPart>> = {};
  for (const name of names) {
    const r = partRows[name]!;
    const ids = Int32Array.from(r, (i) => labels.ids[i]!);
    const counts = new Array<number>(labels.classes.length).fill(0);
    for (const c of ids) counts[c]!++;
    writeNpy(join(dir, `${name}-labels.npy`), ids, [ids.length]);
    writeNpy(join(dir, `${name}-index.npy`), Int32Array.from(r), [r.length]);
    parts[name] = { activations: `${name}.npy`, labels: `${name}-labels.npy`, index: `${name}-index.npy`, rows: r.length, counts };
  }
  return parts;
}
