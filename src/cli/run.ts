/** neurosieve run: execute a plan on an engine, with progress (jobs done/failed/running, rows/s, ETA). */
import { readPlan } from '../distribute/plan.js';
import { runLocal } from '../distribute/engine-local.js';
import { progressLine } from '../distribute/progress.js';
import type { Command } from './command.js';
import { runSpec } from './specs/run.js';

export const runCommand: Command = {
  spec: runSpec,
  async run(ctx) {
    const o = ctx.options;
    const planPath = ctx.positionals[0]!;
    const { plan } = readPlan(planPath);
    const root = (o.root as string | undefined) ?? plan.madeUnder;
    // Progress goes to stderr as lines (a job ends far less often than a chunk): readable in logs and terminals.
    const quiet = o.json === true || o.quiet === true;
    const summary = await runLocal(planPath, {
      root,
      ...(o.workers !== undefined ? { workers: o.workers as number } : {}),
      ...(o.threads !== undefined ? { threads: o.threads as number } : {}),
      retries: o.retries as number,
      signal: ctx.signal,
      onEvent: (e, p) => {
        if (quiet) return;
        if (e.type === 'done' || e.type === 'failed') process.stderr.write(`${progressLine(p)}\n`);
        if (e.type === 'retry') process.stderr.write(`${e.job.kind} ${e.job.id}: worker killed (${e.signal}), running it again\n`);
      },
    });
    ctx.log(`ran ${summary.jobs} jobs (${summary.cached} found done, ${summary.retried} retried): ${summary.rows} rows -> ${summary.output} (${summary.seconds} s)`);
    return { engine: o.engine, ...summary };
  },
};
