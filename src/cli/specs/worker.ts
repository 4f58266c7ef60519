/** The options and help of `neurosieve worker` (src/cli/worker.ts). */
import type { CommandSpec } from '../args.js';
import { threadsOption } from '../options.js';

export const workerSpec: CommandSpec = {
  name: 'worker',
  summary: 'serve the shard and merge jobs of plans submitted to a BullMQ queue (Redis), on any machine that sees the root',
  usage: 'neurosieve worker --redis redis://host:6379 [--root DIR] [--concurrency N]',
  options: [
    { name: 'redis', kind: 'string', value: 'URL', help: 'redis://[:password@]host:port[/db] of the queue', required: true },
    { name: 'queue', kind: 'string', value: 'NAME', default: 'neurosieve', help: 'queue name' },
    { name: 'root', kind: 'string', value: 'DIR', help: "where this machine sees the plans' root (default: the one each plan was made under)" },
    { name: 'concurrency', kind: 'int', value: 'N', default: 1, help: 'jobs at once' },
    threadsOption('native threads per job, 0 = all cores'),
    { name: 'lock-ms', kind: 'int', value: 'MS', default: 30000, help: "a job's lock: a dead worker's job is taken over after about this long" },
    { name: 'retries', kind: 'int', value: 'K', default: 2, help: 'times a job whose worker died is run again' },
    { name: 'name', kind: 'string', value: 'NAME', help: 'this worker in the queue (default: BullMQ picks one)' },
  ],
};
