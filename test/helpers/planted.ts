/**
 * Random activations with planted structure for correlation tests, and the float64 reference they are checked
 * against. Columns: groups of noisy copies / sign flips / scaled copies of a base neuron, independent neurons,
 * constant neurons, and neurons offset by 1e4 (where the one-pass E[xy] - E[x]E[y] formula breaks down).
 *
 * Every value stays within ±PLANTED_MAX_ABS (plus a little noise), so the same data can be written as float16
 * (largest finite value 65,504): a scaled sign flip doubles its base column only while the result stays under the
 * bound, and halves it otherwise. Without that, flips of flips of a 1e4-offset column grow as 1e4·2^k and a
 * float16 file of them holds ±Inf for some seeds.
 */
import { prng, randn } from './formats.js';

export interface Planted {
  rows: number;
  cols: number;
  /** float32 values exactly as stored in the file (row-major). */
  x: Float32Array;
  constant: number[];
  offset: number[];
}

/** Bound on |value| before noise: half of float16's largest finite value, so copies plus noise stay finite. */
export const PLANTED_MAX_ABS = 32768;

export function planted(rows: number, cols: number, seed: number): Planted {
  const rand = prng(seed);
  const x = new Float32Array(rows * cols);
  const z = randn(rows * cols, rand);
  const constant: number[] = [];
  const offset: number[] = [];
  const maxAbs = new Float64Array(cols); // largest |value| of each column so far
  for (let c = 0; c < cols; c++) {
    const kind = cols === 1 ? 0 : Math.floor(rand() * 6);
    const base = Math.floor(rand() * Math.max(1, c)); // an earlier column to copy from
    const scale = 0.5 + 3 * rand();
    const mean = (rand() - 0.5) * 10;
    const flip = 2 * maxAbs[base]! <= PLANTED_MAX_ABS ? -2 : -0.5;
    for (let r = 0; r < rows; r++) {
      const own = z[r * cols + c]!;
      let v: number;
      if (kind === 1 && c > 0) v = x[r * cols + base]! + 0.05 * own; // noisy copy
      else if (kind === 2 && c > 0) v = flip * x[r * cols + base]! + 0.1 * own; // scaled sign flip
      else if (kind === 3) v = 1e4 + own; // large mean, unit variance
      else if (kind === 4 && c > 0) v = 2.5; // constant
      else v = mean + scale * own; // independent
      x[r * cols + c] = v;
      maxAbs[c] = Math.max(maxAbs[c]!, Math.abs(x[r * cols + c]!));
    }
    if (kind === 3) offset.push(c);
    if (kind === 4 && c > 0) constant.push(c);
  }
  return { rows, cols, x, constant, offset };
}

/** Two-pass float64 reference: means, centred co-moment, Pearson r (0 off the diagonal for zero variance). */
export function referenceCorrelation(x: Float32Array, rows: number, cols: number): { mean: Float64Array; M: Float64Array; r: Float64Array } {
  const mean = new Float64Array(cols);
  for (let t = 0; t < rows; t++) for (let c = 0; c < cols; c++) mean[c]! += x[t * cols + c]!;
  for (let c = 0; c < cols; c++) mean[c]! /= rows;
  const M = new Float64Array(cols * cols);
  const centred = new Float64Array(cols);
  for (let t = 0; t < rows; t++) {
    for (let c = 0; c < cols; c++) centred[c] = x[t * cols + c]! - mean[c]!;
    for (let i = 0; i < cols; i++) {
      const a = centred[i]!;
      if (a === 0) continue;
      const row = i * cols;
      for (let j = i; j < cols; j++) M[row + j]! += a * centred[j]!;
    }
  }
  const r = new Float64Array(cols * cols);
  for (let i = 0; i < cols; i++) {
    for (let j = i; j < cols; j++) {
      const d = M[i * cols + i]! * M[j * cols + j]!;
      const v = i === j ? 1 : d > 0 ? M[i * cols + j]! / Math.sqrt(d) : 0;
      r[i * cols + j] = v;
      r[j * cols + i] = v;
    }
  }
  return { mean, M, r };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

export const TEST_SEED = Number(process.env.NEUROSIEVE_TEST_SEED ?? Math.floor(Math.random() * 2 ** 31));
