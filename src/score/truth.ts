/**
 * The planted truth a score is measured against, read from a `neurosieve synth` truth file (`<out>.truth.json`,
 * version 1 or 2; src/synth/synth.ts documents the schema) or taken from a SynthTruth in memory, and checked: neuron
 * ids in [0, neurons), groups disjoint, families made of existing groups. From it:
 *  - the planted partition at a level: 'groups' (each planted group one cluster, every other neuron alone) or
 *    'families' (each family of nested groups one cluster, groups outside a family as themselves);
 *  - the concept neurons of each planted label (version 2 with `concepts`);
 *  - the neurons that carry nothing (constant and near-constant).
 */
import { readFileSync } from 'node:fs';
import { NeurosieveError } from '../core/errors.js';
import type { SynthGroup, SynthTruth } from '../synth/synth.js';

/** Levels of the planted partition (ScoreOptions.level). */
export const TRUTH_LEVELS = ['groups', 'families'] as const;
export type TruthLevel = (typeof TRUTH_LEVELS)[number];

export interface PlantedTruth {
  /** Where it came from (a path, or 'truth' for an object). */
  source: string;
  neurons: number;
  /** Member lists (ascending ids) of each planted group, in group id order. */
  groups: number[][];
  /** Each group's kind: 'plain' (version 1), 'graded', 'spanning', … as the truth names it. */
  groupKinds: string[];
  /** Family of each group, or −1; families[f] lists its groups. */
  familyOf: number[];
  families: number[][];
  /** Concept neurons: neuron id and the class index it responds to. */
  concepts: { neuron: number; class: number }[];
  classes: string[];
  /** Constant and near-constant neurons (no information). */
  inert: number[];
}

function bad(source: string, why: string): never {
  throw new NeurosieveError('E_FORMAT', `${source}: not a neurosieve synth truth file (${why})`);
}

const isId = (x: unknown, n: number): x is number => Number.isSafeInteger(x) && (x as number) >= 0 && (x as number) < n;

/** Checks a truth document and extracts what scores need. */
export function plantedTruth(doc: unknown, source = 'truth'): PlantedTruth {
  const t = doc as Partial<SynthTruth> & Record<string, unknown>;
  if (typeof t !== 'object' || t === null) bad(source, 'expected a JSON object');
  if (t.format !== 'neurosieve-synth-truth') bad(source, `format is ${JSON.stringify(t.format)}, expected "neurosieve-synth-truth"`);
  if (t.version !== 1 && t.version !== 2) bad(source, `unsupported version ${JSON.stringify(t.version)}`);
  const n = t.neurons;
  if (!Number.isSafeInteger(n) || (n as number) < 1) bad(source, '"neurons" must be a positive integer');
  const D = n as number;
  if (!Array.isArray(t.groups)) bad(source, '"groups" must be a list');
  const owner = new Int32Array(D).fill(-1);
  const groups: number[][] = [];
  const groupKinds: string[] = [];
  const familyOf: number[] = [];
  (t.groups as (SynthGroup & { kind?: unknown; family?: unknown })[]).forEach((g, i) => {
    const ids = (g as { neurons?: unknown })?.neurons;
    if (!Array.isArray(ids) || ids.length < 2) bad(source, `groups[${i}].neurons must list at least 2 neuron ids`);
    for (const id of ids) {
      if (!isId(id, D)) bad(source, `groups[${i}].neurons holds ${JSON.stringify(id)}, not a neuron id in [0, ${D - 1}]`);
      if (owner[id] !== -1) bad(source, `neuron ${id} is in groups[${owner[id]}] and groups[${i}]`);
      owner[id] = i;
    }
    groups.push([...(ids as number[])].sort((a, b) => a - b));
    groupKinds.push(typeof g.kind === 'string' ? g.kind : 'plain');
    familyOf.push(typeof g.family === 'number' ? g.family : -1);
  });
  const families: number[][] = [];
  const fam = (t as { families?: unknown }).families;
  if (fam !== undefined) {
    if (!Array.isArray(fam)) bad(source, '"families" must be a list');
    fam.forEach((f, i) => {
      const gs = (f as { groups?: unknown })?.groups;
      if (!Array.isArray(gs) || gs.length < 1 || !gs.every((g) => isId(g, groups.length) && familyOf[g as number] === i)) {
        bad(source, `families[${i}].groups must list groups whose "family" is ${i}`);
      }
      families.push(gs as number[]);
    });
  }
  familyOf.forEach((f, g) => {
    if (f !== -1 && !families[f]?.includes(g)) bad(source, `groups[${g}].family is ${f}, but families[${f}] does not list it`);
  });
  const concepts: PlantedTruth['concepts'] = [];
  let classes: string[] = [];
  const c = (t as { concepts?: { classes?: unknown; neurons?: unknown } }).concepts;
  if (c !== undefined) {
    if (!Array.isArray(c.classes) || !Array.isArray(c.neurons)) bad(source, '"concepts" must have "classes" and "neurons" lists');
    classes = (c.classes as unknown[]).map(String);
    (c.neurons as { neuron?: unknown; class?: unknown }[]).forEach((e, i) => {
      if (!isId(e?.neuron, D) || !isId(e?.class, classes.length)) bad(source, `concepts.neurons[${i}] must name a neuron and a class index`);
      concepts.push({ neuron: e.neuron as number, class: e.class as number });
    });
  }
  const inert: number[] = [];
  for (const key of ['constant', 'nearConstant'] as const) {
    const list = (t as Record<string, unknown>)[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) bad(source, `"${key}" must be a list`);
    list.forEach((e: { neuron?: unknown }, i) => {
      if (!isId(e?.neuron, D)) bad(source, `${key}[${i}].neuron is not a neuron id in [0, ${D - 1}]`);
      inert.push(e.neuron as number);
    });
  }
  inert.sort((a, b) => a - b);
  return { source, neurons: D, groups, groupKinds, familyOf, families, concepts, classes, inert };
}

/** Reads and checks a truth file (E_IO / E_FORMAT naming it). */
export function readTruth(path: string): PlantedTruth {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new NeurosieveError('E_IO', `${path}: cannot read truth file (${(err as Error).message})`, { cause: err });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    bad(path, (err as Error).message);
  }
  return plantedTruth(doc, path);
}

/**
 * The planted clusters at `level` as member lists (every list ≥ 2 neurons): the groups, or the families (the union
 * of their groups) followed by the groups that belong to no family.
 */
export function plantedClusters(truth: PlantedTruth, level: TruthLevel): number[][] {
  if (level === 'groups') return truth.groups;
  const out = truth.families.map((gs) => gs.flatMap((g) => truth.groups[g]!).sort((a, b) => a - b));
  truth.groups.forEach((g, i) => {
    if (truth.familyOf[i] === -1) out.push(g);
  });
  return out;
}

/**
 * One label per neuron for a planted partition: cluster k's members get k, every other neuron a label of its own
 * (clusters.length + its id), so it counts as a singleton.
 */
export function plantedLabels(neurons: number, clusters: readonly (readonly number[])[]): Int32Array {
  const labels = new Int32Array(neurons);
  for (let i = 0; i < neurons; i++) labels[i] = clusters.length + i;
  clusters.forEach((members, k) => {
    for (const m of members) labels[m] = k;
  });
  return labels;
}
