/**
 * The seed pipeline's JSON config (Dalvi et al. 2020's run_sentence_pipeline_all.py and its copy in the
 * seed repository), read into AnalyzeData and AnalyzeOptions so that an existing experiment runs unchanged:
 * `neurosieve analyze config.json`. Like the reference's validator, every one of its 22 keys is required and
 * no other key is accepted (plus the labeling pipeline's optional dev_source / dev_labels / dev_activations);
 * each bad value is named by its field.
 *
 * Mapping: train_* and test_* (paths under base_dir; $VARIABLES expanded from the environment) are the train
 * and test sets; without dev_* the train rows are split as the reference splits them (seed 7361, 90/10); the
 * *_source text gives the words of concept neurons; num_neurons_per_layer the layers; clustering_thresholds,
 * performance_deltas ([δ_L, δ_N] pairs), num_epochs, batch_size, lambda_l1, lambda_l2 and metric the options;
 * task_specific_tag the class that test labels unseen in train map to. The sentence pipeline does not
 * normalise activations, so z-scoring is off for a config unless asked for. Keys the reference reads but does
 * not use here are checked and recorded: max_sent_l and is_brnn (loading details of other formats),
 * ranking_type, output_directory (the default place of the results). model_type 'regression' and
 * limit_instances other than −1 are refused: neither is implemented yet.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NeurosieveError } from '../core/errors.js';
import type { AnalyzeMetric, AnalyzeOptions } from './options.js';
import { configBase, type SourcedData } from './inputs.js';
import { readJsonText } from '../io/json-limits.js';

const REQUIRED = [
  'base_dir', 'train_source', 'train_labels', 'train_activations', 'test_source', 'test_labels', 'test_activations',
  'task_specific_tag', 'output_directory', 'max_sent_l', 'is_brnn', 'num_neurons_per_layer', 'limit_instances',
  'clustering_thresholds', 'ranking_type', 'num_epochs', 'batch_size', 'lambda_l1', 'lambda_l2', 'model_type', 'metric',
  'performance_deltas',
] as const;
const OPTIONAL = ['dev_source', 'dev_labels', 'dev_activations'] as const;

/** The reference's metric names that are classification scores, and ours. */
const METRICS: Record<string, AnalyzeMetric> = { accuracy: 'accuracy', f1: 'f1', accuracy_and_f1: 'f1', matthews_corrcoef: 'mcc' };

export interface SeedConfig {
  data: SourcedData;
  options: AnalyzeOptions;
  /** output_directory, resolved. */
  outputDirectory: string;
}

/** True when `doc` looks like a seed pipeline config (it names train activations the way the reference does). */
export function isSeedConfig(doc: unknown): boolean {
  return typeof doc === 'object' && doc !== null && 'train_activations' in doc && 'clustering_thresholds' in doc;
}

function bad(path: string, key: string, what: string, value: unknown): never {
  throw new NeurosieveError('E_ARGUMENT', `${path}: Expected ${what} for ${key} but received ${JSON.stringify(value)}`);
}

function expand(path: string, key: string, value: string): string {
  return value.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, name: string) => {
    const v = process.env[name];
    if (v === undefined) throw new NeurosieveError('E_ARGUMENT', `${path}: ${key} uses $${name}, which is not set in the environment`);
    return v;
  });
}

/** The words of a *_source file: one per row when its tokens (or, for sentence tasks, its lines) match the rows. */
export function sourceWords(path: string): { tokens: string[]; lines: string[] } {
  const lines = readFileSync(path, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return { lines, tokens: lines.flatMap((l) => l.split(/\s+/).filter((w) => w.length > 0)) };
}

export function readSeedConfig(path: string): SeedConfig {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(readJsonText(path, 'the config')) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof NeurosieveError) throw err; // the file's limits, already naming it
    throw new NeurosieveError((err as NodeJS.ErrnoException).code ? 'E_IO' : 'E_FORMAT', `${path}: cannot read the config (${(err as Error).message})`, { cause: err });
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) bad(path, 'the config', 'a JSON object', doc);
  const missing = REQUIRED.filter((k) => !(k in doc));
  if (missing.length > 0) throw new NeurosieveError('E_ARGUMENT', `${path}: Expected the keys ${missing.join(', ')} in the config but received none for them`);
  const extra = Object.keys(doc).filter((k) => !(REQUIRED as readonly string[]).includes(k) && !(OPTIONAL as readonly string[]).includes(k));
  if (extra.length > 0) throw new NeurosieveError('E_ARGUMENT', `${path}: Expected only the seed pipeline's keys in the config but received ${extra.join(', ')}`);

  const str = (k: string) => (typeof doc[k] === 'string' && (doc[k] as string).length > 0 ? (doc[k] as string) : bad(path, k, 'a non-empty string', doc[k]));
  const int = (k: string, min: number) => (Number.isInteger(doc[k]) && (doc[k] as number) >= min ? (doc[k] as number) : bad(path, k, `an integer >= ${min}`, doc[k]));
  const num = (k: string) => (typeof doc[k] === 'number' && Number.isFinite(doc[k]) && (doc[k] as number) >= 0 ? (doc[k] as number) : bad(path, k, 'a finite number >= 0', doc[k]));
  const base = configBase(path, expand(path, 'base_dir', str('base_dir')));
  const file = (k: string) => {
    const p = join(base, expand(path, k, str(k)));
    if (!existsSync(p)) throw new NeurosieveError('E_IO', `${path}: ${k} names ${p}, which does not exist`);
    return p;
  };

  if (doc.model_type !== 'classification') {
    if (doc.model_type === 'regression') throw new NeurosieveError('E_ARGUMENT', `${path}: model_type 'regression' is not supported yet (regression probes are planned); use 'classification'`);
    bad(path, 'model_type', "'classification'", doc.model_type);
  }
  const metric = METRICS[String(doc.metric)];
  if (!metric) bad(path, 'metric', `one of ${Object.keys(METRICS).join(', ')} (classification metrics)`, doc.metric);
  if (int('limit_instances', -1) !== -1) throw new NeurosieveError('E_ARGUMENT', `${path}: limit_instances other than -1 is not supported (the reference reads it but never uses it); received ${String(doc.limit_instances)}`);
  int('max_sent_l', 1);
  if (typeof doc.is_brnn !== 'boolean') bad(path, 'is_brnn', 'true or false', doc.is_brnn);
  str('ranking_type');
  const thresholds = doc.clustering_thresholds;
  if (!Array.isArray(thresholds) || thresholds.length === 0 || !thresholds.every((t) => typeof t === 'number' && (t === -1 || (t >= 0 && t <= 2)))) {
    bad(path, 'clustering_thresholds', 'a non-empty list of distance thresholds in [0, 2] or -1', thresholds);
  }
  const deltas = doc.performance_deltas;
  if (!Array.isArray(deltas) || deltas.length === 0 || !deltas.every((p) => Array.isArray(p) && p.length === 2 && p.every((v) => typeof v === 'number' && v >= 0 && v < 100))) {
    bad(path, 'performance_deltas', 'a non-empty list of [δ_L, δ_N] pairs in percent', deltas);
  }
  const H = int('num_neurons_per_layer', 1);
  const tag = str('task_specific_tag');

  const hasDev = OPTIONAL.some((k) => k in doc);
  if (hasDev && !OPTIONAL.every((k) => k in doc)) throw new NeurosieveError('E_ARGUMENT', `${path}: Expected dev_source, dev_labels and dev_activations together in the config but received only ${OPTIONAL.filter((k) => k in doc).join(', ')}`);
  const source = sourceWords(file('train_source'));
  // Token tasks have a row per token, sentence tasks a row per line: whichever count matches.
  const words = (rows: number) => (source.tokens.length === rows ? source.tokens : source.lines.length === rows ? source.lines : undefined);
  const data: SourcedData = {
    train: { activations: [file('train_activations')], labels: file('train_labels'), words },
    ...(hasDev ? { dev: { activations: [file('dev_activations')], labels: file('dev_labels') } } : {}),
    test: { activations: [file('test_activations')], labels: file('test_labels') },
    layers: H,
    unknown: tag,
    source: { config: path, ...Object.fromEntries(REQUIRED.map((k) => [k, doc[k]])) },
  };
  // Without dev_*, the reference splits its train rows 90/10 and uses the official dev file as test.
  return {
    data,
    options: {
      thresholds: thresholds as number[],
      deltas: (deltas as number[][]).map(([a, b]) => [a!, b!]),
      epochs: int('num_epochs', 1),
      batchSize: int('batch_size', 1),
      l1: num('lambda_l1'),
      l2: num('lambda_l2'),
      metric,
      zscore: false,
    },
    outputDirectory: join(base, expand(path, 'output_directory', str('output_directory'))),
  };
}
