/**
 * How much the oracle's neuron ranking depends on the initial weights. With NeuroX's settings (a few epochs,
 * small λ) two seeds share only a small part of their top neurons (method.md §6b: ~18% of the top 50), so a
 * ranking from one seed is mostly a fact about that seed. `analyze` trains the compat oracle from several seeds,
 * keeps the one with the best dev score, and reports here:
 *  - the spread of the seeds' dev and test scores (min, median, max),
 *  - for every pair of seeds, the Jaccard index of their concept-neuron sets (top `fraction` of each class's
 *    weight mass, method.md §4) and the share of the first `n` neurons of their weight-mass orderings they
 *    have in common; mean and minimum over pairs,
 *  - the same two numbers between the kept compat oracle and an exact-mode oracle (a convex problem with one
 *    solution: the stable alternative), when one was trained.
 */
import { topNeurons } from '../rank/weight-mass.js';
import { weightMassOrder } from './minimal-set.js';
import type { ProbeOutcome } from './probe-bench.js';

export interface Spread {
  min: number;
  median: number;
  max: number;
}

export interface Agreement {
  /** |A ∩ B| / |A ∪ B| of the concept-neuron sets. */
  conceptJaccard: number;
  /** |first n of A ∩ first n of B| / n of the weight-mass orderings. */
  topOverlap: number;
}

export interface Stability {
  seeds: number[];
  chosenSeed: number;
  dev: Spread;
  test?: Spread;
  /** n of topOverlap. */
  topN: number;
  fraction: number;
  /** Over the seed pairs (absent with one seed). */
  pairs?: { mean: Agreement; min: Agreement };
  /** The kept compat oracle against the exact oracle. */
  exact?: Agreement & { dev: number; test?: number };
}

function spread(values: number[]): Spread {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return { min: s[0]!, median: s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2, max: s[s.length - 1]! };
}

function agreement(a: { set: Set<number>; top: Uint32Array }, b: { set: Set<number>; top: Uint32Array }, n: number): Agreement {
  let inter = 0;
  for (const j of a.set) if (b.set.has(j)) inter++;
  const union = a.set.size + b.set.size - inter;
  const topB = new Set(b.top);
  let shared = 0;
  for (const j of a.top) if (topB.has(j)) shared++;
  return { conceptJaccard: union === 0 ? 1 : inter / union, topOverlap: n === 0 ? 1 : shared / n };
}

export function oracleStability(
  probes: ProbeOutcome[],
  chosen: ProbeOutcome,
  exact: ProbeOutcome | undefined,
  classes: readonly string[],
  fraction: number,
  stride: number,
  topN = 50,
): Stability {
  const D = chosen.columns.length;
  const n = Math.min(topN, D);
  const summary = (p: ProbeOutcome) => ({
    set: new Set(topNeurons({ classes, neurons: D, weight: p.weight }, fraction).neurons),
    top: weightMassOrder(p, classes, stride).subarray(0, n),
  });
  const s = probes.map(summary);
  const out: Stability = {
    seeds: probes.map((p) => p.seed),
    chosenSeed: chosen.seed,
    dev: spread(probes.map((p) => p.score)),
    ...(chosen.testScore !== undefined ? { test: spread(probes.map((p) => p.testScore!)) } : {}),
    topN: n,
    fraction,
  };
  if (probes.length > 1) {
    const all: Agreement[] = [];
    for (let i = 0; i < s.length; i++) for (let j = i + 1; j < s.length; j++) all.push(agreement(s[i]!, s[j]!, n));
    const mean = (f: (a: Agreement) => number) => all.reduce((t, a) => t + f(a), 0) / all.length;
    const min = (f: (a: Agreement) => number) => Math.min(...all.map(f));
    out.pairs = {
      mean: { conceptJaccard: mean((a) => a.conceptJaccard), topOverlap: mean((a) => a.topOverlap) },
      min: { conceptJaccard: min((a) => a.conceptJaccard), topOverlap: min((a) => a.topOverlap) },
    };
  }
  if (exact) {
    out.exact = { ...agreement(summary(chosen), summary(exact), n), dev: exact.score, ...(exact.testScore !== undefined ? { test: exact.testScore } : {}) };
  }
  return out;
}
