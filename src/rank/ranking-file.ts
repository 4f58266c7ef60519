/**
 * Ranking files (`neurosieve rank -o ranking.json`): { format: 'neurosieve-ranking', version: 1, ...Ranking }.
 * Written by rank.ts (writeRanking); read here by whoever takes neuron ids from a ranking (src/select/), so that
 * the format is known in one folder, the one that writes it. This file imports no ranking code: reading a
 * ranking's ids must not load the rankers.
 */
import { NeurosieveError } from '../core/errors.js';
import { readJsonText } from '../io/json-limits.js';

export const RANKING_FORMAT = 'neurosieve-ranking';
export const RANKING_VERSION = 1;

/** The part of a ranking file that names neurons (original ids). */
export interface RankingIds {
  /** Most important first (orderings and the activation rankings). */
  ordering?: number[];
  /** A selection (top, bottom, threshold, random): ascending ids, no order of importance. */
  selected?: number[];
  /** Candidates the ranking ran over (the probe's or the activations' width). */
  neurons: number;
}

function isIds(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((x) => Number.isSafeInteger(x) && x >= 0);
}

/** Reads the ids of a ranking file; E_FORMAT naming the file when it is not one. */
export function readRankingIds(path: string): RankingIds {
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(readJsonText(path, 'a ranking')) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof NeurosieveError) throw err; // the file's limits, already naming it
    throw new NeurosieveError('E_FORMAT', `${path}: not a neurosieve ranking (${(err as Error).message})`, { cause: err });
  }
  const bad = (why: string): never => {
    throw new NeurosieveError('E_FORMAT', `${path}: not a neurosieve ranking (${why})`);
  };
  if (typeof j !== 'object' || j === null || j.format !== RANKING_FORMAT) bad(`format is ${JSON.stringify((j as Record<string, unknown> | null)?.format)}, expected "${RANKING_FORMAT}"`);
  if (j.version !== RANKING_VERSION) bad(`unsupported version ${JSON.stringify(j.version)}`);
  if (j.ordering !== undefined && !isIds(j.ordering)) bad('"ordering" must list neuron ids');
  if (j.selected !== undefined && !isIds(j.selected)) bad('"selected" must list neuron ids');
  if (j.ordering === undefined && j.selected === undefined) bad('it has neither "ordering" nor "selected"');
  return {
    ...(j.ordering !== undefined ? { ordering: j.ordering as number[] } : {}),
    ...(j.selected !== undefined ? { selected: j.selected as number[] } : {}),
    neurons: typeof j.neurons === 'number' ? j.neurons : 0,
  };
}
