/**
 * SLURM batch scripts for a plan: job arrays of shard tasks (one task per shard, at most `throttle` at once: the
 * `%K` of --array) and one merge job submitted with --dependency=afterok on every array, so the merge starts only
 * when every shard task succeeded; a failed task leaves the merge never started (--kill-on-invalid-dep=yes
 * cancels it) and its log (logs/shard-<id>.out) names the shard and why. Tasks are requeued on node failure
 * (--requeue); partials are idempotent, so a requeued or re-submitted task is harmless.
 *
 * SLURM refuses arrays longer than its MaxArraySize (1001 by default), so plans with more shards get several
 * arrays of at most `maxArray` tasks, each adding its offset to SLURM_ARRAY_TASK_ID.
 */
import { NeurosieveError } from '../core/errors.js';
import { expectInteger } from '../core/validate.js';
import type { Plan } from './plan.js';

export interface SlurmOptions {
  /** The plan file as the compute nodes see it. */
  planPath: string;
  /** The plan's root as the compute nodes see it. */
  root: string;
  /** The command that runs neurosieve on a compute node (shell words, already quoted). */
  cli: string;
  /** Where logs go (as the compute nodes see it). */
  logDir: string;
  throttle?: number;
  /** CPUs per task (--cpus-per-task); the job's threads follow SLURM_CPUS_PER_TASK. */
  cpus?: number;
  /** Extra sbatch options, one per #SBATCH line ("--partition=cpu", "--time=2:00:00"). */
  sbatchArgs?: string[];
  maxArray?: number;
  /** Short id in job names (the plan's sha256 prefix). */
  tag: string;
}

export interface SlurmScripts {
  /** File name → text: shards-<k>.sbatch, merge.sbatch, submit.sh. */
  files: Record<string, string>;
  arrays: { file: string; offset: number; tasks: number }[];
}

/** A word for sh, single-quoted unless it is plainly safe. */
export const shellQuote = (s: string): string => (/^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export function slurmScripts(plan: Plan, o: SlurmOptions): SlurmScripts {
  const maxArray = expectInteger(o.maxArray ?? 1000, 'maxArray', 1, 1 << 24);
  const throttle = o.throttle === undefined ? undefined : expectInteger(o.throttle, 'throttle', 1, 1 << 24);
  const cpus = o.cpus === undefined ? undefined : expectInteger(o.cpus, 'cpus', 1, 4096);
  for (const a of o.sbatchArgs ?? []) {
    if (!/^--?[A-Za-z]/.test(a) || /[\n\r]/.test(a)) throw new NeurosieveError('E_ARGUMENT', `Expected sbatch options like --partition=cpu but received ${JSON.stringify(a)}`);
  }
  const common = (name: string, log: string) => [
    '#!/bin/bash',
    `#SBATCH --job-name=${name}`,
    `#SBATCH --output=${shellQuote(`${o.logDir}/${log}`)}`,
    '#SBATCH --requeue',
    ...(cpus ? [`#SBATCH --cpus-per-task=${cpus}`] : []),
    ...(o.sbatchArgs ?? []).map((a) => `#SBATCH ${a}`),
  ];
  // sbatch reads #SBATCH lines only up to the first command: every directive goes above this line.
  const body = 'set -euo pipefail';
  const job = `${o.cli} job ${shellQuote(o.planPath)} --root ${shellQuote(o.root)} --threads "\${SLURM_CPUS_PER_TASK:-0}"`;
  const files: Record<string, string> = {};
  const arrays: SlurmScripts['arrays'] = [];
  const S = plan.shards.length;
  for (let offset = 0, k = 0; offset < S; offset += maxArray, k++) {
    const tasks = Math.min(maxArray, S - offset);
    const file = `shards-${k}.sbatch`;
    arrays.push({ file, offset, tasks });
    files[file] =
      [
        ...common(`ns-${o.tag}-shards-${k}`, `shard-${offset === 0 ? '%a' : `${k}-%a`}.out`),
        `#SBATCH --array=0-${tasks - 1}${throttle ? `%${throttle}` : ''}`,
        body,
        `# Shards ${offset}–${offset + tasks - 1} of ${S}: task i runs shard ${offset} + i.`,
        `exec ${job} --shard "$((${offset} + SLURM_ARRAY_TASK_ID))"`,
      ].join('\n') + '\n';
  }
  files['merge.sbatch'] = [...common(`ns-${o.tag}-merge`, 'merge.out'), body, `# Every merge job of the plan in order (${plan.merges.length}); each refuses to run without all its inputs.`, `exec ${job} --all-merges`].join('\n') + '\n';
  files['submit.sh'] =
    [
      '#!/bin/bash',
      '# Submits the shard arrays, then the merge with --dependency=afterok on all of them: it starts only when every',
      '# shard task succeeded, and is cancelled (--kill-on-invalid-dep=yes) when one fails.',
      'set -euo pipefail',
      'cd "$(dirname "$0")"',
      `mkdir -p ${shellQuote(o.logDir)}`,
      'ids=()',
      ...arrays.map((a) => `id="$(sbatch --parsable ${a.file})"; ids+=("\${id%%;*}")`),
      'dep="afterok$(printf \':%s\' "${ids[@]}")"',
      'merge="$(sbatch --parsable --dependency="$dep" --kill-on-invalid-dep=yes merge.sbatch)"',
      'merge="${merge%%;*}"',
      `echo "shard arrays: \${ids[*]} (${S} tasks); merge: $merge (after every shard task succeeded)"`,
      'echo "$merge" > merge.jobid',
      'printf \'%s\\n\' "${ids[@]}" > shards.jobids',
    ].join('\n') + '\n';
  return { files, arrays };
}
