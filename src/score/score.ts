/**
 * Scoring redundancy algorithms against planted truth (`neurosieve score`): a clustering, a neuron selection or a
 * ranking against a `neurosieve synth` truth file. The formulas are in partition-scores.ts (ARI, NMI, pairs,
 * group outcomes), redundancy-left.ts (max |r| among kept neurons) and below (groups covered by a selection,
 * concept neurons found in the first k of a ranking).
 */
import { NeurosieveError } from '../core/errors.js';
import { expectInteger, expectOneOf, expectOptions, expectThreads, fail } from '../core/validate.js';
import type { SynthTruth } from '../synth/synth.js';
import { countOutcomes, groupOutcomes, partitionScores, type GroupOutcome, type GroupOutcomes, type Labels, type PartitionScores } from './partition-scores.js';
import { redundancyLeft, type CorrelationFrom, type RedundancyLeft } from './redundancy-left.js';
import { plantedClusters, plantedLabels, plantedTruth, readTruth, TRUTH_LEVELS, type PlantedTruth, type TruthLevel } from './truth.js';

export type TruthInput = string | SynthTruth | PlantedTruth;

export const SCORE_DEFAULTS = { level: 'groups' } as const;

/** A truth file path, a truth document, or an already checked truth. */
export function resolveTruth(truth: TruthInput): PlantedTruth {
  if (typeof truth === 'string') return readTruth(truth);
  if ((truth as PlantedTruth).inert !== undefined && (truth as PlantedTruth).groupKinds !== undefined) return truth as PlantedTruth;
  return plantedTruth(truth);
}

export interface ScoreClusteringOptions {
  /** Planted partition to compare with: 'groups' (default) or 'families' (nested groups merged). */
  level?: TruthLevel;
  /** labels[i] belongs to neuron columns[i] (a clustering of a subset): the truth is restricted to these neurons. */
  columns?: readonly number[];
}

export interface ClusteringScore extends PartitionScores {
  level: TruthLevel;
  /** Neurons scored (the subset's size with columns). */
  neurons: number;
  /** Planted clusters at this level (with ≥ 2 members among the neurons scored). */
  planted: number;
  /** How many planted clusters ended exact / split / merged / split and merged. */
  outcomes: GroupOutcomes;
  /** The same, per kind of planted cluster ('plain', 'graded', 'spanning', and 'family' at level 'families'). */
  outcomesByKind: Record<string, GroupOutcomes>;
  /** The outcome of each planted cluster, in truth order. */
  outcomeOf: GroupOutcome[];
}

function expectLabels(labels: unknown, n: number, name: string): Labels {
  if (typeof labels !== 'object' || labels === null || typeof (labels as Labels).length !== 'number') fail('an array of cluster labels', name, labels);
  const l = labels as Labels;
  if (l.length !== n) fail(`${n} cluster labels (one per neuron)`, name, l.length, `${l.length}`);
  for (let i = 0; i < l.length; i++) if (!Number.isSafeInteger(l[i])) fail('integer cluster labels', name, l[i], `${String(l[i])} at position ${i}`);
  return l;
}

/** Where each truth neuron sits among `columns` (−1: not clustered); checks the ids. */
function positionsOf(truth: PlantedTruth, columns: readonly number[]): Int32Array {
  const pos = new Int32Array(truth.neurons).fill(-1);
  columns.forEach((id, i) => {
    if (!Number.isSafeInteger(id) || id < 0 || id >= truth.neurons) fail(`neuron ids in [0, ${truth.neurons - 1}]`, 'columns', id, `${String(id)} at position ${i}`);
    if (pos[id] !== -1) fail('distinct neuron ids', 'columns', id, `${id} more than once`);
    pos[id] = i;
  });
  return pos;
}

/** Scores one flat clustering (one label per neuron) against the planted partition. */
export function scoreClustering(truth: TruthInput, labels: Labels, options: ScoreClusteringOptions = {}): ClusteringScore {
  expectOptions(options, ['level', 'columns'], 'scoreClustering');
  const t = resolveTruth(truth);
  const level = expectOneOf(options.level ?? SCORE_DEFAULTS.level, 'level', TRUTH_LEVELS);
  if (level === 'families' && t.families.length === 0) {
    throw new NeurosieveError('E_ARGUMENT', `Expected a truth with nested groups (families) for level 'families' but ${t.source} has none`);
  }
  let clusters = plantedClusters(t, level);
  // At level 'families' the families come first, then the groups outside any family with their own kind.
  let kinds = level === 'groups' ? t.groupKinds : [...t.families.map(() => 'family'), ...t.groupKinds.filter((_, g) => t.familyOf[g] === -1)];
  let n = t.neurons;
  if (options.columns !== undefined) {
    const pos = positionsOf(t, options.columns);
    n = options.columns.length;
    const kept = clusters.map((members) => members.map((m) => pos[m]!).filter((p) => p >= 0));
    kinds = kinds.filter((_, k) => kept[k]!.length >= 2);
    clusters = kept.filter((members) => members.length >= 2);
  }
  const l = expectLabels(labels, n, 'labels');
  const truthLabels = plantedLabels(n, clusters);
  const outcomeOf = groupOutcomes(clusters, l);
  const byKind: Record<string, GroupOutcome[]> = {};
  outcomeOf.forEach((o, k) => (byKind[kinds[k]!] ??= []).push(o));
  return {
    level,
    neurons: n,
    planted: clusters.length,
    ...partitionScores(truthLabels, l),
    outcomes: countOutcomes(outcomeOf),
    outcomesByKind: Object.fromEntries(Object.entries(byKind).map(([k, os]) => [k, countOutcomes(os)])),
    outcomeOf,
  };
}

export interface ScoreSelectionOptions {
  /** Planted partition whose groups a selection should keep one of each (default 'groups'). */
  level?: TruthLevel;
  /** Correlations to measure the redundancy left among kept neurons on (a corr .npy, a stats file, a square
   *  Float32Array, or { activations }); without it that part is left out. */
  correlation?: CorrelationFrom;
  threads?: number;
}

export interface SelectionScore {
  kept: number;
  /** Planted clusters at the level, and how the selection treats them: at least one member kept (covered), none
   *  kept (lost), more than one kept (duplicated); extraKept = Σ (members kept − 1) over covered clusters. */
  planted: number;
  covered: number;
  lost: number;
  duplicated: number;
  extraKept: number;
  /** Constant and near-constant neurons kept (they carry nothing). */
  inertKept: number;
  /** Concept neurons among the kept ones, when the truth has concepts. */
  concepts?: ConceptScore;
  /** Measured on `correlation`, when given. */
  redundancyLeft?: RedundancyLeft;
}

function expectIds(ids: unknown, n: number, name: string): number[] {
  if (typeof ids !== 'object' || ids === null || typeof (ids as ArrayLike<number>).length !== 'number') fail('an array of neuron ids', name, ids);
  const out = Array.from(ids as ArrayLike<number>);
  const seen = new Uint8Array(n);
  out.forEach((id, i) => {
    if (!Number.isSafeInteger(id) || id < 0 || id >= n) fail(`neuron ids in [0, ${n - 1}]`, name, id, `${String(id)} at position ${i}`);
    if (seen[id]) fail('distinct neuron ids', name, id, `${id} more than once`);
    seen[id] = 1;
  });
  return out;
}

/** Scores a set of kept neurons: planted clusters covered, lost and duplicated, inert neurons kept, concept neurons
 *  among them, and (with correlations) the redundancy left. */
export async function scoreSelection(truth: TruthInput, kept: readonly number[], options: ScoreSelectionOptions = {}): Promise<SelectionScore> {
  expectOptions(options, ['level', 'correlation', 'threads'], 'scoreSelection');
  const t = resolveTruth(truth);
  const level = expectOneOf(options.level ?? SCORE_DEFAULTS.level, 'level', TRUTH_LEVELS);
  const threads = expectThreads(options.threads);
  const ids = expectIds(kept, t.neurons, 'kept');
  const isKept = new Uint8Array(t.neurons);
  for (const id of ids) isKept[id] = 1;
  const clusters = level === 'families' && t.families.length > 0 ? plantedClusters(t, 'families') : t.groups;
  let covered = 0;
  let duplicated = 0;
  let extraKept = 0;
  for (const members of clusters) {
    const k = members.reduce((s, m) => s + isKept[m]!, 0);
    if (k > 0) covered++;
    if (k > 1) duplicated++;
    extraKept += Math.max(0, k - 1);
  }
  const score: SelectionScore = {
    kept: ids.length,
    planted: clusters.length,
    covered,
    lost: clusters.length - covered,
    duplicated,
    extraKept,
    inertKept: t.inert.reduce((s, m) => s + isKept[m]!, 0),
  };
  if (t.concepts.length > 0) score.concepts = conceptsAmong(t, ids);
  if (options.correlation !== undefined) score.redundancyLeft = await redundancyLeft(options.correlation, ids, threads);
  return score;
}

export interface ConceptScore {
  /** Neurons looked at (k for a ranking's first k, the selection's size otherwise). */
  k: number;
  /** Planted concept neurons in all, and among the k. */
  total: number;
  found: number;
  /** found / total, found / k (null for k = 0). */
  recall: number;
  precision: number | null;
  /** Found per class (truth class order). */
  foundPerClass: number[];
}

function conceptsAmong(t: PlantedTruth, ids: readonly number[]): ConceptScore {
  const classOf = new Map(t.concepts.map((c) => [c.neuron, c.class]));
  const perClass = new Array<number>(t.classes.length).fill(0);
  let found = 0;
  for (const id of ids) {
    const c = classOf.get(id);
    if (c !== undefined) {
      found++;
      perClass[c]!++;
    }
  }
  return { k: ids.length, total: t.concepts.length, found, recall: t.concepts.length > 0 ? found / t.concepts.length : 0, precision: ids.length > 0 ? found / ids.length : null, foundPerClass: perClass };
}

/**
 * Concept neurons found in the first k of a ranking (best first), for each k (default: k = the number of planted
 * concept neurons, the k at which a perfect ranking finds them all).
 */
export function scoreRanking(truth: TruthInput, ordering: readonly number[], ks?: readonly number[]): ConceptScore[] {
  const t = resolveTruth(truth);
  if (t.concepts.length === 0) throw new NeurosieveError('E_ARGUMENT', `Expected a truth with concept neurons to score a ranking but ${t.source} has none (synth --concepts)`);
  const ids = expectIds(ordering, t.neurons, 'ordering');
  const list = ks ?? [t.concepts.length];
  if (!Array.isArray(list) || list.length === 0) fail('a non-empty list of k', 'k', list);
  return list.map((k) => conceptsAmong(t, ids.slice(0, expectInteger(k, 'k', 0))));
}
