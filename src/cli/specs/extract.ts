/** The options and help of `neurosieve extract`, kept apart from its implementation (src/cli/extract.ts) so that help and
 * argument parsing load no command code. */
import type { CommandSpec } from '../args.js';

export const extractSpec: CommandSpec = {
  name: 'extract',
  summary: 'activations + Python token/statement labels from an ONNX code model',
  usage: 'neurosieve extract --model <dir> --source <files, dirs or globs...> -o <dir> [options]',
  positionals: { name: 'more sources', min: 0 },
  options: [
    { name: 'model', short: 'm', kind: 'string', value: 'dir', required: true, help: 'model directory (model.onnx or model.fp16.onnx, tokenizer.json, config.json) or an .onnx file' },
    { name: 'source', short: 's', kind: 'list', value: 'files...', help: 'Python files, directories (every *.py below) or globs (quote them)' },
    { name: 'output', short: 'o', kind: 'string', value: 'dir', required: true, help: 'output directory (new or empty): manifest.json, tokens/, sentences/' },
    { name: 'aggregation', kind: 'string', choices: ['first', 'last', 'average'], default: 'average', help: 'subword → word aggregation' },
    { name: 'layers', kind: 'string', choices: ['hidden', 'ffn', 'both'], default: 'hidden', help: 'columns: per-layer hidden states, FFN neurons, or both' },
    { name: 'dtype', kind: 'string', choices: ['float32', 'float16'], default: 'float32', help: 'element type of the activation .npy files' },
    { name: 'sentence-repr', kind: 'string', choices: ['mean', 'first'], default: 'mean', help: "a statement's row: mean or first of its subwords (in context)" },
    { name: 'max-length', kind: 'int', value: 'N', help: 'tokens per window incl. <s> </s> (default from config.json: 128 for the bundled model)' },
    { name: 'stride', kind: 'int', value: 'N', help: 'subwords between window starts (default half a window)' },
    { name: 'batch-size', kind: 'int', value: 'N', default: 8, help: 'windows per model call' },
    { name: 'threads', kind: 'int', value: 'N', default: 0, help: 'onnxruntime threads, 0 = all cores' },
    { name: 'max-tokens', kind: 'int', value: 'N', default: 0, help: 'stop after N subwords in total (quick runs), 0 = no limit' },
    { name: 'shard-rows', kind: 'int', value: 'N', default: 65536, help: 'rows per activation shard' },
    { name: 'split', kind: 'list', value: 'train dev test', help: 'token task: examples per class (default 5000 540 365)' },
    { name: 'sentence-split', kind: 'list', value: 'train dev test', help: 'sentence task: examples per class (default: as --split)' },
    { name: 'min-class-count', kind: 'int', value: 'N', default: 50, help: 'leave classes with fewer examples out of the splits' },
    { name: 'token-classes', kind: 'list', value: 'names...', help: 'token task classes (default NAME KEYWORD NUMBER STRING OP COMMENT)' },
    { name: 'seed', kind: 'int', value: 'N', default: 1, help: 'seed of the balanced sampling' },
    { name: 'overwrite', kind: 'boolean', help: 'replace an existing non-empty output directory' },
  ],
};
