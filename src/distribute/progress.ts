/** Progress of a plan's execution, the same on every engine: jobs done / failed / running, rows/s and ETA. */
import type { Plan } from './plan.js';

export interface RunProgress {
  /** Jobs: shards + merges. */
  total: number;
  done: number;
  failed: number;
  running: number;
  /** Jobs found finished (partials already there). */
  cached: number;
  /** Rows in finished shard jobs, and in the plan (-1 when unknown). */
  rows: number;
  totalRows: number;
  /** Rows per second over the shards computed in this run (cached ones excluded); 0 before the first. */
  rowsPerSecond: number;
  /** Seconds left at that rate; undefined when unknown. */
  etaSeconds?: number;
}

export class ProgressTracker {
  private readonly started = performance.now();
  private computedRows = 0;
  readonly state: RunProgress;

  constructor(plan: Plan) {
    this.state = { total: plan.shards.length + plan.merges.length, done: 0, failed: 0, running: 0, cached: 0, rows: 0, totalRows: plan.rows, rowsPerSecond: 0 };
  }

  start(): void {
    this.state.running++;
  }

  /** A job ended; `rows` for shard jobs (0 for merges). */
  finish(ok: boolean, rows: number, cached: boolean): void {
    const s = this.state;
    s.running--;
    if (!ok) {
      s.failed++;
      return;
    }
    s.done++;
    s.rows += rows;
    if (cached) s.cached++;
    else this.computedRows += rows;
    const secs = (performance.now() - this.started) / 1000;
    s.rowsPerSecond = secs > 0 ? this.computedRows / secs : 0;
    s.etaSeconds = s.totalRows >= 0 && s.rowsPerSecond > 0 ? (s.totalRows - s.rows) / s.rowsPerSecond : undefined;
  }

  /** A job put back to run again (its worker died). */
  requeue(): void {
    this.state.running--;
  }

  snapshot(): RunProgress {
    return { ...this.state };
  }
}

/** One line for logs: "jobs 12/40 done, 0 failed, 2 running; 1.20M rows/s; ETA 31.0 s". */
export function progressLine(p: RunProgress): string {
  const rate = p.rowsPerSecond >= 1e6 ? `${(p.rowsPerSecond / 1e6).toFixed(2)}M` : `${Math.round(p.rowsPerSecond)}`;
  const eta = p.etaSeconds === undefined ? '' : `; ETA ${p.etaSeconds.toFixed(1)} s`;
  return `jobs ${p.done}/${p.total} done${p.cached ? ` (${p.cached} found done)` : ''}, ${p.failed} failed, ${p.running} running; ${rate} rows/s${eta}`;
}
