/**
 * The activations `analyze` works on, loaded once and held in memory: train, dev and (optionally) test rows as
 * row-major float32 matrices, class ids, the layer layout and, when known, the word of every train row.
 *
 * Memory: one copy of X. Without a dev set, the train rows are split as the reference scripts split them
 * (shuffle with seed 7361, first 90% train, last 10% dev: src/split/split-rows.ts) by permuting the loaded
 * matrix's rows in place, so train and dev are two ranges of one buffer. Balancing (NeuroX's random
 * undersampling, seeded) moves the kept rows to the front in the same way. z-scoring (method.md §1: the train
 * mean and std, applied to every split) also runs in place. Every probe then reads column views of these
 * buffers (native/src/probe/feature_view.h).
 */
import { NeurosieveError } from '../core/errors.js';
import { runJob } from '../core/native-job.js';
import { native } from '../core/native.js';
import { asDataset } from '../io/dataset.js';
import { loadActivations, type LoadedActivations } from '../io/load.js';
import { labelsFor } from '../probe/train.js';
import type { ActivationsInput } from '../probe/train.js';
import type { Labels } from '../probe/labels.js';
import { balance, compatSplit, COMPAT_SEED } from '../split/split-rows.js';
import type { Dataset } from '../types.js';
import { checkRowIds, corpusRows, type Corpus } from './corpus.js';

/** A block of columns: one layer (method.md §1: columns [l·H, (l+1)·H) are layer l). */
export interface Layer {
  name: string;
  offset: number;
  width: number;
}

export interface HeldPart {
  /** Row-major rows × D, z-scored when asked. */
  x: Float32Array;
  rows: number;
  /** Class id of each row, into HeldData.classes. */
  y: Int32Array;
}

export interface HeldData {
  D: number;
  classes: string[];
  layers: Layer[];
  train: HeldPart;
  dev: HeldPart;
  test?: HeldPart;
  /** The word (or sentence) of each train row, when the inputs carry them: top words of concept neurons. */
  words?: string[];
  /** The words of the dev and test rows, where known (the control task labels every row by its word type). */
  devWords?: string[];
  testWords?: string[];
  /** How dev was obtained (given, or the reference's split of the train rows), and the balancing, if any. */
  split: ({ kind: 'given' } | { kind: 'compat'; seed: number; trainFraction: number }) & { balanced?: { seed: number; train: number; dev: number } };
  /** The train statistics every split was z-scored with; absent when zscore is off. */
  zscore?: { mean: Float64Array; std: Float64Array };
  /** The task's text, and the task row of each held row (followed through split and balancing) where known. */
  corpus?: Corpus & { rowIds: { train: Int32Array; dev?: Int32Array; test?: Int32Array } };
}

/** The rows × columns.length copy of a held part's `columns` (native gather; the exact solver and small subsets). */
export async function copyColumns(part: HeldPart, D: number, columns: Uint32Array, threads: number): Promise<Float32Array> {
  return runJob(async () => {
    const { promise, out } = native().gatherColumns({ x: part.x, stride: D, columns }, part.rows, columns.length, threads);
    await promise;
    return out;
  });
}

/** What `analyze` is given: activations and labels per split (dev and test optional), the layout, the words. */
export interface AnalyzeData {
  /**
   * words: one per train row, or a function of the row count that returns them (or undefined when it cannot
   * tell which unit the rows are, e.g. a text file whose tokens and lines both might be rows).
   */
  train: { activations: ActivationsInput; labels: Labels | string; words?: readonly string[] | ((rows: number) => readonly string[] | undefined) };
  dev?: { activations: ActivationsInput; labels: Labels | string };
  test?: { activations: ActivationsInput; labels: Labels | string };
  /** Layers: explicit blocks, or neurons per layer (default: what the activation files say, else one layer). */
  layers?: Layer[] | number;
  /** Dev and test labels the train set does not have map to this class (default: an error). */
  unknown?: string;
  /** The task's text (the report shows top-activating rows in their sentences). */
  corpus?: Corpus;
}

/** Activations in memory, with the layer count their files declare (1 when in memory already). */
async function load(input: ActivationsInput, what: string, signal?: AbortSignal): Promise<LoadedActivations & { fileLayers: number }> {
  if (typeof input === 'object' && input !== null && (input as LoadedActivations).x instanceof Float32Array) return { ...(input as LoadedActivations), fileLayers: 1 };
  try {
    const dataset = asDataset(input as Dataset | string | readonly string[]);
    return { ...(await loadActivations(dataset, signal ? { signal } : {})), fileLayers: dataset.layers };
  } catch (err) {
    if (err instanceof NeurosieveError && err.code !== 'E_CANCELLED') throw new NeurosieveError(err.code, `${what} activations: ${err.message}`, { cause: err });
    throw err;
  }
}

/** The layer blocks: given, from neurons per layer, or from the files' own layer count. */
function layersOf(spec: AnalyzeData['layers'], D: number, fileLayers: number): Layer[] {
  if (Array.isArray(spec)) {
    let next = 0;
    for (const [i, b] of spec.entries()) {
      if (typeof b?.name !== 'string' || !Number.isInteger(b.offset) || !Number.isInteger(b.width) || b.width < 1 || b.offset !== next) {
        throw new NeurosieveError('E_ARGUMENT', `Expected consecutive layer blocks { name, offset, width } covering columns 0 … ${D - 1} in order for layers but received ${JSON.stringify(b)} at position ${i}`);
      }
      next += b.width;
    }
    if (next !== D) throw new NeurosieveError('E_SHAPE', `Expected layer blocks covering all ${D} columns for layers but received blocks covering ${next}`);
    return spec.map((b) => ({ name: b.name, offset: b.offset, width: b.width }));
  }
  const H = spec ?? (fileLayers > 1 ? D / fileLayers : D);
  if (!Number.isInteger(H) || H < 1 || D % H !== 0) {
    throw new NeurosieveError('E_SHAPE', `Expected neurons per layer dividing the ${D} columns for layers but received ${String(spec ?? H)}`);
  }
  return Array.from({ length: D / H }, (_, l) => ({ name: `layer ${l}`, offset: l * H, width: H }));
}

/**
 * The rows of `part` that random undersampling keeps (split/split-rows.ts `balance`, NeuroX's), moved to the
 * front of its buffer in place; the part shrinks to them. Returns the kept rows' old positions.
 */
async function balancePart(part: HeldPart, D: number, classes: number, seed: number): Promise<{ part: HeldPart; kept: Uint32Array }> {
  const kept = balance(part.y, classes, { seed });
  if (kept.length === part.rows) return { part, kept };
  const order = new Uint32Array(part.rows);
  const inKept = new Uint8Array(part.rows);
  order.set(kept);
  for (const i of kept) inKept[i] = 1;
  let o = kept.length;
  for (let i = 0; i < part.rows; i++) if (!inKept[i]) order[o++] = i;
  await runJob(() => native().permuteRows(part.x, part.rows, D, order));
  const y = Int32Array.from(kept, (i) => part.y[i]!);
  return { part: { x: part.x.subarray(0, kept.length * D), rows: kept.length, y }, kept };
}

/**
 * Loads, splits, balances (when `balanceSeed` is given: train and dev each undersampled to their smallest class)
 * and z-scores the inputs (see the file comment).
 */
export async function holdData(data: AnalyzeData, zscore: boolean, threads: number, signal?: AbortSignal, balanceSeed?: number): Promise<HeldData> {
  if (typeof data !== 'object' || data === null || typeof data.train !== 'object' || data.train === null) {
    throw new NeurosieveError('E_ARGUMENT', `Expected { train: { activations, labels }, dev?, test?, layers? } for analyze but received ${String(data)}`);
  }
  const train = await load(data.train.activations, 'train', signal);
  const D = train.cols;
  const trainLabels = labelsFor(data.train.labels, train.rows, 'train labels', undefined, undefined, train.files);
  const classes = trainLabels.classes;
  const given = typeof data.train.words === 'function' ? data.train.words(train.rows) : data.train.words;
  let words = given ? [...given] : undefined;
  if (words && words.length !== train.rows) {
    throw new NeurosieveError('E_SHAPE', `Expected one word per train row (${train.rows}) for words but received ${words.length}`);
  }
  const layers = layersOf(data.layers, D, train.fileLayers);
  // Task row of each train / dev row, permuted and filtered with the rows below.
  const taskRows = data.corpus ? corpusRows(data.corpus) : 0;
  let trainIds = data.corpus ? (data.corpus.rows?.train ?? Int32Array.from({ length: train.rows }, (_, i) => i)) : undefined;
  let devIds = data.corpus?.rows?.dev;
  if (trainIds && trainIds.length !== train.rows) throw new NeurosieveError('E_SHAPE', `Expected a task row for each of the ${train.rows} train rows but received ${trainIds.length}`);
  if (trainIds) checkRowIds(trainIds, taskRows, 'train rows');
  if (devIds) checkRowIds(devIds, taskRows, 'dev rows');

  let held: Pick<HeldData, 'train' | 'dev' | 'test' | 'split'>;
  let devWords: string[] | undefined;
  if (data.dev) {
    const dev = await load(data.dev.activations, 'dev', signal);
    if (dev.cols !== D) throw new NeurosieveError('E_SHAPE', `Expected dev activations with the train set's ${D} neurons but received ${dev.cols}`);
    const part = (a: LoadedActivations, l: Labels): HeldPart => ({ x: a.x, rows: a.rows, y: l.ids });
    held = { train: part(train, trainLabels), dev: part(dev, labelsFor(data.dev.labels, dev.rows, 'dev labels', classes, data.unknown, dev.files)), split: { kind: 'given' } };
  } else {
    // The reference's split, in place: new row i = old row perm[i]; train rows first, then dev.
    const { train: trainIdx, dev: devIdx } = compatSplit(train.rows);
    if (trainIdx.length < 1 || devIdx.length < 1) {
      throw new NeurosieveError('E_EMPTY', `Expected enough train rows to split off a dev set (10%) but received ${train.rows}`);
    }
    const perm = new Uint32Array(train.rows);
    perm.set(trainIdx, 0);
    perm.set(devIdx, trainIdx.length);
    await runJob(() => native().permuteRows(train.x, train.rows, D, perm));
    const y = Int32Array.from(perm, (i) => trainLabels.ids[i]!);
    if (words) [words, devWords] = [Array.from(perm.subarray(0, trainIdx.length), (i) => words![i]!), Array.from(perm.subarray(trainIdx.length), (i) => words![i]!)];
    const n = trainIdx.length;
    if (trainIds) {
      const ids = Int32Array.from(perm, (i) => trainIds![i]!);
      [trainIds, devIds] = [ids.subarray(0, n), ids.subarray(n)];
    }
    held = {
      train: { x: train.x.subarray(0, n * D), rows: n, y: y.subarray(0, n) },
      dev: { x: train.x.subarray(n * D), rows: train.rows - n, y: y.subarray(n) },
      split: { kind: 'compat', seed: COMPAT_SEED, trainFraction: 0.9 },
    };
  }
  if (balanceSeed !== undefined) {
    const t = await balancePart(held.train, D, classes.length, balanceSeed);
    const d = await balancePart(held.dev, D, classes.length, balanceSeed);
    if (words) words = Array.from(t.kept, (i) => words![i]!);
    if (devWords) devWords = Array.from(d.kept, (i) => devWords![i]!);
    if (trainIds) trainIds = Int32Array.from(t.kept, (i) => trainIds![i]!);
    if (devIds) devIds = Int32Array.from(d.kept, (i) => devIds![i]!);
    held.train = t.part;
    held.dev = d.part;
    held.split = { ...held.split, balanced: { seed: balanceSeed, train: t.part.rows, dev: d.part.rows } };
  }
  if (data.test) {
    const test = await load(data.test.activations, 'test', signal);
    if (test.cols !== D) throw new NeurosieveError('E_SHAPE', `Expected test activations with the train set's ${D} neurons but received ${test.cols}`);
    held.test = { x: test.x, rows: test.rows, y: labelsFor(data.test.labels, test.rows, 'test labels', classes, data.unknown, test.files).ids };
  }
  if (new Set(held.train.y).size < 2) throw new NeurosieveError('E_ARGUMENT', `Expected at least 2 classes in the train rows but received only ${classes[held.train.y[0]!]}`);

  let stats: HeldData['zscore'];
  if (zscore) {
    const m = await runJob(() => native().columnMoments(held.train.x, held.train.rows, D, threads));
    stats = { mean: m.mean, std: m.std };
    for (const part of [held.train, held.dev, held.test]) {
      if (!part) continue;
      await runJob(async () => {
        const { promise } = native().zscoreApply(part.x, part.rows, D, m.mean, m.std, threads, true);
        await promise;
      });
    }
  }
  let corpus: HeldData['corpus'];
  if (data.corpus && trainIds) {
    const testIds = held.test ? data.corpus.rows?.test : undefined;
    if (devIds && devIds.length !== held.dev.rows) throw new NeurosieveError('E_SHAPE', `Expected a task row for each of the ${held.dev.rows} dev rows but received ${devIds.length}`);
    if (testIds && testIds.length !== held.test!.rows) throw new NeurosieveError('E_SHAPE', `Expected a task row for each of the ${held.test!.rows} test rows but received ${testIds.length}`);
    if (testIds) checkRowIds(testIds, taskRows, 'test rows');
    corpus = { ...data.corpus, rowIds: { train: trainIds, ...(devIds ? { dev: devIds } : {}), ...(testIds ? { test: testIds } : {}) } };
  }
  // Dev and test words from the task's text where the rows' task rows are known.
  let testWords: string[] | undefined;
  if (corpus) {
    const all = corpus.sentences.flat();
    if (!devWords && corpus.rowIds.dev) devWords = Array.from(corpus.rowIds.dev, (i) => all[i]!);
    if (corpus.rowIds.test) testWords = Array.from(corpus.rowIds.test, (i) => all[i]!);
  }
  return {
    D, classes, layers, ...held,
    ...(words ? { words } : {}), ...(devWords ? { devWords } : {}), ...(testWords ? { testWords } : {}),
    ...(stats ? { zscore: stats } : {}), ...(corpus ? { corpus } : {}),
  };
}
