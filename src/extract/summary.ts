/** What `extractActivations` returns: the manifest plus counts and timings, and a short account of each task. */
import { countBy, type Task } from './tasks.js';

export interface TaskSummary {
  task: string;
  labels: string[];
  rows: number;
  counts: Record<string, number>;
  splits: Record<'train' | 'dev' | 'test', { rows: number; perClass: number }>;
  excludedClasses: string[];
}

export interface ExtractSummary {
  output: string;
  manifest: Record<string, unknown>;
  sources: number;
  skipped: { path: string; reason: string }[];
  /** Subwords run through the model (owned tokens, each counted once). */
  tokens: number;
  /** Subword positions computed by the model, overlaps included. */
  modelTokens: number;
  windows: number;
  seconds: number;
  tokensPerSecond: number;
  tokenTask: TaskSummary;
  sentenceTask: TaskSummary;
}

export function taskSummary(name: string, t: Task): TaskSummary {
  return {
    task: name,
    labels: t.labels,
    rows: t.rowLabels.length,
    counts: countBy(t.labels, t.rowLabels),
    splits: {
      train: { rows: t.split.train.length, perClass: t.split.perClass.train },
      dev: { rows: t.split.dev.length, perClass: t.split.perClass.dev },
      test: { rows: t.split.test.length, perClass: t.split.perClass.test },
    },
    excludedClasses: t.split.excluded.map((c) => t.labels[c]!),
  };
}
