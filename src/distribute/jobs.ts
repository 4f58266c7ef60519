/**
 * The two jobs of a plan, the same on every engine: a shard job turns rows of one file into a partial stats file;
 * a merge job folds partials (Chan's update, in the plan's order) into the next partial, or, at the root of the
 * tree, into the plan's output and its manifest.
 *
 * Idempotent by construction: a job whose partial exists does nothing (its name is the hash of what it holds,
 * src/distribute/plan.ts), and every write is a temp file renamed into place, so a retried, duplicated or
 * concurrent job leaves the same bytes. Nothing is repaired silently: a file that changed since the plan, a
 * partial holding other rows than its shard, a merge missing an input — each is refused naming it.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { NeurosieveError } from '../core/errors.js';
import { runJob } from '../core/native-job.js';
import { native } from '../core/native.js';
import { writeTextAtomic } from '../io/atomic.js';
import { OutputSet } from '../io/output-set.js';
import { mergeStats, readStats, readStatsHeader, writeStats } from '../correlate/stats.js';
import { expectThreads } from '../core/validate.js';
import type { Stats } from '../types.js';
import { expectIdentity } from './identity.js';
import { describeShard, fromRoot, mergeRows, type Plan, type PlanMerge, type PlanShard } from './plan.js';

export const MANIFEST_FORMAT = 'neurosieve-manifest';

export interface JobOptions {
  /** Where this machine sees the plan's root. */
  root: string;
  threads?: number;
  signal?: AbortSignal;
  onProgress?: (rows: number) => void;
}

export interface JobResult {
  /** The file written (or found): a partial, or the plan's output. */
  path: string;
  rows: number;
  /** True when the partial was already there (a retry, a duplicate, another run of the plan). */
  cached: boolean;
}

export const partialPath = (plan: Plan, root: string, name: string): string => fromRoot(root, `${plan.partials}/${name}`, 'partial');

/**
 * A partial that exists must hold what its name says: its header's rows and width are checked (the O(D²) check
 * of its values runs when a merge reads it). `what` names the job in messages.
 */
function existingPartial(path: string, rows: number, cols: number, what: string): number | undefined {
  if (!existsSync(path)) return undefined;
  const h = readStatsHeader(path);
  if (h.cols !== cols || (rows >= 0 && h.count !== rows)) {
    throw new NeurosieveError('E_FORMAT', `${what}: its partial ${path} holds ${h.count} rows of ${h.cols} neurons, but the plan says ${rows} rows of ${cols}; it was not written by this plan's job — remove it and run again`);
  }
  return h.count;
}

/** Runs shard job `id` of the plan: the statistics of its rows, written to its partial. */
export async function runShard(plan: Plan, id: number, o: JobOptions): Promise<JobResult> {
  const s: PlanShard | undefined = plan.shards[id];
  if (!s) throw new NeurosieveError('E_ARGUMENT', `Expected a shard id from 0 to ${plan.shards.length - 1} but received ${id}`);
  const what = describeShard(plan, s);
  const out = partialPath(plan, o.root, s.partial);
  const found = existingPartial(out, s.rows, plan.cols, what);
  if (found !== undefined) return { path: out, rows: found, cached: true };
  const f = plan.files[s.file]!;
  const path = fromRoot(o.root, f.path, what);
  expectIdentity(path, f.identity, what);
  const range = s.rowEnd >= 0 ? { rowBegin: s.rowBegin, rowEnd: s.rowEnd } : {};
  const r = await runJob(
    () =>
      native().correlate(
        { files: [{ path, format: f.format, ...range }], threads: expectThreads(o.threads), chunkRows: plan.options.chunkRows, nan: plan.options.nan },
        (p) => o.onProgress?.(p.rows),
      ),
    o.signal,
  );
  // Read again after the pass: a file rewritten while it was read must not leave a partial under the old name.
  expectIdentity(path, f.identity, what);
  if ((s.rows >= 0 && r.count !== s.rows) || r.count < 1) {
    throw new NeurosieveError('E_SHAPE', `${what}: read ${r.count} rows, but the plan says ${s.rows}`);
  }
  const stats: Stats = {
    count: r.count,
    cols: plan.cols,
    layers: plan.layers,
    mean: r.mean,
    comoment: r.comoment,
    dtype: f.dtype,
    sources: [{ path: s.rowEnd >= 0 ? `${f.path}[${s.rowBegin}:${s.rowEnd}]` : f.path, rows: r.count }],
  };
  mkdirSync(dirname(out), { recursive: true });
  writeStats(out, stats);
  return { path: out, rows: r.count, cached: false };
}

/** A merge input's partial, its expected rows and its name in messages. */
function inputOf(plan: Plan, root: string, input: PlanMerge['inputs'][number]): { path: string; rows: number; what: string; job: string } {
  if ('shard' in input) {
    const s = plan.shards[input.shard]!;
    return { path: partialPath(plan, root, s.partial), rows: s.rows, what: describeShard(plan, s), job: `--shard ${s.id}` };
  }
  const m = plan.merges[input.merge]!;
  return { path: partialPath(plan, root, m.partial!), rows: mergeRows(plan, m), what: `merge ${m.id}`, job: `--merge ${m.id}` };
}

/**
 * Runs merge job `id`: refuses to start unless every input's partial is there (naming each missing one), folds
 * them in the plan's order, and writes the next partial — or, for the last merge, the plan's output and
 * `<output>.manifest.json` (every shard merged, its rows and partial) as one set (src/io/output-set.ts).
 */
export async function runMerge(plan: Plan, id: number, o: JobOptions & { planSha256: string }): Promise<JobResult> {
  const m = plan.merges[id];
  if (!m) throw new NeurosieveError('E_ARGUMENT', `Expected a merge id from 0 to ${plan.merges.length - 1} but received ${id}`);
  const last = m.partial === null;
  const out = last ? fromRoot(o.root, plan.output, 'output') : partialPath(plan, o.root, m.partial!);
  const rows = mergeRows(plan, m);
  if (!last) {
    const found = existingPartial(out, rows, plan.cols, `merge ${id}`);
    if (found !== undefined) return { path: out, rows: found, cached: true };
  }
  const inputs = m.inputs.map((i) => inputOf(plan, o.root, i));
  const missing = inputs.filter((i) => !existsSync(i.path));
  if (missing.length > 0) {
    const shown = missing.slice(0, 5).map((i) => `${i.what}: ${i.path}`).join('; ');
    throw new NeurosieveError(
      'E_IO',
      `merge ${id}: refusing to merge without ${missing.length} of its ${inputs.length} inputs (${shown}${missing.length > 5 ? '; …' : ''}); run their jobs first (neurosieve job <plan> ${missing[0]!.job})`,
    );
  }
  let merged: Stats | undefined;
  for (const i of inputs) {
    if (o.signal?.aborted) throw new NeurosieveError('E_CANCELLED', `merge ${id} cancelled`);
    const next = readStats(i.path);
    if (next.cols !== plan.cols || (i.rows >= 0 && next.count !== i.rows)) {
      throw new NeurosieveError('E_FORMAT', `merge ${id}: ${i.what}: its partial ${i.path} holds ${next.count} rows of ${next.cols} neurons, but the plan says ${i.rows} of ${plan.cols}`);
    }
    merged = merged ? mergeStats(merged, next) : next;
  }
  mkdirSync(dirname(out), { recursive: true });
  if (!last) {
    writeStats(out, merged!);
    return { path: out, rows: merged!.count, cached: false };
  }
  if (merged!.count < 2) throw new NeurosieveError('E_EMPTY', `Expected at least 2 rows in the plan's data but received ${merged!.count}`);
  const set = new OutputSet();
  try {
    const statsSha256 = writeStats(out, merged!, set);
    const manifest = {
      format: MANIFEST_FORMAT,
      version: 1,
      plan: o.planSha256,
      output: plan.output,
      statsSha256,
      count: merged!.count,
      cols: merged!.cols,
      shards: plan.shards.map((s) => {
        const f = plan.files[s.file]!;
        return { id: s.id, path: f.path, rowBegin: s.rowBegin, rowEnd: s.rowEnd, rows: s.rows, partial: s.partial, identitySha256: f.identity.sha256 };
      }),
      merges: plan.merges.length,
    };
    writeTextAtomic(`${out}.manifest.json`, JSON.stringify(manifest, null, 1) + '\n', set);
    set.commit();
  } finally {
    set.discard();
  }
  return { path: out, rows: merged!.count, cached: false };
}
