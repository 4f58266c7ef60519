/**
 * Memory checked before it is allocated: a request whose large buffers cannot fit in this machine's memory (the
 * co-moment state and the D × D matrix of corr, the condensed distances of cluster, the activations a probe
 * loads) is refused up front with the bytes it needs and the option that reduces them, instead of failing with
 * a bare "out of memory" after the input was read, or swapping the machine to a halt.
 *
 * The budget is the physical memory, or the cgroup limit when one is set (process.constrainedMemory), or
 * NEUROSIEVE_MEMORY_LIMIT (bytes) when given — to share a machine, and for the tests. Only the named buffers are
 * counted (a lower bound of what the run needs), so a refusal is never a false alarm.
 */
import { totalmem } from 'node:os';
import { NeurosieveError } from './errors.js';

export interface MemoryBudget {
  bytes: number;
  /** For messages: where the number comes from. */
  source: string;
}

export function memoryBudget(): MemoryBudget {
  const env = process.env.NEUROSIEVE_MEMORY_LIMIT;
  if (env !== undefined && env.trim() !== '') {
    const v = Number(env);
    if (!Number.isFinite(v) || v <= 0) {
      throw new NeurosieveError('E_ARGUMENT', `Expected a positive number of bytes for NEUROSIEVE_MEMORY_LIMIT but received '${env}'`);
    }
    return { bytes: v, source: 'NEUROSIEVE_MEMORY_LIMIT' };
  }
  const total = totalmem();
  // Node 20 reports 2^64 when no cgroup limit is set; a real limit below the physical memory is the one that binds.
  const constrained = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.();
  if (constrained !== undefined && constrained > 0 && constrained < total) return { bytes: constrained, source: 'the cgroup memory limit' };
  return { bytes: total, source: "this machine's memory" };
}

/** Bytes as people read them: 1.2 GB (decimal, as `free -h` and disk tools print them), or 512 kB. */
export function formatBytes(n: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let u = 0;
  let v = n;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return u === 0 ? `${n} bytes` : `${v.toFixed(1)} ${units[u]}`;
}

/**
 * Throws E_ARGUMENT when the named buffers together exceed the budget. `what` says what is computed and from
 * which file ("corr of data.npy (100000 neurons)"), `parts` the buffers and their sizes, `hint` the option that
 * reduces them.
 */
export function checkMemory(what: string, parts: readonly (readonly [string, number])[], hint: string): void {
  const needed = parts.reduce((s, [, b]) => s + b, 0);
  const budget = memoryBudget();
  if (needed <= budget.bytes) return;
  const list = parts.map(([name, b]) => `${name} ${formatBytes(b)}`).join(' + ');
  throw new NeurosieveError(
    'E_ARGUMENT',
    `${what}: needs at least ${formatBytes(needed)} of memory (${list}) but ${budget.source} is ${formatBytes(budget.bytes)}; ${hint}`,
  );
}

/** D(D+1)/2 float64: the packed co-moment state of D neurons. */
export const comomentBytes = (d: number): number => ((d * (d + 1)) / 2) * 8;
/** D × D float32: the correlation matrix. */
export const matrixBytes = (d: number): number => d * d * 4;
