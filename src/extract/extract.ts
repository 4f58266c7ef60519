/**
 * `extractActivations`: source files + an ONNX model → labelled activation matrices, the way NeuroX's extractor
 * and the paper's Python task prepare data (method.md §1), without Python.
 *
 * 1. Every source is read, tokenised (Python tokens and subwords), aligned and planned into windows first, so all
 *    row counts, labels and the balanced splits are known before the model runs.
 * 2. Windows run through onnxruntime in batches; while one batch runs, the previous one is aggregated.
 * 3. Each subword's activations come from the window that owns it (windows.ts); words aggregate their subwords
 *    (first | last | average), statements theirs (mean | first). Rows stream into .npy files.
 * Everything is written into a temporary directory next to the output, renamed into place only at the end: an
 * error or Ctrl-C leaves nothing behind.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { NeurosieveError } from '../core/errors.js';
import { expectInteger, expectKnownKeys, expectOneOf } from '../core/validate.js';
import { npyHeader } from '../io/npy.js';
import { SpanAggregator } from './aggregate.js';
import { TOKEN_LABELS } from './labels.js';
import { LAYER_SETS, loadModel, type ColumnBlock, type LayerSet, type LoadedModel } from './model.js';
import { prepareText, readSource, type PreparedSource } from './prepare.js';
import { OUTPUT_DTYPES, PositionalRowWriter, ShardedRowWriter, type OutputDtype } from './row-writer.js';
import { expandSources } from './sources.js';
import { balancedSplits, type SplitResult, type SplitSizes } from './splits.js';
import { STATEMENT_LABELS } from './statements.js';
import { AGGREGATIONS, EXTRACT_DEFAULTS, EXTRACT_KEYS, SENTENCE_REPRESENTATIONS, type Aggregation, type SentenceRepresentation } from './options.js';
import { planWindows, type WindowPlan } from './windows.js';

export type { Aggregation, SentenceRepresentation };

export interface ExtractOptions {
  /** Model directory (model.onnx or model.fp16.onnx, tokenizer.json, config.json) or an .onnx file. */
  model: string;
  /** Source files, directories (every *.py below) or globs. */
  sources: readonly string[];
  /** Output directory; created (it must not exist or be empty unless `overwrite`). */
  output: string;
  /** Subword → word aggregation (default 'average', as the paper). */
  aggregation?: Aggregation;
  /** Which activations become columns: per-layer hidden states (default), FFN neurons, or both. */
  layers?: LayerSet;
  /** Element type of the activation files (default float32). */
  dtype?: OutputDtype;
  /** Tokens per window including <s> and </s> (default from config.json; 128 for the bundled model). */
  maxLength?: number;
  /** Distance between window starts, in subwords (default half a window). */
  stride?: number;
  /** Windows per onnxruntime call (default 8). */
  batchSize?: number;
  /** onnxruntime threads (default 0 = all cores). */
  threads?: number;
  /** Stop after this many subwords in total (0 = no limit), for quick runs. */
  maxTokens?: number;
  /** Rows per activation shard (default 65,536). */
  shardRows?: number;
  /** Examples per class for the token task (default 5,000 / 540 / 365, the paper's). */
  splits?: SplitSizes;
  /** Examples per class for the sentence task (default the same as `splits`). */
  sentenceSplits?: SplitSizes;
  /** Classes with fewer examples are left out of the splits (default 50). */
  minClassCount?: number;
  /** Seed of the balanced sampling (default 1). */
  seed?: number;
  /** Token-task classes, a subset of NAME KEYWORD NUMBER STRING OP COMMENT (default all). */
  tokenClasses?: readonly string[];
  /** Statement representation (default 'mean' of the statement's subwords, in context). */
  sentenceRepresentation?: SentenceRepresentation;
  /** Replace an existing non-empty output directory. */
  overwrite?: boolean;
  onProgress?: (p: ExtractProgress) => void;
  onWarning?: (message: string) => void;
  signal?: AbortSignal;
}

export interface ExtractProgress {
  /** Subwords whose activations are done, of `totalTokens`. */
  tokens: number;
  totalTokens: number;
  /** Source being processed. */
  source: string;
}

export interface TaskSummary {
  task: string;
  labels: string[];
  rows: number;
  counts: Record<string, number>;
  splits: Record<'train' | 'dev' | 'test', { rows: number; perClass: number }>;
  excludedClasses: string[];
}

export interface ExtractSummary {
  output: string;
  manifest: Record<string, unknown>;
  sources: number;
  skipped: { path: string; reason: string }[];
  /** Subwords run through the model (owned tokens, each counted once). */
  tokens: number;
  /** Subword positions computed by the model, overlaps included. */
  modelTokens: number;
  windows: number;
  seconds: number;
  tokensPerSecond: number;
  tokenTask: TaskSummary;
  sentenceTask: TaskSummary;
}

/** Whitespace inside a word (strings, comments) would break NeuroX's whitespace-separated .in files. */
function escapeWord(s: string): string {
  return s.replace(/\s/g, (c) => (c === ' ' ? '\u2423' : c === '\t' ? '\u2409' : c === '\n' ? '\u240a' : c === '\r' ? '\u240d' : '\u2420'));
}

/** Ensures `out` can receive the results; returns whether an old directory will be replaced. */
function checkOutput(out: string, overwrite: boolean): void {
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory()) throw new NeurosieveError('E_IO', `Expected a directory for the output but '${out}' is a file`);
  if (readdirSync(out).length > 0 && !overwrite) {
    throw new NeurosieveError('E_IO', `Expected an empty or new output directory but '${out}' holds files (use --overwrite to replace it)`);
  }
}

interface Task {
  labels: string[];
  rowLabels: Int32Array;
  split: SplitResult;
  /** For each row, its split (0 train, 1 dev, 2 test, -1 none) and position in it. */
  splitOf: Int8Array;
  posInSplit: Int32Array;
}

function makeTask(labels: string[], rowLabels: Int32Array, sizes: SplitSizes, seed: number, minCount: number): Task {
  const split = balancedSplits(rowLabels, labels.length, sizes, seed, minCount);
  const splitOf = new Int8Array(rowLabels.length).fill(-1);
  const posInSplit = new Int32Array(rowLabels.length);
  [split.train, split.dev, split.test].forEach((idx, k) => {
    idx.forEach((row, pos) => {
      splitOf[row] = k;
      posInSplit[row] = pos;
    });
  });
  return { labels, rowLabels, split, splitOf, posInSplit };
}

const SPLIT_NAMES = ['train', 'dev', 'test'] as const;

/** The writers of one task: all rows in order, and the three balanced splits. */
class TaskOutput {
  readonly all: ShardedRowWriter;
  readonly splits: PositionalRowWriter[];
  constructor(
    private readonly task: Task,
    dir: string,
    sub: string,
    width: number,
    dtype: OutputDtype,
    shardRows: number,
  ) {
    mkdirSync(join(dir, sub));
    this.all = new ShardedRowWriter(dir, `${sub}/activations`, task.rowLabels.length, width, dtype, shardRows);
    const s = task.split;
    this.splits = [s.train, s.dev, s.test].map((idx, k) => new PositionalRowWriter(join(dir, sub, `${SPLIT_NAMES[k]}.npy`), idx.length, width, dtype));
  }
  push(row: number, values: Float32Array): void {
    this.all.push(values);
    const k = this.task.splitOf[row]!;
    if (k >= 0) this.splits[k]!.put(this.task.posInSplit[row]!, values);
  }
  close(): void {
    this.all.close();
    for (const w of this.splits) w.close();
  }
}

function writeInt32Npy(path: string, data: Int32Array): void {
  const h = npyHeader('<i4', [data.length]);
  writeFileSync(path, Buffer.concat([Buffer.from(h), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

function countBy(labels: string[], rowLabels: Int32Array): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(labels.map((l) => [l, 0]));
  for (const c of rowLabels) counts[labels[c]!]!++;
  return counts;
}

/** One window of one source, queued for the model. */
interface WindowJob {
  doc: number;
  k: number;
}

export async function extractActivations(options: ExtractOptions): Promise<ExtractSummary> {
  const t0 = performance.now();
  // ---- Validate options (once, here). ----
  expectKnownKeys(options, EXTRACT_KEYS, 'extractActivations');
  const d = EXTRACT_DEFAULTS;
  const aggregation = expectOneOf(options.aggregation ?? d.aggregation, 'aggregation', AGGREGATIONS);
  const layers = expectOneOf(options.layers ?? d.layers, 'layers', LAYER_SETS);
  const dtype = expectOneOf(options.dtype ?? d.dtype, 'dtype', OUTPUT_DTYPES);
  const sentenceRepr = expectOneOf(options.sentenceRepresentation ?? d.sentenceRepresentation, 'sentenceRepresentation', SENTENCE_REPRESENTATIONS);
  const batchSize = expectInteger(options.batchSize ?? d.batchSize, 'batchSize', 1);
  const threads = expectInteger(options.threads ?? d.threads, 'threads', 0);
  const maxTokens = expectInteger(options.maxTokens ?? d.maxTokens, 'maxTokens', 0);
  const shardRows = expectInteger(options.shardRows ?? d.shardRows, 'shardRows', 1);
  const seed = expectInteger(options.seed ?? d.seed, 'seed', 0);
  const minCount = expectInteger(options.minClassCount ?? d.minClassCount, 'minClassCount', 1);
  const sizes: SplitSizes = options.splits ?? d.splits;
  const sentSizes = options.sentenceSplits ?? sizes;
  for (const [what, s] of [['splits', sizes], ['sentenceSplits', sentSizes]] as const) {
    for (const k of SPLIT_NAMES) expectInteger(s[k], `${what}.${k}`, 0);
  }
  const tokenLabels = [...(options.tokenClasses ?? TOKEN_LABELS)];
  for (const c of tokenLabels) expectOneOf(c, 'tokenClasses', TOKEN_LABELS);
  if (options.maxLength !== undefined) expectInteger(options.maxLength, 'maxLength', 3);
  if (!options.output) throw new NeurosieveError('E_ARGUMENT', 'Expected an output directory but received none');
  const out = resolve(options.output);
  checkOutput(out, options.overwrite === true);
  const warn = options.onWarning ?? (() => {});
  const cancelled = () => {
    if (options.signal?.aborted) throw new NeurosieveError('E_CANCELLED', 'extraction cancelled');
  };

  // ---- Sources. ----
  if (options.sources.length === 0) throw new NeurosieveError('E_EMPTY', 'Expected at least one source file or glob for --source but received none');
  const { files, missing } = expandSources(options.sources);
  for (const m of missing) {
    if (!/[*?[]/.test(m)) throw new NeurosieveError('E_IO', `Expected a source file, directory or glob but '${m}' does not exist`);
    warn(`no file matches '${m}'`);
  }
  if (files.length === 0) throw new NeurosieveError('E_EMPTY', `Expected source files but ${options.sources.map((s) => `'${s}'`).join(', ')} matched none`);

  // ---- Model. ----
  const model = await loadModel(options.model, { layers, threads, maxLength: options.maxLength });
  const content = model.maxLength - 2;
  const stride = options.stride ?? Math.max(1, Math.floor(content / 2));
  if (!Number.isInteger(stride) || stride < 1 || stride > content) {
    throw new NeurosieveError('E_ARGUMENT', `Expected a stride between 1 and ${content} (the window without <s>/</s>) but received ${stride}`);
  }

  // ---- Prepare every source (cheap next to the model, and it fixes all shapes up front). ----
  const docs: PreparedSource[] = [];
  const plans: WindowPlan[] = [];
  const skipped: { path: string; reason: string }[] = [];
  let budget = maxTokens > 0 ? maxTokens : Infinity;
  for (const f of files) {
    if (budget <= 0) break;
    cancelled();
    const read = readSource(f);
    const prep = read.ok ? prepareText(f, read.text, model.tokenizer, budget) : read;
    if (!prep.ok) {
      skipped.push({ path: f, reason: prep.reason });
      warn(`skipping ${f}: ${prep.reason}`);
      continue;
    }
    budget -= prep.source.ids.length;
    docs.push(prep.source);
    plans.push(planWindows(prep.source.ids.length, content, stride));
  }
  if (docs.length === 0) throw new NeurosieveError('E_EMPTY', `Expected at least one readable Python source but all ${files.length} were skipped`);

  // Row numbering: token rows are the kept words of the chosen classes, statement rows every statement, in order.
  const classOf = new Map(tokenLabels.map((l, i) => [l, i]));
  const tokenRowOfWord: Int32Array[] = [];
  const sentRowOfStmt: Int32Array[] = [];
  const tokLabelList: number[] = [];
  const sentLabelList: number[] = [];
  const sourceInfo: Record<string, unknown>[] = [];
  let droppedWords = 0;
  let partialWords = 0;
  let straddlingSubwords = 0;
  for (const d of docs) {
    const a = d.align;
    const rows = new Int32Array(a.words.length).fill(-1);
    const firstTok = tokLabelList.length;
    for (let w = 0; w < a.words.length; w++) {
      const c = classOf.get(a.words[w]!.type);
      if (c === undefined || a.wordFirst[w] === -1) continue;
      rows[w] = tokLabelList.length;
      tokLabelList.push(c);
    }
    tokenRowOfWord.push(rows);
    const firstSent = sentLabelList.length;
    const srows = new Int32Array(a.statements.length);
    a.statements.forEach((s, i) => {
      srows[i] = sentLabelList.length;
      sentLabelList.push(STATEMENT_LABELS.indexOf(s.label));
    });
    sentRowOfStmt.push(srows);
    droppedWords += d.droppedWords;
    partialWords += d.partialWords;
    straddlingSubwords += a.straddlingSubwords;
    sourceInfo.push({
      path: d.path,
      subwords: d.ids.length,
      words: a.words.length,
      tokenRows: [firstTok, tokLabelList.length - firstTok],
      sentenceRows: [firstSent, sentLabelList.length - firstSent],
    });
  }
  const tokenTask = makeTask(tokenLabels, Int32Array.from(tokLabelList), sizes, seed, minCount);
  const sentTask = makeTask([...STATEMENT_LABELS], Int32Array.from(sentLabelList), sentSizes, seed, minCount);
  for (const [name, t] of [['token', tokenTask], ['sentence', sentTask]] as const) {
    if (t.split.excluded.length) {
      warn(`${name} task: classes with fewer than ${minCount} examples left out of the splits: ${t.split.excluded.map((c) => t.labels[c]).join(', ')}`);
    }
    const want = name === 'token' ? sizes : sentSizes;
    if (t.split.perClass.train < want.train && t.split.included.length) {
      const p = t.split.perClass;
      warn(`${name} task: only ${p.train + p.dev + p.test} examples per class available; splits scaled to ${p.train} / ${p.dev} / ${p.test}`);
    }
  }

  // ---- Run the model, writing into a temporary directory. ----
  const tmp = join(dirname(out), `.${basename(out)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    mkdirSync(dirname(out), { recursive: true });
    mkdirSync(tmp);
  } catch (err) {
    throw new NeurosieveError('E_IO', `${out}: cannot create the output directory (${(err as Error).message})`, { cause: err });
  }
  let tokOut: TaskOutput | undefined;
  let sentOut: TaskOutput | undefined;
  try {
    tokOut = new TaskOutput(tokenTask, tmp, 'tokens', model.width, dtype, shardRows);
    sentOut = new TaskOutput(sentTask, tmp, 'sentences', model.width, dtype, shardRows);
    const jobs: WindowJob[] = [];
    plans.forEach((p, doc) => {
      for (let k = 0; k < p.start.length; k++) jobs.push({ doc, k });
    });
    const totalTokens = docs.reduce((s, d) => s + d.ids.length, 0);
    const stats = await runWindows(model, docs, plans, jobs, {
      batchSize,
      aggregation,
      sentenceRepr,
      tokenRowOfWord,
      sentRowOfStmt,
      tokOut,
      sentOut,
      totalTokens,
      onProgress: options.onProgress,
      cancelled,
    });
    tokOut.close();
    sentOut.close();

    // ---- Labels, split indices, NeuroX text files, manifest. ----
    const taskFiles = (t: Task, sub: string, inLines: string[], labelLines: string[]) => {
      writeInt32Npy(join(tmp, sub, 'labels.npy'), t.rowLabels);
      writeFileSync(join(tmp, sub, `${sub}.in`), inLines.join('\n') + (inLines.length ? '\n' : ''));
      writeFileSync(join(tmp, sub, `${sub}.label`), labelLines.join('\n') + (labelLines.length ? '\n' : ''));
      const splits: Record<string, unknown> = {};
      [t.split.train, t.split.dev, t.split.test].forEach((idx, k) => {
        const name = SPLIT_NAMES[k]!;
        writeInt32Npy(join(tmp, sub, `${name}-index.npy`), idx);
        writeInt32Npy(join(tmp, sub, `${name}-labels.npy`), Int32Array.from(idx, (r) => t.rowLabels[r]!));
        splits[name] = { activations: `${sub}/${name}.npy`, labels: `${sub}/${name}-labels.npy`, index: `${sub}/${name}-index.npy`, rows: idx.length, perClass: t.split.perClass[name] };
      });
      return splits;
    };
    // Token task: one NeuroX "sentence" per logical line (or comment line), words in row order.
    const tokIn: string[] = [];
    const tokLab: string[] = [];
    docs.forEach((d, di) => {
      const rows = tokenRowOfWord[di]!;
      let group = -1;
      let words: string[] = [];
      let labs: string[] = [];
      const flush = () => {
        if (words.length) {
          tokIn.push(words.join(' '));
          tokLab.push(labs.join(' '));
        }
        words = [];
        labs = [];
      };
      for (let w = 0; w < rows.length; w++) {
        if (rows[w]! < 0) continue;
        if (d.align.wordGroup[w] !== group) {
          flush();
          group = d.align.wordGroup[w]!;
        }
        words.push(escapeWord(d.align.words[w]!.string));
        labs.push(tokenLabels[tokenTask.rowLabels[rows[w]!]!]!);
      }
      flush();
    });
    const sentIn: string[] = [];
    const sentLab: string[] = [];
    for (const d of docs) {
      for (const s of d.align.statements) {
        sentIn.push(s.tokens.map((t) => escapeWord(t.string)).join(' '));
        sentLab.push(s.label);
      }
    }
    const tokSplits = taskFiles(tokenTask, 'tokens', tokIn, tokLab);
    const sentSplits = taskFiles(sentTask, 'sentences', sentIn, sentLab);

    const seconds = (performance.now() - t0) / 1000;
    const taskManifest = (t: Task, sub: string, w: TaskOutput, splits: Record<string, unknown>, extra: Record<string, unknown>) => ({
      ...extra,
      labels: t.labels,
      rows: t.rowLabels.length,
      counts: countBy(t.labels, t.rowLabels),
      shards: w.all.shards.map((s) => ({ file: s.file, rows: s.rows })),
      labelsFile: `${sub}/labels.npy`,
      neurox: { in: `${sub}/${sub}.in`, label: `${sub}/${sub}.label` },
      splits,
      splitClasses: t.split.included.map((c) => t.labels[c]),
      excludedClasses: t.split.excluded.map((c) => t.labels[c]),
    });
    const uniform = model.blocks.every((b) => b.width === model.blocks[0]!.width);
    const manifest = {
      format: 'neurosieve-activations',
      version: 1,
      created: new Date().toISOString(),
      model: {
        dir: model.dir,
        onnx: basename(model.onnxPath),
        tokenizer: basename(model.tokenizerPath),
        modelType: model.config.model_type ?? null,
        hiddenSize: model.hiddenSize || null,
        ffnSize: model.ffnSize || null,
        maxLength: model.maxLength,
      },
      columns: model.width,
      blocks: model.blocks satisfies ColumnBlock[],
      layers: model.blocks.length,
      // method.md's layout [l·H, (l+1)·H) holds when every block has the same width.
      neuronsPerLayer: uniform ? model.blocks[0]!.width : null,
      layerSet: layers,
      dtype,
      aggregation,
      sentenceRepresentation: sentenceRepr,
      window: { maxLength: model.maxLength, stride, batchSize },
      seed,
      maxTokens: maxTokens || null,
      sources: sourceInfo.map((s) => ({ ...s, path: relative(process.cwd(), resolve(s.path as string)) })),
      skipped,
      subwords: totalTokens,
      modelTokens: stats.modelTokens,
      windows: jobs.length,
      // Subwords covering two Python tokens are left out of both; words left with no subword are dropped.
      straddlingSubwords,
      droppedWords,
      partialWords,
      tokens: taskManifest(tokenTask, 'tokens', tokOut, tokSplits, { task: 'python-token-type', unit: 'word (Python token)' }),
      sentences: taskManifest(sentTask, 'sentences', sentOut, sentSplits, { task: 'python-statement-type', unit: 'statement (logical line)' }),
      seconds,
      tokensPerSecond: totalTokens / stats.modelSeconds,
    };
    writeFileSync(join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');

    // ---- Into place. ----
    cancelled();
    let old: string | undefined;
    if (existsSync(out)) {
      old = `${tmp}.old`;
      renameSync(out, old);
    }
    renameSync(tmp, out);
    if (old) rmSync(old, { recursive: true, force: true });

    const summary = (t: Task): TaskSummary => ({
      task: t === tokenTask ? 'python-token-type' : 'python-statement-type',
      labels: t.labels,
      rows: t.rowLabels.length,
      counts: countBy(t.labels, t.rowLabels),
      splits: {
        train: { rows: t.split.train.length, perClass: t.split.perClass.train },
        dev: { rows: t.split.dev.length, perClass: t.split.perClass.dev },
        test: { rows: t.split.test.length, perClass: t.split.perClass.test },
      },
      excludedClasses: t.split.excluded.map((c) => t.labels[c]!),
    });
    return {
      output: out,
      manifest,
      sources: docs.length,
      skipped,
      tokens: totalTokens,
      modelTokens: stats.modelTokens,
      windows: jobs.length,
      seconds,
      tokensPerSecond: totalTokens / stats.modelSeconds,
      tokenTask: summary(tokenTask),
      sentenceTask: summary(sentTask),
    };
  } catch (err) {
    try {
      tokOut?.close();
      sentOut?.close();
    } catch {
      /* already closed */
    }
    rmSync(tmp, { recursive: true, force: true });
    if (err instanceof NeurosieveError) throw err;
    throw new NeurosieveError('E_IO', `${out}: extraction failed (${(err as Error).message})`, { cause: err });
  }
}

interface RunContext {
  batchSize: number;
  aggregation: Aggregation;
  sentenceRepr: SentenceRepresentation;
  tokenRowOfWord: Int32Array[];
  sentRowOfStmt: Int32Array[];
  tokOut: TaskOutput;
  sentOut: TaskOutput;
  totalTokens: number;
  onProgress?: (p: ExtractProgress) => void;
  cancelled: () => void;
}

/**
 * Feeds windows to onnxruntime in batches and aggregates the owned positions of each. The next batch is submitted
 * before the current one is aggregated, so JS work overlaps the model's.
 */
async function runWindows(
  model: LoadedModel,
  docs: PreparedSource[],
  plans: WindowPlan[],
  jobs: WindowJob[],
  ctx: RunContext,
): Promise<{ modelTokens: number; modelSeconds: number }> {
  const { cls, sep, pad } = model.tokenizer.special;
  const width = model.width;
  const row = new Float32Array(width); // the current subword's activations
  const tokAgg = new SpanAggregator(ctx.aggregation, width);
  const sentAgg = new SpanAggregator(ctx.sentenceRepr === 'mean' ? 'average' : 'first', width);
  let done = 0;
  let modelTokens = 0;
  const start = performance.now();

  const submit = (from: number) => {
    const batch = jobs.slice(from, from + ctx.batchSize);
    const seq = 2 + Math.max(...batch.map((j) => plans[j.doc]!.end[j.k]! - plans[j.doc]!.start[j.k]!));
    const ids = new BigInt64Array(batch.length * seq).fill(BigInt(pad));
    const mask = new BigInt64Array(batch.length * seq);
    batch.forEach((j, b) => {
      const p = plans[j.doc]!;
      const src = docs[j.doc]!.ids;
      const s = p.start[j.k]!;
      const n = p.end[j.k]! - s;
      const o = b * seq;
      ids[o] = BigInt(cls);
      for (let i = 0; i < n; i++) ids[o + 1 + i] = BigInt(src[s + i]!);
      ids[o + 1 + n] = BigInt(sep);
      mask.fill(1n, o, o + n + 2);
      modelTokens += n;
    });
    const feeds = {
      input_ids: new ort.Tensor('int64', ids, [batch.length, seq]),
      attention_mask: new ort.Tensor('int64', mask, [batch.length, seq]),
    };
    const result = model.session.run(feeds, model.fetches).catch((err: unknown) => {
      throw new NeurosieveError('E_MODEL', `${model.onnxPath}: onnxruntime failed (${(err as Error).message})`, { cause: err });
    });
    // If we stop before awaiting this batch (an error or Ctrl-C in the previous one), do not leak a rejection.
    result.catch(() => {});
    return { batch, seq, result };
  };

  // Which column blocks come from which output, and where (layer l of a stacked output of L layers).
  const sources = model.blocks.map((b) => ({ ...b, output: b.kind === 'ffn' ? 'ffn_acts' : model.fetches[0]!, stackIndex: b.kind === 'ffn' ? b.layer - 1 : Math.max(0, b.layer) }));

  let pending = jobs.length ? submit(0) : undefined;
  for (let next = ctx.batchSize; pending; next += ctx.batchSize) {
    ctx.cancelled();
    const current = pending;
    const outputs = await current.result;
    pending = next < jobs.length ? submit(next) : undefined;
    const B = current.batch.length;
    const S = current.seq;
    current.batch.forEach((j, b) => {
      const p = plans[j.doc]!;
      const d = docs[j.doc]!;
      const rowsOfWord = ctx.tokenRowOfWord[j.doc]!;
      const rowsOfStmt = ctx.sentRowOfStmt[j.doc]!;
      const words = d.align;
      for (let s = p.ownStart[j.k]!; s < p.ownEnd[j.k]!; s++) {
        const pos = 1 + s - p.start[j.k]!; // +1 for <s>
        for (const src of sources) {
          const data = outputs[src.output]!.data as Float32Array;
          const off = src.output === 'last_hidden_state' ? (b * S + pos) * src.width : ((src.stackIndex * B + b) * S + pos) * src.width;
          row.set(data.subarray(off, off + src.width), src.offset);
        }
        // Token task: aggregate the word's clean subwords.
        const w = d.wordOfSub[s]!;
        if (w >= 0 && rowsOfWord[w]! >= 0) {
          const r = tokAgg.add(row, s === words.wordFirst[w], s === words.wordLast[w]);
          if (r) ctx.tokOut.push(rowsOfWord[w]!, r);
        }
        // Sentence task: the statement's mean (or first) subword.
        const st = d.stmtOfSub[s]!;
        if (st >= 0) {
          const stmt = words.statements[st]!;
          const r = sentAgg.add(row, s === stmt.firstSub, s === stmt.lastSub);
          if (r) ctx.sentOut.push(rowsOfStmt[st]!, r);
        }
      }
      done += p.ownEnd[j.k]! - p.ownStart[j.k]!;
    });
    ctx.onProgress?.({ tokens: done, totalTokens: ctx.totalTokens, source: docs[current.batch[B - 1]!.doc]!.path });
  }
  return { modelTokens, modelSeconds: Math.max(1e-9, (performance.now() - start) / 1000) };
}
