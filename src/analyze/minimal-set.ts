/**
 * The minimal neuron set (LCA, method.md §5 step 5; Dalvi et al. 2020 §4.3): order the base probe's neurons by
 * weight mass (get_neuron_ordering with stride 1000), then for p in the percentage grid take k = int(p · D) —
 * counted against the WHOLE network, as the reference does — skip k larger than the base set, retrain on the
 * first k neurons of the ordering and stop at the first k whose dev score is STRICTLY greater than
 * base score · (1 − δ_N / 100). If none passes, the whole base set is kept with its score.
 *
 * The search is sequential by definition; to use several cores it trains the next `concurrency` candidates at
 * once and takes the first passing one in grid order, which is the answer the sequential search gives.
 */
import { neuronOrdering } from '../rank/weight-mass.js';
import type { ProbeBench, ProbeOutcome } from './probe-bench.js';

export interface MinimalSetStep {
  p: number;
  k: number;
  dev: number;
  test?: number;
}

export interface MinimalSet {
  deltaN: number;
  /** base dev score × (1 − δ_N / 100). */
  target: number;
  /** Whether some k passed (false: the base set is kept). */
  passed: boolean;
  /** The chosen grid point (null when none passed). */
  p: number | null;
  /** Kept neuron ids, most important first. */
  neurons: Uint32Array;
  dev: number;
  test?: number;
  /** Every candidate trained, in grid order (speculative ones past the answer included). */
  curve: MinimalSetStep[];
}

/** The base probe's neurons by weight mass, most important first; neurons with no weight at all come last, by id. */
export function weightMassOrder(base: ProbeOutcome, classes: readonly string[], stride: number): Uint32Array {
  const { ordering, unranked } = neuronOrdering({ classes, neurons: base.columns.length, weight: base.weight }, stride);
  return Uint32Array.from([...ordering, ...unranked], (j) => base.columns[j]!);
}

/** The candidate sizes of the grid for a base set of `available` neurons out of D (distinct, ≥ 1, ≤ available). */
export function candidateSizes(percentages: readonly number[], D: number, available: number): Array<{ p: number; k: number }> {
  const out: Array<{ p: number; k: number }> = [];
  for (const p of percentages) {
    const k = Math.trunc(p * D); // Python's int(p * D): the same double product, truncated
    if (k < 1 || k > available || out.some((c) => c.k === k)) continue;
    out.push({ p, k });
  }
  return out;
}

export async function minimalSet(
  bench: ProbeBench,
  base: ProbeOutcome,
  deltaN: number,
  o: { lcaPercentages: number[]; orderingStride: number; concurrency: number },
  classes: readonly string[],
  D: number,
  seed: number,
  onCandidate: (k: number) => void,
): Promise<MinimalSet> {
  const target = base.score * (1 - deltaN / 100);
  const order = weightMassOrder(base, classes, o.orderingStride);
  const candidates = candidateSizes(o.lcaPercentages, D, order.length);
  const curve: MinimalSetStep[] = [];
  for (let i = 0; i < candidates.length; i += o.concurrency) {
    const batch = candidates.slice(i, i + o.concurrency);
    const probes = await Promise.all(
      batch.map(({ k }) => {
        onCandidate(k);
        return bench.probe(order.subarray(0, k), seed);
      }),
    );
    for (const [j, probe] of probes.entries()) {
      curve.push({ p: batch[j]!.p, k: batch[j]!.k, dev: probe.score, ...(probe.testScore !== undefined ? { test: probe.testScore } : {}) });
    }
    const hit = probes.findIndex((probe) => probe.score > target);
    if (hit >= 0) {
      const probe = probes[hit]!;
      return { deltaN, target, passed: true, p: batch[hit]!.p, neurons: probe.columns, dev: probe.score, ...(probe.testScore !== undefined ? { test: probe.testScore } : {}), curve };
    }
  }
  return { deltaN, target, passed: false, p: null, neurons: order, dev: base.score, ...(base.testScore !== undefined ? { test: base.testScore } : {}), curve };
}
