/**
 * A labelling task (Python token types, or statement types): one class id per row, and the balanced train / dev /
 * test splits drawn from those rows, with each row's place in its split so rows can be written as they stream in.
 */
import { balancedSplits, type SplitResult, type SplitSizes } from './splits.js';

export const SPLIT_NAMES = ['train', 'dev', 'test'] as const;

export interface Task {
  labels: string[];
  rowLabels: Int32Array;
  split: SplitResult;
  /** For each row, its split (0 train, 1 dev, 2 test, -1 none) and position in it. */
  splitOf: Int8Array;
  posInSplit: Int32Array;
}

export function makeTask(labels: string[], rowLabels: Int32Array, sizes: SplitSizes, seed: number, minCount: number): Task {
  const split = balancedSplits(rowLabels, labels.length, sizes, seed, minCount);
  const splitOf = new Int8Array(rowLabels.length).fill(-1);
  const posInSplit = new Int32Array(rowLabels.length);
  [split.train, split.dev, split.test].forEach((idx, k) => {
    idx.forEach((row, pos) => {
      splitOf[row] = k;
      posInSplit[row] = pos;
    });
  });
  return { labels, rowLabels, split, splitOf, posInSplit };
}

/** Tells the user when classes were left out of the splits, or the splits had to shrink to the rarest class. */
export function warnAboutSplits(name: string, t: Task, want: SplitSizes, minCount: number, warn: (message: string) => void): void {
  if (t.split.excluded.length) {
    warn(`${name} task: classes with fewer than ${minCount} examples left out of the splits: ${t.split.excluded.map((c) => t.labels[c]).join(', ')}`);
  }
  if (t.split.perClass.train < want.train && t.split.included.length) {
    const p = t.split.perClass;
    warn(`${name} task: only ${p.train + p.dev + p.test} examples per class available; splits scaled to ${p.train} / ${p.dev} / ${p.test}`);
  }
}

export function countBy(labels: string[], rowLabels: Int32Array): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(labels.map((l) => [l, 0]));
  for (const c of rowLabels) counts[labels[c]!]!++;
  return counts;
}
