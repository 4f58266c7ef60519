/**
 * Flat clusters from a linkage matrix, numbered exactly as scipy.cluster.hierarchy.fcluster numbers them.
 *
 * criterion 'distance': points whose cophenetic cluster has every merge height ≤ t share a cluster (scipy:
 * cluster_dist = cluster_monocrit on the largest height below each node). criterion 'maxclust': the cut at a
 * merge height leaving at most t clusters, found by scipy 1.10's binary search (with ties in heights there may
 * be fewer than t; see maxclustCut for its quirks at t ≥ n − 1, reproduced).
 *
 * Numbering (scipy's cluster_monocrit): a depth-first walk from the root, left child (Z[i,0]) before right
 * (Z[i,1]), both internal children before the leaf children of a node. A cluster whose top node has height ≤ t
 * gets the next number when the walk enters that node; a point outside any such cluster gets the next number
 * when the walk leaves its parent (left leaf first). Ids run from 1 to the number of clusters.
 *
 * Many cuts of one linkage cost one walk order and the node maxima, computed once, then O(n) per cut.
 */
import { NeurosieveError } from '../core/errors.js';

export type FclusterCriterion = 'distance' | 'maxclust';

/** The walk and per-node maxima of one linkage, reused by every cut. */
export interface LinkageTree {
  n: number;
  /** Largest merge height in each node's subtree (scipy's get_max_dist_for_each_cluster). */
  maxHeight: Float64Array;
  /** scipy's walk as pairs (kind, id): 0 enters node (row) id, 1 reaches point id, 2 leaves node id. */
  events: Int32Array;
  /** maxHeight sorted ascending (for maxclust). */
  sortedMax: Float64Array;
}

const ENTER = 0;
const LEAF = 1;
const EXIT = 2;

function badZ(why: string): never {
  throw new NeurosieveError('E_SHAPE', `Expected a linkage matrix ((n-1) x 4, scipy layout) for Z but ${why}`);
}

/** Checks Z like scipy's is_valid_linkage (shape, finite non-negative heights, ids used once and only after creation). */
export function linkageTree(Z: Float64Array): LinkageTree {
  if (!(Z instanceof Float64Array)) badZ(`received ${Object.prototype.toString.call(Z)}`);
  if (Z.length < 4 || Z.length % 4 !== 0) badZ(`received ${Z.length} values`);
  const rows = Z.length / 4;
  const n = rows + 1;
  const used = new Uint8Array(2 * n - 1);
  const maxHeight = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const a = Z[4 * i]!, b = Z[4 * i + 1]!, h = Z[4 * i + 2]!, size = Z[4 * i + 3]!;
    for (const c of [a, b]) {
      if (!Number.isInteger(c) || c < 0 || c >= n + i) badZ(`row ${i} refers to cluster ${c}, which does not exist yet`);
      if (used[c]) badZ(`cluster ${c} is merged twice (row ${i})`);
      used[c] = 1;
    }
    if (!Number.isFinite(h) || h < 0) badZ(`row ${i} has height ${h}`);
    const sa = a < n ? 1 : Z[4 * (a - n) + 3]!, sb = b < n ? 1 : Z[4 * (b - n) + 3]!;
    if (size !== sa + sb) badZ(`row ${i} has size ${size} instead of ${sa + sb}`);
    let m = h;
    if (a >= n) m = Math.max(m, maxHeight[a - n]!);
    if (b >= n) m = Math.max(m, maxHeight[b - n]!);
    maxHeight[i] = m;
  }
  // The walk of scipy's cluster_monocrit, as a list of events (kind, id) shared by every cut.
  const events = new Int32Array(2 * (3 * n));
  let e = 0;
  const stack = new Int32Array(n);
  const visited = new Uint8Array(2 * n - 1);
  let k = 0;
  stack[0] = 2 * n - 2;
  const entered = new Uint8Array(rows);
  while (k >= 0) {
    const root = stack[k]! - n;
    const lc = Z[4 * root]!, rc = Z[4 * root + 1]!;
    if (!entered[root]) {
      entered[root] = 1;
      events[e++] = ENTER;
      events[e++] = root;
    }
    if (lc >= n && !visited[lc]) {
      visited[lc] = 1;
      stack[++k] = lc;
      continue;
    }
    if (rc >= n && !visited[rc]) {
      visited[rc] = 1;
      stack[++k] = rc;
      continue;
    }
    if (lc < n) {
      events[e++] = LEAF;
      events[e++] = lc;
    }
    if (rc < n) {
      events[e++] = LEAF;
      events[e++] = rc;
    }
    events[e++] = EXIT;
    events[e++] = root;
    k--;
  }
  const sortedMax = Float64Array.from(maxHeight).sort();
  return { n, maxHeight, events: events.subarray(0, e), sortedMax };
}

/** Labels of the 'distance' cut at t (monocrit = maxHeight), scipy numbering. */
function cutAt(tree: LinkageTree, t: number): Int32Array {
  const { n, maxHeight, events } = tree;
  const labels = new Int32Array(n);
  let clusters = 0;
  let leader = -1;
  for (let e = 0; e < events.length; e += 2) {
    const kind = events[e]!, id = events[e + 1]!;
    if (kind === ENTER) {
      if (leader === -1 && maxHeight[id]! <= t) {
        leader = id;
        clusters++;
      }
    } else if (kind === LEAF) {
      if (leader === -1) clusters++;
      labels[id] = clusters;
    } else if (leader === id) {
      leader = -1;
    }
  }
  return labels;
}

/** Number of rows whose subtree maximum is ≤ t. */
function countAtMost(sorted: Float64Array, t: number): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * scipy 1.10's cluster_maxclust_monocrit: a binary search over the row index i in (0, n − 1) for the first
 * max-height MC[i] whose cut leaves at most k clusters. Its lower bound starts at row 0, not below it, so the
 * first merge always applies: k ≥ n − 1 gives the cut at MC[1] (n − 2 clusters) rather than singletons, and for
 * n = 2 the search reads one past the array — scipy 1.10 returns a single cluster there, and so do we. (Later
 * scipy versions start below row 0 and return singletons for k ≥ n; we follow the Debian scipy the reference
 * fixtures come from.)
 */
function maxclustCut(tree: LinkageTree, k: number): Int32Array {
  const { n, maxHeight } = tree;
  let lower = 0, upper = n - 1;
  while (upper - lower > 1) {
    const i = (lower + upper) >> 1;
    const clusters = n - countAtMost(tree.sortedMax, maxHeight[i]!);
    if (clusters > k) lower = i;
    else upper = i;
  }
  return cutAt(tree, upper < n - 1 ? maxHeight[upper]! : Infinity);
}

/**
 * Flat clusters of a linkage matrix: one Int32Array of 1-based cluster ids per point for each t (a single t
 * gives a single array). 'distance': t is a finite height; 'maxclust': t is an integer ≥ 1.
 */
export function fcluster(Z: Float64Array | LinkageTree, t: number, criterion?: FclusterCriterion): Int32Array;
export function fcluster(Z: Float64Array | LinkageTree, t: readonly number[], criterion?: FclusterCriterion): Int32Array[];
export function fcluster(Z: Float64Array | LinkageTree, t: number | readonly number[], criterion: FclusterCriterion = 'distance'): Int32Array | Int32Array[] {
  if (criterion !== 'distance' && criterion !== 'maxclust') {
    throw new NeurosieveError('E_ARGUMENT', `Expected one of 'distance', 'maxclust' for criterion but received ${JSON.stringify(criterion)}`);
  }
  const tree = Z instanceof Float64Array ? linkageTree(Z) : Z;
  const list = typeof t === 'number' ? [t] : [...t];
  for (const v of list) {
    const ok = criterion === 'distance' ? typeof v === 'number' && Number.isFinite(v) : Number.isInteger(v) && v >= 1;
    if (!ok) {
      throw new NeurosieveError('E_ARGUMENT', `Expected ${criterion === 'distance' ? 'a finite number' : 'an integer >= 1'} for t (criterion '${criterion}') but received ${JSON.stringify(v)}`);
    }
  }
  const out = list.map((v) => (criterion === 'distance' ? cutAt(tree, v) : maxclustCut(tree, v)));
  return typeof t === 'number' ? out[0]! : out;
}
