/**
 * convertActivations: any input neurosieve reads (.npy, safetensors, NeuroX JSON lines or HDF5, Arrow) → an
 * output directory in one format, streamed a chunk at a time (memory: one chunk, plus a token string and a
 * label id per row when those are given):
 *  - npy:         activations.npy [rows, neurons] float32; labels.npy (int32 class ids), tokens.txt (one per line)
 *  - safetensors: activations.safetensors, tensors "activations" [rows, neurons] F32 and "labels" [rows] I32, the
 *                 class names in __metadata__.classes; tokens.txt
 *  - arrow:       a Hugging Face `datasets` directory (what load_from_disk, pyarrow, polars and apache-arrow read):
 *                 data-00000-of-00001.arrow (IPC stream) with columns token (string), label (int64, ClassLabel)
 *                 and activations (fixed_size_list<float32, neurons>), state.json and dataset_info.json
 * Every output also gets convert.json (what was converted, rows, neurons, classes). The directory is written
 * beside its final name and renamed into place at the end: a failure leaves nothing (src/extract/output-dir.ts).
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NeurosieveError } from '../core/errors.js';
import { expectBoolean, expectInteger, expectKnownKeys, expectOneOf, fail } from '../core/validate.js';
import { checkOutputDir, createTempDir, discardTempDir, moveIntoPlace } from '../extract/output-dir.js';
import { CHUNK_ROWS_RANGE, defaultChunkRows } from '../io/chunk-rows.js';
import { asDataset, type OpenOptions } from '../io/dataset.js';
import { DEFAULT_NAN, NAN_POLICIES, streamRows, type NanPolicy } from '../io/load.js';
import { npyHeader } from '../io/npy.js';
import { readLabels, type Labels } from '../probe/labels.js';
import type { Dataset, Progress } from '../types.js';

export const CONVERT_TARGETS = ['npy', 'safetensors', 'arrow'] as const;
export type ConvertTarget = (typeof CONVERT_TARGETS)[number];

export interface ConvertOptions extends OpenOptions {
  /** Output directory (new or empty, or replaced with overwrite). */
  out: string;
  to: ConvertTarget;
  /** Tokens, one per row: a NeuroX .in file (whitespace-separated tokens, a line per sentence), flattened. */
  tokens?: string;
  /** Class labels, one per row (.json, .npy or NeuroX .label; see readLabels). */
  labels?: string;
  overwrite?: boolean;
  nan?: NanPolicy;
  chunkRows?: number;
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
}

export interface ConvertResult {
  out: string;
  to: ConvertTarget;
  rows: number;
  cols: number;
  /** Files written, relative to out. */
  files: string[];
  nonFinite: number;
  seconds: number;
}

const KEYS = ['out', 'to', 'tokens', 'labels', 'overwrite', 'nan', 'chunkRows', 'onProgress', 'signal', 'format', 'column'] as const;

/** Tokens of a NeuroX .in file, flattened as NeuroX's loader reads them (`line.strip().split()`). */
export function readTokens(path: string, rows: number): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new NeurosieveError('E_IO', `${path}: cannot read tokens (${(err as Error).message})`, { cause: err });
  }
  const tokens: string[] = [];
  for (const line of text.split(/\r?\n/)) for (const t of line.trim().split(/\s+/)) if (t.length > 0) tokens.push(t);
  if (tokens.length !== rows) throw new NeurosieveError('E_SHAPE', `${path}: holds ${tokens.length} tokens, but the activations have ${rows} rows`);
  return tokens;
}

/** Converts a dataset into options.out (see the file comment). */
export async function convertActivations(input: Dataset | string | readonly string[], options: ConvertOptions): Promise<ConvertResult> {
  expectKnownKeys(options, KEYS, 'convertActivations');
  const started = performance.now();
  if (typeof options.out !== 'string' || options.out.length === 0) fail('a directory path', 'out', options.out);
  const to = expectOneOf(options.to, 'to', CONVERT_TARGETS);
  const nan = expectOneOf(options.nan ?? DEFAULT_NAN, 'nan', NAN_POLICIES);
  const overwrite = expectBoolean(options.overwrite ?? false, 'overwrite');
  const dataset = asDataset(input, { ...(options.format ? { format: options.format } : {}), ...(options.column !== undefined ? { column: options.column } : {}) });
  const cols = dataset.cols;
  const chunkRows = expectInteger(options.chunkRows ?? defaultChunkRows(cols), 'chunkRows', ...CHUNK_ROWS_RANGE);
  const out = resolve(options.out);
  checkOutputDir(out, overwrite);

  // Row counts must be known before the first byte (every header holds them): NeuroX JSON lines are counted first.
  const rows = dataset.rows >= 0 ? dataset.rows : await countRows(dataset, chunkRows, options.signal);
  if (rows === 0) throw new NeurosieveError('E_EMPTY', `${dataset.files.map((f) => f.path).join(', ')}: no rows (0 tokens) in the input`);
  const labels: Labels | undefined = options.labels === undefined ? undefined : readLabels(options.labels, { rows, allowSingleClass: true });
  const tokens = options.tokens === undefined ? undefined : readTokens(options.tokens, rows);

  const tmp = createTempDir(out);
  try {
    const files: string[] = [];
    const open = (name: string) => {
      files.push(name);
      return openSync(join(tmp, name), 'wx');
    };
    const fd = open(to === 'npy' ? 'activations.npy' : to === 'safetensors' ? 'activations.safetensors' : 'data-00000-of-00001.arrow');
    // apache-arrow is loaded only here, so `import 'neurosieve'` does not pay for it.
    const arrow = to === 'arrow' ? new (await import('./arrow-writer.js')).ArrowStreamWriter(cols, { tokens: tokens !== undefined, labels: labels !== undefined }) : undefined;
    let nonFinite = 0;
    try {
      if (to === 'npy') writeAll(fd, npyHeader('<f4', [rows, cols]));
      if (to === 'safetensors') writeAll(fd, safetensorsHeader(rows, cols, labels));
      if (arrow) writeAll(fd, arrow.header());
      const stream = streamRows(dataset, undefined, nan);
      try {
        const buf = new Float32Array(chunkRows * cols);
        let done = 0;
        while (true) {
          if (options.signal?.aborted) throw new NeurosieveError('E_CANCELLED', 'cancelled while converting activations');
          const n = await stream.read(buf, Math.min(chunkRows, Math.max(1, rows - done)));
          if (n === 0) break;
          if (done + n > rows) throw new NeurosieveError('E_FORMAT', `${dataset.files.map((f) => f.path).join(', ')}: more rows than the headers said (${rows}); did a file change while it was read?`);
          if (arrow) {
            writeAll(fd, arrow.batch({ x: buf, rows: n, ...(tokens ? { tokens: tokens.slice(done, done + n) } : {}), ...(labels ? { labels: labels.ids.subarray(done, done + n) } : {}) }));
          } else {
            writeAll(fd, buf.subarray(0, n * cols));
          }
          done += n;
          options.onProgress?.({ rows: done, totalRows: rows, file: Math.min(stream.file, dataset.files.length - 1) });
        }
        nonFinite = stream.nonFinite;
        if (done !== rows) throw new NeurosieveError('E_FORMAT', `${dataset.files.map((f) => f.path).join(', ')}: read ${done} rows but the headers said ${rows}`);
      } finally {
        stream.close();
      }
      if (to === 'safetensors' && labels) writeAll(fd, labels.ids);
      if (arrow) writeAll(fd, arrow.end());
    } finally {
      closeSync(fd);
    }
    const sources = dataset.files.map((f) => f.path);
    if (to !== 'arrow') {
      if (to === 'npy' && labels) writeFileIn(open('labels.npy'), [npyHeader('<i4', [rows]), labels.ids]);
      if (tokens) writeFileIn(open('tokens.txt'), [Buffer.from(tokens.join('\n') + '\n', 'utf8')]);
    } else {
      writeFileIn(open('state.json'), [json({ _data_files: [{ filename: 'data-00000-of-00001.arrow' }], _fingerprint: null, _format_columns: null, _format_kwargs: {}, _format_type: null, _output_all_columns: false, _split: null })]);
      const features: Record<string, unknown> = {};
      if (tokens) features.token = { dtype: 'string', _type: 'Value' };
      if (labels) features.label = { names: labels.classes, _type: 'ClassLabel' };
      features.activations = { feature: { dtype: 'float32', _type: 'Value' }, length: cols, _type: 'Sequence' };
      writeFileIn(open('dataset_info.json'), [json({ description: `activations converted by neurosieve from ${sources.join(', ')}`, features })]);
    }
    writeFileIn(open('convert.json'), [json({ format: 'neurosieve-convert', version: 1, to, rows, cols, layers: dataset.layers, sources, tokens: options.tokens ?? null, labels: options.labels ?? null, classes: labels?.classes ?? null, nonFinite })]);
    moveIntoPlace(tmp, out);
    return { out, to, rows, cols, files, nonFinite, seconds: (performance.now() - started) / 1000 };
  } catch (err) {
    discardTempDir(tmp);
    throw err;
  }
}

async function countRows(dataset: Dataset, chunkRows: number, signal?: AbortSignal): Promise<number> {
  const stream = streamRows(dataset, undefined, 'zero');
  try {
    const buf = new Float32Array(chunkRows * dataset.cols);
    let rows = 0;
    for (let n; (n = await stream.read(buf, chunkRows)) > 0; ) {
      if (signal?.aborted) throw new NeurosieveError('E_CANCELLED', 'cancelled while counting rows');
      rows += n;
    }
    return rows;
  } finally {
    stream.close();
  }
}

/** safetensors header: "activations" F32 [rows, cols], then "labels" I32 [rows] when given; padded to 8 bytes. */
function safetensorsHeader(rows: number, cols: number, labels: Labels | undefined): Uint8Array {
  const a = rows * cols * 4;
  const header: Record<string, unknown> = {};
  if (labels) header.__metadata__ = { classes: JSON.stringify(labels.classes) };
  header.activations = { dtype: 'F32', shape: [rows, cols], data_offsets: [0, a] };
  if (labels) header.labels = { dtype: 'I32', shape: [rows], data_offsets: [a, a + rows * 4] };
  let text = JSON.stringify(header);
  text += ' '.repeat((8 - (text.length % 8)) % 8);
  const body = Buffer.from(text, 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(body.length));
  return Buffer.concat([len, body]);
}

function json(v: unknown): Uint8Array {
  return Buffer.from(JSON.stringify(v, null, 2) + '\n', 'utf8');
}

function writeAll(fd: number, chunk: ArrayBufferView): void {
  const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  let off = 0;
  while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
}

function writeFileIn(fd: number, chunks: ArrayBufferView[]): void {
  try {
    for (const c of chunks) writeAll(fd, c);
  } finally {
    closeSync(fd);
  }
}
