/**
 * The control task (Hewitt & Liang 2019, "Designing and Interpreting Probes with Control Tasks"; method.md §6):
 * every word type gets a random label, drawn from the train label distribution, and the same probe is trained on
 * those labels. A probe that scores well on the control task memorises word identity rather than reading the
 * property from the representation: selectivity = task score − control score.
 *
 * The label of a type depends only on the type and the seed, so a word has the same control label in train, dev
 * and test. (The seed scripts drew it per split from the token's position: a word changed label between splits,
 * which pushed control accuracy toward chance and inflated selectivity.)
 */
import type { HeldData, HeldPart } from './held-data.js';
import type { ProbeBench, ProbeOutcome } from './probe-bench.js';
import { scoreOf } from './probe-bench.js';
import type { AnalyzeMetric } from './options.js';

export interface ControlTaskResult {
  /** Seed of the type → label draw (and of the probe's initialisation: the oracle's). */
  seed: number;
  /** Word types labelled (over train, dev and test). */
  types: number;
  dev: number;
  test?: number;
  /** Task score − control score, in the analysis metric. */
  selectivity: { dev: number; test?: number };
}

/** FNV-1a over the word's UTF-16 code units from a seeded basis, then murmur3's finaliser: a uniform 32-bit value. */
function typeHash(word: string, seed: number): number {
  let h = (0x811c9dc5 ^ Math.imul(seed >>> 0, 0x9e3779b1)) >>> 0;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** The control label of each word: class c with probability counts[c] / Σ counts, fixed per (type, seed). */
export function controlLabels(words: readonly string[], counts: readonly number[], seed: number): Int32Array {
  const total = counts.reduce((a, b) => a + b, 0);
  const cumulative = counts.map(((s) => (n: number) => (s += n) / total)(0));
  const byType = new Map<string, number>();
  return Int32Array.from(words, (w) => {
    let c = byType.get(w);
    if (c === undefined) {
      const u = typeHash(w, seed) / 2 ** 32;
      c = cumulative.findIndex((edge) => u < edge);
      if (c < 0) c = counts.length - 1;
      byType.set(w, c);
    }
    return c;
  });
}

/** The control probe (the oracle's configuration and seed, all neurons), or undefined without dev words. */
export async function controlTask(held: HeldData, oracle: ProbeOutcome, metric: AnalyzeMetric, makeBench: (data: HeldData) => ProbeBench): Promise<ControlTaskResult | undefined> {
  if (!held.words || !held.devWords || (held.test && !held.testWords)) return undefined;
  const counts = new Array<number>(held.classes.length).fill(0);
  for (const c of held.train.y) counts[c]!++;
  const seed = oracle.seed;
  const relabel = (part: HeldPart, words: readonly string[]): HeldPart => ({ ...part, y: controlLabels(words, counts, seed) });
  const data: HeldData = {
    ...held,
    train: relabel(held.train, held.words),
    dev: relabel(held.dev, held.devWords),
    ...(held.test ? { test: relabel(held.test, held.testWords!) } : {}),
  };
  const probe = await makeBench(data).probe(oracle.columns, seed);
  const types = new Set([...held.words, ...held.devWords, ...(held.testWords ?? [])]).size;
  const test = probe.test ? scoreOf(probe.test, metric) : undefined;
  return {
    seed,
    types,
    dev: probe.score,
    ...(test !== undefined ? { test } : {}),
    selectivity: { dev: oracle.score - probe.score, ...(test !== undefined && oracle.testScore !== undefined ? { test: oracle.testScore - test } : {}) },
  };
}
