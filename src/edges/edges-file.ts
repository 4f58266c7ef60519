/**
 * The edge file `neurosieve corr --edges` writes: a safetensors file (8-byte header length, JSON header, data;
 * readable by the `safetensors` Python package and any tool that reads Hugging Face tensors) holding
 *   i, j       U32 [E]   the pairs, i < j, sorted by (i, j)
 *   r          F32 [E]   Pearson r (the dense matrix's float32 entry)
 *   means, stds F64 [D]  per-neuron mean and population standard deviation
 *   histogram  F64 [B]   all D(D − 1)/2 pairs by |r| in B equal bins of [0, 1] (|r| = 1 in the last)
 * and in __metadata__: format "neurosieve-edges", version "1", neurons, count (rows), minAbsR, chunkRows, nan,
 * sources (JSON: path and rows of each input), plan (JSON: block, blocks, jobs).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { NeurosieveError } from '../core/errors.js';
import type { OutputSet } from '../io/output-set.js';
import { readSafetensors, writeSafetensors } from '../io/safetensors.js';
import type { CorrelationEdges } from './correlation-edges.js';

export const EDGES_FORMAT = 'neurosieve-edges';
const VERSION = '1';

export function writeEdgesFile(path: string, e: CorrelationEdges, into?: OutputSet): string | undefined {
  const v = (data: Uint32Array | Float32Array | Float64Array) => ({ data, shape: [data.length] });
  return writeSafetensors(
    path,
    { i: v(e.i), j: v(e.j), r: v(e.r), means: v(e.means), stds: v(e.stds), histogram: v(e.histogram) },
    {
      format: EDGES_FORMAT,
      version: VERSION,
      neurons: String(e.neurons),
      count: String(e.count),
      minAbsR: String(e.minAbsR),
      chunkRows: String(e.chunkRows),
      nan: e.nan,
      sources: JSON.stringify(e.sources),
      plan: JSON.stringify(e.plan),
    },
    into,
  );
}

function isEdgesMetadata(metadata: Record<string, string>): boolean {
  return metadata.format === EDGES_FORMAT;
}

/** Whether `path` is an edge file, from its header alone (commands that also take other inputs ask first). */
export function isEdgesFile(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const len = Buffer.alloc(8);
    if (readSync(fd, len, 0, 8, 0) !== 8) return false;
    const n = Number(len.readBigUInt64LE(0));
    if (n < 2 || n > 1 << 20) return false;
    const text = Buffer.alloc(n);
    if (readSync(fd, text, 0, n, 8) !== n) return false;
    const header = JSON.parse(text.toString('utf8')) as { __metadata__?: Record<string, string> };
    return isEdgesMetadata(header.__metadata__ ?? {});
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function readEdgesFile(path: string): CorrelationEdges {
  const { tensors, metadata } = readSafetensors(path);
  const bad = (why: string): never => {
    throw new NeurosieveError('E_FORMAT', `${path}: not a neurosieve edge file (${why})`);
  };
  if (!isEdgesMetadata(metadata)) bad(`metadata format is ${JSON.stringify(metadata.format)}, expected "${EDGES_FORMAT}"`);
  if (metadata.version !== VERSION) bad(`version ${JSON.stringify(metadata.version)}; this neurosieve reads version ${VERSION}`);
  const int = (key: string) => {
    const n = Number(metadata[key]);
    if (!Number.isSafeInteger(n) || n < 0) bad(`metadata ${key} is ${JSON.stringify(metadata[key])}, not a count`);
    return n;
  };
  const neurons = int('neurons');
  const count = int('count');
  const chunkRows = int('chunkRows');
  const minAbsR = Number(metadata.minAbsR);
  if (!(minAbsR > 0 && minAbsR <= 1)) bad(`metadata minAbsR is ${JSON.stringify(metadata.minAbsR)}, not in (0, 1]`);
  const tensor = <T>(name: string, ctor: new (n: number) => T, length?: number): T => {
    const t = tensors.get(name);
    if (!t || !(t.data instanceof ctor)) bad(`tensor "${name}" is missing or has the wrong dtype`);
    if (length !== undefined && t!.data.length !== length) bad(`tensor "${name}" holds ${t!.data.length} values, expected ${length}`);
    return t!.data as T;
  };
  const i = tensor('i', Uint32Array);
  const edges = i.length;
  let sources: { path: string; rows: number }[] = [];
  let plan = { block: 0, blocks: 0, jobs: 0, reused: 0 };
  try {
    sources = JSON.parse(metadata.sources ?? '[]') as typeof sources;
    plan = JSON.parse(metadata.plan ?? '{}') as typeof plan;
  } catch {
    bad('metadata sources or plan is not JSON');
  }
  return {
    neurons,
    count,
    minAbsR,
    i,
    j: tensor('j', Uint32Array, edges),
    r: tensor('r', Float32Array, edges),
    means: tensor('means', Float64Array, neurons),
    stds: tensor('stds', Float64Array, neurons),
    histogram: tensor('histogram', Float64Array),
    chunkRows,
    nan: metadata.nan === 'zero' ? 'zero' : 'error',
    plan,
    sources,
    path,
  };
}
