/**
 * manifest.json: what an extraction produced and how (model, columns, options, sources, tasks and their files),
 * enough to read the outputs without knowing neurosieve and to repeat the run. Its keys and their order are
 * part of the format (version 1).
 */
import { writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import type { ColumnBlock, LoadedModel } from './model.js';
import type { ResolvedOptions } from './options.js';
import type { RowNumbering } from './plan.js';
import { POSITION_COLUMNS } from './positions.js';
import type { TaskOutput } from './task-output.js';
import { countBy, type Task } from './tasks.js';

export const TOKEN_TASK = 'python-token-type';
export const SENTENCE_TASK = 'python-statement-type';

/** A task's entry: its rows, files and splits. */
export interface TaskRecord {
  task: Task;
  sub: 'tokens' | 'sentences';
  output: TaskOutput;
  /** `splits` from writeTaskFiles. */
  splits: Record<string, unknown>;
  /** The rows' source spans (positions.ts), relative to the output directory. */
  positions: string;
}

export interface ManifestInput {
  model: LoadedModel;
  opts: ResolvedOptions;
  stride: number;
  rows: RowNumbering;
  skipped: { path: string; reason: string }[];
  subwords: number;
  modelTokens: number;
  modelSeconds: number;
  windows: number;
  seconds: number;
  tokens: TaskRecord;
  sentences: TaskRecord;
}

function taskManifest(r: TaskRecord, extra: Record<string, unknown>) {
  const t = r.task;
  return {
    ...extra,
    labels: t.labels,
    rows: t.rowLabels.length,
    counts: countBy(t.labels, t.rowLabels),
    shards: r.output.all.shards.map((s) => ({ file: s.file, rows: s.rows })),
    labelsFile: `${r.sub}/labels.npy`,
    neurox: { in: `${r.sub}/${r.sub}.in`, label: `${r.sub}/${r.sub}.label` },
    positions: r.positions,
    positionsColumns: POSITION_COLUMNS,
    splits: r.splits,
    splitClasses: t.split.included.map((c) => t.labels[c]),
    excludedClasses: t.split.excluded.map((c) => t.labels[c]),
  };
}

function modelManifest(model: LoadedModel) {
  return {
    dir: model.dir,
    onnx: basename(model.onnxPath),
    tokenizer: basename(model.tokenizerPath),
    modelType: model.config.model_type ?? null,
    hiddenSize: model.hiddenSize || null,
    ffnSize: model.ffnSize || null,
    maxLength: model.maxLength,
  };
}

export function buildManifest(m: ManifestInput) {
  const { model, opts, rows } = m;
  const uniform = model.blocks.every((b) => b.width === model.blocks[0]!.width);
  return {
    format: 'neurosieve-activations',
    version: 1,
    created: new Date().toISOString(),
    model: modelManifest(model),
    columns: model.width,
    blocks: model.blocks satisfies ColumnBlock[],
    layers: model.blocks.length,
    // method.md's layout [l·H, (l+1)·H) holds when every block has the same width.
    neuronsPerLayer: uniform ? model.blocks[0]!.width : null,
    layerSet: opts.layers,
    dtype: opts.dtype,
    // What a token-task row is: a word (its subwords aggregated) or a single subword token.
    unit: opts.unit,
    aggregation: opts.unit === 'word' ? opts.aggregation : null,
    sentenceRepresentation: opts.sentenceRepr,
    window: { maxLength: model.maxLength, stride: m.stride, batchSize: opts.batchSize },
    seed: opts.seed,
    maxTokens: opts.maxTokens || null,
    sources: rows.sources.map((s) => ({ ...s, path: relative(process.cwd(), resolve(s.path)) })),
    skipped: m.skipped,
    subwords: m.subwords,
    modelTokens: m.modelTokens,
    windows: m.windows,
    // Subwords covering two Python tokens are left out of both; words left with no subword are dropped.
    straddlingSubwords: rows.straddlingSubwords,
    droppedWords: rows.droppedWords,
    partialWords: rows.partialWords,
    tokens: taskManifest(m.tokens, { task: TOKEN_TASK, unit: opts.unit === 'word' ? 'word (Python token)' : 'subword (of a Python token, labelled with its class)' }),
    sentences: taskManifest(m.sentences, { task: SENTENCE_TASK, unit: 'statement (logical line)' }),
    seconds: m.seconds,
    tokensPerSecond: m.subwords / m.modelSeconds,
  };
}

export function writeManifest(dir: string, manifest: Record<string, unknown>): void {
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
}
