/**
 * `extractActivations`: source files + an ONNX model → labelled activation matrices, the way NeuroX's extractor
 * and the paper's Python task prepare data (method.md §1), without Python. The steps, each in its own file:
 *
 * 1. options.ts checks every option; output-dir.ts the output directory.
 * 2. plan.ts reads, tokenises (Python tokens and subwords), aligns and cuts every source into windows, and numbers
 *    the rows, so all row counts, labels and the balanced splits (tasks.ts) are known before the model runs.
 * 3. run-windows.ts runs the windows through onnxruntime in batches; each subword's activations come from the
 *    window that owns it (windows.ts); words aggregate their subwords (first | last | average), statements theirs
 *    (mean | first). Rows stream into .npy files (task-output.ts, row-writer.ts).
 * 4. task-files.ts writes labels, split indices and NeuroX text files; positions.ts each row's span in its source
 *    (for showing a row in context); manifest.ts the manifest.
 * Everything is written into a temporary directory next to the output, renamed into place only at the end: an
 * error or Ctrl-C leaves nothing behind.
 */
import { NeurosieveError } from '../core/errors.js';
import { missingPackageError, missingPackages } from '../core/optional-package.js';
import { expectKnownKeys } from '../core/validate.js';
import { buildManifest, SENTENCE_TASK, TOKEN_TASK, writeManifest } from './manifest.js';
import { loadModel, type LoadedModel } from './model.js';
import { EXTRACT_OPTION_KEYS, resolveExtractOptions, windowStride, type ExtractOptions, type ResolvedOptions } from './options.js';
import { createTempDir, discardTempDir, moveIntoPlace } from './output-dir.js';
import { numberRows, planSources, windowJobs, type PlannedSources, type RowNumbering } from './plan.js';
import { sentencePositions, tokenPositions, writePositions } from './positions.js';
import { runWindows } from './run-windows.js';
import { resolveSourceFiles } from './sources.js';
import { STATEMENT_LABELS } from './statements.js';
import { taskSummary, type ExtractSummary } from './summary.js';
import { sentenceTaskLines, tokenTaskLines, writeTaskFiles } from './task-files.js';
import { TaskOutput } from './task-output.js';
import { makeTask, warnAboutSplits, type Task } from './tasks.js';

export type { Aggregation, ExtractOptions, ExtractProgress, SentenceRepresentation } from './options.js';
export type { ExtractSummary, TaskSummary } from './summary.js';

/** Everything decided before the model runs. */
interface Extraction {
  options: ExtractOptions;
  opts: ResolvedOptions;
  model: LoadedModel;
  stride: number;
  planned: PlannedSources;
  rows: RowNumbering;
  tokenTask: Task;
  sentTask: Task;
  /** performance.now() at the start, for `seconds`. */
  t0: number;
}

export async function extractActivations(options: ExtractOptions): Promise<ExtractSummary> {
  expectKnownKeys(options, EXTRACT_OPTION_KEYS, 'extractActivations');
  const t0 = performance.now();
  const opts = resolveExtractOptions(options);
  // Both optional packages are named at once, before any work, rather than one per failed attempt.
  const missing = missingPackages(['onnxruntime-node', '@huggingface/tokenizers']);
  if (missing.length > 0) throw missingPackageError(missing, 'extract');
  const { model, stride, planned } = await loadAndPlan(options, opts);
  const rows = numberRows(planned.docs, opts.tokenLabels, opts.unit);
  const tokenTask = makeTask(opts.tokenLabels, rows.tokenLabels, opts.sizes, opts.seed, opts.minCount);
  const sentTask = makeTask([...STATEMENT_LABELS], rows.sentenceLabels, opts.sentSizes, opts.seed, opts.minCount);
  warnAboutSplits('token', tokenTask, opts.sizes, opts.minCount, opts.warn);
  warnAboutSplits('sentence', sentTask, opts.sentSizes, opts.minCount, opts.warn);

  const tmp = createTempDir(opts.out);
  const writers: TaskOutput[] = [];
  try {
    return await extractInto(tmp, writers, { options, opts, model, stride, planned, rows, tokenTask, sentTask, t0 });
  } catch (err) {
    try {
      for (const w of writers) w.close();
    } catch {
      /* already closed */
    }
    discardTempDir(tmp);
    if (err instanceof NeurosieveError) throw err;
    throw new NeurosieveError('E_IO', `${opts.out}: extraction failed (${(err as Error).message})`, { cause: err });
  }
}

/** Finds the sources, loads the model (its window length fixes the stride) and plans every source. */
async function loadAndPlan(options: ExtractOptions, opts: ResolvedOptions): Promise<{ model: LoadedModel; stride: number; planned: PlannedSources }> {
  const files = resolveSourceFiles(options.sources, opts.warn);
  const model = await loadModel(options.model, { layers: opts.layers, threads: opts.threads, maxLength: options.maxLength });
  const stride = windowStride(options.stride, model.maxLength);
  const planned = planSources(files, model.tokenizer, { maxTokens: opts.maxTokens, content: model.maxLength - 2, stride, warn: opts.warn, cancelled: opts.cancelled });
  return { model, stride, planned };
}

/** Runs the model and writes every output into `tmp`, then moves `tmp` into place. `writers` collects open writers. */
async function extractInto(tmp: string, writers: TaskOutput[], x: Extraction): Promise<ExtractSummary> {
  const { opts, model, planned, rows } = x;
  const tokOut = new TaskOutput(x.tokenTask, tmp, 'tokens', model.width, opts.dtype, opts.shardRows);
  writers.push(tokOut);
  const sentOut = new TaskOutput(x.sentTask, tmp, 'sentences', model.width, opts.dtype, opts.shardRows);
  writers.push(sentOut);
  const jobs = windowJobs(planned.plans);
  const totalTokens = planned.docs.reduce((s, d) => s + d.ids.length, 0);
  const stats = await runWindows(model, planned.docs, planned.plans, jobs, {
    batchSize: opts.batchSize,
    aggregation: opts.aggregation,
    sentenceRepr: opts.sentenceRepr,
    tokenRowOfWord: rows.tokenRowOfWord,
    ...(rows.tokenRowOfSub ? { tokenRowOfSub: rows.tokenRowOfSub } : {}),
    sentRowOfStmt: rows.sentRowOfStmt,
    tokOut,
    sentOut,
    totalTokens,
    onProgress: x.options.onProgress,
    cancelled: opts.cancelled,
  });
  tokOut.close();
  sentOut.close();

  const tokSplits = writeTaskFiles(tmp, 'tokens', x.tokenTask, tokenTaskLines(planned.docs, rows.tokenRowOfWord, x.tokenTask, rows.tokenRowOfSub));
  const sentSplits = writeTaskFiles(tmp, 'sentences', x.sentTask, sentenceTaskLines(planned.docs));
  const tokPositions = writePositions(tmp, 'tokens', tokenPositions(planned.docs, rows));
  const sentPositions = writePositions(tmp, 'sentences', sentencePositions(planned.docs, rows));
  const seconds = (performance.now() - x.t0) / 1000;
  const manifest = buildManifest({
    model,
    opts,
    stride: x.stride,
    rows,
    skipped: planned.skipped,
    subwords: totalTokens,
    modelTokens: stats.modelTokens,
    modelSeconds: stats.modelSeconds,
    windows: jobs.length,
    seconds,
    tokens: { task: x.tokenTask, sub: 'tokens', output: tokOut, splits: tokSplits, positions: tokPositions },
    sentences: { task: x.sentTask, sub: 'sentences', output: sentOut, splits: sentSplits, positions: sentPositions },
  });
  writeManifest(tmp, manifest);

  opts.cancelled();
  moveIntoPlace(tmp, opts.out);
  return {
    output: opts.out,
    manifest,
    sources: planned.docs.length,
    skipped: planned.skipped,
    tokens: totalTokens,
    modelTokens: stats.modelTokens,
    windows: jobs.length,
    seconds,
    tokensPerSecond: totalTokens / stats.modelSeconds,
    tokenTask: taskSummary(TOKEN_TASK, x.tokenTask),
    sentenceTask: taskSummary(SENTENCE_TASK, x.sentTask),
  };
}
