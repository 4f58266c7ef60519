/**
 * A plan: a dataset split into shard jobs (whole files, or row ranges of big files) and a merge tree over their
 * partial statistics, written once by `neurosieve plan` and executed by any engine (src/distribute/engine-*.ts).
 *
 * Every path in a plan is relative to a root that each worker may map differently (`--root`): the plan holds
 * no machine's absolute paths except, for information, the root it was made under.
 *
 * Names make the jobs idempotent: a shard's partial is `<partials>/<hash>.stats`, the hash of (the file's content
 * identity, the row range, the options that change the arithmetic, PARTIAL_VERSION) — never of a path — so a
 * retried or duplicated job writes the same bytes to the same name (atomically), a finished one is not redone,
 * and two plans of the same data share partials. A merge node's partial is named by the hash of its inputs'
 * names. The merge order is fixed here, so every engine folds the same statistics in the same order: results
 * are bit-identical across engines, worker counts and retries.
 */
import { createHash } from 'node:crypto';
import { isAbsolute, normalize, relative, resolve, sep } from 'node:path';
import { NeurosieveError } from '../core/errors.js';
import { openActivations, resolveInputs, isExistingFile } from '../io/dataset.js';
import { defaultChunkRows, CHUNK_ROWS_RANGE } from '../io/chunk-rows.js';
import { DEFAULT_NAN, NAN_POLICIES } from '../io/load.js';
import { expectInteger, expectOneOf } from '../core/validate.js';
import { readJsonText } from '../io/json-limits.js';
import { fileIdentity, IDENTITY_MODES, type FileIdentity, type IdentityMode } from './identity.js';
import type { ActivationFormat } from '../types.js';

export const PLAN_FORMAT = 'neurosieve-plan';
export const PLAN_VERSION = 1;
/** Bumped whenever the bytes of a partial for the same shard would change (stats arithmetic, file layout). */
export const PARTIAL_VERSION = 'neurosieve-partial/1';

export interface PlanFile {
  /** Relative to the root, '/'-separated. */
  path: string;
  format: ActivationFormat;
  dtype: string;
  /** Rows in the file; -1 when unknown without reading it (NeuroX JSON lines). */
  rows: number;
  identity: FileIdentity;
}

export interface PlanShard {
  id: number;
  /** Index into plan.files. */
  file: number;
  /** Rows [rowBegin, rowEnd) of the file; rowEnd -1: to its end (a file of unknown length, read whole). */
  rowBegin: number;
  rowEnd: number;
  /** Rows this shard holds; -1 when unknown until read. */
  rows: number;
  /** File name of its partial in plan.partials. */
  partial: string;
}

export type MergeInput = { shard: number } | { merge: number };

export interface PlanMerge {
  id: number;
  /** Folded in this order (Chan's update, left to right). */
  inputs: MergeInput[];
  /** Partial file name in plan.partials; null for the last merge, whose result is plan.output. */
  partial: string | null;
}

export interface Plan {
  format: typeof PLAN_FORMAT;
  version: typeof PLAN_VERSION;
  /** The root the plan was made under (information only: workers pass --root). */
  madeUnder: string;
  /** Directory of partials, relative to the root. */
  partials: string;
  /** The merged stats file, relative to the root; its manifest is <output>.manifest.json. */
  output: string;
  options: { chunkRows: number; nan: 'error' | 'zero'; identity: IdentityMode };
  cols: number;
  layers: number;
  /** Total rows; -1 when a file's rows are unknown. */
  rows: number;
  files: PlanFile[];
  shards: PlanShard[];
  merges: PlanMerge[];
}

export interface PlanOptions {
  /** Root that every path is made relative to (default: the current directory). */
  root?: string;
  output?: string;
  partials?: string;
  /** Files with more rows split into ranges of this many rows (default: one shard per file). */
  shardRows?: number;
  /** Inputs per merge node (default 64): the merge tree's fan-in. */
  fanIn?: number;
  chunkRows?: number;
  nan?: 'error' | 'zero';
  identity?: IdentityMode;
  format?: ActivationFormat;
}

export const PLAN_DEFAULTS = { output: 'merged.stats', partials: 'partials', fanIn: 64, identity: 'sampled', nan: DEFAULT_NAN } as const;

const HEX_NAME = /^[0-9a-f]{32}\.stats$/;

const sha = (value: unknown): string => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 32);

/** A path relative to `root`, '/'-separated, refused when it leaves the root. `what` names it in messages. */
export function underRoot(root: string, path: string, what: string): string {
  const rel = relative(root, resolve(path));
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new NeurosieveError('E_ARGUMENT', `${what} ${path} is not inside the root ${root}; pass --root a directory holding every input and output (workers map that root, not the files)`);
  }
  return rel.split(sep).join('/');
}

/** A plan path (relative, '/'-separated) under `root` on this machine; refuses one that would leave the root. */
export function fromRoot(root: string, rel: string, what: string): string {
  if (typeof rel !== 'string' || rel === '' || isAbsolute(rel) || normalize(rel).split(sep).includes('..')) {
    throw new NeurosieveError('E_FORMAT', `${what}: ${JSON.stringify(rel)} is not a path inside the root`);
  }
  return resolve(root, rel);
}

function shardPartial(file: PlanFile, rowBegin: number, rowEnd: number, o: Plan['options']): string {
  const id = file.identity;
  // The path is left out on purpose: the same bytes under another name are the same shard.
  const content = id.mode === 'full' ? { size: id.size, sha256: id.sha256, mode: id.mode } : id;
  return `${sha({ v: PARTIAL_VERSION, content, format: file.format, rowBegin, rowEnd, chunkRows: o.chunkRows, nan: o.nan })}.stats`;
}

/** The merge tree over `n` shards with fan-in k: levels of consecutive groups, the last merge being the root. */
function mergeTree(shards: PlanShard[], fanIn: number): PlanMerge[] {
  const merges: PlanMerge[] = [];
  let level: { input: MergeInput; name: string }[] = shards.map((s) => ({ input: { shard: s.id }, name: s.partial }));
  do {
    const next: typeof level = [];
    for (let i = 0; i < level.length; i += fanIn) {
      const group = level.slice(i, i + fanIn);
      const id = merges.length;
      const partial = `${sha({ v: PARTIAL_VERSION, merge: group.map((g) => g.name) })}.stats`;
      merges.push({ id, inputs: group.map((g) => g.input), partial });
      next.push({ input: { merge: id }, name: partial });
    }
    level = next;
  } while (level.length > 1);
  merges[merges.length - 1]!.partial = null;
  return merges;
}

/** Builds a plan: reads every header (widths checked) and every file's identity. */
export function makePlan(inputs: readonly string[], options: PlanOptions = {}): Plan {
  const root = resolve(options.root ?? '.');
  const output = underRoot(root, resolve(options.output ?? PLAN_DEFAULTS.output), 'the output');
  const partials = underRoot(root, resolve(options.partials ?? PLAN_DEFAULTS.partials), 'the partials directory');
  const fanIn = expectInteger(options.fanIn ?? PLAN_DEFAULTS.fanIn, 'fanIn', 2, 1 << 20);
  const shardRows = options.shardRows === undefined ? undefined : expectInteger(options.shardRows, 'shardRows', 2, Number.MAX_SAFE_INTEGER);
  const identity = expectOneOf(options.identity ?? PLAN_DEFAULTS.identity, 'identity', IDENTITY_MODES);
  const nan = expectOneOf(options.nan ?? PLAN_DEFAULTS.nan, 'nan', NAN_POLICIES);
  for (const path of resolveInputs(inputs)) {
    if (!isExistingFile(path)) {
      throw new NeurosieveError('E_ARGUMENT', `${path}: a plan shards existing files only (not Arrow "<file>#<column>" names or NeuroX per-layer groups); convert them first (neurosieve convert)`);
    }
  }
  const dataset = openActivations(inputs, { format: options.format ?? 'auto' });
  const chunkRows = expectInteger(options.chunkRows ?? defaultChunkRows(dataset.cols), 'chunkRows', ...CHUNK_ROWS_RANGE);
  const o: Plan['options'] = { chunkRows, nan, identity };
  const files: PlanFile[] = dataset.files.map((f) => ({
    path: underRoot(root, f.path, 'input'),
    format: f.format,
    dtype: f.dtype,
    rows: f.rows,
    identity: fileIdentity(f.path, identity),
  }));
  const shards: PlanShard[] = [];
  // Ranges start at multiples of the chunk size, so a shard's chunks are the chunks of the one-machine pass over
  // its file: the merged result then differs from `corr` only by how Chan's merges are grouped (float64 rounding,
  // ~1e-12 relative), not by where chunks start (float32 shift rounding, ~1e-8).
  const step0 = shardRows === undefined ? undefined : Math.max(chunkRows, Math.floor(shardRows / chunkRows) * chunkRows);
  files.forEach((f, index) => {
    const step = step0 !== undefined && f.rows > step0 ? step0 : f.rows;
    if (f.rows < 0) {
      shards.push({ id: shards.length, file: index, rowBegin: 0, rowEnd: -1, rows: -1, partial: shardPartial(f, 0, -1, o) });
      return;
    }
    for (let b = 0; b < f.rows; b += step) {
      // A last range of one row joins the one before it: a shard of one row has no co-moment to speak of.
      const e = f.rows - (b + step) < 2 ? f.rows : b + step;
      shards.push({ id: shards.length, file: index, rowBegin: b, rowEnd: e, rows: e - b, partial: shardPartial(f, b, e, o) });
      if (e === f.rows) break;
    }
  });
  const rows = files.some((f) => f.rows < 0) ? -1 : files.reduce((s, f) => s + f.rows, 0);
  return {
    format: PLAN_FORMAT,
    version: PLAN_VERSION,
    madeUnder: root,
    partials,
    output,
    options: o,
    cols: dataset.cols,
    layers: dataset.layers,
    rows,
    files,
    shards,
    merges: mergeTree(shards, fanIn),
  };
}

/** The rows a merge node covers (-1 when some shard's rows are unknown). */
export function mergeRows(plan: Plan, m: PlanMerge): number {
  let total = 0;
  for (const i of m.inputs) {
    const r = 'shard' in i ? plan.shards[i.shard]!.rows : mergeRows(plan, plan.merges[i.merge]!);
    if (r < 0) return -1;
    total += r;
  }
  return total;
}

/** How a shard is named in messages: "shard 3 (acts/b.npy rows 1000–2000)". */
export function describeShard(plan: Plan, s: PlanShard): string {
  const f = plan.files[s.file]!;
  const range = s.rowEnd < 0 ? 'all rows' : s.rowBegin === 0 && s.rowEnd === f.rows ? `rows 0–${s.rowEnd}` : `rows ${s.rowBegin}–${s.rowEnd}`;
  return `shard ${s.id} (${f.path} ${range})`;
}

/** Reads and checks a plan file (E_FORMAT naming the file and the entry). Returns the plan and its sha256. */
export function readPlan(path: string): { plan: Plan; sha256: string } {
  const text = readJsonText(path, 'a plan');
  let plan: Plan;
  try {
    plan = JSON.parse(text) as Plan;
  } catch (err) {
    throw new NeurosieveError('E_FORMAT', `${path}: not a neurosieve plan (not valid JSON: ${(err as Error).message})`);
  }
  const bad = (why: string): never => {
    throw new NeurosieveError('E_FORMAT', `${path}: not a neurosieve plan (${why})`);
  };
  if (typeof plan !== 'object' || plan === null || plan.format !== PLAN_FORMAT) bad(`format is not "${PLAN_FORMAT}"`);
  if (plan.version !== PLAN_VERSION) bad(`unsupported version ${JSON.stringify(plan.version)}`);
  const int = (v: unknown, min: number) => Number.isSafeInteger(v) && (v as number) >= min;
  if (!int(plan.cols, 1) || !Array.isArray(plan.files) || !Array.isArray(plan.shards) || !Array.isArray(plan.merges) || plan.merges.length === 0) {
    bad('cols, files, shards or merges missing');
  }
  if (!plan.options || !int(plan.options.chunkRows, 1) || !NAN_POLICIES.includes(plan.options.nan) || !IDENTITY_MODES.includes(plan.options.identity)) bad('options');
  fromRoot('/', plan.output, `${path}: output`);
  fromRoot('/', plan.partials, `${path}: partials`);
  plan.files.forEach((f, i) => {
    if (!f || typeof f.path !== 'string' || !int(f.rows, -1) || !f.identity || typeof f.identity.sha256 !== 'string') bad(`files[${i}]`);
    fromRoot('/', f.path, `${path}: files[${i}].path`);
  });
  plan.shards.forEach((s, i) => {
    const f = plan.files[s?.file];
    if (!s || s.id !== i || !f || !int(s.rowBegin, 0) || !int(s.rowEnd, -1) || !HEX_NAME.test(s.partial)) bad(`shards[${i}]`);
    if (s.rowEnd >= 0 && (s.rowEnd <= s.rowBegin || s.rows !== s.rowEnd - s.rowBegin || (f!.rows >= 0 && s.rowEnd > f!.rows))) bad(`shards[${i}]: row range`);
  });
  const used = new Set<string>();
  plan.merges.forEach((m, i) => {
    const last = i === plan.merges.length - 1;
    if (!m || m.id !== i || !Array.isArray(m.inputs) || m.inputs.length === 0 || (last ? m.partial !== null : !HEX_NAME.test(m.partial ?? ''))) bad(`merges[${i}]`);
    for (const input of m.inputs) {
      const key = 'shard' in input ? `s${input.shard}` : `m${input.merge}`;
      const ok = 'shard' in input ? int(input.shard, 0) && input.shard < plan.shards.length : int(input.merge, 0) && input.merge < i;
      if (!ok || used.has(key)) bad(`merges[${i}]: input ${JSON.stringify(input)}`);
      used.add(key);
    }
  });
  if (used.size !== plan.shards.length + plan.merges.length - 1) bad('the merge tree does not take every shard and merge exactly once');
  return { plan, sha256: createHash('sha256').update(text).digest('hex') };
}
