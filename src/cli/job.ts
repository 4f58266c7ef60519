/** neurosieve job: one job of a plan — what local workers, BullMQ workers and SLURM tasks run. */
import { NeurosieveError } from '../core/errors.js';
import { readPlan } from '../distribute/plan.js';
import { runMerge, runShard } from '../distribute/jobs.js';
import type { Command } from './command.js';
import { jobSpec } from './specs/job.js';

export const jobCommand: Command = {
  spec: jobSpec,
  async run(ctx) {
    const o = ctx.options;
    const picked = [o.shard !== undefined, o.merge !== undefined, o['all-merges'] === true].filter(Boolean).length;
    if (picked !== 1) throw new NeurosieveError('E_ARGUMENT', 'Expected exactly one of --shard K, --merge K and --all-merges for neurosieve job');
    const planPath = ctx.positionals[0]!;
    const { plan, sha256 } = readPlan(planPath);
    const root = (o.root as string | undefined) ?? plan.madeUnder;
    const common = { root, threads: o.threads as number, signal: ctx.signal, planSha256: sha256 };
    if (o.shard !== undefined) {
      const r = await runShard(plan, o.shard as number, common);
      ctx.log(`shard ${o.shard as number}: ${r.rows} rows -> ${r.path}${r.cached ? ' (already there)' : ''}`);
      return { job: 'shard', id: o.shard, ...r };
    }
    const ids = o.merge !== undefined ? [o.merge as number] : plan.merges.map((m) => m.id);
    let last;
    for (const id of ids) {
      last = await runMerge(plan, id, common);
      ctx.log(`merge ${id}: ${last.rows} rows -> ${last.path}${last.cached ? ' (already there)' : ''}`);
    }
    return { job: 'merge', id: ids.length === 1 ? ids[0] : ids, ...last! };
  },
};
