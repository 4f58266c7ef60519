/**
 * The SLURM engine: `run --engine slurm` writes the plan's sbatch scripts (src/distribute/slurm.ts), submits them
 * (submit.sh: the shard arrays, then the merge job with --dependency=afterok), and follows the merge job with
 * `scontrol show job` until it completes. Progress counts the shard partials that have appeared on the shared
 * storage. When the merge job ends in any other state (a shard task failed, so the dependency can never be met
 * and --kill-on-invalid-dep cancelled it), the run fails with the first shard log's error, which names the shard.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { NeurosieveError } from '../core/errors.js';
import { writeTextAtomic } from '../io/atomic.js';
import { partialPath } from './jobs.js';
import { fromRoot, readPlan } from './plan.js';
import { ProgressTracker } from './progress.js';
import { shellQuote, slurmScripts } from './slurm.js';
import { cliEntry, type EngineEvent, type RunSummary } from './engine-local.js';
import type { RunProgress } from './progress.js';

export interface SlurmRunOptions {
  root: string;
  /** Where the scripts and logs go (default: <plan>.slurm beside the plan). */
  dir?: string;
  throttle?: number;
  cpus?: number;
  sbatchArgs?: string[];
  pollMs?: number;
  signal?: AbortSignal;
  onEvent?: (e: EngineEvent, progress: RunProgress) => void;
}

/** JobState of a job from `scontrol show job -o`, or undefined once SLURM has forgotten it (MinJobAge). */
function jobState(id: string): string | undefined {
  try {
    const out = execFileSync('scontrol', ['show', 'job', '-o', id], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return /JobState=(\S+)/.exec(out)?.[1];
  } catch {
    return undefined;
  }
}

/** The first error line of the shard logs (each names its shard), for the failure message. */
function firstShardError(logDir: string): string | undefined {
  if (!existsSync(logDir)) return undefined;
  for (const name of readdirSync(logDir).filter((n) => n.startsWith('shard-')).sort()) {
    const m = /error (E_[A-Z]+): (.*)/.exec(readFileSync(join(logDir, name), 'utf8'));
    if (m) return `${m[2]} (${join(logDir, name)})`;
  }
  return undefined;
}

export async function runSlurm(planPath: string, o: SlurmRunOptions): Promise<RunSummary> {
  const { plan, sha256 } = readPlan(planPath);
  const started = performance.now();
  const dir = resolve(o.dir ?? join(dirname(planPath), `${basename(planPath, '.json')}.slurm`));
  const logDir = join(dir, 'logs');
  const scripts = slurmScripts(plan, {
    planPath: resolve(planPath),
    root: o.root,
    cli: `${shellQuote(process.execPath)} ${shellQuote(cliEntry())}`,
    logDir,
    tag: sha256.slice(0, 8),
    ...(o.throttle !== undefined ? { throttle: o.throttle } : {}),
    ...(o.cpus !== undefined ? { cpus: o.cpus } : {}),
    ...(o.sbatchArgs ? { sbatchArgs: o.sbatchArgs } : {}),
  });
  mkdirSync(logDir, { recursive: true });
  for (const [name, text] of Object.entries(scripts.files)) {
    writeTextAtomic(join(dir, name), text);
    chmodSync(join(dir, name), 0o755);
  }
  try {
    execFileSync('bash', [join(dir, 'submit.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new NeurosieveError('E_IO', `cannot submit to SLURM (${(e.stderr || e.message).trim()}); is sbatch on the PATH and SLURM_CONF set?`);
  }
  const merge = readFileSync(join(dir, 'merge.jobid'), 'utf8').trim();
  const progress = new ProgressTracker(plan);
  const seen = new Set<number>();
  const output = fromRoot(o.root, plan.output, 'output');
  for (;;) {
    if (o.signal?.aborted) throw new NeurosieveError('E_CANCELLED', `run cancelled; the SLURM jobs keep running (scancel ${merge} and the arrays in ${join(dir, 'shards.jobids')})`);
    for (const s of plan.shards) {
      if (seen.has(s.id) || !existsSync(partialPath(plan, o.root, s.partial))) continue;
      seen.add(s.id);
      progress.start();
      progress.finish(true, s.rows, false);
      o.onEvent?.({ type: 'done', job: { kind: 'shard', id: s.id }, rows: s.rows, cached: false }, progress.snapshot());
    }
    const state = jobState(merge);
    if (state === 'COMPLETED' || (state === undefined && existsSync(`${output}.manifest.json`))) break;
    if (state !== undefined && !['PENDING', 'RUNNING', 'CONFIGURING', 'COMPLETING', 'REQUEUED', 'RESIZING', 'SUSPENDED'].includes(state)) {
      const why = firstShardError(logDir);
      throw new NeurosieveError('E_IO', `SLURM merge job ${merge} ended ${state}${why ? `: a shard task failed: ${why}` : ` (logs: ${logDir})`}; nothing was merged without it`);
    }
    if (state === undefined) throw new NeurosieveError('E_IO', `SLURM no longer knows merge job ${merge} and ${output} was not written (logs: ${logDir})`);
    await new Promise((r) => setTimeout(r, o.pollMs ?? 1000));
  }
  return {
    output,
    rows: plan.rows >= 0 ? plan.rows : progress.state.rows,
    jobs: plan.shards.length + plan.merges.length,
    cached: 0,
    retried: 0,
    seconds: Number(((performance.now() - started) / 1000).toFixed(3)),
  };
}
