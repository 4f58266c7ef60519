/**
 * Every probe `analyze` trains goes through one bench: a neuron subset (original ids, in feature order) and a
 * seed in, the trained weights and their dev and test metrics out. The bench
 *  - reads the held matrices in place (column views), except for small subsets: a minibatch of a view reads
 *    whole rows of X to gather a few columns, so a probe on k ≪ D neurons would cost ~10 passes over X (one
 *    per epoch); below k = D / (8 · concurrency) its columns are copied out once (all copies together stay under
 *    X / 8), which gives the same bytes. The exact solver always gets a copy of its subset,
 *  - runs at most `concurrency` probes at once, each on `threads` threads (results never depend on either:
 *    each probe is deterministic and independent of the others),
 *  - remembers every probe by (columns, seed), so a subset the pipeline asks for twice (the last incremental
 *    prefix is the oracle; two δ_L that pick the same layer) is trained once,
 *  - counts probes and their time for the results.
 */
import { createHash } from 'node:crypto';
import { computeMetrics, type Metrics } from '../probe/metrics.js';
import { predictLinear, predictOnView } from '../probe/linear-predict.js';
import { trainCompat, trainCompatOnView } from '../probe/train-compat.js';
import { trainExact } from '../probe/train-exact.js';
import { copyColumns, type HeldData, type HeldPart } from './held-data.js';
import type { AnalyzeMetric, ResolvedAnalyzeOptions } from './options.js';

export interface ProbeOutcome {
  /** Original neuron ids, in the probe's feature order. */
  columns: Uint32Array;
  mode: 'compat' | 'exact';
  seed: number;
  /** Row-major classes × columns.length. */
  weight: Float32Array;
  bias: Float32Array;
  dev: Metrics;
  test?: Metrics;
  /** The decision score: dev[metric]. */
  score: number;
  /** test[metric], when there is a test set. */
  testScore?: number;
  seconds: number;
}

export function scoreOf(m: Metrics, metric: AnalyzeMetric): number {
  const v = m[metric];
  return v ?? Number.NaN;
}

/** A tiny counting semaphore: at most `limit` bodies run at once, in the order they asked. */
class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];
  constructor(limit: number) {
    this.free = limit;
  }
  async run<T>(body: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await body();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}

export class ProbeBench {
  private readonly cache = new Map<string, Promise<ProbeOutcome>>();
  private readonly slots: Slots;
  /** Probes trained (cache hits excluded) and their summed wall time. */
  trained = 0;
  trainSeconds = 0;

  constructor(
    private readonly data: HeldData,
    private readonly o: ResolvedAnalyzeOptions,
    private readonly signal?: AbortSignal,
  ) {
    this.slots = new Slots(o.concurrency);
  }

  /** The probe on `columns` (original ids, feature order) from `seed`, trained once. */
  probe(columns: ArrayLike<number>, seed: number, mode: 'compat' | 'exact' = this.o.mode): Promise<ProbeOutcome> {
    const ids = Uint32Array.from(columns);
    const key = `${mode}:${mode === 'exact' ? 0 : seed}:${createHash('sha1').update(Buffer.from(ids.buffer)).digest('hex')}`;
    let p = this.cache.get(key);
    if (!p) {
      p = this.slots.run(() => this.train(ids, seed, mode));
      this.cache.set(key, p);
    }
    return p;
  }

  private isAll(ids: Uint32Array): boolean {
    return ids.length === this.data.D && ids.every((c, j) => c === j);
  }

  private async train(columns: Uint32Array, seed: number, mode: 'compat' | 'exact'): Promise<ProbeOutcome> {
    const started = performance.now();
    const { data, o } = this;
    const C = data.classes.length;
    const k = columns.length;
    const all = this.isAll(columns);
    const view = (part: HeldPart) => (all ? { x: part.x, rows: part.rows, cols: k, y: part.y } : { x: part.x, rows: part.rows, cols: k, y: part.y, stride: data.D, columns });
    let trained: { weight: Float32Array; bias: Float32Array };
    const small = !all && k * 8 * o.concurrency <= data.D;
    if (mode === 'compat' && small) {
      const x = await copyColumns(data.train, data.D, columns, o.threads);
      trained = await trainCompat({ x, rows: data.train.rows, cols: k, y: data.train.y }, C, { ...o.compat, seed }, { threads: o.threads, ...(this.signal ? { signal: this.signal } : {}) });
    } else if (mode === 'compat') {
      const v = view(data.train) as Parameters<typeof trainCompatOnView>[0];
      trained = await trainCompatOnView(v, C, { ...o.compat, seed }, { threads: o.threads, ...(this.signal ? { signal: this.signal } : {}) });
    } else {
      const x = all ? data.train.x : await copyColumns(data.train, data.D, columns, o.threads);
      trained = await trainExact({ x, rows: data.train.rows, cols: k, y: data.train.y }, C, o.exact, { threads: o.threads, backend: 'native', ...(this.signal ? { signal: this.signal } : {}) });
    }
    const metricsOn = async (part: HeldPart): Promise<Metrics> => {
      const predicted = all
        ? await predictLinear({ x: part.x, rows: part.rows, cols: k }, trained, { threads: o.threads })
        : await predictOnView({ x: part.x, rows: part.rows, cols: k, stride: data.D, columns }, trained, o.threads);
      return computeMetrics(predicted, part.y, data.classes);
    };
    const dev = await metricsOn(data.dev);
    const test = data.test ? await metricsOn(data.test) : undefined;
    const seconds = (performance.now() - started) / 1000;
    this.trained++;
    this.trainSeconds += seconds;
    return {
      columns,
      mode,
      seed,
      weight: trained.weight,
      bias: trained.bias,
      dev,
      ...(test ? { test, testScore: scoreOf(test, o.metric) } : {}),
      score: scoreOf(dev, o.metric),
      seconds,
    };
  }
}
