/** neurosieve worker: a BullMQ worker for plans' jobs; runs until interrupted (SIGINT/SIGTERM), then closes cleanly. */
import { loadBullmqEngine } from '../distribute/load-bullmq.js';
import type { Command } from './command.js';
import { workerSpec } from './specs/worker.js';

export const workerCommand: Command = {
  spec: workerSpec,
  async run(ctx) {
    const o = ctx.options;
    let jobs = 0;
    let failed = 0;
    const { startWorker } = await loadBullmqEngine('worker');
    const w = startWorker({
      redis: o.redis as string,
      queue: o.queue as string,
      ...(o.root !== undefined ? { root: o.root as string } : {}),
      threads: o.threads as number,
      concurrency: o.concurrency as number,
      lockMs: o['lock-ms'] as number,
      retries: o.retries as number,
      ...(o.name !== undefined ? { name: o.name as string } : {}),
      onJob: (e) => {
        if (e.error !== undefined) {
          failed++;
          ctx.log(`${e.kind} ${e.id}: failed: ${e.error}`);
        } else {
          jobs++;
          ctx.log(`${e.kind} ${e.id}: ${e.result!.rows} rows -> ${e.result!.path}${e.result!.cached ? ' (already there)' : ''}`);
        }
      },
    });
    await w.worker.waitUntilReady();
    ctx.log(`worker on ${o.redis as string} queue ${o.queue as string}: waiting for jobs (Ctrl-C stops)`);
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) resolve();
      ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await w.close();
    return { redis: o.redis, queue: o.queue, jobs, failed };
  },
};
