/**
 * The BullMQ engine: a plan as one BullMQ flow on a Redis queue — the last merge the parent of its inputs, down to
 * the shard jobs — served by `neurosieve worker --redis URL` processes on any machine that sees the root.
 *
 * - Idempotent: job ids are the plan's sha256 prefix + the job ("<sha>-s3", "<sha>-m0"), so submitting a plan
 *   again (after a crash of `run`, or from another terminal) adds nothing that is already queued, and partials make
 *   a job that runs twice harmless.
 * - A killed worker: its job's lock expires (lockMs), BullMQ's stalled check puts it back (up to `retries` times)
 *   and another worker runs it; same partial bytes.
 * - Errors of our own (a changed file, a missing partial) are UnrecoverableError: not retried, and the failure
 *   propagates to the parents (failParentOnFailure), so the merge never runs without the shard; `run` reports the
 *   first failed job's message.
 * - Redis restarts: ioredis reconnects, and the queue survives when Redis persists (scripts/engines/redis.sh runs
 *   it with an append-only file). `run` polls the last merge's state; when Redis stays unreachable longer than
 *   redisTimeoutMs it fails naming the URL, leaving the jobs queued: `run` again resumes.
 * The plan's text is stored once in Redis (key neurosieve:plan:<sha256>), not in every job.
 */
import { Queue, QueueEvents, Worker, FlowProducer, UnrecoverableError, type FlowJob, type Job, type ConnectionOptions } from 'bullmq';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { NeurosieveError } from '../core/errors.js';
import { expectInteger } from '../core/validate.js';
import { runMerge, runShard, type JobResult } from './jobs.js';
import { fromRoot, readPlan, type Plan, type MergeInput } from './plan.js';
import { ProgressTracker, type RunProgress } from './progress.js';
import type { EngineEvent, RunSummary } from './engine-local.js';

export const DEFAULT_QUEUE = 'neurosieve';
const PLAN_KEY = (sha: string) => `neurosieve:plan:${sha}`;

interface JobData {
  plan: string;
  kind: 'shard' | 'merge';
  id: number;
}

/** ioredis options from redis://[:password@]host:port[/db]; maxRetriesPerRequest null, as BullMQ requires. */
export function connectionOf(url: string): ConnectionOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new NeurosieveError('E_ARGUMENT', `Expected a Redis URL (redis://host:port) but received ${JSON.stringify(url)}`);
  }
  if (u.protocol !== 'redis:') throw new NeurosieveError('E_ARGUMENT', `Expected a redis:// URL but received ${JSON.stringify(url)}`);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 6379,
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    db,
    maxRetriesPerRequest: null,
    // Reconnect quickly after a restart; ioredis retries forever, `run` decides when to give up.
    retryStrategy: (times: number) => Math.min(times * 100, 1000),
  };
}

const jobId = (sha: string, kind: 'shard' | 'merge', id: number) => `${sha.slice(0, 16)}-${kind === 'shard' ? 's' : 'm'}${id}`;

/** The flow of a plan: merge k's children are its inputs. */
function flowOf(plan: Plan, sha: string, queueName: string, retries: number): FlowJob {
  const child = { failParentOnFailure: true, attempts: retries + 1, removeOnComplete: false, removeOnFail: false };
  const node = (input: MergeInput): FlowJob => {
    if ('shard' in input) {
      return { name: 'shard', queueName, data: { plan: sha, kind: 'shard', id: input.shard } satisfies JobData, opts: { jobId: jobId(sha, 'shard', input.shard), ...child } };
    }
    const m = plan.merges[input.merge]!;
    return { name: 'merge', queueName, data: { plan: sha, kind: 'merge', id: m.id } satisfies JobData, opts: { jobId: jobId(sha, 'merge', m.id), ...child }, children: m.inputs.map(node) };
  };
  return node({ merge: plan.merges.length - 1 });
}

export interface WorkerOptions {
  redis: string;
  queue?: string;
  /** Where this machine sees plans' roots (default: the root each plan was made under). */
  root?: string;
  threads?: number;
  concurrency?: number;
  /** How long a job's lock lasts without renewal: a killed worker's job is taken over after about this long. */
  lockMs?: number;
  /** Times a stalled (worker died) job is put back. */
  retries?: number;
  name?: string;
  onJob?: (e: { kind: string; id: number; result?: JobResult; error?: string }) => void;
}

/** Serves jobs of every plan on the queue until close() is called. */
export function startWorker(o: WorkerOptions): { worker: Worker; close: () => Promise<void> } {
  const connection = connectionOf(o.redis);
  const plans = new Map<string, Plan>();
  const queue = new Queue(o.queue ?? DEFAULT_QUEUE, { connection });
  const planOf = async (sha: string): Promise<Plan> => {
    const cached = plans.get(sha);
    if (cached) return cached;
    const text = await (await queue.client).get(PLAN_KEY(sha));
    if (text === null) throw new UnrecoverableError(`plan ${sha.slice(0, 16)}… is not in Redis (key ${PLAN_KEY(sha)}); submit it again with neurosieve run`);
    if (createHash('sha256').update(text).digest('hex') !== sha) throw new UnrecoverableError(`plan ${sha.slice(0, 16)}… in Redis does not have that sha256`);
    const plan = JSON.parse(text) as Plan;
    plans.set(sha, plan);
    return plan;
  };
  const lockMs = expectInteger(o.lockMs ?? 30_000, 'lockMs', 500, 3_600_000);
  const worker = new Worker<JobData, JobResult>(
    o.queue ?? DEFAULT_QUEUE,
    async (job: Job<JobData>) => {
      const { plan: sha, kind, id } = job.data;
      const plan = await planOf(sha);
      const root = o.root ?? plan.madeUnder;
      try {
        const r = kind === 'shard' ? await runShard(plan, id, { root, threads: o.threads ?? 0 }) : await runMerge(plan, id, { root, threads: o.threads ?? 0, planSha256: sha });
        o.onJob?.({ kind, id, result: r });
        return r;
      } catch (err) {
        o.onJob?.({ kind, id, error: (err as Error).message });
        // Our errors say what is wrong with the data or the plan: running the job again cannot help.
        if (err instanceof NeurosieveError) throw new UnrecoverableError(`${err.code}: ${err.message}`);
        throw err;
      }
    },
    {
      connection,
      concurrency: o.concurrency ?? 1,
      lockDuration: lockMs,
      stalledInterval: Math.max(250, Math.floor(lockMs / 2)),
      maxStalledCount: o.retries ?? 2,
      ...(o.name ? { name: o.name } : {}),
    },
  );
  worker.on('error', () => {}); // connection errors while Redis restarts: ioredis reconnects
  return {
    worker,
    close: async () => {
      await worker.close();
      await queue.close();
    },
  };
}

/**
 * Drops a BullMQ object's Redis connection without waiting for Redis (RedisConnection.close(force), which BullMQ's
 * public close() does not expose). Harmless when already closed.
 */
async function forceClose(c: unknown): Promise<void> {
  const conn = (c as { connection?: { close?: (force: boolean) => Promise<void> } }).connection;
  try {
    await conn?.close?.(true);
  } catch {
    // already closed, or closing
  }
}

export interface BullmqRunOptions {
  redis: string;
  queue?: string;
  root: string;
  retries?: number;
  /** Give up when Redis cannot be reached for this long (default 60 s); the jobs stay queued. */
  redisTimeoutMs?: number;
  pollMs?: number;
  signal?: AbortSignal;
  onEvent?: (e: EngineEvent, progress: RunProgress) => void;
}

/** Submits the plan as a flow and waits for its last merge; progress from the queue's events. */
export async function runBullmq(planPath: string, o: BullmqRunOptions): Promise<RunSummary> {
  const { plan, sha256 } = readPlan(planPath);
  const text = readFileSync(planPath, 'utf8');
  const started = performance.now();
  const queueName = o.queue ?? DEFAULT_QUEUE;
  const connection = connectionOf(o.redis);
  const retries = expectInteger(o.retries ?? 2, 'retries', 0, 100);
  const timeout = o.redisTimeoutMs ?? 60_000;
  const queue = new Queue(queueName, { connection });
  const events = new QueueEvents(queueName, { connection });
  const flows = new FlowProducer({ connection });
  let lastError = '';
  const remember = (e: Error) => (lastError = e.message);
  queue.on('error', remember);
  events.on('error', remember);
  flows.on('error', remember);
  const progress = new ProgressTracker(plan);
  const prefix = `${sha256.slice(0, 16)}-`;
  const refOf = (id: string) => ({ kind: id[prefix.length] === 's' ? ('shard' as const) : ('merge' as const), id: Number(id.slice(prefix.length + 1)) });
  const seen = new Set<string>();
  let firstFailure: string | undefined;
  events.on('active', ({ jobId: id }) => {
    if (!id.startsWith(prefix)) return;
    progress.start();
  });
  events.on('completed', ({ jobId: id, returnvalue }) => {
    if (!id.startsWith(prefix) || seen.has(id)) return;
    seen.add(id);
    const r = (typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue) as JobResult;
    const ref = refOf(id);
    progress.finish(true, ref.kind === 'shard' ? r.rows : 0, r.cached);
    o.onEvent?.({ type: 'done', job: ref, rows: r.rows, cached: r.cached }, progress.snapshot());
  });
  events.on('failed', ({ jobId: id, failedReason }) => {
    if (!id.startsWith(prefix)) return;
    firstFailure ??= failedReason;
    progress.finish(false, 0, false);
    o.onEvent?.({ type: 'failed', job: refOf(id), message: failedReason }, progress.snapshot());
  });
  const withTimeout = <T>(p: Promise<T>, what: string): Promise<T> =>
    new Promise<T>((res, rej) => {
      const t = setTimeout(
        () => rej(new NeurosieveError('E_IO', `Redis at ${o.redis} did not answer for ${(timeout / 1000).toFixed(0)} s while ${what}${lastError ? ` (last error: ${lastError})` : ''}; the plan's jobs stay queued: run again to resume`)),
        timeout,
      );
      p.then((v) => (clearTimeout(t), res(v)), (e) => (clearTimeout(t), rej(e)));
    });
  try {
    await withTimeout(events.waitUntilReady(), 'connecting');
    const client = await withTimeout(queue.client, 'connecting');
    await withTimeout(client.set(PLAN_KEY(sha256), text), 'storing the plan');
    const rootId = jobId(sha256, 'merge', plan.merges.length - 1);
    const existing = await withTimeout(queue.getJob(rootId), 'looking for an earlier submission');
    const state = existing ? await withTimeout(existing.getState(), 'reading the plan state') : undefined;
    if (state === 'failed') {
      // A failed flow is not re-run by adding it again (the ids exist): its failed jobs are retried instead.
      const failed = await withTimeout(queue.getFailed(0, -1), 'listing failed jobs');
      for (const j of failed) if (j.id?.startsWith(prefix)) await withTimeout(j.retry('failed'), 'retrying a failed job');
    } else if (!existing) {
      await withTimeout(flows.add(flowOf(plan, sha256, queueName, retries)), 'submitting the plan');
    }
    const pollMs = o.pollMs ?? 500;
    for (;;) {
      if (o.signal?.aborted) throw new NeurosieveError('E_CANCELLED', `run cancelled; the plan's jobs stay queued on ${o.redis}`);
      const job = await withTimeout(queue.getJob(rootId), 'waiting for the plan');
      const s = job ? await withTimeout(job.getState(), 'waiting for the plan') : 'unknown';
      if (s === 'completed') break;
      if (s === 'failed') {
        const reason = firstFailure ?? job?.failedReason ?? 'unknown';
        throw new NeurosieveError('E_IO', `the plan's run on ${o.redis} failed: ${reason.replace(/^E_[A-Z]+: /, '')}; nothing was merged without the failed job`);
      }
      await new Promise((r) => setTimeout(r, pollMs));
    }
  } finally {
    // close() sends QUIT and waits for Redis to answer; when it is gone that never happens and ioredis keeps
    // reconnecting (the process would never exit), so the connections are first dropped without waiting.
    for (const c of [events, flows, queue]) void forceClose(c);
    await Promise.race([Promise.allSettled([events.close(), flows.close(), queue.close()]), new Promise((r) => setTimeout(r, 2000).unref())]);
  }
  return {
    output: fromRoot(o.root, plan.output, 'output'),
    rows: plan.rows >= 0 ? plan.rows : progress.state.rows,
    jobs: plan.shards.length + plan.merges.length,
    cached: progress.state.cached,
    retried: 0,
    seconds: Number(((performance.now() - started) / 1000).toFixed(3)),
  };
}
