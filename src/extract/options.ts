/**
 * The choices and defaults of ExtractOptions (src/extract/extract.ts), read by extractActivations and by the CLI.
 * A light module: importing it does not load onnxruntime.
 */
import { DEFAULT_THREADS } from '../core/validate.js';
import type { ExtractOptions } from './extract.js';

/** Subword → word aggregations (ExtractOptions.aggregation). */
export const AGGREGATIONS = ['first', 'last', 'average'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];
/** A statement's row: mean or first of its subwords (ExtractOptions.sentenceRepresentation). */
export const SENTENCE_REPRESENTATIONS = ['mean', 'first'] as const;
export type SentenceRepresentation = (typeof SENTENCE_REPRESENTATIONS)[number];

/** Defaults of ExtractOptions (the paper's splits and aggregation); maxLength and stride depend on the model. */
export const EXTRACT_DEFAULTS = {
  aggregation: 'average',
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

export const EXTRACT_KEYS: readonly (keyof ExtractOptions)[] = [
  'model', 'sources', 'output', 'aggregation', 'layers', 'dtype', 'maxLength', 'stride', 'batchSize', 'threads', 'maxTokens', 'shardRows',
  'splits', 'sentenceSplits', 'minClassCount', 'seed', 'tokenClasses', 'sentenceRepresentation', 'overwrite', 'onProgress', 'onWarning', 'signal',
];
