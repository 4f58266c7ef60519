/** The options and help of `neurosieve corr`, kept apart from its implementation (src/cli/corr.ts) so that help and
 * argument parsing load no command code. */
import { DEFAULT_CHUNK_ROWS_BOUNDS } from '../../io/chunk-rows.js';
import type { CommandSpec } from '../args.js';
import { backendOption, columnOption, formatOption, nanOption, neuronsOption, neuronsPerLayerOption, threadsOption } from '../options.js';
import { CORRELATE_DEFAULTS } from '../../correlate/correlate.js';

export const corrSpec: CommandSpec = {
  name: 'corr',
  summary: 'Pearson correlation between all neurons (float32 D×D .npy)',
  usage: 'neurosieve corr <inputs...> -o corr.npy [options]    neurosieve corr --from-stats run.stats -o corr.npy',
  positionals: { name: 'input files, directories or globs', min: 0 },
  options: [
    { name: 'output', short: 'o', kind: 'string', value: 'corr.npy', help: 'output .npy (float32 D×D); a summary goes to <output>.json', required: true },
    backendOption(CORRELATE_DEFAULTS.backend, "data pass: C++ engine, WebGPU shaders, or auto (WebGPU on a real GPU, else native); see 'neurosieve doctor'"),
    threadsOption(),
    { name: 'chunk-rows', kind: 'int', value: 'R', help: `rows per chunk (default: ~16 MiB per chunk, ${DEFAULT_CHUNK_ROWS_BOUNDS.join('-')} rows; --backend webgpu: one storage binding of the device, at most 256 MiB)` },
    nanOption('NaN/Inf'),
    formatOption('input format'),
    columnOption(),
    neuronsOption('columns', 'correlate these neurons only (row/column i of the output is the i-th id; <output>.json lists them)'),
    neuronsPerLayerOption(),
    { name: 'stats-out', kind: 'string', value: 'run.stats', help: 'also save the mergeable statistics (to resume, merge or skip the data pass later)' },
    { name: 'from-stats', kind: 'string', value: 'run.stats', help: 'skip the data pass: correlation from a stats file' },
  ],
};
