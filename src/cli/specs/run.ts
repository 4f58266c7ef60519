/** The options and help of `neurosieve run` (src/cli/run.ts). */
import type { CommandSpec } from '../args.js';
import { ENGINES } from '../../distribute/engines.js';

export const runSpec: CommandSpec = {
  name: 'run',
  summary: 'execute a plan: shard jobs then merges, on local worker processes, BullMQ (Redis) or SLURM',
  usage: 'neurosieve run plan.json --engine local|bullmq|slurm [--workers N] [--redis URL] [--root DIR]',
  positionals: { name: 'plan file', min: 1, max: 1 },
  options: [
    { name: 'engine', kind: 'string', choices: ENGINES, default: 'local', help: 'where jobs run' },
    { name: 'root', kind: 'string', value: 'DIR', help: "where this machine sees the plan's root (default: the one it was made under)" },
    { name: 'workers', kind: 'int', value: 'N', help: 'local: worker processes (default: the cores, at most the shards); bullmq: also start N local workers' },
    { name: 'threads', kind: 'int', value: 'N', help: 'native threads per worker (default: cores / workers)' },
    { name: 'redis', kind: 'string', value: 'URL', help: 'bullmq: redis://host:port of the queue (workers: neurosieve worker --redis URL)' },
    { name: 'queue', kind: 'string', value: 'NAME', default: 'neurosieve', help: 'bullmq: queue name' },
    { name: 'redis-timeout', kind: 'int', value: 'S', default: 60, help: 'bullmq: fail when Redis cannot be reached for S seconds (the jobs stay queued)' },
    { name: 'throttle', kind: 'int', value: 'K', help: 'slurm: at most K shard tasks at once (--array=…%K)' },
    { name: 'cpus', kind: 'int', value: 'N', help: 'slurm: CPUs per task' },
    { name: 'sbatch', kind: 'string', value: 'OPTIONS', help: 'slurm: extra sbatch options, space-separated' },
    { name: 'retries', kind: 'int', value: 'K', default: 2, help: 'times a job whose worker died is run again' },
  ],
};
