/**
 * Balanced train/dev/test sampling per class, as the paper's Python token task (method.md §1: 5,000 / 540 / 365
 * examples per class). Every class present with at least `minCount` examples gets the same number of examples:
 * the requested counts, or, when the rarest such class is short, the counts scaled down to what it has
 * (random undersampling to the smallest class, the reference's balancing). Sampling is seeded (mulberry32) and each
 * split is shuffled, so the same inputs and seed give the same rows in the same order.
 */
import { prng } from '../core/random.js';

export interface SplitSizes {
  train: number;
  dev: number;
  test: number;
}

export interface SplitResult {
  /** Row indices of each split, shuffled. */
  train: Int32Array;
  dev: Int32Array;
  test: Int32Array;
  /** Examples per class actually taken for each split (same for every included class). */
  perClass: SplitSizes;
  /** Class ids included, and those left out for having fewer than minCount examples. */
  included: number[];
  excluded: number[];
}

function shuffle(a: Int32Array, rand: () => number): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}

/** `labels[i]` is row i's class id in [0, classes), or -1 for rows that take part in no split. */
export function balancedSplits(labels: Int32Array, classes: number, sizes: SplitSizes, seed: number, minCount: number): SplitResult {
  const rand = prng(seed);
  const byClass: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    if (c >= 0) byClass[c]!.push(i);
  }
  const included: number[] = [];
  const excluded: number[] = [];
  for (let c = 0; c < classes; c++) {
    if (byClass[c]!.length === 0) continue;
    (byClass[c]!.length >= Math.max(1, minCount) ? included : excluded).push(c);
  }
  const need = sizes.train + sizes.dev + sizes.test;
  const available = included.length ? Math.min(...included.map((c) => byClass[c]!.length)) : 0;
  let perClass: SplitSizes = { ...sizes };
  if (available < need && need > 0) {
    // Scale every split down by the same factor; what rounding leaves goes to train.
    const f = available / need;
    const dev = Math.floor(sizes.dev * f);
    const test = Math.floor(sizes.test * f);
    perClass = { train: available - dev - test, dev, test };
  }
  const parts: Record<keyof SplitSizes, number[]> = { train: [], dev: [], test: [] };
  for (const c of included) {
    const idx = Int32Array.from(byClass[c]!);
    shuffle(idx, rand);
    let o = 0;
    for (const k of ['train', 'dev', 'test'] as const) {
      for (let i = 0; i < perClass[k]; i++) parts[k].push(idx[o++]!);
    }
  }
  const out = (k: keyof SplitSizes) => {
    const a = Int32Array.from(parts[k]);
    shuffle(a, rand);
    return a;
  };
  return { train: out('train'), dev: out('dev'), test: out('test'), perClass, included, excluded };
}
