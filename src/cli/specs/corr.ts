/** The options and help of `neurosieve corr`, kept apart from its implementation (src/cli/corr.ts) so that help and
 * argument parsing load no command code. */
import { DEFAULT_CHUNK_ROWS_BOUNDS } from '../../io/chunk-rows.js';
import type { CommandSpec } from '../args.js';
import { backendOption, columnOption, formatOption, nanOption, neuronsOption, neuronsPerLayerOption, threadsOption } from '../options.js';
import { CORRELATE_DEFAULTS } from '../../correlate/correlate.js';
import { EDGE_MARGIN } from '../../edges/defaults.js';

export const corrSpec: CommandSpec = {
  name: 'corr',
  summary: 'Pearson correlation between all neurons (float32 D×D .npy)',
  usage: 'neurosieve corr <inputs...> -o corr.npy [options]    neurosieve corr --from-stats run.stats -o corr.npy    neurosieve corr <inputs...> --edges --max-cut 0.5 -o edges.safetensors',
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
    { name: 'edges', kind: 'boolean', help: 'write only the pairs with |r| >= --min-abs-r (a safetensors edge file, README "Correlation edges"), tile by tile, never the D×D matrix: for more neurons than the matrix fits' },
    { name: 'min-abs-r', kind: 'number', value: 'τ', help: '--edges: keep pairs with |r| >= τ (default: 1 − --max-cut − 0.1)' },
    { name: 'max-cut', kind: 'number', value: 't', help: `--edges: the largest cluster cut the edges must serve exactly (τ = 1 − t − ${EDGE_MARGIN} unless --min-abs-r is given)` },
    { name: 'max-memory', kind: 'string', value: 'bytes', help: '--edges: memory for one tile job, e.g. 8G or 500M (default: half of the machine\'s memory); more memory, fewer passes over the data' },
  ],
};
