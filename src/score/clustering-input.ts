/**
 * Clusterings to score, from any tool: what `neurosieve score --clusters` and the external-method contract of
 * `bench-redundancy` accept (README "Scoring against planted truth"):
 *  - a neurosieve clusters file (`neurosieve cluster -o clusters.json`): every cut, its labels and kept neurons,
 *    and `columns` when it clustered a subset;
 *  - a 1-D integer `.npy` of cluster labels, one per neuron (any integers; equal labels share a cluster);
 *  - JSON: an array of labels; or { "labels": [...], "kept"?: [...] } for one cut; or
 *    { "cuts": [{ "threshold"?: t, "labels": [...], "kept"?: [...] }, ...], "columns"?: [...] } for several.
 *    (`keptNeurons` is read as `kept` — in a clusters file `kept` is a count —, so a clusters file is the last shape.)
 * Errors are E_FORMAT naming the file and the entry.
 */
import { readFileSync } from 'node:fs';
import { NeurosieveError } from '../core/errors.js';
import { readNpyIntegers } from '../io/npy-int.js';

export interface ClusteringCut {
  /** The cut's distance threshold, when it has one. */
  threshold: number | null;
  /** Cluster label of each clustered neuron. */
  labels: number[];
  /** Neurons kept (one per cluster), original ids, when the clustering says. */
  kept?: number[];
}

export interface Clustering {
  /** Original neuron id of each label position (a subset), or absent for neurons 0 … n − 1. */
  columns?: number[];
  cuts: ClusteringCut[];
}

const isInts = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => Number.isSafeInteger(x));
const isIds = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => Number.isSafeInteger(x) && (x as number) >= 0);

/** Checks a clustering document (parsed JSON); `source` names it in messages. */
export function clusteringFromJson(doc: unknown, source: string): Clustering {
  const bad: (why: string) => never = (why) => {
    throw new NeurosieveError('E_FORMAT', `${source}: not a clustering (${why})`);
  };
  if (isInts(doc)) {
    if (doc.length === 0) bad('the label list is empty');
    return { cuts: [{ threshold: null, labels: doc }] };
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) bad('expected a list of labels or an object with "labels" or "cuts"');
  const o = doc as Record<string, unknown>;
  const cut = (c: Record<string, unknown>, where: string): ClusteringCut => {
    if (typeof c !== 'object' || c === null) bad(`${where} is not an object`);
    if (!isInts(c.labels) || c.labels.length === 0) bad(`${where}.labels must be a non-empty list of integers`);
    const kept = c.keptNeurons !== undefined ? c.keptNeurons : c.kept; // a clusters file: kept is a count
    if (kept !== undefined && !isIds(kept)) bad(`${where}.kept must list neuron ids`);
    if (c.threshold !== undefined && c.threshold !== null && typeof c.threshold !== 'number') bad(`${where}.threshold must be a number`);
    return { threshold: typeof c.threshold === 'number' ? c.threshold : null, labels: c.labels as number[], ...(kept ? { kept: kept as number[] } : {}) };
  };
  if (o.cuts === undefined && o.labels === undefined) bad('it has neither "labels" nor "cuts"');
  if (o.cuts !== undefined && (!Array.isArray(o.cuts) || o.cuts.length === 0)) bad('"cuts" must list at least one cut');
  const cuts: ClusteringCut[] = o.cuts !== undefined ? (o.cuts as Record<string, unknown>[]).map((c, i) => cut(c, `cuts[${i}]`)) : [cut(o, 'the document')];
  const n = cuts[0]!.labels.length;
  cuts.forEach((c, i) => {
    if (c.labels.length !== n) bad(`cuts[${i}] has ${c.labels.length} labels, but cuts[0] has ${n}`);
  });
  const columns = o.columns;
  if (columns !== undefined) {
    if (!isIds(columns)) return bad('"columns" must list neuron ids');
    if (columns.length !== n) bad(`"columns" lists ${columns.length} neurons, but each cut has ${n} labels`);
    if (new Set(columns).size !== n) bad('"columns" names a neuron twice');
    return { columns, cuts };
  }
  return { cuts };
}

/** Reads a clustering file (see the file comment for the shapes). */
export function readClustering(path: string): Clustering {
  if (path.toLowerCase().endsWith('.npy')) {
    const labels = Array.from(readNpyIntegers(path));
    if (labels.length === 0) throw new NeurosieveError('E_FORMAT', `${path}: not a clustering (no labels)`);
    return { cuts: [{ threshold: null, labels }] };
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new NeurosieveError('E_IO', `${path}: cannot read (${(err as Error).message})`, { cause: err });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new NeurosieveError('E_FORMAT', `${path}: not a clustering (${(err as Error).message})`, { cause: err });
  }
  return clusteringFromJson(doc, path);
}
