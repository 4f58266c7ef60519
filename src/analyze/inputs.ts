/**
 * What `neurosieve analyze` can be pointed at, turned into AnalyzeData:
 *  - an `extract` (or `split`) output directory: its manifest's task (tokens or sentences), label names, layer
 *    blocks and words (the NeuroX .in file, one word per row). `splits: 'manifest'` (default) uses the
 *    directory's train / dev / test files; `'compat'` uses every row of the task, split as the reference scripts
 *    split (90/10 train/dev, seed 7361), without a test set;
 *  - activation files with labels, optional dev and test sets, and neurons per layer.
 * The seed pipeline's JSON config is read by seed-config.ts.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { NeurosieveError } from '../core/errors.js';
import { readNpy } from '../io/npy.js';
import { readNpyIntegers } from '../io/npy-int.js';
import type { Labels } from '../probe/labels.js';
import { corpusRows, type Corpus } from './corpus.js';
import type { AnalyzeData, Layer } from './held-data.js';
import { readJsonText } from '../io/json-limits.js';

export const MANIFEST_TASKS = ['tokens', 'sentences'] as const;
export const MANIFEST_SPLITS = ['manifest', 'compat'] as const;

export type SourcedData = AnalyzeData & { source: Record<string, unknown> };

interface SplitEntry {
  activations: string;
  labels: string;
  index?: string;
  rows?: number;
}

interface TaskEntry {
  labels: string[];
  rows: number;
  shards: Array<{ file: string; rows: number }>;
  labelsFile: string;
  neurox?: { in?: string };
  /** int32 [rows, 5]: source, startLine, startCol, endLine, endCol of each row (src/extract/positions.ts). */
  positions?: string;
  splits?: Record<string, SplitEntry>;
}

function readJson(path: string, what: string): Record<string, unknown> {
  try {
    return JSON.parse(readJsonText(path, what)) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof NeurosieveError) throw err; // the file's limits, already naming it
    throw new NeurosieveError((err as NodeJS.ErrnoException).code ? 'E_IO' : 'E_FORMAT', `${path}: cannot read ${what} (${(err as Error).message})`, { cause: err });
  }
}

/** True when `path` is a directory holding a manifest.json. */
export function isOutputDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory() && existsSync(join(path, 'manifest.json'));
}

/** Class ids (a .npy of integers) named by the manifest's labels; classes without rows are dropped. */
function namedLabels(path: string, names: string[]): Labels {
  const raw = readNpyIntegers(path);
  const counts = new Array<number>(names.length).fill(0);
  for (const v of raw) {
    if (!(v >= 0 && v < names.length)) throw new NeurosieveError('E_FORMAT', `${path}: holds class id ${v} but the manifest names ${names.length} classes`);
    counts[v]!++;
  }
  const present = names.map((_, c) => c).filter((c) => counts[c]! > 0);
  const remap = new Int32Array(names.length).fill(-1);
  present.forEach((c, i) => (remap[c] = i));
  return { ids: Int32Array.from(raw, (v) => remap[v]!), classes: present.map((c) => names[c]!), counts: present.map((c) => counts[c]!) };
}

/**
 * The NeuroX .in file as a corpus: one sentence per line, its words separated by single spaces (tokens), or the
 * whole line as the one row of its sentence (sentences).
 */
function corpusOf(path: string, task: (typeof MANIFEST_TASKS)[number], rows: number): Corpus {
  const lines = readFileSync(path, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const sentences = task === 'sentences' ? lines.map((l) => [l]) : lines.map((l) => l.split(' ').filter((w) => w.length > 0));
  const corpus: Corpus = { sentences, unit: task };
  const count = corpusRows(corpus);
  if (count !== rows) throw new NeurosieveError('E_FORMAT', `${path}: holds ${count} ${task === 'sentences' ? 'lines' : 'words'} but the task has ${rows} rows`);
  return corpus;
}

/**
 * "path:line" of each sentence, from the extraction's row positions (the line of the sentence's first row), or
 * undefined when the manifest records none.
 */
function sentenceSources(manifest: Record<string, unknown>, entry: TaskEntry, corpus: Corpus, at: (p: string) => string): string[] | undefined {
  const sources = manifest.sources as Array<{ path?: unknown }> | undefined;
  if (!entry.positions || !Array.isArray(sources) || !existsSync(at(entry.positions))) return undefined;
  const file = readNpy(at(entry.positions));
  const rows = corpusRows(corpus);
  if (!(file.data instanceof Int32Array) || file.shape.length !== 2 || file.shape[0] !== rows || file.shape[1] !== 5) {
    throw new NeurosieveError('E_FORMAT', `${at(entry.positions)}: expected int32 positions of shape (${rows}, 5), found ${file.descr} (${file.shape.join(', ')})`);
  }
  const out: string[] = [];
  let row = 0;
  for (const s of corpus.sentences) {
    const source = sources[file.data[row * 5]!]?.path;
    out.push(typeof source === 'string' ? `${source}:${file.data[row * 5 + 1]}` : '');
    row += corpus.unit === 'tokens' ? s.length : 1;
  }
  return out;
}

/** AnalyzeData from an extract / split output directory. */
export function outputDirectoryData(dir: string, task: (typeof MANIFEST_TASKS)[number] = 'tokens', splits: (typeof MANIFEST_SPLITS)[number] = 'manifest'): SourcedData {
  const manifestPath = join(dir, 'manifest.json');
  const manifest = readJson(manifestPath, 'the manifest');
  // `extract` writes one entry per task; `split` writes one task at the top level.
  const entry = (manifest.splits ? manifest : manifest[task]) as TaskEntry | undefined;
  if (typeof entry !== 'object' || entry === null || !Array.isArray(entry.labels)) {
    throw new NeurosieveError('E_FORMAT', `${manifestPath}: has no '${task}' task (keys: ${Object.keys(manifest).join(', ')})`);
  }
  const at = (p: string) => resolve(dir, p);
  const blocks = manifest.blocks as Layer[] | undefined;
  const layers = Array.isArray(blocks) ? blocks.map((b) => ({ name: b.name, offset: b.offset, width: b.width })) : undefined;
  const corpus = entry.neurox?.in && existsSync(at(entry.neurox.in)) ? corpusOf(at(entry.neurox.in), task, entry.rows) : undefined;
  const sources = corpus && sentenceSources(manifest, entry, corpus, at);
  if (corpus && sources) corpus.sources = sources;
  const words = corpus?.sentences.flat();
  if (splits === 'compat' && !Array.isArray(entry.shards)) throw new NeurosieveError('E_FORMAT', `${manifestPath}: lists no activation shards of the whole task; use its splits (splits 'manifest')`);
  const source = { directory: resolve(dir), task, splits };
  if (splits === 'compat') {
    return {
      train: { activations: entry.shards.map((s) => at(s.file)), labels: namedLabels(at(entry.labelsFile), entry.labels), ...(words ? { words } : {}) },
      ...(layers ? { layers } : {}),
      ...(corpus ? { corpus } : {}),
      source,
    };
  }
  const s = entry.splits;
  if (!s || !s.train || !s.dev) throw new NeurosieveError('E_FORMAT', `${manifestPath}: the '${task}' task has no train and dev splits; use splits 'compat' to split its rows`);
  const part = (e: SplitEntry) => ({ activations: at(e.activations), labels: namedLabels(at(e.labels), entry.labels) });
  // The task row of each split row (its index file), for the words and the report's context.
  const ids = (e: SplitEntry | undefined) => (e?.index ? Int32Array.from(readNpyIntegers(at(e.index))) : undefined);
  const rowIds = { train: ids(s.train), dev: ids(s.dev), test: ids(s.test) };
  let trainWords: string[] | undefined;
  if (words && rowIds.train) {
    const index = rowIds.train;
    for (const i of index) if (!(i >= 0 && i < words.length)) throw new NeurosieveError('E_FORMAT', `${at(s.train.index!)}: names row ${i} but the task has ${words.length} rows`);
    trainWords = Array.from(index, (i) => words[i]!);
  }
  return {
    train: { ...part(s.train), ...(trainWords ? { words: trainWords } : {}) },
    dev: part(s.dev),
    ...(s.test ? { test: part(s.test) } : {}),
    ...(layers ? { layers } : {}),
    // Without the train rows' task rows the context of a row is unknown: no corpus then.
    ...(corpus && rowIds.train ? { corpus: { ...corpus, rows: Object.fromEntries(Object.entries(rowIds).filter(([, v]) => v)) } } : {}),
    source,
  };
}

/** AnalyzeData from activation files and label files (dev and test optional). */
export function fileData(
  train: { activations: string[]; labels: string },
  dev?: { activations: string[]; labels: string },
  test?: { activations: string[]; labels: string },
  neuronsPerLayer?: number,
): SourcedData {
  return {
    train,
    ...(dev ? { dev } : {}),
    ...(test ? { test } : {}),
    ...(neuronsPerLayer !== undefined ? { layers: neuronsPerLayer } : {}),
    source: { train, ...(dev ? { dev } : {}), ...(test ? { test } : {}), ...(neuronsPerLayer !== undefined ? { neuronsPerLayer } : {}) },
  };
}

/** The directory a relative path in a config is resolved against. */
export function configBase(configPath: string, baseDir: string): string {
  return resolve(dirname(resolve(configPath)), baseDir);
}
