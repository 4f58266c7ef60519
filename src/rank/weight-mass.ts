/**
 * Neuron selections and orderings from a probe's weights: Dalvi et al. 2019, "What Is One Grain of Sand in the
 * Desert? Analyzing Individual Neurons in Deep NLP Models" (AAAI), with the semantics of NeuroX's
 * interpretation/linear_probe.py (get_top_neurons, get_bottom_neurons, get_top_neurons_hard_threshold,
 * get_random_neurons, get_neuron_ordering, get_neuron_ordering_granular). The per-class sorting and prefix
 * searches run in native/src/rank/weight_mass.cc; this file only combines per-class prefixes into sets.
 *
 * Where we differ from NeuroX, on purpose (everything else is the same computation):
 *  - sets are returned sorted by neuron id, and new neurons within one ordering step (or granular chunk) are
 *    appended in ascending id order; NeuroX returns Python set iteration order (hash order);
 *  - ties in |w| are broken by ascending id (NeuroX: numpy's unstable argsort);
 *  - masses are summed in float64 (NeuroX: float32), see weight_mass.h;
 *  - granular ordering stops when no p-set is as large as the next target size; NeuroX raises IndexError
 *    there (which happens whenever some neurons have zero weight in every class);
 *  - random selection uses neurosieve's seeded PRNG (src/core/random.ts) instead of numpy's global state.
 * All ids here are positions in the probe's weight columns; src/rank/rank.ts maps them to original neuron ids.
 */
import { callNativeSync } from '../core/errors.js';
import { native } from '../core/native.js';
import { prng } from '../core/random.js';
import { expectInteger, expectNumber, fail } from '../core/validate.js';

/** Defaults of the orderings (NeuroX's search_stride and granularity) and of the random selection's seed. */
export const WEIGHT_DEFAULTS = { stride: 100, granularity: 50, seed: 0 } as const;
/** Upper bound of stride and granularity. */
const MAX_STEPS = 1e7;

/** The part of a probe the weight rankings read. */
export interface WeightMatrix {
  classes: readonly string[];
  /** D: columns of weight. */
  neurons: number;
  /** Row-major C×D. */
  weight: Float32Array;
}

export interface NeuronSelection {
  /** The union over classes, ascending. */
  neurons: number[];
  /** Per class name: its neurons (top/bottom: in order of |w|, best first; threshold: ascending). */
  perClass: Record<string, number[]>;
}

export interface NeuronOrdering {
  /** Neurons, most important first. Neurons that never enter (zero weight in every class) are left out. */
  ordering: number[];
  /** Length of `ordering` after each step (ordering: p = i/stride for i = 0..stride; granular: each chunk). */
  cutoffs: number[];
  /** Neurons missing from `ordering`, ascending. */
  unranked: number[];
}

function prefixes(w: WeightMatrix, fractions: number[], ascending: boolean): { order: Int32Array; prefix: Int32Array } {
  const C = w.classes.length;
  return callNativeSync(() => native().weightMassPrefixes(w.weight, C, w.neurons, Float64Array.from(fractions), ascending));
}

function massSelection(w: WeightMatrix, fraction: number, ascending: boolean): NeuronSelection {
  const D = w.neurons;
  const { order, prefix } = prefixes(w, [fraction], ascending);
  const inSet = new Uint8Array(D);
  const perClass: Record<string, number[]> = {};
  w.classes.forEach((name, c) => {
    const picked = Array.from(order.subarray(c * D, c * D + prefix[c]!));
    for (const j of picked) inSet[j] = 1;
    perClass[name] = picked;
  });
  return { neurons: members(inSet), perClass };
}

function members(mask: Uint8Array): number[] {
  const out: number[] = [];
  for (let j = 0; j < mask.length; j++) if (mask[j]) out.push(j);
  return out;
}

/** get_top_neurons: per class, the shortest run of largest |w| holding `fraction` of the class's weight mass. */
export function topNeurons(w: WeightMatrix, fraction: number): NeuronSelection {
  return massSelection(w, expectNumber(fraction, 'fraction', 0, 1), false);
}

/** get_bottom_neurons: the same from the smallest |w| up. */
export function bottomNeurons(w: WeightMatrix, fraction: number): NeuronSelection {
  return massSelection(w, expectNumber(fraction, 'fraction', 0, 1), true);
}

/** get_top_neurons_hard_threshold: per class, neurons with |w| > max|w| / divisor. */
export function hardThresholdNeurons(w: WeightMatrix, divisor: number): NeuronSelection {
  if (typeof divisor !== 'number' || !(divisor > 0) || !Number.isFinite(divisor)) fail('a positive number', 'divisor', divisor);
  const D = w.neurons;
  const inSet = new Uint8Array(D);
  const perClass: Record<string, number[]> = {};
  w.classes.forEach((name, c) => {
    const row = w.weight.subarray(c * D, (c + 1) * D);
    let max = 0;
    for (let j = 0; j < D; j++) max = Math.max(max, Math.abs(row[j]!));
    // NumPy 1.x compares a float32 array with a float64 scalar in float32 (value-based casting), so NeuroX's
    // cut is max / divisor rounded to float32: a weight equal to that rounding is not above it.
    const cut = Math.fround(max / divisor);
    const picked: number[] = [];
    for (let j = 0; j < D; j++) if (Math.abs(row[j]!) > cut) picked.push(j);
    for (const j of picked) inSet[j] = 1;
    perClass[name] = picked;
  });
  return { neurons: members(inSet), perClass };
}

/** get_random_neurons: each neuron kept when a uniform [0, 1) draw is ≤ probability; seeded. */
export function randomNeurons(neurons: number, probability: number, seed: number): number[] {
  expectNumber(probability, 'probability', 0, 1);
  expectInteger(seed, 'seed', 0, 2 ** 32 - 1);
  const rand = prng(seed);
  const out: number[] = [];
  for (let j = 0; j < neurons; j++) if (rand() <= probability) out.push(j);
  return out;
}

/**
 * The step at which each neuron first enters top(i / stride), i = 0..stride (−1: never), and the size of each
 * top set. The sets are nested (each class's prefix only grows with p), so a neuron's step is the minimum over
 * classes of the first i whose prefix covers its position in that class's order.
 */
function entrySteps(w: WeightMatrix, stride: number): { step: Int32Array; sizes: number[] } {
  const D = w.neurons;
  const C = w.classes.length;
  const F = stride + 1;
  const fractions = Array.from({ length: F }, (_, i) => i / stride);
  const { order, prefix } = prefixes(w, fractions, false);
  const step = new Int32Array(D).fill(-1);
  for (let c = 0; c < C; c++) {
    let r = 0;
    for (let f = 0; f < F; f++) {
      const k = prefix[c * F + f]!;
      for (; r < k; r++) {
        const j = order[c * D + r]!;
        if (step[j] === -1 || step[j]! > f) step[j] = f;
      }
    }
  }
  const perStep = new Array<number>(F).fill(0);
  for (let j = 0; j < D; j++) if (step[j]! >= 0) perStep[step[j]!]!++;
  const sizes: number[] = [];
  let total = 0;
  for (let f = 0; f < F; f++) sizes.push((total += perStep[f]!));
  return { step, sizes };
}

/** Neurons whose entry step lies in (from, to], ascending id. */
function enteringBetween(step: Int32Array, from: number, to: number): number[] {
  const out: number[] = [];
  for (let j = 0; j < step.length; j++) if (step[j]! > from && step[j]! <= to) out.push(j);
  return out;
}

function unrankedOf(step: Int32Array): number[] {
  const out: number[] = [];
  for (let j = 0; j < step.length; j++) if (step[j] === -1) out.push(j);
  return out;
}

/** get_neuron_ordering: append the neurons top(i/stride) adds, i = 0..stride; cutoffs after every step. */
export function neuronOrdering(w: WeightMatrix, stride: number = WEIGHT_DEFAULTS.stride): NeuronOrdering {
  expectInteger(stride, 'stride', 1, MAX_STEPS);
  const { step, sizes } = entrySteps(w, stride);
  // Bucket by step, ascending id within a step: one pass, no comparison sort.
  const byStep: number[][] = sizes.map(() => []);
  for (let j = 0; j < step.length; j++) if (step[j]! >= 0) byStep[step[j]!]!.push(j);
  return { ordering: byStep.flat(), cutoffs: sizes, unranked: unrankedOf(step) };
}

/**
 * get_neuron_ordering_granular: for target sizes 0, g, 2g, … ≤ D, take the first top(i/stride) with at least
 * that many neurons and append its new neurons (a cutoff only when something was added).
 */
export function granularOrdering(w: WeightMatrix, granularity: number = WEIGHT_DEFAULTS.granularity, stride: number = WEIGHT_DEFAULTS.stride): NeuronOrdering {
  expectInteger(granularity, 'granularity', 1, MAX_STEPS);
  expectInteger(stride, 'stride', 1, MAX_STEPS);
  const { step, sizes } = entrySteps(w, stride);
  const ordering: number[] = [];
  const cutoffs: number[] = [];
  let idx = 0;
  let done = -1; // steps up to `done` are in the ordering
  for (let target = 0; target <= w.neurons; target += granularity) {
    while (idx < sizes.length && sizes[idx]! < target) idx++;
    if (idx >= sizes.length) break; // NeuroX: IndexError (see the file comment)
    if (idx > done) {
      const added = enteringBetween(step, done, idx);
      done = idx;
      if (added.length > 0) {
        ordering.push(...added);
        cutoffs.push(ordering.length);
      }
    }
  }
  return { ordering, cutoffs, unranked: unrankedOf(step) };
}
