/**
 * The local engine: the plan's jobs run as N worker processes on this machine (`neurosieve job`, the same command
 * a SLURM task runs), shards first, each merge as soon as its inputs are done. Processes rather than threads so
 * that a worker that dies (OOM killer, a signal) takes only its job with it: a job whose process was killed is
 * run again (up to `retries` times) and, partials being idempotent, the result is the same bytes. A job that
 * fails with an error of its own (a changed file, a bad partial) is not retried: the error names the shard, the
 * running jobs are let finish, and nothing is merged without it.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { NeurosieveError, type ErrorCode } from '../core/errors.js';
import { expectInteger } from '../core/validate.js';
import { describeShard, fromRoot, readPlan, type Plan } from './plan.js';
import { ProgressTracker, type RunProgress } from './progress.js';

export type JobRef = { kind: 'shard' | 'merge'; id: number };

export type EngineEvent =
  | { type: 'start'; job: JobRef; pid: number; attempt: number }
  | { type: 'done'; job: JobRef; rows: number; cached: boolean }
  | { type: 'retry'; job: JobRef; signal: string; attempt: number }
  | { type: 'failed'; job: JobRef; message: string };

export interface LocalRunOptions {
  root: string;
  /** Worker processes at once (default: the cores, at most the shards). */
  workers?: number;
  /** Native threads per worker (default: cores / workers, at least 1). */
  threads?: number;
  /** Times a killed job is run again (default 2). */
  retries?: number;
  signal?: AbortSignal;
  onEvent?: (e: EngineEvent, progress: RunProgress) => void;
}

export interface RunSummary {
  output: string;
  rows: number;
  jobs: number;
  cached: number;
  retried: number;
  seconds: number;
}

/** The compiled CLI: beside this module in dist/, or dist/ of the package when running from sources (tests). */
export function cliEntry(): string {
  const beside = fileURLToPath(new URL('../cli.js', import.meta.url));
  if (existsSync(beside) && beside.endsWith('/dist/cli.js')) return beside;
  return fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
}

export const jobName = (plan: Plan, j: JobRef): string => (j.kind === 'shard' ? describeShard(plan, plan.shards[j.id]!) : `merge ${j.id}`);

/** Jobs in an order where every merge follows its inputs; deps[k] are the indices (in that order) it waits for. */
export function jobGraph(plan: Plan): { jobs: JobRef[]; deps: number[][] } {
  const jobs: JobRef[] = [...plan.shards.map((s) => ({ kind: 'shard' as const, id: s.id })), ...plan.merges.map((m) => ({ kind: 'merge' as const, id: m.id }))];
  const S = plan.shards.length;
  const deps = jobs.map((j) => (j.kind === 'shard' ? [] : plan.merges[j.id]!.inputs.map((i) => ('shard' in i ? i.shard : S + i.merge))));
  return { jobs, deps };
}

const ERROR_LINE = /error (E_[A-Z]+): ([\s\S]*)$/m;

/** Runs one job in a child process; resolves with its JSON summary, or rejects (retryable when killed by a signal). */
function runChild(planPath: string, j: JobRef, o: { root: string; threads: number }, onSpawn: (pid: number) => void): Promise<{ rows: number; cached: boolean }> {
  return new Promise((resolvePromise, reject) => {
    const args = [cliEntry(), 'job', planPath, `--${j.kind}`, String(j.id), '--root', o.root, '--threads', String(o.threads), '--json'];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('spawn', () => onSpawn(child.pid!));
    child.on('error', (e) => reject(Object.assign(new NeurosieveError('E_IO', `cannot start a worker (${e.message})`), { retryable: false })));
    child.on('close', (code, signal) => {
      if (code === 0) {
        try {
          const r = JSON.parse(out) as { rows: number; cached: boolean };
          resolvePromise({ rows: r.rows, cached: r.cached });
        } catch {
          reject(Object.assign(new NeurosieveError('E_INTERNAL', `a worker printed no summary: ${out.slice(0, 200)}`), { retryable: false }));
        }
        return;
      }
      const m = ERROR_LINE.exec(err.trim());
      const e = m ? new NeurosieveError(m[1] as ErrorCode, m[2]!.trim()) : new NeurosieveError('E_INTERNAL', err.trim() || `worker exited with ${signal ?? code}`);
      reject(Object.assign(e, { retryable: signal !== null, signal }));
    });
  });
}

/** Executes the plan at `planPath` with local worker processes. */
export async function runLocal(planPath: string, options: LocalRunOptions): Promise<RunSummary> {
  const { plan } = readPlan(planPath);
  const started = performance.now();
  const { jobs, deps } = jobGraph(plan);
  const cores = cpus().length;
  const workers = expectInteger(options.workers ?? Math.min(cores, plan.shards.length), 'workers', 1, 4096);
  const threads = expectInteger(options.threads ?? Math.max(1, Math.floor(cores / workers)), 'threads', 0, 1024);
  const retries = expectInteger(options.retries ?? 2, 'retries', 0, 100);
  const progress = new ProgressTracker(plan);
  const emit = (e: EngineEvent) => options.onEvent?.(e, progress.snapshot());
  const state: ('wait' | 'run' | 'done')[] = jobs.map(() => 'wait');
  const attempts = jobs.map(() => 0);
  let failure: NeurosieveError | undefined;
  let retried = 0;
  let running = 0;
  let cached = 0;

  await new Promise<void>((finish) => {
    const pump = () => {
      if (options.signal?.aborted && !failure) failure = new NeurosieveError('E_CANCELLED', 'run cancelled');
      if (!failure) {
        for (let k = 0; k < jobs.length && running < workers; k++) {
          if (state[k] !== 'wait' || !deps[k]!.every((d) => state[d] === 'done')) continue;
          launch(k);
        }
      }
      if (running === 0) finish();
    };
    const launch = (k: number) => {
      const j = jobs[k]!;
      state[k] = 'run';
      running++;
      attempts[k]!++;
      progress.start();
      runChild(planPath, j, { root: options.root, threads }, (pid) => emit({ type: 'start', job: j, pid, attempt: attempts[k]! })).then(
        (r) => {
          running--;
          state[k] = 'done';
          progress.finish(true, j.kind === 'shard' ? r.rows : 0, r.cached);
          if (r.cached) cached++;
          emit({ type: 'done', job: j, rows: r.rows, cached: r.cached });
          pump();
        },
        (e: NeurosieveError & { retryable?: boolean; signal?: string }) => {
          running--;
          if (e.retryable && attempts[k]! <= retries && !failure) {
            retried++;
            state[k] = 'wait';
            progress.requeue();
            emit({ type: 'retry', job: j, signal: e.signal ?? '?', attempt: attempts[k]! });
          } else {
            progress.finish(false, 0, false);
            const why = e.retryable ? `its worker was killed (${e.signal}) ${attempts[k]} times` : e.message;
            failure ??= new NeurosieveError(e.retryable ? 'E_IO' : e.code, `${jobName(plan, j)} failed: ${why}; nothing was merged without it`);
            emit({ type: 'failed', job: j, message: why });
          }
          pump();
        },
      );
    };
    options.signal?.addEventListener('abort', pump, { once: true });
    pump();
  });
  if (failure) throw failure;
  return {
    output: fromRoot(options.root, plan.output, 'output'),
    rows: progress.state.rows,
    jobs: jobs.length,
    cached,
    retried,
    seconds: Number(((performance.now() - started) / 1000).toFixed(3)),
  };
}
