/** The options and help of `neurosieve slurm` (src/cli/slurm.ts). */
import type { CommandSpec } from '../args.js';

export const slurmSpec: CommandSpec = {
  name: 'slurm',
  summary: 'write SLURM batch scripts for a plan: shard job arrays (%K throttle) and a merge job after every shard (afterok)',
  usage: 'neurosieve slurm plan.json -o slurm/ [--throttle K] [--cpus N] [--sbatch "--partition=cpu --time=2:00:00"]',
  positionals: { name: 'plan file', min: 1, max: 1 },
  options: [
    { name: 'output', short: 'o', kind: 'string', value: 'DIR', help: 'directory for shards-<k>.sbatch, merge.sbatch and submit.sh', required: true },
    { name: 'throttle', kind: 'int', value: 'K', help: 'at most K shard tasks at once (--array=…%K)' },
    { name: 'cpus', kind: 'int', value: 'N', help: 'CPUs per task (--cpus-per-task; the job uses that many threads)' },
    { name: 'sbatch', kind: 'string', value: 'OPTIONS', help: 'extra sbatch options, space-separated, one #SBATCH line each' },
    { name: 'root', kind: 'string', value: 'DIR', help: "the plan's root as the compute nodes see it (default: the one it was made under)" },
    { name: 'plan-path', kind: 'string', value: 'PATH', help: 'the plan file as the compute nodes see it (default: its absolute path here)' },
    { name: 'cli', kind: 'string', value: 'COMMAND', help: "how a compute node runs neurosieve (default: this machine's node and CLI, by absolute path)" },
    { name: 'max-array', kind: 'int', value: 'N', default: 1000, help: "tasks per array (SLURM's MaxArraySize is 1001 by default)" },
  ],
};
