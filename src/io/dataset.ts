/**
 * openActivations: turns paths, directories and globs into a Dataset — several files of the same width read as
 * one stream — after reading every header, so width mismatches and unreadable files fail before any work starts.
 */
import { existsSync, statSync } from 'node:fs';
import { callNativeSync, NeurosieveError } from '../core/errors.js';
import { activationFilesIn, expandGlob, hasGlobMagic } from './glob.js';
import { native } from '../core/native.js';
import type { ActivationFormat, Dataset, SourceInfo } from '../types.js';
import { expectKnownKeys, expectOneOf, fail } from '../core/validate.js';

export interface OpenOptions {
  /** Format of every file; 'auto' (default) decides by extension, then by the first bytes. */
  format?: ActivationFormat;
  /** Arrow inputs: the column holding the activations (default: the one column of float lists). */
  column?: string;
}

/** The activation formats of OpenOptions.format; 'auto' (the default) decides by extension, then by the first bytes. */
export const ACTIVATION_FORMATS = ['auto', 'npy', 'safetensors', 'neurox-jsonl', 'neurox-hdf5', 'arrow'] as const satisfies readonly ActivationFormat[];
export const DEFAULT_FORMAT: ActivationFormat = 'auto';

/** Expands inputs (files, directories, globs) into an ordered list of files. */
export function resolveInputs(inputs: string | readonly string[]): string[] {
  const list = typeof inputs === 'string' ? [inputs] : [...inputs];
  if (list.length === 0) throw new NeurosieveError('E_EMPTY', 'Expected at least one input file, directory or glob but received none');
  const files: string[] = [];
  for (const input of list) {
    if (typeof input !== 'string' || input.length === 0) {
      throw new NeurosieveError('E_ARGUMENT', `Expected a path for an input but received ${JSON.stringify(input)}`);
    }
    let isDirectory = false;
    if (isArrowColumn(input)) {
      files.push(input);
      continue;
    }
    try {
      isDirectory = statSync(input).isDirectory();
    } catch {
      if (!hasGlobMagic(input)) throw new NeurosieveError('E_IO', `${input}: no such file or directory`);
    }
    if (isDirectory) {
      const inside = activationFilesIn(input);
      if (inside.length === 0) throw new NeurosieveError('E_EMPTY', `${input}: directory holds no activation files (.npy, .safetensors, .jsonl, .hdf5, .arrow)`);
      files.push(...inside);
    } else if (hasGlobMagic(input) && !isExistingFile(input)) {
      const matched = expandGlob(input).filter(isExistingFile);
      if (matched.length === 0) throw new NeurosieveError('E_EMPTY', `${input}: the pattern matches no files`);
      files.push(...matched);
    } else {
      files.push(input);
    }
  }
  return files;
}

/** True when `p` is an existing regular file (false for a missing path, a directory, or one we cannot stat). */
export function isExistingFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Opens a dataset: every header is read and checked; no activations are read yet. */
export function openActivations(inputs: string | readonly string[], options: OpenOptions = {}): Dataset {
  expectKnownKeys(options, ['format', 'column'], 'openActivations');
  return openChecked(inputs, formatOf(options), columnOf(options));
}

function formatOf(options: OpenOptions): ActivationFormat {
  return expectOneOf(options.format ?? DEFAULT_FORMAT, 'format', ACTIVATION_FORMATS);
}

function columnOf(options: OpenOptions): string | undefined {
  const c = options.column;
  if (c !== undefined && (typeof c !== 'string' || c.length === 0)) fail('a column name', 'column', c);
  return c;
}

/** "<file>#<column>": an existing file and a column name (no file of the whole name exists). */
function isArrowColumn(input: string): boolean {
  const hash = input.lastIndexOf('#');
  return hash > 0 && hash < input.length - 1 && !existsSync(input) && isExistingFile(input.slice(0, hash));
}

/** openActivations with a checked format (internal). */
function openChecked(inputs: string | readonly string[], format: ActivationFormat, column?: string): Dataset {
  const paths = format === 'auto' || format === 'neurox-hdf5' ? groupLayerFiles(resolveInputs(inputs)) : resolveInputs(inputs);
  // A column applies to every Arrow file not already naming its own (<file>#<column>): asked for by name at once,
  // since a file with several float-list columns cannot be opened without one.
  const withColumn = (path: string) =>
    column !== undefined && !isArrowColumn(path) && (format === 'arrow' || (format === 'auto' && ARROW_EXTENSION.test(path))) ? `${path}#${column}` : path;
  const files: SourceInfo[] = paths.map((path) => callNativeSync(() => native().inspect(withColumn(path), format)));
  if (column !== undefined && !files.some((f) => f.format === 'arrow')) {
    throw new NeurosieveError('E_ARGUMENT', `Expected Arrow inputs for column but received ${files.map((f) => `${f.path} (${f.format})`).join(', ')}`);
  }
  const first = files[0]!;
  for (const f of files) {
    if (f.cols !== first.cols) {
      throw new NeurosieveError(
        'E_WIDTH',
        `${f.path}: has ${f.cols} neurons per row, but ${first.path} has ${first.cols}; all files of a dataset must have the same width`,
      );
    }
  }
  if (first.cols === 0) throw new NeurosieveError('E_EMPTY', `${first.path}: holds no neurons (0 columns)`);
  const layers = files.every((f) => f.layers === first.layers) ? first.layers : 1;
  const rows = files.some((f) => f.rows < 0) ? -1 : files.reduce((s, f) => s + f.rows, 0);
  if (rows === 0) throw new NeurosieveError('E_EMPTY', `${files.map((f) => f.path).join(', ')}: no rows (0 tokens) in the input`);
  return { files, cols: first.cols, layers, rows };
}

const ARROW_EXTENSION = /\.(arrow|arrows|feather)$/i;
const LAYER_FILE = /^(.*)-layer(\d+)\.hdf5$/;

/**
 * NeuroX's decompose_layers writes one file per layer, <base>-layer<N>.hdf5: the same tokens, other columns. Read
 * as shards they would stack one layer's rows under another's, so each run of two or more such files with one
 * base becomes a single input "<base>-layer{0,1,…}.hdf5" (layers in the order given, which natural sorting of a
 * directory or glob makes ascending), which the native reader opens as the files joined side by side.
 */
export function groupLayerFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < paths.length; ) {
    const m = LAYER_FILE.exec(paths[i]!);
    let j = i + 1;
    const layers = m ? [m[2]!] : [];
    while (m && j < paths.length) {
      const n = LAYER_FILE.exec(paths[j]!);
      if (!n || n[1] !== m[1]) break;
      layers.push(n[2]!);
      j++;
    }
    if (m && layers.length >= 2) {
      const repeated = layers.find((l, k) => layers.indexOf(l) !== k);
      if (repeated !== undefined) throw new NeurosieveError('E_ARGUMENT', `${m[1]}-layer${repeated}.hdf5: given more than once`);
      out.push(`${m[1]}-layer{${layers.join(',')}}.hdf5`);
    } else {
      out.push(...paths.slice(i, j));
    }
    i = j;
  }
  return out;
}

/** Accepts either an opened Dataset or inputs to open. */
export function asDataset(input: Dataset | string | readonly string[], options: OpenOptions = {}): Dataset {
  if (typeof input === 'object' && input !== null && 'files' in input && !Array.isArray(input)) return input as Dataset;
  return openChecked(input as string | readonly string[], formatOf(options), columnOf(options));
}
