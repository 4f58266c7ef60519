/**
 * Activations into memory: a dataset's files as one stream of rows (optionally a subset of the neurons), read
 * by the native RowReader on a worker thread into Float32Arrays the caller owns. `openRowStream` hands out
 * chunks (what a GPU backend streams from); `loadActivations` fills one row-major T×D' matrix (what probes and
 * rankings train on). NaN/Inf follow the correlation pass's policy: stop naming file, row and neuron, or
 * replace by 0 and count.
 */
import { CHUNK_ROWS_RANGE, defaultChunkRows } from './chunk-rows.js';
import { asDataset, type OpenOptions } from './dataset.js';
import { callNativeSync, NeurosieveError } from '../core/errors.js';
import { runJob } from '../core/native-job.js';
import { native } from '../core/native.js';
import type { NativeRowReader } from '../core/native-types.js';
import type { Dataset, Progress } from '../types.js';
import { expectInteger, expectKnownKeys, expectOneOf, fail } from '../core/validate.js';
import { checkMemory } from '../core/memory.js';

/** What to do with NaN/Inf in activations: 'error' (the default) stops naming file, row and neuron; 'zero' replaces and counts them. */
export const NAN_POLICIES = ['error', 'zero'] as const;
export type NanPolicy = (typeof NAN_POLICIES)[number];
export const DEFAULT_NAN: NanPolicy = 'error';

export interface RowStreamOptions extends OpenOptions {
  /** Neurons to keep, in output order (original neuron ids, distinct); default: all. */
  columns?: ArrayLike<number>;
  /** 'error' (default) stops at the first NaN/Inf naming file, row and neuron; 'zero' replaces them by 0 and counts them. */
  nan?: NanPolicy;
}

export interface LoadOptions extends RowStreamOptions {
  /** Rows per native read (default ~16 MiB); cancellation and progress happen between reads. */
  chunkRows?: number;
  onProgress?: (p: Progress) => void;
  /** Aborting stops at the next read boundary with NeurosieveError('E_CANCELLED'). */
  signal?: AbortSignal;
}

export interface LoadedActivations {
  /** Row-major rows × cols. */
  x: Float32Array;
  rows: number;
  cols: number;
  /** The kept neurons' original ids when `columns` was given. */
  columns?: Uint32Array;
  /** NaN/Inf values replaced by 0 (nan: 'zero'). */
  nonFinite: number;
  /** The files read, with their formats (a NeuroX JSON lines file also tells the sentences: probe/train.ts). */
  files?: readonly { path: string; format: string }[];
}

/** A dataset as a stream of rows: `read(out, maxRows)` fills out[0 .. n·cols) and resolves with n (0 at the end). */
export interface RowStream {
  readonly dataset: Dataset;
  /** Floats per row delivered. */
  readonly cols: number;
  /** The kept neurons' original ids, when a subset was asked for. */
  readonly columns?: Uint32Array;
  /** Rows delivered so far. */
  readonly rows: number;
  readonly nonFinite: number;
  /** Index into dataset.files of the file being read. */
  readonly file: number;
  read(out: Float32Array, maxRows: number): Promise<number>;
  close(): void;
}

const STREAM_KEYS = ['columns', 'nan', 'format', 'column'] as const;
const LOAD_KEYS = [...STREAM_KEYS, 'chunkRows', 'onProgress', 'signal'] as const;

/** Checks a neuron subset: integers in [0, width), no repeats. */
export function validateColumns(columns: ArrayLike<number>, width: number, name = 'columns'): Uint32Array {
  if (typeof columns !== 'object' || columns === null || typeof columns.length !== 'number') {
    throw new NeurosieveError('E_ARGUMENT', `Expected an array of neuron ids for ${name} but received ${String(columns)}`);
  }
  if (columns.length === 0) throw new NeurosieveError('E_ARGUMENT', `Expected at least one neuron id for ${name} but received none`);
  const out = new Uint32Array(columns.length);
  const seen = new Uint8Array(width);
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i]!;
    if (!Number.isInteger(c) || c < 0 || c >= width) {
      throw new NeurosieveError('E_ARGUMENT', `Expected neuron ids in [0, ${width - 1}] for ${name} but received ${String(c)} at position ${i}`);
    }
    if (seen[c]) throw new NeurosieveError('E_ARGUMENT', `Expected distinct neuron ids for ${name} but received ${c} more than once`);
    seen[c] = 1;
    out[i] = c;
  }
  return out;
}

/**
 * Checks a list of neuron ids where no width is known yet (ids of a probe's inputs, of a ranking): non-negative
 * integers, at least one, no repeats. Messages as validateColumns'.
 */
export function expectNeuronIds(ids: ArrayLike<number>, name: string): number[] {
  if (typeof ids !== 'object' || ids === null || typeof ids.length !== 'number') fail('an array of neuron ids', name, ids);
  const out = Array.from(ids);
  if (out.length === 0) fail('at least one neuron id', name, out, 'none');
  const seen = new Set<number>();
  for (const id of out) {
    if (!Number.isSafeInteger(id) || id < 0) fail('non-negative integer neuron ids', name, id);
    if (seen.has(id)) fail('distinct neuron ids', name, id, `${id} more than once`);
    seen.add(id);
  }
  return out;
}

/** Opens a dataset (or inputs) as a stream of rows; headers are checked now, rows are read on demand. */
export function openRowStream(input: Dataset | string | readonly string[], options: RowStreamOptions = {}): RowStream {
  expectKnownKeys(options, STREAM_KEYS, 'openRowStream');
  return openChecked(input, options);
}

function openChecked(input: Dataset | string | readonly string[], options: RowStreamOptions): RowStream {
  const dataset = asDataset(input, { format: options.format, ...(options.column !== undefined ? { column: options.column } : {}) });
  const nan = expectOneOf(options.nan ?? DEFAULT_NAN, 'nan', NAN_POLICIES);
  const columns = options.columns === undefined ? undefined : validateColumns(options.columns, dataset.cols);
  return streamRows(dataset, columns, nan);
}

/**
 * A row stream over an already opened dataset with resolved options (internal: no checks). Backends that stream a
 * dataset call this, not openRowStream, so headers are read and options checked once, by the public function.
 */
export function streamRows(dataset: Dataset, columns: Uint32Array | undefined, nan: NanPolicy): RowStream {
  const files = dataset.files.map((f) => ({ path: f.path, format: f.format }));
  const reader: NativeRowReader = callNativeSync(() => new (native().RowReader)({ files, columns, nan }));
  return {
    dataset,
    cols: reader.cols,
    columns,
    get rows() {
      return reader.rows;
    },
    get nonFinite() {
      return reader.nonFinite;
    },
    get file() {
      return reader.file;
    },
    async read(out: Float32Array, maxRows: number) {
      if (!(out instanceof Float32Array)) {
        throw new NeurosieveError('E_ARGUMENT', `Expected a Float32Array for out but received ${Object.prototype.toString.call(out)}`);
      }
      expectInteger(maxRows, 'maxRows', 1, Math.floor(out.length / reader.cols));
      return runJob(() => reader.read(out, maxRows));
    },
    close() {
      callNativeSync(() => reader.close());
    },
  };
}

/**
 * Reads a whole dataset (or a subset of its neurons) into one row-major Float32Array. Row counts known from the
 * headers size the matrix once; NeuroX JSON lines (count unknown until read) grow it by doubling.
 */
export async function loadActivations(input: Dataset | string | readonly string[], options: LoadOptions = {}): Promise<LoadedActivations> {
  expectKnownKeys(options, LOAD_KEYS, 'loadActivations');
  const { signal, onProgress } = options;
  const stream = openChecked(input, { columns: options.columns, nan: options.nan, format: options.format, ...(options.column !== undefined ? { column: options.column } : {}) });
  try {
    const cols = stream.cols;
    const chunkRows = expectInteger(options.chunkRows ?? defaultChunkRows(cols), 'chunkRows', ...CHUNK_ROWS_RANGE);
    const known = stream.dataset.rows >= 0 ? stream.dataset.rows : undefined;
    let x = allocate((known ?? chunkRows) * cols, cols, stream.dataset);
    let rows = 0;
    while (true) {
      if (signal?.aborted) throw new NeurosieveError('E_CANCELLED', 'cancelled while loading activations');
      if ((rows + chunkRows) * cols > x.length) {
        if (known !== undefined && rows >= known) {
          // Headers promised `known` rows: one more read must find the end (a file growing underneath is an error).
          const probe = new Float32Array(cols);
          if ((await stream.read(probe, 1)) !== 0) {
            throw new NeurosieveError('E_FORMAT', `${stream.dataset.files.map((f) => f.path).join(', ')}: more rows than the headers said (${known}); did a file change while it was read?`);
          }
          break;
        }
        if (known === undefined) {
          const bigger = allocate(Math.max(x.length * 2, (rows + chunkRows) * cols), cols, stream.dataset);
          bigger.set(x.subarray(0, rows * cols));
          x = bigger;
        }
      }
      const room = Math.min(chunkRows, Math.floor(x.length / cols) - rows);
      const n = await stream.read(x.subarray(rows * cols), room);
      if (n === 0) break;
      rows += n;
      onProgress?.({ rows, totalRows: known, file: Math.min(stream.file, stream.dataset.files.length - 1) });
    }
    if (known !== undefined && rows !== known) {
      throw new NeurosieveError('E_FORMAT', `${stream.dataset.files.map((f) => f.path).join(', ')}: read ${rows} rows but the headers said ${known}`);
    }
    if (rows === 0) throw new NeurosieveError('E_EMPTY', `${stream.dataset.files.map((f) => f.path).join(', ')}: no rows (0 tokens) in the input`);
    // Give back the slack of a doubled buffer (JSON lines) so callers hold exactly rows × cols floats.
    if (x.length !== rows * cols) x = x.slice(0, rows * cols);
    return { x, rows, cols, columns: stream.columns, nonFinite: stream.nonFinite, files: stream.dataset.files.map((f) => ({ path: f.path, format: f.format })) };
  } finally {
    stream.close();
  }
}

function allocate(n: number, cols: number, dataset: Dataset): Float32Array {
  checkMemory(
    `${dataset.files[0]!.path}${dataset.files.length > 1 ? ` (and ${dataset.files.length - 1} more)` : ''}: loading ${n / cols} rows × ${cols} neurons`,
    [['float32 activations', n * 4]],
    'load a subset of the neurons (--columns, options.columns)',
  );
  try {
    return new Float32Array(n);
  } catch (err) {
    throw new NeurosieveError(
      'E_ARGUMENT',
      `${dataset.files[0]!.path}: cannot hold ${n} floats (${(n * 4) / 2 ** 30} GiB) in one array; load a subset of the neurons (columns) or stream chunks with openRowStream`,
      { cause: err },
    );
  }
}
