/** neurosieve slurm: the sbatch scripts of a plan (src/distribute/slurm.ts), for users who submit themselves. */
import { chmodSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeTextAtomic } from '../io/atomic.js';
import { readPlan } from '../distribute/plan.js';
import { shellQuote, slurmScripts } from '../distribute/slurm.js';
import { cliEntry } from '../distribute/engine-local.js';
import type { Command } from './command.js';
import { slurmSpec } from './specs/slurm.js';

export const slurmCommand: Command = {
  spec: slurmSpec,
  async run(ctx) {
    const o = ctx.options;
    const planPath = ctx.positionals[0]!;
    const { plan, sha256 } = readPlan(planPath);
    const dir = resolve(o.output as string);
    const scripts = slurmScripts(plan, {
      planPath: (o['plan-path'] as string | undefined) ?? resolve(planPath),
      root: (o.root as string | undefined) ?? plan.madeUnder,
      cli: (o.cli as string | undefined) ?? `${shellQuote(process.execPath)} ${shellQuote(cliEntry())}`,
      logDir: join(dir, 'logs'),
      tag: sha256.slice(0, 8),
      maxArray: o['max-array'] as number,
      ...(o.throttle !== undefined ? { throttle: o.throttle as number } : {}),
      ...(o.cpus !== undefined ? { cpus: o.cpus as number } : {}),
      ...(o.sbatch !== undefined ? { sbatchArgs: (o.sbatch as string).split(/\s+/).filter(Boolean) } : {}),
    });
    mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(scripts.files)) {
      writeTextAtomic(join(dir, name), text);
      chmodSync(join(dir, name), 0o755);
    }
    ctx.log(`${scripts.arrays.length} shard array(s) of ${plan.shards.length} tasks, 1 merge job -> ${dir}; submit with ${join(dir, 'submit.sh')}`);
    return { output: dir, files: Object.keys(scripts.files), arrays: scripts.arrays, shards: plan.shards.length, merges: plan.merges.length };
  },
};
