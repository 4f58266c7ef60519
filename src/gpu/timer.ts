/// <reference types="@webgpu/types" />
/**
 * Device time per kernel from timestamp queries (the 'timestamp-query' feature): an encoder registered with
 * timeEncoder() gets, in every pass recorded through src/gpu/programs/pass.ts, a write at the beginning and the
 * end of the pass; resolve() records the copy of the query set, submitted() (after the submission) reads it back without blocking, and
 * totals() sums the nanoseconds per pass label. Adapters without the feature report why instead.
 */
import type { Gpu } from './device.js';
import { readback } from './readback.js';

const timed = new WeakMap<GPUCommandEncoder, KernelTimer>();

/** The timer recording the passes of `encoder`, if any (src/gpu/programs/pass.ts asks). */
export function timerOf(encoder: GPUCommandEncoder): KernelTimer | undefined {
  return timed.get(encoder);
}

/** Why this device cannot time kernels, or undefined if it can. */
export function timingUnavailable(g: Gpu): string | undefined {
  return g.device.features.has('timestamp-query') ? undefined : "the adapter lacks the 'timestamp-query' feature";
}

export class KernelTimer {
  private readonly pending: Promise<void>[] = [];
  private readonly ns = new Map<string, number>();
  /** Bytes read back for the timestamps (8 per query), kept apart from the data's bytes. */
  bytesDown = 0;

  constructor(private readonly g: Gpu) {}

  /**
   * Times the passes recorded into `encoder` until resolve(encoder) (at most `maxPasses`). Returns the
   * timestampWrites hook for pass.ts.
   */
  begin(encoder: GPUCommandEncoder, maxPasses: number): void {
    const set = this.g.device.createQuerySet({ type: 'timestamp', count: 2 * maxPasses });
    timed.set(encoder, this);
    this.open.set(encoder, { set, labels: [], max: maxPasses });
  }

  private readonly open = new Map<GPUCommandEncoder, { set: GPUQuerySet; labels: string[]; max: number }>();

  /** The timestampWrites of the next pass of `encoder`, named `label`; undefined once the set is full. */
  writes(encoder: GPUCommandEncoder, label: string): GPUComputePassTimestampWrites | undefined {
    const o = this.open.get(encoder);
    if (!o || o.labels.length >= o.max) return undefined;
    const i = o.labels.push(label) - 1;
    return { querySet: o.set, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 };
  }

  /** Records the copy of the encoder's timestamps (before encoder.finish()); read back after submission. */
  resolve(encoder: GPUCommandEncoder): void {
    const o = this.open.get(encoder);
    this.open.delete(encoder);
    timed.delete(encoder);
    if (!o || o.labels.length === 0) {
      o?.set.destroy();
      return;
    }
    const bytes = 16 * o.labels.length;
    const buf = this.g.buffers.acquire(bytes, GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC, 'timestamps');
    encoder.resolveQuerySet(o.set, 0, 2 * o.labels.length, buf, 0);
    const read = readback(this.g, buf, 0, bytes, encoder);
    this.bytesDown += bytes;
    this.unsubmitted.push(async () => {
        const t = new BigUint64Array(await read());
        o.labels.forEach((label, i) => {
          // A pass whose end precedes its beginning (a driver that does not order them) is left out.
          const d = Number(t[2 * i + 1]! - t[2 * i]!);
          if (t[2 * i + 1]! >= t[2 * i]!) this.ns.set(label, (this.ns.get(label) ?? 0) + d);
        });
        o.set.destroy();
        this.g.buffers.release(buf);
      });
  }

  private readonly unsubmitted: (() => Promise<void>)[] = [];

  /** Starts reading back the timestamps of the encoders resolved so far: call after their submission. */
  submitted(): void {
    // A failed read (device lost) only loses the timing; the pass reports the loss itself.
    for (const f of this.unsubmitted.splice(0)) this.pending.push(f().catch(() => { this.failed = true; }));
  }

  /** Some timestamps could not be read back (the device went away). */
  failed = false;

  /** Milliseconds per pass label, once every resolved encoder's timestamps are back. */
  async totals(): Promise<Record<string, number>> {
    await Promise.all(this.pending.splice(0));
    return Object.fromEntries([...this.ns].map(([k, v]) => [k, v / 1e6]));
  }
}
