/** The options and help of `neurosieve extract`, kept apart from its implementation (src/cli/extract.ts) so that help and
 * argument parsing load no command code. */
import { AGGREGATIONS, EXTRACTION_UNITS, EXTRACT_DEFAULTS, LAYER_SETS, OUTPUT_DTYPES, SENTENCE_REPRESENTATIONS, TOKEN_LABELS, type SplitSizes } from '../../extract/index.js';
import type { CommandSpec } from '../args.js';
import { choice, threadsOption } from '../options.js';

const d = EXTRACT_DEFAULTS;
const splits = (s: SplitSizes) => `${s.train} ${s.dev} ${s.test}`;

export const extractSpec: CommandSpec = {
  name: 'extract',
  summary: 'activations + Python token/statement labels from an ONNX code model',
  usage: 'neurosieve extract --model <dir> --source <files, dirs or globs...> -o <dir> [options]',
  positionals: { name: 'more sources', min: 0 },
  options: [
    { name: 'model', short: 'm', kind: 'string', value: 'dir', required: true, help: 'model directory (model.onnx or model.fp16.onnx, tokenizer.json, config.json) or an .onnx file' },
    { name: 'source', short: 's', kind: 'list', value: 'files...', help: 'Python files, directories (every *.py below) or globs (quote them)' },
    { name: 'output', short: 'o', kind: 'string', value: 'dir', required: true, help: 'output directory (new or empty): manifest.json, tokens/, sentences/' },
    choice('aggregation', AGGREGATIONS, d.aggregation, 'subword → word aggregation'),
    choice('unit', EXTRACTION_UNITS, d.unit, 'token-task rows: one per word (subwords aggregated), or one per subword token labelled with its word'),
    choice('layers', LAYER_SETS, d.layers, 'columns: per-layer hidden states, FFN neurons, or both'),
    choice('dtype', OUTPUT_DTYPES, d.dtype, 'element type of the activation .npy files'),
    choice('sentence-repr', SENTENCE_REPRESENTATIONS, d.sentenceRepresentation, "a statement's row: mean or first of its subwords (in context)"),
    { name: 'max-length', kind: 'int', value: 'N', help: 'tokens per window incl. <s> </s> (default from config.json: 128 for the bundled model)' },
    { name: 'stride', kind: 'int', value: 'N', help: 'subwords between window starts (default half a window)' },
    { name: 'batch-size', kind: 'int', value: 'N', default: d.batchSize, help: 'windows per model call' },
    threadsOption('onnxruntime threads, 0 = all cores'),
    { name: 'max-tokens', kind: 'int', value: 'N', default: d.maxTokens, help: 'stop after N subwords in total (quick runs), 0 = no limit' },
    { name: 'shard-rows', kind: 'int', value: 'N', default: d.shardRows, help: 'rows per activation shard' },
    { name: 'split', kind: 'list', value: 'train dev test', help: `token task: examples per class (default ${splits(d.splits)})` },
    { name: 'sentence-split', kind: 'list', value: 'train dev test', help: 'sentence task: examples per class (default: as --split)' },
    { name: 'min-class-count', kind: 'int', value: 'N', default: d.minClassCount, help: 'leave classes with fewer examples out of the splits' },
    { name: 'token-classes', kind: 'list', value: 'names...', help: `token task classes (default ${TOKEN_LABELS.join(' ')})` },
    { name: 'seed', kind: 'int', value: 'N', default: d.seed, help: 'seed of the balanced sampling' },
    { name: 'overwrite', kind: 'boolean', help: 'replace an existing non-empty output directory' },
  ],
};
