/**
 * Scores of a clustering against a planted partition, all from one contingency table (O(D) time and memory:
 * only the non-zero cells are stored, so no loop here is quadratic).
 *
 *  - Adjusted Rand index (Hubert & Arabie 1985), computed as scikit-learn's `adjusted_rand_score` computes it:
 *    from the pair confusion matrix, ARI = 2(tp·tn − fn·fp) / ((tp + fn)(fn + tn) + (tp + fp)(fp + tn)), and 1
 *    when fn = fp = 0 (the two partitions agree on every pair, e.g. both all singletons).
 *  - Normalised mutual information with the ARITHMETIC mean of the entropies as normaliser (scikit-learn's
 *    default `average_method='arithmetic'`, Strehl & Ghosh's "sqrt" is not used): NMI = I(T; P) / ((H(T) + H(P))/2),
 *    natural logarithms; 1 when both partitions have a single cluster, 0 when I = 0 otherwise (sklearn's cases).
 *  - Pairs: a pair of neurons is "redundant" in the truth when they share a planted group, "predicted" when
 *    they share a cluster; precision = both / predicted, recall = both / redundant (null when the denominator
 *    is 0).
 *  - Planted groups (size ≥ 2) each end as exactly one of: exact (one cluster holds the group and nothing else),
 *    split (its members are in ≥ 2 clusters, none holding a non-member), merged (one cluster holds the whole group
 *    and some non-member), split-merged (≥ 2 clusters, at least one holding a non-member).
 */

/** Cluster labels of any integers; two neurons share a cluster when their labels are equal. */
export type Labels = ArrayLike<number>;

export interface PairCounts {
  /** Unordered pairs in the same planted group and the same cluster. */
  both: number;
  /** Unordered pairs in the same cluster. */
  predicted: number;
  /** Unordered pairs in the same planted group. */
  redundant: number;
  /** Unordered pairs in all. */
  total: number;
}

export interface GroupOutcomes {
  exact: number;
  split: number;
  merged: number;
  splitMerged: number;
}

export type GroupOutcome = keyof GroupOutcomes;

export interface PartitionScores {
  ari: number;
  nmi: number;
  pairs: PairCounts;
  pairPrecision: number | null;
  pairRecall: number | null;
  /** Clusters in the prediction, and in the truth (planted groups + every other neuron alone). */
  clusters: number;
  trueClusters: number;
}

/** Dense ids 0 … k−1 for arbitrary labels, in order of first appearance. */
export function denseLabels(labels: Labels): { ids: Int32Array; count: number } {
  const map = new Map<number, number>();
  const ids = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    let id = map.get(l);
    if (id === undefined) {
      id = map.size;
      map.set(l, id);
    }
    ids[i] = id;
  }
  return { ids, count: map.size };
}

/** The non-zero cells of the contingency table (truth rows × predicted columns) and both margins. */
export interface Contingency {
  /** n_ij of every non-zero cell. */
  cells: number[];
  cellRow: number[];
  cellCol: number[];
  rowSums: number[];
  colSums: number[];
  n: number;
}

export function contingency(truth: Labels, predicted: Labels): Contingency {
  const t = denseLabels(truth);
  const p = denseLabels(predicted);
  const n = truth.length;
  const index = new Map<number, number>();
  const cells: number[] = [];
  const cellRow: number[] = [];
  const cellCol: number[] = [];
  const rowSums = new Array<number>(t.count).fill(0);
  const colSums = new Array<number>(p.count).fill(0);
  for (let i = 0; i < n; i++) {
    const r = t.ids[i]!;
    const c = p.ids[i]!;
    rowSums[r]!++;
    colSums[c]!++;
    const key = r * p.count + c; // < D² ≤ 2^53 for any D this tool handles
    const at = index.get(key);
    if (at === undefined) {
      index.set(key, cells.length);
      cells.push(1);
      cellRow.push(r);
      cellCol.push(c);
    } else cells[at]!++;
  }
  return { cells, cellRow, cellCol, rowSums, colSums, n };
}

const pairs = (k: number): number => (k * (k - 1)) / 2;

/** scikit-learn's adjusted_rand_score, from the pair confusion matrix (see the file comment). */
export function adjustedRandIndex(c: Contingency): number {
  // Ordered pair counts, as sklearn's pair_confusion_matrix: tp = Σ n_ij² − n, fp = Σ_ij n_ij·b_j − Σ n_ij², …
  let sumSquares = 0;
  let dotCols = 0;
  let dotRows = 0;
  for (let k = 0; k < c.cells.length; k++) {
    const v = c.cells[k]!;
    sumSquares += v * v;
    dotCols += v * c.colSums[c.cellCol[k]!]!;
    dotRows += v * c.rowSums[c.cellRow[k]!]!;
  }
  const tp = sumSquares - c.n;
  const fp = dotCols - sumSquares;
  const fn = dotRows - sumSquares;
  const tn = c.n * c.n - fp - fn - sumSquares;
  if (fn === 0 && fp === 0) return 1;
  return (2 * (tp * tn - fn * fp)) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn));
}

function entropy(sums: number[], n: number): number {
  let h = 0;
  for (const s of sums) if (s > 0) h -= (s / n) * (Math.log(s) - Math.log(n));
  return h;
}

/** scikit-learn's normalized_mutual_info_score with average_method='arithmetic' (see the file comment). */
export function normalizedMutualInformation(c: Contingency): number {
  const r = c.rowSums.length;
  const k = c.colSums.length;
  if ((r === 1 && k === 1) || (r === 0 && k === 0)) return 1;
  let mi = 0;
  if (r > 1 && k > 1) {
    const logN = Math.log(c.n);
    for (let q = 0; q < c.cells.length; q++) {
      const v = c.cells[q]!;
      const p = v / c.n;
      // sklearn: p · (log n_ij − log n) + p · (log n + log n − log(a_i b_j)), each term below eps set to 0
      let term = p * (Math.log(v) - logN) + p * (-Math.log(c.rowSums[c.cellRow[q]!]! * c.colSums[c.cellCol[q]!]!) + 2 * logN);
      if (Math.abs(term) < Number.EPSILON) term = 0;
      mi += term;
    }
    mi = Math.max(0, mi);
  }
  if (Math.abs(mi) < Number.EPSILON) return 0;
  const norm = (entropy(c.rowSums, c.n) + entropy(c.colSums, c.n)) / 2;
  return mi / norm;
}

export function pairCounts(c: Contingency): PairCounts {
  let both = 0;
  for (const v of c.cells) both += pairs(v);
  let redundant = 0;
  for (const v of c.rowSums) redundant += pairs(v);
  let predicted = 0;
  for (const v of c.colSums) predicted += pairs(v);
  return { both, predicted, redundant, total: pairs(c.n) };
}

export function partitionScores(truth: Labels, predicted: Labels): PartitionScores {
  const c = contingency(truth, predicted);
  const p = pairCounts(c);
  return {
    ari: adjustedRandIndex(c),
    nmi: normalizedMutualInformation(c),
    pairs: p,
    pairPrecision: p.predicted > 0 ? p.both / p.predicted : null,
    pairRecall: p.redundant > 0 ? p.both / p.redundant : null,
    clusters: c.colSums.length,
    trueClusters: c.rowSums.length,
  };
}

/**
 * What became of each planted group (member lists of original positions) under `predicted` labels: one outcome
 * per group (see the file comment). O(D + Σ group sizes).
 */
export function groupOutcomes(groups: readonly (readonly number[])[], predicted: Labels): GroupOutcome[] {
  const p = denseLabels(predicted);
  const clusterSize = new Array<number>(p.count).fill(0);
  for (const id of p.ids) clusterSize[id]!++;
  return groups.map((members) => {
    const inGroup = new Map<number, number>();
    for (const m of members) {
      const id = p.ids[m]!;
      inGroup.set(id, (inGroup.get(id) ?? 0) + 1);
    }
    let outsiders = false;
    for (const [id, k] of inGroup) if (clusterSize[id]! > k) outsiders = true;
    if (inGroup.size === 1) return outsiders ? 'merged' : 'exact';
    return outsiders ? 'splitMerged' : 'split';
  });
}

export function countOutcomes(outcomes: readonly GroupOutcome[]): GroupOutcomes {
  const n: GroupOutcomes = { exact: 0, split: 0, merged: 0, splitMerged: 0 };
  for (const o of outcomes) n[o]++;
  return n;
}
