/**
 * Stats files: the mergeable statistics of a dataset (count, float64 means, packed float64 co-moment) as a
 * safetensors file whose JSON metadata records count, width, layers, dtype, source files and the layout. Two
 * stats files of the same width merge exactly; this is how passes resume and, later, how machines share work.
 *
 * Layout: tensors "mean" F64 [D] and "comoment" F64 [D(D+1)/2] (upper triangle, row-major packed:
 * (i, j>=i) at i(2D-i+1)/2 + j - i); __metadata__.format = "neurosieve-stats", version "1".
 *
 * Version "2" adds debiased CKA's per-row layer sums (types.ts LayerSums, src/cka/layer-sums.ts) as optional
 * tensors "layer_shift" F64 [D], "layer_q" F64 [L], "layer_P" F64 [L*L], "layer_R" F64 [L*D], with the layers in
 * __metadata__.layer_names / layer_offsets (JSON). A file without them is written as version "1", so readers of
 * version 1 keep reading everything that has no layer sums; both versions are read.
 */
import { closeSync, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { callNativeSync, NeurosieveError } from '../core/errors.js';
import { writeWithAtomic } from '../io/atomic.js';
import type { OutputSet } from '../io/output-set.js';
import { expectDisjointRanges } from '../io/safetensors.js';
import { native } from '../core/native.js';
import type { Stats } from '../types.js';
import { mergeLayerSums, sameLayers } from '../cka/layer-sums.js';

const FORMAT = 'neurosieve-stats';
const VERSION = '1';
const VERSION_LAYER_SUMS = '2';
const LAYER_TENSORS = ['layer_shift', 'layer_q', 'layer_P', 'layer_R'] as const;

/** Lengths of the layer-sum tensors of a width and layer count, in LAYER_TENSORS order. */
const layerTensorSizes = (D: number, L: number): number[] => [D, L, L * L, L * D];

export const packedSize = (d: number): number => (d * (d + 1)) / 2;

/**
 * States already checked (read by readStats, or merged from checked states): the O(D²) check runs once per
 * state, not again in every function it is handed to.
 */
const checked = new WeakSet<Stats>();

/**
 * Throws unless `s` can be the statistics of some rows: count a positive integer, arrays of the widths `cols`
 * says, every mean and co-moment finite, a non-negative diagonal and |M_ij| ≤ sqrt(M_ii·M_jj) (the tolerances
 * and why: native/src/stats/check.h). `name` (a file's path, or what the caller calls it) starts the message.
 * Without this a NaN or negative diagonal reads as a zero-variance neuron and a count of 0 as "over 0 rows".
 */
export function expectValidStats(s: Stats, name: string, threads = 0): void {
  if (checked.has(s)) return;
  if (typeof s !== 'object' || s === null) throw new NeurosieveError('E_ARGUMENT', `Expected statistics { count, cols, mean, comoment, ... } for ${name} but received ${String(s)}`);
  if (!Number.isSafeInteger(s.count) || s.count < 1) {
    throw new NeurosieveError('E_FORMAT', `${name}: Expected a positive integer row count but received ${String(s.count)}`);
  }
  if (!Number.isSafeInteger(s.cols) || s.cols < 1 || !(s.mean instanceof Float64Array) || !(s.comoment instanceof Float64Array) || s.mean.length !== s.cols || s.comoment.length !== packedSize(s.cols)) {
    throw new NeurosieveError('E_SHAPE', `${name}: Expected ${String(s.cols)} float64 means and ${Number.isSafeInteger(s.cols) ? packedSize(s.cols) : '?'} co-moments (Float64Array) but received ${s.mean?.length} and ${s.comoment?.length}`);
  }
  callNativeSync(() => native().checkStats(s, name, threads));
  if (s.layerSums) expectValidLayerSums(s, name);
  checked.add(s);
}

function expectValidLayerSums(s: Stats, name: string): void {
  const l = s.layerSums!;
  const o = l.offsets;
  const L = o.length - 1;
  const bounds = Array.isArray(o) && L >= 1 && o[0] === 0 && o[L] === s.cols && o.every((v, i) => Number.isSafeInteger(v) && (i === 0 || v > o[i - 1]!));
  if (!bounds || !Array.isArray(l.names) || l.names.length !== L) {
    throw new NeurosieveError('E_FORMAT', `${name}: Expected layer sums over increasing layer boundaries 0 … ${s.cols} with one name per layer but received boundaries ${JSON.stringify(o)} and ${l.names?.length} names`);
  }
  const sizes = layerTensorSizes(s.cols, L);
  [l.shift, l.q, l.P, l.R].forEach((t, i) => {
    if (!(t instanceof Float64Array) || t.length !== sizes[i]) {
      throw new NeurosieveError('E_SHAPE', `${name}: Expected ${sizes[i]} float64 values in ${LAYER_TENSORS[i]} but received ${t?.length}`);
    }
    if (!t.every(Number.isFinite)) throw new NeurosieveError('E_FORMAT', `${name}: ${LAYER_TENSORS[i]} holds a NaN or infinite value`);
  });
}

/** Chan et al. (1982) merge of two statistics of the same width: the statistics of the concatenated rows. */
export function mergeStats(a: Stats, b: Stats): Stats {
  if (a.cols !== b.cols) {
    throw new NeurosieveError('E_WIDTH', `Expected statistics of the same width to merge but received ${a.cols} and ${b.cols} neurons`);
  }
  expectValidStats(a, 'the first statistics given to mergeStats');
  expectValidStats(b, 'the second statistics given to mergeStats');
  const m = callNativeSync(() => native().mergeComoments(a, b));
  const merged: Stats = {
    count: m.count,
    cols: a.cols,
    layers: a.layers === b.layers ? a.layers : 1,
    mean: m.mean,
    comoment: m.comoment,
    dtype: a.dtype === b.dtype ? a.dtype : 'mixed',
    sources: [...a.sources, ...b.sources],
  };
  // Layer sums survive a merge only when both sides kept them over the same layers (else debiased CKA of the
  // merged rows is not computable, and saying so later beats inventing it).
  if (a.layerSums && b.layerSums && sameLayers(a.layerSums, b.layerSums)) merged.layerSums = mergeLayerSums(a, b, m.mean);
  checked.add(merged); // Chan's update of two valid states is a valid state
  return merged;
}

/**
 * Refuses to merge one input twice (it would double the count and shrink every variance's uncertainty for
 * nothing): the same file after resolving links, or two files whose headers say the same rows (same count,
 * width and non-empty sources — a copy). Both paths are named.
 */
export function expectDistinctStatsFiles(paths: readonly string[]): void {
  const seen = new Map<string, string>();
  const content = new Map<string, string>();
  for (const path of paths) {
    let real: string;
    try {
      real = realpathSync(path);
    } catch {
      real = path; // readStats will say why it cannot be opened
    }
    const before = seen.get(real);
    if (before !== undefined) {
      throw new NeurosieveError('E_ARGUMENT', `Expected distinct stats files to merge but received '${before}' and '${path}', which are the same file`);
    }
    seen.set(real, path);
    let h: StatsHeader;
    try {
      h = readStatsHeader(path);
    } catch {
      continue; // readStats reports it, in input order
    }
    if (h.sources.length === 0) continue; // no identity to compare
    const key = JSON.stringify([h.count, h.cols, h.layers, h.dtype, h.sources]);
    const twin = content.get(key);
    if (twin !== undefined) {
      throw new NeurosieveError('E_ARGUMENT', `Expected distinct stats files to merge but received '${twin}' and '${path}', which hold the same rows (identical count, width and sources)`);
    }
    content.set(key, path);
  }
}

/** Writes a stats file atomically (temp file + rename; into a set, returning its sha256, with `into`). */
export function writeStats(path: string, s: Stats, into?: OutputSet): string | undefined {
  const D = s.cols;
  const meanBytes = D * 8;
  const comBytes = packedSize(D) * 8;
  const l = s.layerSums;
  const extra = l ? [l.shift, l.q, l.P, l.R] : [];
  const header: Record<string, unknown> = {
    __metadata__: {
      format: FORMAT,
      version: l ? VERSION_LAYER_SUMS : VERSION,
      count: String(s.count),
      cols: String(D),
      layers: String(s.layers),
      dtype: s.dtype,
      layout: 'comoment: packed upper triangle, row-major, (i, j>=i) at i*(2*cols-i+1)/2 + j - i',
      sources: JSON.stringify(s.sources),
    },
    mean: { dtype: 'F64', shape: [D], data_offsets: [0, meanBytes] },
    comoment: { dtype: 'F64', shape: [packedSize(D)], data_offsets: [meanBytes, meanBytes + comBytes] },
  };
  if (l) {
    const meta = header.__metadata__ as Record<string, string>;
    meta.layer_names = JSON.stringify(l.names);
    meta.layer_offsets = JSON.stringify(l.offsets);
    let at = meanBytes + comBytes;
    extra.forEach((t, i) => {
      header[LAYER_TENSORS[i]!] = { dtype: 'F64', shape: [t.length], data_offsets: [at, at + t.length * 8] };
      at += t.length * 8;
    });
  }
  let text = JSON.stringify(header);
  text += ' '.repeat((8 - (text.length % 8)) % 8); // keeps the tensors 8-byte aligned for readers that mmap
  const json = Buffer.from(text, 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  return writeWithAtomic(path, (write) => {
    write(len);
    write(json);
    write(s.mean);
    const step = 8 << 20; // 64 MiB per write
    for (let i = 0; i < s.comoment.length; i += step) write(s.comoment.subarray(i, Math.min(s.comoment.length, i + step)));
    for (const t of extra) write(t);
  }, into);
}

function readExactly(fd: number, target: Uint8Array, position: number, path: string): void {
  let off = 0;
  while (off < target.length) {
    const n = readSync(fd, target, off, Math.min(target.length - off, 1 << 30), position + off);
    if (n === 0) throw new NeurosieveError('E_FORMAT', `${path}: stats file is truncated`);
    off += n;
  }
}

interface TensorEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/** What a stats file's header says, and where its tensors lie (byte offsets from the start of the file). */
export interface StatsHeader {
  count: number;
  cols: number;
  layers: number;
  dtype: string;
  sources: Stats['sources'];
  meanOffset: number;
  comomentOffset: number;
  /** Version "2" files with layer sums: the layers and the byte offsets of their tensors (LAYER_TENSORS order). */
  layerSums?: { names: string[]; offsets: number[]; tensorOffsets: number[] };
}

function withStatsFile<T>(path: string, fn: (fd: number, header: StatsHeader) => T): T {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new NeurosieveError('E_IO', `${path}: cannot open stats file (${(err as Error).message})`, { cause: err });
  }
  try {
    const bad = (why: string): never => {
      throw new NeurosieveError('E_FORMAT', `${path}: not a neurosieve stats file (${why})`);
    };
    const size = fstatSync(fd).size;
    if (size < 8) bad('shorter than the 8-byte header length');
    const lenBuf = new Uint8Array(8);
    readExactly(fd, lenBuf, 0, path);
    const hlen = Number(Buffer.from(lenBuf).readBigUInt64LE());
    if (hlen < 2 || 8 + hlen > size) bad(`header length ${hlen} does not fit in the ${size}-byte file`);
    const hbuf = new Uint8Array(hlen);
    readExactly(fd, hbuf, 8, path);
    let header: Record<string, unknown>;
    try {
      header = JSON.parse(Buffer.from(hbuf).toString('utf8')) as Record<string, unknown>;
    } catch (err) {
      return bad(`header is not valid JSON: ${(err as Error).message}`);
    }
    const meta = (header.__metadata__ ?? {}) as Record<string, string>;
    if (meta.format !== FORMAT) bad(`metadata format is ${JSON.stringify(meta.format)}, expected "${FORMAT}"`);
    if (meta.version !== VERSION && meta.version !== VERSION_LAYER_SUMS) bad(`unsupported version ${JSON.stringify(meta.version)}`);
    const count = Number(meta.count);
    const cols = Number(meta.cols);
    const layers = Number(meta.layers ?? '1');
    if (!Number.isSafeInteger(count) || count < 1) bad(`count ${JSON.stringify(meta.count)} is not a positive integer`);
    if (!Number.isSafeInteger(cols) || cols < 1) bad(`cols ${JSON.stringify(meta.cols)} is not a positive integer`);
    const tensorOffset = (name: string, n: number): number => {
      const t = header[name] as TensorEntry | undefined;
      if (!t || t.dtype !== 'F64' || !Array.isArray(t.shape) || t.shape.length !== 1 || t.shape[0] !== n) {
        bad(`tensor "${name}" must be F64 of shape [${n}]`);
      }
      const [b, e] = t!.data_offsets;
      if (e - b !== n * 8 || 8 + hlen + e > size) bad(`tensor "${name}" data lies outside the file or has the wrong size`);
      return 8 + hlen + b;
    };
    const meanOffset = tensorOffset('mean', cols);
    const comomentOffset = tensorOffset('comoment', packedSize(cols));
    const range = (name: string) => ({ name, begin: (header[name] as TensorEntry).data_offsets[0], end: (header[name] as TensorEntry).data_offsets[1] });
    let layerSums: StatsHeader['layerSums'];
    const ranges = [range('mean'), range('comoment')];
    if (meta.version === VERSION_LAYER_SUMS && meta.layer_offsets !== undefined) {
      let names: unknown;
      let offsets: unknown;
      try {
        names = JSON.parse(meta.layer_names ?? 'null');
        offsets = JSON.parse(meta.layer_offsets);
      } catch {
        bad('metadata "layer_names" or "layer_offsets" is not valid JSON');
      }
      if (!Array.isArray(offsets) || offsets.length < 2 || !offsets.every((v) => Number.isSafeInteger(v)) || !Array.isArray(names) || names.length !== offsets.length - 1 || !names.every((x) => typeof x === 'string')) {
        bad('metadata "layer_offsets" must be L + 1 integers and "layer_names" L strings');
      }
      const o = offsets as number[];
      const sizes = layerTensorSizes(cols, o.length - 1);
      layerSums = { names: names as string[], offsets: o, tensorOffsets: LAYER_TENSORS.map((t, i) => tensorOffset(t, sizes[i]!)) };
      ranges.push(...LAYER_TENSORS.map(range));
    }
    expectDisjointRanges(ranges, bad);
    let sources: Stats['sources'] = [];
    try {
      sources = JSON.parse(meta.sources ?? '[]') as Stats['sources'];
    } catch {
      bad('metadata "sources" is not valid JSON');
    }
    const h: StatsHeader = {
      count,
      cols,
      layers: Number.isSafeInteger(layers) && layers > 0 ? layers : 1,
      dtype: meta.dtype ?? 'unknown',
      sources,
      meanOffset,
      comomentOffset,
      ...(layerSums ? { layerSums } : {}),
    };
    return fn(fd, h);
  } finally {
    closeSync(fd);
  }
}

/** Reads and checks a stats file's header only (the tensors can be 10 GB: clustering streams them natively). */
export function readStatsHeader(path: string): StatsHeader {
  return withStatsFile(path, (_fd, h) => h);
}

/** Reads and checks a stats file. */
export function readStats(path: string): Stats {
  return withStatsFile(path, (fd, h) => {
    const tensor = (offset: number, n: number): Float64Array => {
      const out = new Float64Array(n);
      readExactly(fd, new Uint8Array(out.buffer), offset, path);
      return out;
    };
    const mean = tensor(h.meanOffset, h.cols);
    const comoment = tensor(h.comomentOffset, packedSize(h.cols));
    const s: Stats = { count: h.count, cols: h.cols, layers: h.layers, mean, comoment, dtype: h.dtype, sources: h.sources };
    if (h.layerSums) {
      const L = h.layerSums.offsets.length - 1;
      const [shift, q, P, R] = layerTensorSizes(h.cols, L).map((n, i) => tensor(h.layerSums!.tensorOffsets[i]!, n));
      s.layerSums = { names: h.layerSums.names, offsets: h.layerSums.offsets, shift: shift!, q: q!, P: P!, R: R! };
    }
    expectValidStats(s, path);
    return s;
  });
}
