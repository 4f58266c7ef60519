/**
 * The options of `extractActivations` and their validation: every check runs here, once, before any file is read
 * or the model is loaded, with messages "Expected … for … but received …".
 */
import { resolve } from 'node:path';
import { NeurosieveError } from '../core/errors.js';
import { DEFAULT_THREADS, expectInteger, expectOneOf } from '../core/validate.js';
import { TOKEN_LABELS } from './labels.js';
import { LAYER_SETS, type LayerSet } from './model.js';
import { checkOutputDir } from './output-dir.js';
import { OUTPUT_DTYPES, type OutputDtype } from './row-writer.js';
import type { SplitSizes } from './splits.js';
import { SPLIT_NAMES } from './tasks.js';

/** Subword → word aggregations (ExtractOptions.aggregation). */
export const AGGREGATIONS = ['first', 'last', 'average'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];
/**
 * What a token-task row is (ExtractOptions.unit): a `word` (a Python token; its subwords aggregated, method.md §1)
 * or a `subword` (one row per subword token of a kept word, labelled with that word's class; specials excluded).
 */
export const EXTRACTION_UNITS = ['word', 'subword'] as const;
export type ExtractionUnit = (typeof EXTRACTION_UNITS)[number];
/** A statement's row: mean or first of its subwords (ExtractOptions.sentenceRepresentation). */
export const SENTENCE_REPRESENTATIONS = ['mean', 'first'] as const;
export type SentenceRepresentation = (typeof SENTENCE_REPRESENTATIONS)[number];

export interface ExtractOptions {
  /** Model directory (model.onnx or model.fp16.onnx, tokenizer.json, config.json) or an .onnx file. */
  model: string;
  /** Source files, directories (every *.py below) or globs. */
  sources: readonly string[];
  /** Output directory; created (it must not exist or be empty unless `overwrite`). */
  output: string;
  /** Subword → word aggregation (default 'average', as the paper); unused with unit 'subword'. */
  aggregation?: Aggregation;
  /** Token-task rows: one per word (default) or one per subword token, labelled with its word's class. */
  unit?: ExtractionUnit;
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

/** Every key of ExtractOptions; the compiler checks the list is complete, so unknown keys can be rejected by name. */
const OPTION_KEYS = {
  model: true, sources: true, output: true, aggregation: true, unit: true, layers: true, dtype: true, maxLength: true, stride: true,
  batchSize: true, threads: true, maxTokens: true, shardRows: true, splits: true, sentenceSplits: true,
  minClassCount: true, seed: true, tokenClasses: true, sentenceRepresentation: true, overwrite: true,
  onProgress: true, onWarning: true, signal: true,
} satisfies Record<keyof ExtractOptions, true>;
export const EXTRACT_OPTION_KEYS: readonly string[] = Object.keys(OPTION_KEYS);

/** The options with their defaults filled in, checked. */
export interface ResolvedOptions {
  aggregation: Aggregation;
  unit: ExtractionUnit;
  layers: LayerSet;
  dtype: OutputDtype;
  sentenceRepr: SentenceRepresentation;
  batchSize: number;
  threads: number;
  maxTokens: number;
  shardRows: number;
  seed: number;
  minCount: number;
  sizes: SplitSizes;
  sentSizes: SplitSizes;
  tokenLabels: string[];
  /** The output directory, absolute. */
  out: string;
  warn: (message: string) => void;
  /** Throws E_CANCELLED once `signal` is aborted; called between steps. */
  cancelled: () => void;
}

/** Defaults of ExtractOptions (the paper's splits and aggregation); maxLength and stride depend on the model. */
export const EXTRACT_DEFAULTS = {
  aggregation: 'average',
  unit: 'word',
  layers: 'hidden',
  dtype: 'float32',
  sentenceRepresentation: 'mean',
  batchSize: 8,
  threads: DEFAULT_THREADS,
  maxTokens: 0,
  shardRows: 65536,
  splits: { train: 5000, dev: 540, test: 365 },
  minClassCount: 50,
  seed: 1,
} as const satisfies Partial<ExtractOptions>;

/** Fills in defaults and checks every option, in the order the messages have always come in. */
export function resolveExtractOptions(options: ExtractOptions): ResolvedOptions {
  const d = EXTRACT_DEFAULTS;
  const aggregation = expectOneOf(options.aggregation ?? d.aggregation, 'aggregation', AGGREGATIONS);
  const unit = expectOneOf(options.unit ?? d.unit, 'unit', EXTRACTION_UNITS);
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
  checkOutputDir(out, options.overwrite === true);
  const warn = options.onWarning ?? (() => {});
  const cancelled = () => {
    if (options.signal?.aborted) throw new NeurosieveError('E_CANCELLED', 'extraction cancelled');
  };
  return { aggregation, unit, layers, dtype, sentenceRepr, batchSize, threads, maxTokens, shardRows, seed, minCount, sizes, sentSizes, tokenLabels, out, warn, cancelled };
}

/** Subwords between window starts: `stride`, or half of the window's content (it holds <s> and </s> too). */
export function windowStride(stride: number | undefined, maxLength: number): number {
  const content = maxLength - 2;
  const s = stride ?? Math.max(1, Math.floor(content / 2));
  if (!Number.isInteger(s) || s < 1 || s > content) {
    throw new NeurosieveError('E_ARGUMENT', `Expected a stride between 1 and ${content} (the window without <s>/</s>) but received ${s}`);
  }
  return s;
}
