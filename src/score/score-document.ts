/**
 * The JSON forms of scores (`neurosieve score -o`, the runs of `bench-redundancy`): plain numbers, no typed arrays;
 * the per-neuron redundancy left is cut to its largest pairs, so a document stays small at any width.
 */
import type { RedundancyLeft } from './redundancy-left.js';
import type { ClusteringScore, SelectionScore } from './score.js';

export const SCORE_FORMAT = 'neurosieve-score';
export const SCORE_VERSION = 1;

export interface RedundancyLeftJson {
  max: number;
  mean: number;
  median: number;
  atLeast: RedundancyLeft['atLeast'];
  /** The most redundant kept pairs, largest |r| first (each pair once), at most 10. */
  worst: { neuron: number; other: number; absR: number }[];
}

const round = (v: number) => Number(v.toPrecision(12));

export function redundancyLeftJson(r: RedundancyLeft, kept: readonly number[]): RedundancyLeftJson {
  const order = Array.from(r.maxAbsR.keys()).sort((a, b) => r.maxAbsR[b]! - r.maxAbsR[a]! || kept[a]! - kept[b]!);
  const worst: RedundancyLeftJson['worst'] = [];
  const seen = new Set<string>();
  for (const i of order) {
    if (worst.length === 10 || r.nearest[i]! < 0) break;
    const a = Math.min(kept[i]!, r.nearest[i]!);
    const b = Math.max(kept[i]!, r.nearest[i]!);
    if (seen.has(`${a},${b}`)) continue;
    seen.add(`${a},${b}`);
    worst.push({ neuron: a, other: b, absR: round(r.maxAbsR[i]!) });
  }
  return { max: round(r.max), mean: round(r.mean), median: round(r.median), atLeast: r.atLeast, worst };
}

export type SelectionJson = Omit<SelectionScore, 'redundancyLeft'> & { redundancyLeft?: RedundancyLeftJson };

export function selectionJson(s: SelectionScore, kept: readonly number[]): SelectionJson {
  const { redundancyLeft, ...rest } = s;
  return { ...rest, ...(redundancyLeft ? { redundancyLeft: redundancyLeftJson(redundancyLeft, kept) } : {}) };
}

export type ClusteringJson = Omit<ClusteringScore, 'outcomeOf'>;

export function clusteringJson(s: ClusteringScore): ClusteringJson {
  const { outcomeOf: _o, ...rest } = s;
  return rest;
}

const pct = (v: number | null | undefined) => (v === null || v === undefined ? '    -' : `${(100 * v).toFixed(1).padStart(5)}`);
const num = (v: number | null | undefined, d = 3) => (v === null || v === undefined ? '-' : v.toFixed(d));

/** One line per cut: ARI, NMI, pair precision / recall, groups exact / split / merged / both, kept, redundancy left. */
export function clusteringLine(label: string, c: ClusteringScore | ClusteringJson, s?: SelectionScore | SelectionJson): string {
  const o = c.outcomes;
  const left = s?.redundancyLeft ? ` maxleft ${num(s.redundancyLeft.max)}` : '';
  const kept = s ? ` kept ${s.kept} (lost ${s.lost}, dup ${s.duplicated})` : '';
  return (
    `${label}ARI ${num(c.ari)} NMI ${num(c.nmi)} pairs P ${pct(c.pairPrecision)}% R ${pct(c.pairRecall)}%  ` +
    `groups ${o.exact}/${c.planted} exact, ${o.split} split, ${o.merged} merged, ${o.splitMerged} both;${kept}${left}`
  );
}
