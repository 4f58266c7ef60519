/**
 * Clusters files (`neurosieve cluster -o clusters.json`): the run's options and, per threshold, the cut:
 *   { format: 'neurosieve-clusters', version: 1, neurons, columns?, linkage, ..., cuts: [{ threshold, clusters,
 *     kept, singletons, largest, keptNeurons, sizes, labels }] }
 * keptNeurons are ORIGINAL neuron ids: when the clustering ran on a subset, `columns` lists the ids of the
 * matrix's rows and labels[i] belongs to neuron columns[i]. Written by src/cli/cluster.ts, read here by whoever
 * takes neuron ids from a clustering (src/select/), so the format is known in the folder that produces it.
 * Files written before the format tag existed (no `format`) are read when their cuts have the same shape.
 */
import { NeurosieveError } from '../core/errors.js';
import { readJsonText } from '../io/json-limits.js';

export const CLUSTERS_FORMAT = 'neurosieve-clusters';
export const CLUSTERS_VERSION = 1;

/** The part of a clusters file that names neurons. */
export interface ClustersIds {
  cuts: { threshold: number; keptNeurons: number[] }[];
}

export function readClustersIds(path: string): ClustersIds {
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(readJsonText(path, 'a clusters file')) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof NeurosieveError) throw err; // the file's limits, already naming it
    throw new NeurosieveError('E_FORMAT', `${path}: not a neurosieve clusters file (${(err as Error).message})`, { cause: err });
  }
  const bad = (why: string): never => {
    throw new NeurosieveError('E_FORMAT', `${path}: not a neurosieve clusters file (${why})`);
  };
  if (typeof j !== 'object' || j === null) bad('expected a JSON object');
  if (j.format !== undefined && j.format !== CLUSTERS_FORMAT) bad(`format is ${JSON.stringify(j.format)}, expected "${CLUSTERS_FORMAT}"`);
  if (j.format !== undefined && j.version !== CLUSTERS_VERSION) bad(`unsupported version ${JSON.stringify(j.version)}`);
  if (!Array.isArray(j.cuts) || j.cuts.length === 0) bad('"cuts" must list at least one cut');
  const cuts = (j.cuts as Record<string, unknown>[]).map((c, i) => {
    if (typeof c?.threshold !== 'number') bad(`cuts[${i}].threshold is not a number`);
    const kept = c.keptNeurons;
    if (!Array.isArray(kept) || !kept.every((x) => Number.isSafeInteger(x) && x >= 0)) bad(`cuts[${i}].keptNeurons must list neuron ids`);
    return { threshold: c.threshold as number, keptNeurons: kept as number[] };
  });
  return { cuts };
}
