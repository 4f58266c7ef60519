/**
 * Correlation edges: every pair of neurons with |r| >= tau, without the dense D × D matrix (README "Correlation
 * edges"; the LLM-scale path of method.md §2). The neurons are split into blocks (tile-plan.ts); each job is one
 * pass of the native engine over the columns of two blocks (computeStats with `columns`), whose co-moment gives
 * that job's tiles; native tileEdges keeps the pairs above tau and counts every pair in an |r| histogram. The r
 * of an edge is the dense matrix's entry, bit for bit (native/src/edges/tile_edges.h says why).
 *
 * Jobs are independent and resumable: with `workDir`, each finished job leaves a partial file there, named by
 * its blocks and keyed by what it depends on (the inputs' paths, sizes and modification times, the options);
 * a rerun reuses the partials whose key matches and recomputes the rest.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { computeStats } from '../correlate/correlate.js';
import { NeurosieveError } from '../core/errors.js';
import { memoryBudget } from '../core/memory.js';
import { runJob } from '../core/native-job.js';
import { native } from '../core/native.js';
import { expectInteger, expectKnownKeys, expectThreads } from '../core/validate.js';
import { CHUNK_ROWS_RANGE, defaultChunkRows } from '../io/chunk-rows.js';
import { asDataset, type OpenOptions } from '../io/dataset.js';
import { readSafetensors, writeSafetensors } from '../io/safetensors.js';
import type { Dataset, Progress } from '../types.js';
import { planTiles, type TileBlock, type TileJob, type TilePlan } from './tile-plan.js';

export interface EdgesOptions extends OpenOptions {
  /** Keep pairs with |r| >= minAbsR, in (0, 1]. */
  minAbsR: number;
  /** Bytes a job may use (default: half of the machine's memory budget, src/core/memory.ts). */
  maxMemory?: number;
  /** Histogram bins over |r| in [0, 1] (default 100). */
  bins?: number;
  threads?: number;
  chunkRows?: number;
  nan?: 'error' | 'zero';
  /** Partial results of finished jobs, for resuming (created when missing). */
  workDir?: string;
  onProgress?: (p: EdgesProgress) => void;
  signal?: AbortSignal;
}

export interface EdgesProgress extends Progress {
  job: number;
  jobs: number;
  /** Jobs taken from workDir instead of being run. */
  reused: number;
}

export interface CorrelationEdges {
  neurons: number;
  /** Rows of the data. */
  count: number;
  minAbsR: number;
  /** Pairs i < j with |r| >= minAbsR, sorted by (i, j). */
  i: Uint32Array;
  j: Uint32Array;
  r: Float32Array;
  means: Float64Array;
  /** Population standard deviations (sqrt(M_ii / n)); 0 for a constant neuron. */
  stds: Float64Array;
  /** Pairs i < j by |r| (bins equal parts of [0, 1]); sums to D(D − 1)/2. */
  histogram: Float64Array;
  /** Rows per chunk of every pass: the dense pass's default for D neurons unless given, so that the edges (and
   * any pair recomputed later with the same value) are the dense matrix's entries bit for bit. */
  chunkRows: number;
  nan: 'error' | 'zero';
  plan: { block: number; blocks: number; jobs: number; reused: number };
  sources: { path: string; rows: number }[];
  /** The edge file these came from (readEdgesFile), for messages. */
  path?: string;
}

const OPTION_KEYS = ['minAbsR', 'maxMemory', 'bins', 'threads', 'chunkRows', 'nan', 'workDir', 'onProgress', 'signal', 'format', 'column'] as const;
export { EDGE_MARGIN, EDGES_DEFAULTS } from './defaults.js';
import { EDGES_DEFAULTS } from './defaults.js';
/** Version of the partial files' content: a change of arithmetic must invalidate old partials. */
const PARTIAL_VERSION = '1';

/** What one job found. */
interface JobResult {
  i: Uint32Array;
  j: Uint32Array;
  r: Float32Array;
  hist: Float64Array;
  /** Mean and M_ii of the job's columns (block a's then block b's). */
  mean: Float64Array;
  m2: Float64Array;
  count: number;
  rowsPerFile: number[];
}

function jobColumns(plan: TilePlan, job: TileJob): { columns: Uint32Array; blocks: TileBlock[] } {
  const blocks = job.a === job.b ? [plan.blocks[job.a]!] : [plan.blocks[job.a]!, plan.blocks[job.b]!];
  const columns = new Uint32Array(blocks.reduce((s, b) => s + b.len, 0));
  let k = 0;
  for (const b of blocks) for (let c = 0; c < b.len; c++) columns[k++] = b.first + c;
  return { columns, blocks };
}

async function runTileJob(dataset: Dataset, plan: TilePlan, job: TileJob, o: Required<Pick<EdgesOptions, 'minAbsR' | 'bins'>> & EdgesOptions, threads: number, onRows: (p: Progress) => void): Promise<JobResult> {
  const { columns, blocks } = jobColumns(plan, job);
  const { stats } = await computeStats(dataset, {
    columns,
    threads,
    chunkRows: o.chunkRows!,
    ...(o.nan ? { nan: o.nan } : {}),
    backend: 'native',
    onProgress: onRows,
    ...(o.signal ? { signal: o.signal } : {}),
  });
  const W = columns.length;
  const tiles: Array<{ a: TileBlock; b: TileBlock; aStart: number; bStart: number; diagonal: boolean }> = [];
  const startOf = (block: number) => (block === job.a ? 0 : blocks[0]!.len);
  for (const d of job.diagonals) tiles.push({ a: plan.blocks[d]!, b: plan.blocks[d]!, aStart: startOf(d), bStart: startOf(d), diagonal: true });
  if (job.a !== job.b) tiles.push({ a: blocks[0]!, b: blocks[1]!, aStart: 0, bStart: blocks[0]!.len, diagonal: false });
  const parts = [];
  for (const t of tiles) {
    parts.push(
      await runJob(() =>
        native().tileEdges(stats.comoment, W, { start: t.aStart, len: t.a.len, first: t.a.first }, { start: t.bStart, len: t.b.len, first: t.b.first }, t.diagonal, o.minAbsR, o.bins, threads),
      ),
    );
  }
  const m2 = new Float64Array(W);
  for (let p = 0, diag = 0; p < W; diag += W - p, p++) m2[p] = stats.comoment[diag]!;
  const hist = new Float64Array(o.bins);
  for (const part of parts) for (let k = 0; k < o.bins; k++) hist[k]! += part.hist[k]!;
  return { ...concatEdges(parts), hist, mean: stats.mean, m2, count: stats.count, rowsPerFile: stats.sources.map((s) => s.rows) };
}

function concatEdges(parts: readonly { i: Uint32Array; j: Uint32Array; r: Float32Array }[]): { i: Uint32Array; j: Uint32Array; r: Float32Array } {
  const n = parts.reduce((s, p) => s + p.i.length, 0);
  const out = { i: new Uint32Array(n), j: new Uint32Array(n), r: new Float32Array(n) };
  let at = 0;
  for (const p of parts) {
    out.i.set(p.i, at);
    out.j.set(p.j, at);
    out.r.set(p.r, at);
    at += p.i.length;
  }
  return out;
}

/** What a job's partial depends on: the inputs as they are now and every option that changes its bytes. */
function jobKey(dataset: Dataset, plan: TilePlan, job: TileJob, o: EdgesOptions & { bins: number }): string {
  const files = dataset.files.map((f) => {
    const s = statSync(f.path);
    return [f.path, s.size, s.mtimeMs];
  });
  const what = { version: PARTIAL_VERSION, files, neurons: plan.neurons, block: plan.block, job, minAbsR: o.minAbsR, bins: o.bins, chunkRows: o.chunkRows ?? null, nan: o.nan ?? 'error' };
  return createHash('sha256').update(JSON.stringify(what)).digest('hex');
}

function readPartial(path: string, key: string): JobResult | undefined {
  if (!existsSync(path)) return undefined;
  const { tensors, metadata } = readSafetensors(path);
  if (metadata.key !== key) return undefined;
  const t = (name: string) => tensors.get(name)!.data;
  return {
    i: t('i') as Uint32Array,
    j: t('j') as Uint32Array,
    r: t('r') as Float32Array,
    hist: t('hist') as Float64Array,
    mean: t('mean') as Float64Array,
    m2: t('m2') as Float64Array,
    count: Number(metadata.count),
    rowsPerFile: JSON.parse(metadata.rowsPerFile!) as number[],
  };
}

function writePartial(path: string, key: string, r: JobResult): void {
  const v = (data: Uint32Array | Float32Array | Float64Array) => ({ data, shape: [data.length] });
  writeSafetensors(path, { i: v(r.i), j: v(r.j), r: v(r.r), hist: v(r.hist), mean: v(r.mean), m2: v(r.m2) }, { key, count: String(r.count), rowsPerFile: JSON.stringify(r.rowsPerFile) });
}

/** Every pair with |r| >= minAbsR, from tile jobs over the data (see the top of this file). */
export async function correlationEdges(input: Dataset | string | readonly string[], options: EdgesOptions): Promise<CorrelationEdges> {
  expectKnownKeys(options, OPTION_KEYS, 'correlationEdges');
  const o = { bins: EDGES_DEFAULTS.bins, ...options };
  if (!(typeof o.minAbsR === 'number' && o.minAbsR > 0 && o.minAbsR <= 1)) {
    throw new NeurosieveError('E_ARGUMENT', `Expected minAbsR in (0, 1] but received ${String(o.minAbsR)}`);
  }
  if (!Number.isSafeInteger(o.bins) || o.bins < 1 || o.bins > 1 << 20) throw new NeurosieveError('E_ARGUMENT', `Expected bins in [1, ${1 << 20}] but received ${String(o.bins)}`);
  const maxMemory = o.maxMemory ?? memoryBudget().bytes / 2;
  if (!(maxMemory > 0)) throw new NeurosieveError('E_ARGUMENT', `Expected a positive maxMemory but received ${String(o.maxMemory)}`);
  const threads = expectThreads(o.threads);
  const dataset = asDataset(input, { ...(o.format ? { format: o.format } : {}), ...(o.column ? { column: o.column } : {}) });
  const D = dataset.cols;
  const plan = planTiles(D, maxMemory);
  const chunkRows = expectInteger(o.chunkRows ?? defaultChunkRows(D), 'chunkRows', ...CHUNK_ROWS_RANGE);
  o.chunkRows = chunkRows;
  if (o.workDir) mkdirSync(o.workDir, { recursive: true });

  const parts: JobResult[] = [];
  let reused = 0;
  for (const [k, job] of plan.jobs.entries()) {
    if (o.signal?.aborted) throw new NeurosieveError('E_CANCELLED', 'cancelled between tile jobs');
    const partial = o.workDir ? join(o.workDir, `tile-${job.a}-${job.b}.safetensors`) : undefined;
    const key = jobKey(dataset, plan, job, o);
    let r = partial ? readPartial(partial, key) : undefined;
    if (r) {
      reused++;
    } else {
      r = await runTileJob(dataset, plan, job, o, threads, (p) => o.onProgress?.({ ...p, job: k, jobs: plan.jobs.length, reused }));
      if (partial) writePartial(partial, key, r);
    }
    o.onProgress?.({ rows: r.count, totalRows: r.count, file: 0, job: k + 1, jobs: plan.jobs.length, reused });
    parts.push(r);
  }

  // Per-neuron statistics from the first job holding each block (every job computes them identically).
  const means = new Float64Array(D);
  const stds = new Float64Array(D);
  const seen = new Uint8Array(plan.blocks.length);
  const count = parts[0]!.count;
  for (const [k, job] of plan.jobs.entries()) {
    const r = parts[k]!;
    if (r.count !== count) throw new NeurosieveError('E_FORMAT', `the inputs changed during the edge pass: tile job ${k} read ${r.count} rows, the first ${count}`);
    const { blocks } = jobColumns(plan, job);
    let local = 0;
    for (const [bi, block] of blocks.entries()) {
      const index = bi === 0 ? job.a : job.b;
      if (!seen[index]) {
        seen[index] = 1;
        for (let c = 0; c < block.len; c++) {
          means[block.first + c] = r.mean[local + c]!;
          stds[block.first + c] = Math.sqrt(Math.max(0, r.m2[local + c]!) / count);
        }
      }
      local += block.len;
    }
  }
  const histogram = new Float64Array(o.bins);
  for (const r of parts) for (let k = 0; k < o.bins; k++) histogram[k]! += r.hist[k]!;
  const joined = concatEdges(parts);
  const sorted = await runJob(() => native().sortEdges(joined.i, joined.j, joined.r));
  return {
    neurons: D,
    count,
    minAbsR: o.minAbsR,
    ...sorted,
    means,
    stds,
    histogram,
    chunkRows,
    nan: o.nan ?? 'error',
    plan: { block: plan.block, blocks: plan.blocks.length, jobs: plan.jobs.length, reused },
    sources: dataset.files.map((f, k) => ({ path: f.path, rows: parts[0]!.rowsPerFile[k] ?? 0 })),
  };
}
