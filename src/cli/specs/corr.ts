/** The options and help of `neurosieve corr`, kept apart from its implementation (src/cli/corr.ts) so that help and
 * argument parsing load no command code. */
import type { CommandSpec } from '../args.js';

export const corrSpec: CommandSpec = {
  name: 'corr',
  summary: 'Pearson correlation between all neurons (float32 D×D .npy)',
  usage: 'neurosieve corr <inputs...> -o corr.npy [options]    neurosieve corr --from-stats run.stats -o corr.npy',
  positionals: { name: 'input files, directories or globs', min: 0 },
  options: [
    { name: 'output', short: 'o', kind: 'string', value: 'corr.npy', help: 'output .npy (float32 D×D); a summary goes to <output>.json', required: true },
    { name: 'backend', kind: 'string', choices: ['auto', 'native', 'webgpu'], default: 'auto', help: "data pass: C++ engine, WebGPU shaders, or auto (WebGPU on a real GPU, else native); see 'neurosieve doctor'" },
    { name: 'threads', kind: 'int', value: 'N', default: 0, help: 'worker threads, 0 = all cores' },
    { name: 'chunk-rows', kind: 'int', value: 'R', help: 'rows per chunk (default: ~16 MiB per chunk, 1024-8192 rows)' },
    { name: 'nan', kind: 'string', choices: ['error', 'zero'], default: 'error', help: 'NaN/Inf: stop with an error, or replace by 0 and count' },
    { name: 'format', kind: 'string', choices: ['auto', 'npy', 'safetensors', 'neurox-jsonl'], default: 'auto', help: 'input format' },
    { name: 'stats-out', kind: 'string', value: 'run.stats', help: 'also save the mergeable statistics (to resume, merge or skip the data pass later)' },
    { name: 'from-stats', kind: 'string', value: 'run.stats', help: 'skip the data pass: correlation from a stats file' },
  ],
};
