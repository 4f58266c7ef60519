/** neurosieve run: execute a plan on an engine, with progress (jobs done/failed/running, rows/s, ETA). */
import { loadBullmqEngine } from '../distribute/load-bullmq.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { NeurosieveError } from '../core/errors.js';
import { readPlan } from '../distribute/plan.js';
import { cliEntry, runLocal, type EngineEvent, type RunSummary } from '../distribute/engine-local.js';
import { progressLine, type RunProgress } from '../distribute/progress.js';
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
    const onEvent = (e: EngineEvent, p: RunProgress) => {
      if (quiet) return;
      if (e.type === 'done' || e.type === 'failed') process.stderr.write(`${progressLine(p)}\n`);
      if (e.type === 'retry') process.stderr.write(`${e.job.kind} ${e.job.id}: worker killed (${e.signal}), running it again\n`);
    };
    let summary: RunSummary;
    if (o.engine === 'bullmq') {
      if (o.redis === undefined) throw new NeurosieveError('E_ARGUMENT', 'Expected --redis redis://host:port for --engine bullmq');
      const { runBullmq } = await loadBullmqEngine('run --engine bullmq');
      // --workers N: local worker processes for this run (others may serve the queue from other machines).
      const workers: ChildProcess[] = [];
      for (let i = 0; i < ((o.workers as number | undefined) ?? 0); i++) {
        const args = [cliEntry(), 'worker', '--redis', o.redis as string, '--queue', o.queue as string, '--root', root, '--quiet'];
        if (o.threads !== undefined) args.push('--threads', String(o.threads));
        workers.push(spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] }));
      }
      try {
        summary = await runBullmq(planPath, { redis: o.redis as string, queue: o.queue as string, root, retries: o.retries as number, redisTimeoutMs: (o['redis-timeout'] as number) * 1000, signal: ctx.signal, onEvent });
      } finally {
        for (const w of workers) w.kill('SIGTERM');
      }
    } else if (o.engine === 'slurm') {
      const { runSlurm } = await import('../distribute/engine-slurm.js');
      summary = await runSlurm(planPath, {
        root,
        signal: ctx.signal,
        onEvent,
        ...(o.throttle !== undefined ? { throttle: o.throttle as number } : {}),
        ...(o.cpus !== undefined ? { cpus: o.cpus as number } : {}),
        ...(o.sbatch !== undefined ? { sbatchArgs: (o.sbatch as string).split(/\s+/).filter(Boolean) } : {}),
      });
    } else {
      summary = await runLocal(planPath, {
        root,
        ...(o.workers !== undefined ? { workers: o.workers as number } : {}),
        ...(o.threads !== undefined ? { threads: o.threads as number } : {}),
        retries: o.retries as number,
        signal: ctx.signal,
        onEvent,
      });
    }
    ctx.log(`ran ${summary.jobs} jobs on ${o.engine as string} (${summary.cached} found done, ${summary.retried} retried): ${summary.rows} rows -> ${summary.output} (${summary.seconds} s)`);
    return { engine: o.engine, ...summary };
  },
};
