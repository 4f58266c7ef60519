/** The options and help of `neurosieve job` (src/cli/job.ts). */
import type { CommandSpec } from '../args.js';
import { threadsOption } from '../options.js';

export const jobSpec: CommandSpec = {
  name: 'job',
  summary: "run one job of a plan (a shard or a merge): what run's workers and SLURM tasks execute",
  usage: 'neurosieve job plan.json --shard K | --merge K | --all-merges [--root DIR]',
  positionals: { name: 'plan file', min: 1, max: 1 },
  options: [
    { name: 'shard', kind: 'int', value: 'K', help: 'the shard job K' },
    { name: 'merge', kind: 'int', value: 'K', help: 'the merge job K' },
    { name: 'all-merges', kind: 'boolean', help: 'every merge job in order (the SLURM merge step)' },
    { name: 'root', kind: 'string', value: 'DIR', help: "where this machine sees the plan's root (default: the one it was made under)" },
    threadsOption(),
  ],
};
