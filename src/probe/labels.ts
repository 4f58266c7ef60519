/**
 * Class labels for probes: one class id per activation row, from
 *  - JSON: an array of integers or of strings, or { "labels": [...], "classes": [...] } (labels as ids into
 *    classes, or as class names);
 *  - .npy: a 1-D integer array (int8/16/32/64, uint8/16/32/64);
 *  - NeuroX `.label` text: one line per sentence, whitespace-separated labels, flattened in order (as NeuroX's
 *    loader reads them: `line.strip().split()`), so row t is the t-th label of the file. When the activations'
 *    sentences are known (NeuroX JSON lines: a line per sentence, `sentences` below), each line's count must
 *    equal its sentence's tokens: flattening alone would accept a file one label short in sentence 3 and one
 *    extra in sentence 9, with every label between on the wrong row.
 *
 * Class order. NeuroX numbers classes by enumerating a Python set of the label strings (utils.tok2idx), whose
 * order depends on string hashing and so changes from run to run (PYTHONHASHSEED). We need a deterministic
 * order, so: string labels are sorted by code point (Python's `sorted`), integer labels numerically; ids are
 * positions in that list. Integer labels 0..C−1 therefore keep their values. An explicit `classes` list (the
 * JSON object form, or the `classes` option, e.g. a trained probe's classes when reading test labels) fixes
 * the order instead.
 */
import { extname } from 'node:path';
import { NeurosieveError } from '../core/errors.js';
import { readNpyIntegers } from '../io/npy-int.js';
import { expectInteger, expectKnownKeys, expectOneOf } from '../core/validate.js';
import { readJsonText } from '../io/json-limits.js';
import { neuroxSentenceLengths } from '../io/neurox-sentences.js';

/** Label file formats (ReadLabelsOptions.format); the default goes by extension. */
export const LABEL_FORMATS = ['json', 'npy', 'label'] as const;

export interface Labels {
  /** Class id of every row, in [0, classes.length). */
  ids: Int32Array;
  /** Class names; id i is classes[i]. Integer labels become their decimal strings. */
  classes: string[];
  /** Rows per class. */
  counts: number[];
}

export interface ReadLabelsOptions {
  /** Expected number of rows (the activations'): a different count is an E_SHAPE error. */
  rows?: number;
  /**
   * Map labels onto these classes (e.g. a probe's) instead of deriving them from the file. Labels not in the
   * list are an error, unless `unknown` names the class to map them to (NeuroX's `task_specific_tag`).
   */
  classes?: readonly string[];
  unknown?: string;
  /** File format; default by extension (.json, .npy, anything else is NeuroX .label text). */
  format?: (typeof LABEL_FORMATS)[number];
  /** Allow a single class (default false: a probe needs at least two). Test labels may hold one class. */
  allowSingleClass?: boolean;
  /**
   * The activations' sentences, for a `.label` file: tokens per sentence (computed only when the file is .label
   * text) and, for messages, where they come from. A line whose count differs is an E_SHAPE error naming it.
   */
  sentences?: { lengths: () => readonly number[]; source: string };
}

type Raw = { kind: 'int'; values: ArrayLike<number> } | { kind: 'string'; values: string[] } | { kind: 'ids'; values: number[]; classes: string[] };

function fail(code: 'E_FORMAT' | 'E_SHAPE' | 'E_ARGUMENT' | 'E_IO' | 'E_EMPTY', path: string, why: string): never {
  throw new NeurosieveError(code, `${path}: ${why}`);
}

function readText(path: string): string {
  try {
    return readJsonText(path, 'labels');
  } catch (err) {
    if (err instanceof NeurosieveError) throw err;
    throw new NeurosieveError('E_IO', `${path}: cannot read labels (${(err as Error).message})`, { cause: err });
  }
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

/** Integer check for label ids: safe integers only (a JSON 1.5 or 1e300 is not a class id). */
function checkInts(values: unknown[], path: string, what: string): number[] {
  values.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) fail('E_FORMAT', path, `${what} ${i} is ${show(v)}, not an integer class id`);
  });
  return values as number[];
}

function fromJson(path: string): Raw {
  let data: unknown;
  try {
    data = JSON.parse(readText(path));
  } catch (err) {
    if (err instanceof NeurosieveError) throw err;
    fail('E_FORMAT', path, `not valid JSON (${(err as Error).message})`);
  }
  const list = (arr: unknown[], what: string): Raw => {
    if (arr.length > 0 && arr.every((v) => typeof v === 'string')) return { kind: 'string', values: arr as string[] };
    if (arr.some((v) => typeof v === 'string')) {
      const i = arr.findIndex((v) => typeof v !== 'string');
      fail('E_FORMAT', path, `${what} mixes strings and other values (entry ${i} is ${show(arr[i])})`);
    }
    return { kind: 'int', values: checkInts(arr, path, `${what.replace(/s$/, '')}`) };
  };
  if (Array.isArray(data)) return list(data, 'labels');
  if (typeof data === 'object' && data !== null && Array.isArray((data as { labels?: unknown }).labels)) {
    const o = data as { labels: unknown[]; classes?: unknown };
    const raw = list(o.labels, 'labels');
    if (o.classes === undefined) return raw;
    if (!Array.isArray(o.classes) || !o.classes.every((c) => typeof c === 'string' || (typeof c === 'number' && Number.isFinite(c)))) {
      fail('E_FORMAT', path, '"classes" must be an array of class names');
    }
    const classes = (o.classes as (string | number)[]).map(String);
    if (new Set(classes).size !== classes.length) fail('E_FORMAT', path, '"classes" lists a class more than once');
    if (raw.kind === 'string') return { kind: 'ids', values: raw.values.map((name, i) => nameToId(name, classes, i, path)), classes };
    const ids = Array.from(raw.values);
    ids.forEach((v, i) => {
      if (v < 0 || v >= classes.length) fail('E_FORMAT', path, `label ${i} is ${v}, outside [0, ${classes.length - 1}] of "classes"`);
    });
    return { kind: 'ids', values: ids, classes };
  }
  return fail('E_FORMAT', path, 'expected a JSON array of labels or an object { "labels": [...], "classes": [...] }');
}

function nameToId(name: string, classes: readonly string[], i: number, path: string): number {
  const id = classes.indexOf(name);
  if (id < 0) fail('E_FORMAT', path, `label ${i} is ${show(name)}, which is not in "classes"`);
  return id;
}

function fromLabelText(path: string, sentences: ReadLabelsOptions['sentences']): Raw {
  const text = readText(path);
  const values: string[] = [];
  const perLine: [line: number, count: number][] = []; // non-blank lines: the activations' readers skip blank ones
  // One line per sentence; Python's str.split() splits on runs of any whitespace.
  text.split(/\r?\n/).forEach((line, i) => {
    const before = values.length;
    for (const tok of line.trim().split(/\s+/)) if (tok.length > 0) values.push(tok);
    if (values.length > before) perLine.push([i + 1, values.length - before]);
  });
  if (sentences) checkSentences(path, perLine, sentences);
  return { kind: 'string', values };
}

/**
 * The sentences of activations read from NeuroX JSON lines files (a line per sentence), for checking a .label
 * file line by line; undefined for other formats, which hold no sentence structure.
 */
export function sentencesOf(files: readonly { path: string; format: string }[] | undefined): ReadLabelsOptions['sentences'] {
  if (!files || files.length === 0 || !files.every((f) => f.format === 'neurox-jsonl')) return undefined;
  return { source: files.map((f) => f.path).join(', '), lengths: () => files.flatMap((f) => neuroxSentenceLengths(f.path)) };
}

/** Each non-blank line of a .label file against the tokens of the activations' sentence of the same rank. */
function checkSentences(path: string, perLine: readonly [number, number][], sentences: NonNullable<ReadLabelsOptions['sentences']>): void {
  const lengths = sentences.lengths();
  const n = Math.min(perLine.length, lengths.length);
  for (let k = 0; k < n; k++) {
    const [line, count] = perLine[k]!;
    if (count !== lengths[k]) {
      fail('E_SHAPE', path, `sentence ${k + 1} (line ${line}) has ${count} labels but sentence ${k + 1} of ${sentences.source} has ${lengths[k]} tokens; a .label file holds one line of labels per sentence, one label per token`);
    }
  }
  if (perLine.length !== lengths.length) {
    fail('E_SHAPE', path, `has ${perLine.length} sentences (non-blank lines) but ${sentences.source} has ${lengths.length}; a .label file holds one line of labels per sentence`);
  }
}

const ARRAY_KEYS = ['rows', 'classes', 'unknown', 'allowSingleClass'] as const;

/** Reads class labels (see the file comment for formats and the class order). */
export function readLabels(path: string, options: ReadLabelsOptions = {}): Labels {
  expectKnownKeys(options, ['rows', 'classes', 'unknown', 'format', 'allowSingleClass', 'sentences'], 'readLabels');
  if (typeof path !== 'string' || path.length === 0) throw new NeurosieveError('E_ARGUMENT', `Expected a path for labels but received ${show(path)}`);
  const format = expectOneOf(options.format ?? (extname(path).toLowerCase() === '.json' ? 'json' : extname(path).toLowerCase() === '.npy' ? 'npy' : 'label'), 'format', LABEL_FORMATS);
  const raw: Raw = format === 'json' ? fromJson(path) : format === 'npy' ? { kind: 'int', values: readNpyIntegers(path) } : fromLabelText(path, options.sentences);
  return labelsFrom(raw, path, options);
}

/** Labels from values already in memory (an array of ints or of strings), with the same rules as readLabels. */
export function labelsFromArray(values: readonly (number | string)[] | Int32Array, options: Omit<ReadLabelsOptions, 'format'> = {}): Labels {
  expectKnownKeys(options, ARRAY_KEYS, 'labelsFromArray');
  const what = '(labels array)';
  const arr = Array.from(values as ArrayLike<number | string>);
  const raw: Raw = arr.length > 0 && arr.every((v) => typeof v === 'string') ? { kind: 'string', values: arr as string[] } : { kind: 'int', values: checkInts(arr, what, 'label') };
  return labelsFrom(raw, what, options);
}

function labelsFrom(raw: Raw, path: string, options: Omit<ReadLabelsOptions, 'format'>): Labels {
  const n = raw.values.length;
  if (options.rows !== undefined) {
    const rows = expectInteger(options.rows, 'rows', 0);
    if (rows !== n) fail('E_SHAPE', path, `holds ${n} labels but the activations have ${rows} rows; labels must be aligned one per row`);
  }
  if (n === 0) fail('E_EMPTY', path, 'holds no labels');
  // Names of the rows' labels, and the class list they are numbered by.
  let names: (i: number) => string;
  let fileClasses: string[];
  let fileIds: Int32Array | undefined;
  if (raw.kind === 'ids') {
    fileClasses = raw.classes;
    fileIds = Int32Array.from(raw.values);
    names = (i) => raw.classes[raw.values[i]!]!;
  } else if (raw.kind === 'string') {
    fileClasses = [...new Set(raw.values)].sort(codePointCompare);
    names = (i) => raw.values[i]!;
  } else {
    const vals = raw.values;
    const distinct = new Set<number>();
    for (let i = 0; i < n; i++) distinct.add(vals[i]!);
    fileClasses = [...distinct].sort((a, b) => a - b).map(String);
    names = (i) => String(vals[i]);
  }
  let classes: string[];
  let ids: Int32Array;
  if (options.classes !== undefined) {
    if (!Array.isArray(options.classes) || !options.classes.every((c) => typeof c === 'string')) {
      throw new NeurosieveError('E_ARGUMENT', `Expected an array of class names for classes but received ${show(options.classes)}`);
    }
    classes = [...options.classes];
    const index = new Map(classes.map((c, i) => [c, i]));
    const fallback = options.unknown === undefined ? undefined : index.get(options.unknown);
    if (options.unknown !== undefined && fallback === undefined) {
      throw new NeurosieveError('E_ARGUMENT', `Expected one of the classes for unknown but received '${String(options.unknown)}'`);
    }
    ids = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const id = index.get(names(i)) ?? fallback;
      if (id === undefined) {
        fail('E_FORMAT', path, `label ${i} is ${show(names(i))}, which is not one of the ${classes.length} known classes (${classes.slice(0, 8).join(', ')}${classes.length > 8 ? ', …' : ''}); pass unknown: <class> (CLI --unknown) to map unseen labels to a class`);
      }
      ids[i] = id;
    }
  } else {
    classes = fileClasses;
    if (fileIds) ids = fileIds;
    else {
      const index = new Map(classes.map((c, i) => [c, i]));
      ids = new Int32Array(n);
      for (let i = 0; i < n; i++) ids[i] = index.get(names(i))!;
    }
  }
  const counts = new Array<number>(classes.length).fill(0);
  for (let i = 0; i < n; i++) counts[ids[i]!]!++;
  const present = counts.filter((c) => c > 0).length;
  if (present < 2 && !options.allowSingleClass) {
    fail('E_ARGUMENT', path, `all ${n} labels are ${show(classes[ids[0]!])}: a probe needs at least 2 classes`);
  }
  return { ids, classes, counts };
}

function codePointCompare(a: string, b: string): number {
  // Python compares str by code point; JS < compares UTF-16 code units, which differs above U+FFFF.
  const A = Array.from(a, (c) => c.codePointAt(0)!);
  const B = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(A.length, B.length); i++) if (A[i] !== B[i]) return A[i]! - B[i]!;
  return A.length - B.length;
}
