/** The options and help of `neurosieve cka`, kept apart from its implementation (src/cli/cka.ts) so that help and
 * argument parsing load no command code. */
import { DEFAULT_CHUNK_ROWS_BOUNDS } from '../../io/chunk-rows.js';
import type { CommandSpec } from '../args.js';
import { formatOption, nanOption, threadsOption } from '../options.js';
import { MINIBATCH_DEFAULTS } from '../../cka/minibatch.js';

export const ckaSpec: CommandSpec = {
  name: 'cka',
  summary: 'CKA between every pair of layers (linear or debiased), from activations or a stats file',
  usage: 'neurosieve cka <inputs... | run.stats | extract-dir> -o cka.json [--debiased | --minibatch] [--layer-width H] [--other <inputs...>] [options]',
  positionals: { name: 'activation files, directories or globs, an extract output directory, or one stats file', min: 1 },
  options: [
    { name: 'output', short: 'o', kind: 'string', value: 'cka.json', help: 'output JSON: { format: neurosieve-cka, estimator, layers, matrix, hsic, rows }', required: true },
    { name: 'debiased', kind: 'boolean', help: "unbiased HSIC (Song et al. 2012; Kornblith et al.'s debiased=True); from a stats file it needs version 2 (written by cka --debiased --stats-out)" },
    { name: 'minibatch', kind: 'boolean', help: `unbiased HSIC averaged over seeded batches of rows (Nguyen et al. 2021), then CKA; activations only` },
    { name: 'batches', kind: 'int', value: 'K', help: `--minibatch: number of batches (default ${MINIBATCH_DEFAULTS.batches})` },
    { name: 'batch-size', kind: 'int', value: 'M', help: `--minibatch: rows per batch (default ${MINIBATCH_DEFAULTS.batchSize})` },
    { name: 'seed', kind: 'int', value: 'S', help: `--minibatch: seed of the row draw (default ${MINIBATCH_DEFAULTS.seed})` },
    { name: 'other', kind: 'list', value: 'inputs...', help: "a second model's activations over the same rows: CKA between each layer of the first and each of the other (linear or --debiased)" },
    { name: 'other-layer-width', kind: 'int', value: 'H', help: "--other: the other model's neurons per layer (default: its manifest blocks or file's layers, else --layer-width)" },
    { name: 'layer-width', kind: 'int', value: 'H', help: "neurons per layer (default: an extract directory's manifest blocks, the stats file's layers, or the file's layer count)" },
    { name: 'stats-out', kind: 'string', value: 'run.stats', help: 'also save the mergeable statistics (with --debiased: version 2, with the layer sums)' },
    threadsOption(),
    { name: 'chunk-rows', kind: 'int', value: 'R', help: `rows per chunk (default: ~16 MiB per chunk, ${DEFAULT_CHUNK_ROWS_BOUNDS.join('-')} rows)` },
    nanOption('NaN/Inf'),
    formatOption('input format'),
  ],
};
