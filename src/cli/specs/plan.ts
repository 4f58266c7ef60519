/** The options and help of `neurosieve plan` (src/cli/plan.ts). */
import type { CommandSpec } from '../args.js';
import { formatOption, nanOption } from '../options.js';
import { IDENTITY_MODES } from '../../distribute/identity.js';
import { PLAN_DEFAULTS } from '../../distribute/plan.js';

export const planSpec: CommandSpec = {
  name: 'plan',
  summary: 'split a dataset into shard jobs and a merge tree for `run` on several workers or machines (SLURM, BullMQ)',
  usage: 'neurosieve plan <inputs...> -o plan.json [--root DIR] [--shard-rows N] [--merged merged.stats]',
  positionals: { name: 'input files, directories or globs', min: 1 },
  options: [
    { name: 'output', short: 'o', kind: 'string', value: 'plan.json', help: 'the plan (JSON)', required: true },
    { name: 'root', kind: 'string', value: 'DIR', help: 'every path in the plan is relative to this directory (default: the current one); workers pass their own --root' },
    { name: 'merged', kind: 'string', value: 'merged.stats', default: PLAN_DEFAULTS.output, help: 'the merged stats file the run writes (under the root), with <merged>.manifest.json' },
    { name: 'partials', kind: 'string', value: 'DIR', default: PLAN_DEFAULTS.partials, help: 'directory of the partial stats files (under the root, on storage every worker sees)' },
    { name: 'shard-rows', kind: 'int', value: 'N', help: 'split files of more rows into row ranges of about N rows (rounded down to a multiple of the chunk rows; default: one shard per file)' },
    { name: 'fan-in', kind: 'int', value: 'K', default: PLAN_DEFAULTS.fanIn, help: 'partials per merge job (the merge tree fan-in)' },
    { name: 'chunk-rows', kind: 'int', value: 'R', help: 'rows per chunk in every shard job (default: ~16 MiB per chunk)' },
    { name: 'identity', kind: 'string', choices: IDENTITY_MODES, default: PLAN_DEFAULTS.identity, help: 'file identity: size + mtime + sha256 of sampled blocks, or sha256 of every byte' },
    nanOption(),
    formatOption('input format'),
  ],
};
