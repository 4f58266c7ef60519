/**
 * Synthetic activations with planted redundancy, and the ground truth to score redundancy algorithms against.
 *
 * `synth({ out, tokens, neurons })` writes `out` (a float32 or float16 .npy, [tokens, neurons], or
 * [layers, tokens, neurons / layers] with `layers`) and `<out>.truth.json` (schema: SynthTruth). Row t holds
 *
 *     x[t, c] = offset_c + scale_c · (z[t, group_c] + noise_c · e[t, c])
 *
 * with z (one latent per group) and e (one per neuron) independent N(0, 1). Roles, spread over the columns by a
 * seeded permutation:
 *   - groups: a base (x = z) and members that are noisy copies (scale 1), sign flips (scale −1) or scaled copies
 *     (scale log-uniform in [1/4, 4)), each with its own noise level drawn uniformly from `noise`. The correlation
 *     of member i with its base is sign(scale_i) / √(1 + noise_i²); between members i and j it is
 *     sign(scale_i)·sign(scale_j) / √((1 + noise_i²)(1 + noise_j²)); across groups it is 0.
 *   - independent neurons: x = offset + e;
 *   - constant neurons: x = c (variance 0: correlation is undefined, neurosieve reports r = 0);
 *   - large-mean neurons: x = m + e with m ≈ largeMeanValue (±10%): the one-pass formula E[xy] − E[x]E[y] loses
 *     every significant digit on them in float32.
 *
 * Richer planted truth (each off by default; with all of them off the bytes and the truth file are exactly what
 * they were before they existed, truth version 1; with any on, truth version 2 documents them):
 *   - families (nested groups): plain group g joins family g mod F; its latent is √w·f + √(1 − w)·u_g, so two
 *     groups of one family correlate at w·ρ_i·ρ_j (a group of groups, found at a looser cut);
 *   - graded groups: a base and members whose |r| with it runs evenly from gradedR[1] (0.99) down to gradedR[0]
 *     (0.3): a cut at t only keeps members with pairwise |r| ≥ 1 − t together, by design;
 *   - spanning groups: one member per layer in every layer (layers ≥ 2);
 *   - near-constant neurons: x = value + nearConstantStd · e (tiny variance, no correlation);
 *   - concept neurons: x = offset + conceptShift · [y_t = class] + e, with a label y_t per row, uniform over
 *     `concepts` classes, written to `<out>.labels.npy` (int32 [tokens]) for probes and rankings;
 *   - layer blocks: independent neurons of layer l share a latent of their layer, r = layerBlocks within a layer;
 *   - heavy tails: tailDof ν > 0 draws every e from Student's t with ν degrees of freedom, scaled to unit variance
 *     (the same population correlations, heavier tails in the samples).
 *
 * Determinism: the same options and seed give the same bytes, whatever the thread count (see
 * native/src/synth/synth.h: SplitMix64-seeded xoshiro256** streams per block of 256 rows, ziggurat normals).
 * Memory stays at a few blocks per thread whatever the size; the file is written under a temporary name and
 * renamed at the end, so a failure or cancellation leaves nothing behind.
 */
import { rmSync } from 'node:fs';
import { basename } from 'node:path';
import { callNativeSync, NeurosieveError } from '../core/errors.js';
import { runJob } from '../core/native-job.js';
import { writeTextAtomic } from '../io/atomic.js';
import { OutputSet, recoverTarget, tempName } from '../io/output-set.js';
import { npyHeader } from '../io/npy.js';
import { native } from '../core/native.js';
import type { NativeSynthOptions, NativeSynthPlan } from '../core/native-types.js';
import { expectFunction, expectInteger, expectNumber, expectOneOf, expectOptions, fail, show } from '../core/validate.js';

/** Element types synth writes (SynthOptions.dtype). */
export const SYNTH_DTYPES = ['float32', 'float16'] as const;
export type SynthDtype = (typeof SYNTH_DTYPES)[number];
export type SynthMemberKind = 'base' | 'noisy-copy' | 'sign-flip' | 'scaled-copy';

export interface SynthProgress {
  /** Rows (tokens) written so far. */
  rows: number;
  totalRows: number;
}

export interface SynthOptions {
  /** Output .npy path; the truth goes to `${out}.truth.json`. */
  out: string;
  /** Rows (tokens), ≥ 1. */
  tokens: number;
  /** Neurons (columns), ≥ 1. */
  neurons: number;
  /** Layers (default 1). With L > 1 the file is [L, tokens, neurons / L] and L must divide neurons; truth
   *  columns are then layer-major: column = layer · (neurons / L) + unit, as neurosieve reads 3-D files. */
  layers?: number;
  /** Groups of redundant neurons (default ⌊neurons / (4 · largest group size)⌋: at most a quarter of the neurons). */
  groups?: number;
  /** Neurons per group including the base, a size or a [min, max] range drawn uniformly (default 4; ≥ 2). */
  groupSize?: number | readonly [number, number];
  /** Noise level of each copy, a value or a [min, max] range drawn uniformly (default [0.05, 0.5]). */
  noise?: number | readonly [number, number];
  /** Constant neurons (default ⌈neurons / 100⌉ from 16 neurons on, or what fits beside the groups). */
  constant?: number;
  /** Large-mean neurons (default as constant, or what fits beside the groups and constants). */
  largeMean?: number;
  /** Mean of the large-mean neurons, each drawn in ±10% of it (default 1e4). */
  largeMeanValue?: number;
  /** Added to every neuron (default 0): e.g. 1e4 to offset all columns. */
  offset?: number;
  /** Families of nested groups (default 0): plain group g joins family g mod families; needs groups ≥ 2 · families. */
  families?: number;
  /** Share w of a family member's group latent that comes from the family latent, in (0, 1) (default 0.5). */
  familyWeight?: number;
  /** Graded groups (default 0), each of gradedSize neurons (default 6, ≥ 2). */
  graded?: number;
  gradedSize?: number;
  /** |r| of a graded group's members with the base, [lowest, highest] in (0, 1) (default [0.3, 0.99]). */
  gradedR?: readonly [number, number];
  /** Groups with one member in every layer (default 0; needs layers ≥ 2). */
  spanning?: number;
  /** Near-constant neurons (default 0), of std nearConstantStd (default 1e-3). */
  nearConstant?: number;
  nearConstantStd?: number;
  /** Planted label classes (default 0 = no labels; else ≥ 2), conceptNeurons per class (default 2), each shifted
   *  by conceptShift (default 3) on rows of its class. Writes <out>.labels.npy. */
  concepts?: number;
  conceptNeurons?: number;
  conceptShift?: number;
  /** Correlation of the independent neurons within a layer, in [0, 1) (default 0). */
  layerBlocks?: number;
  /** Student-t degrees of freedom of the noise, 0 (normal, default) or 3 … 100. */
  tailDof?: number;
  /** Element type on disk (default float32). */
  dtype?: SynthDtype;
  /** Integer in [0, 2^53) (default 0). */
  seed?: number;
  /** Worker threads, 0 = every hardware thread (default). Never changes the output. */
  threads?: number;
  onProgress?: (p: SynthProgress) => void;
  /** Aborting stops the generation with NeurosieveError('E_CANCELLED') and removes the partial file. */
  signal?: AbortSignal;
}

export interface SynthMember {
  /** Column index in the flattened [tokens, neurons] view. */
  neuron: number;
  kind: SynthMemberKind;
  /** scale_i in x = offset + scale·(z + noise·e): 1 for base and noisy copy, −1 for a sign flip. */
  scale: number;
  /** noise_i (0 for the base). */
  noise: number;
  /** Population |r| with the group's base: 1 / √(1 + noise²). */
  expectedAbsR: number;
  /** Population r with the base: sign(scale) / √(1 + noise²). */
  expectedR: number;
  mean: number;
  std: number;
}

export interface SynthGroup {
  id: number;
  /** The base neuron (members[0].neuron). */
  base: number;
  /** Member columns, ascending. */
  neurons: number[];
  /** Base first, then the copies in the order they were drawn. */
  members: SynthMember[];
  /** Smallest population |r| between two members: the distance 1 − |r| at which the group is whole. */
  minPairAbsR: number;
  /** Mean population |r| over member pairs (what average linkage merges on). */
  meanPairAbsR: number;
  /** Version 2: 'plain', 'graded' or 'spanning'; the family (−1: none); the layers its members lie in. */
  kind?: 'plain' | 'graded' | 'spanning';
  family?: number;
  layers?: number[];
}

/** Version 2 only: a family of nested groups. */
export interface SynthFamily {
  id: number;
  groups: number[];
  /** Members of all its groups, ascending. */
  neurons: number[];
  /** w: the share of each group latent's variance that is the family's. */
  weight: number;
  /** Population |r| between members of two different groups of the family: w·ρ_i·ρ_j, smallest and mean. */
  minCrossAbsR: number;
  meanCrossAbsR: number;
}

export interface SynthTruth {
  format: 'neurosieve-synth-truth';
  /** 1 without the richer-truth options (exactly the files of before), 2 with any of them. */
  version: 1 | 2;
  /** File name of the data (no directory: the two files may be moved together). */
  file: string;
  dtype: SynthDtype;
  /** .npy shape: [tokens, neurons] or [layers, tokens, neurons / layers]. */
  shape: number[];
  tokens: number;
  neurons: number;
  layers: number;
  seed: number;
  /** Every option that shapes the data, resolved (defaults filled in). */
  options: {
    groups: number;
    groupSize: [number, number];
    noise: [number, number];
    constant: number;
    largeMean: number;
    largeMeanValue: number;
    offset: number;
  };
  model: string;
  generator: string;
  groups: SynthGroup[];
  /** Neurons drawn independently of everything: x = offset + e. */
  independent: number[];
  /** Neurons with one value (variance 0); value is exactly what the file stores. */
  constant: { neuron: number; value: number }[];
  /** Independent neurons with a large mean and unit variance. */
  largeMean: { neuron: number; mean: number; std: number }[];
  /** Per column: its group id, or −1. */
  groupOf: number[];
  /** Version 2: every richer-truth option, resolved. */
  richer?: {
    families: number;
    familyWeight: number;
    graded: number;
    gradedSize: number;
    gradedR: [number, number];
    spanning: number;
    nearConstant: number;
    nearConstantStd: number;
    concepts: number;
    conceptNeurons: number;
    conceptShift: number;
    layerBlocks: number;
    tailDof: number;
  };
  families?: SynthFamily[];
  /** Near-constant neurons: value + std·e. */
  nearConstant?: { neuron: number; value: number; std: number }[];
  /** Concept neurons and the labels file (int32 class per row). */
  concepts?: {
    labels: string;
    classes: number[];
    shift: number;
    neurons: { neuron: number; class: number }[];
    /** Population r between two concept neurons of one class, and of two classes (p = 1/classes):
     *  s²p(1 − p)/(s²p(1 − p) + 1) and −s²p²/(s²p(1 − p) + 1). */
    sameClassR: number;
    otherClassR: number;
  };
  /** Independent neurons of one layer correlate at `withinLayerR` (0 across layers). */
  layerBlocks?: { withinLayerR: number };
  /** The deviates' distribution when not normal. */
  noiseDistribution?: { kind: 'student-t'; dof: number; scaledToUnitVariance: true };
}

export interface SynthResult {
  path: string;
  truthPath: string;
  /** With concepts: <out>.labels.npy, the class of each row. */
  labelsPath?: string;
  truth: SynthTruth;
}

/** Resolved options: every field filled in and checked. */
export interface ResolvedSynthOptions extends NativeSynthOptions {
  out: string;
}

const KINDS: SynthMemberKind[] = ['base', 'noisy-copy', 'sign-flip', 'scaled-copy'];

/** Defaults of SynthOptions that do not depend on other options (the others are computed in resolveSynthOptions). */
/** The largest |offset| + 1.1·|largeMeanValue| synth accepts: float32 values stay finite (see synthPlan's check). */
export const SYNTH_MAX_MEAN = 3e38;

export const SYNTH_DEFAULTS = { layers: 1, groupSize: 4, noise: [0.05, 0.5], largeMeanValue: 1e4, offset: 0, dtype: 'float32', seed: 0, threads: 0 } as const;

/** Defaults of the richer-truth options (all off: the original model and bytes). */
export const SYNTH_RICHER_DEFAULTS = {
  families: 0,
  familyWeight: 0.5,
  graded: 0,
  gradedSize: 6,
  gradedR: [0.3, 0.99],
  spanning: 0,
  nearConstant: 0,
  nearConstantStd: 1e-3,
  concepts: 0,
  conceptNeurons: 2,
  conceptShift: 3,
  layerBlocks: 0,
  tailDof: 0,
} as const;
const RICHER_KEYS = Object.keys(SYNTH_RICHER_DEFAULTS) as (keyof typeof SYNTH_RICHER_DEFAULTS)[];

/** Whether resolved options use any richer-truth option (truth version 2, another stream). */
export function usesRicherTruth(o: NativeSynthOptions): boolean {
  return o.families > 0 || o.graded > 0 || o.spanning > 0 || o.nearConstant > 0 || o.concepts > 0 || o.layerBlocks > 0 || o.tailDof > 0;
}

const SYNTH_KEYS: readonly (keyof SynthOptions)[] = ['out', 'tokens', 'neurons', 'layers', 'groups', 'groupSize', 'noise', 'constant', 'largeMean', 'largeMeanValue', 'offset', 'dtype', 'seed', 'threads', 'onProgress', 'signal', ...RICHER_KEYS];

/**
 * Checks and completes synth options (`fn` names the public function in messages). `nameOf` turns an option key
 * into the name used in messages (the CLI passes its flags: 'groupSize' → '--group-size'). Throws
 * NeurosieveError('E_ARGUMENT').
 */
export function resolveSynthOptions(o: SynthOptions, nameOf: (key: string) => string = (k) => k, fn = 'synth'): ResolvedSynthOptions {
  expectOptions(o, SYNTH_KEYS, fn);
  const d = SYNTH_DEFAULTS;
  const int = (key: keyof SynthOptions, min: number, dflt?: number): number => expectInteger(o[key] ?? dflt, nameOf(key), min);
  const num = (key: keyof SynthOptions, dflt: number): number => expectNumber(o[key] ?? dflt, nameOf(key), -Infinity);
  const range = (key: 'groupSize' | 'noise', dflt: number | readonly [number, number], isInt: boolean, min: number): [number, number] => {
    const v = o[key] ?? dflt;
    const what = isInt ? `an integer ≥ ${min} or a [min, max] pair of them` : `a number ≥ ${min} or a [min, max] pair of them`;
    const pair: unknown[] = Array.isArray(v) ? v : [v, v];
    const ok = (x: unknown): x is number => typeof x === 'number' && (isInt ? Number.isSafeInteger(x) : Number.isFinite(x)) && x >= min;
    const shown = Array.isArray(v) ? `[${v.map(String).join(', ')}]` : show(v);
    if (pair.length !== 2 || !ok(pair[0]) || !ok(pair[1])) fail(what, nameOf(key), v, shown);
    const [lo, hi] = pair as [number, number];
    if (lo > hi) fail(`min ≤ max`, nameOf(key), v, shown);
    return [lo, hi];
  };

  if (typeof o.out !== 'string' || o.out.length === 0) fail('an output path', nameOf('out'), o.out);
  const tokens = int('tokens', 1);
  const neurons = int('neurons', 1);
  const layers = int('layers', 1, d.layers);
  if (neurons % layers !== 0) {
    throw new NeurosieveError('E_ARGUMENT', `Expected ${nameOf('layers')} to divide ${nameOf('neurons')} (${neurons}) but received '${layers}'`);
  }
  const [sizeMin, sizeMax] = range('groupSize', d.groupSize, true, 2);
  const [noiseMin, noiseMax] = range('noise', d.noise, false, 0);
  const groups = int('groups', 0, Math.floor(neurons / (4 * sizeMax)));
  const r = SYNTH_RICHER_DEFAULTS;
  const families = int('families', 0, r.families);
  if (families > 0 && groups < 2 * families) {
    throw new NeurosieveError('E_ARGUMENT', `Expected ${nameOf('groups')} ≥ 2 × ${nameOf('families')} (each family nests at least 2 groups) but received ${groups} groups and ${families} families`);
  }
  const familyWeight = expectNumber(o.familyWeight ?? r.familyWeight, nameOf('familyWeight'), 0, 1 - 1e-9, true);
  const graded = int('graded', 0, r.graded);
  const gradedSize = int('gradedSize', 2, r.gradedSize);
  const gr = o.gradedR ?? r.gradedR;
  if (!Array.isArray(gr) || gr.length !== 2 || !gr.every((v) => typeof v === 'number' && v > 0 && v < 1) || gr[0] > gr[1]) {
    fail('a [lowest, highest] pair of |r| in (0, 1)', nameOf('gradedR'), gr, Array.isArray(gr) ? `[${gr.map(String).join(', ')}]` : show(gr));
  }
  const spanning = int('spanning', 0, r.spanning);
  if (spanning > 0 && layers < 2) fail('no spanning groups with a single layer (set layers ≥ 2)', nameOf('spanning'), spanning);
  const nearConstant = int('nearConstant', 0, r.nearConstant);
  const nearConstantStd = expectNumber(o.nearConstantStd ?? r.nearConstantStd, nameOf('nearConstantStd'), 0, 1, true);
  const concepts = int('concepts', 0, r.concepts);
  if (concepts === 1) fail('0 or at least 2 classes', nameOf('concepts'), concepts);
  const conceptNeurons = int('conceptNeurons', 1, r.conceptNeurons);
  const conceptShift = expectNumber(o.conceptShift ?? r.conceptShift, nameOf('conceptShift'), 0, 1e3, true);
  const layerBlocks = expectNumber(o.layerBlocks ?? r.layerBlocks, nameOf('layerBlocks'), 0, 1 - 1e-9);
  const tailDof = int('tailDof', 0, r.tailDof);
  if (tailDof !== 0 && (tailDof < 3 || tailDof > 100)) fail('0 (normal noise) or an integer in [3, 100]', nameOf('tailDof'), tailDof);
  const extra = graded * gradedSize + spanning * layers + nearConstant + concepts * conceptNeurons;
  let free = neurons - groups * sizeMax - extra;
  const special = neurons >= 16 ? Math.ceil(neurons / 100) : 0;
  const constant = int('constant', 0, Math.max(0, Math.min(special, free)));
  free -= constant;
  const largeMean = int('largeMean', 0, Math.max(0, Math.min(special, free)));
  free -= largeMean;
  if (free < 0 && extra > 0) {
    throw new NeurosieveError(
      'E_ARGUMENT',
      `Expected the planted neurons to fit in ${nameOf('neurons')} (${neurons}) but received ${groups * sizeMax} in groups, ${constant} constant, ` +
        `${largeMean} large-mean, ${graded * gradedSize} graded, ${spanning * layers} spanning, ${nearConstant} near-constant and ` +
        `${concepts * conceptNeurons} concept neurons = ${groups * sizeMax + constant + largeMean + extra}`,
    );
  }
  if (free < 0) {
    const sizes = sizeMin === sizeMax ? `${sizeMax}` : `up to ${sizeMax}`;
    throw new NeurosieveError(
      'E_ARGUMENT',
      `Expected ${nameOf('groups')} × ${nameOf('groupSize')} + ${nameOf('constant')} + ${nameOf('largeMean')} to be at most ` +
        `${nameOf('neurons')} (${neurons}) but received ${groups} × ${sizes} + ${constant} + ${largeMean} = ` +
        `${groups * sizeMax + constant + largeMean}`,
    );
  }
  const largeMeanValue = num('largeMeanValue', d.largeMeanValue);
  const offset = num('offset', d.offset);
  const dtype = expectOneOf(o.dtype ?? d.dtype, nameOf('dtype'), SYNTH_DTYPES);
  // Every value is offset_c + (unit-scale noise), |offset_c| <= |offset| + 1.1 |largeMeanValue|: beyond
  // SYNTH_MAX_MEAN a float32 value would round to ±Inf (largest finite 3.4028e38; the noise, a few units,
  // cannot bridge the 4e37 left), and a file of Infs is not a dataset.
  const reach = Math.abs(offset) + (largeMean > 0 ? 1.1 * Math.abs(largeMeanValue) : 0);
  if (!(reach <= SYNTH_MAX_MEAN)) {
    throw new NeurosieveError(
      'E_ARGUMENT',
      `Expected means of at most ${SYNTH_MAX_MEAN} (float32 overflows to Inf at 3.4028e38) but ` +
        `${nameOf('offset')} ${offset}${largeMean > 0 ? ` and ${nameOf('largeMeanValue')} ${largeMeanValue} (±10%)` : ''} reach ${reach}`,
    );
  }
  if (dtype === 'float16') {
    // float16's spacing is 0.5 at 512: beyond that, unit-variance noise is mostly rounded away.
    const biggest = Math.abs(offset) + (largeMean > 0 ? 1.1 * Math.abs(largeMeanValue) : 0);
    if (biggest > 512) {
      throw new NeurosieveError(
        'E_ARGUMENT',
        `Expected means of at most 512 with ${nameOf('dtype')} float16 (its spacing there is 0.5) but ` +
          `${nameOf('offset')} ${offset}${largeMean > 0 ? ` and ${nameOf('largeMeanValue')} ${largeMeanValue}` : ''} reach ${biggest}: ` +
          `use float32 or smaller means`,
      );
    }
  }
  const seed = int('seed', 0, d.seed);
  const threads = int('threads', 0, d.threads);
  return {
    out: o.out,
    tokens,
    neurons,
    layers,
    groups,
    groupSizeMin: sizeMin,
    groupSizeMax: sizeMax,
    noiseMin,
    noiseMax,
    constant,
    largeMean,
    largeMeanValue,
    offset,
    seed,
    dtype,
    threads,
    families,
    familyWeight,
    graded,
    gradedSize,
    gradedMin: gr[0] as number,
    gradedMax: gr[1] as number,
    spanning,
    nearConstant,
    nearConstantStd,
    concepts,
    conceptNeurons,
    conceptShift,
    layerBlocks,
    tailDof,
  };
}

const MODEL =
  'x[t, c] = offset_c + scale_c * (z[t, group_c] + noise_c * e[t, c]); z, e independent N(0, 1); ' +
  'independent and large-mean neurons: x = offset_c + e[t, c]; constant neurons: x = value_c. ' +
  'r(member i, member j) = sign(scale_i) sign(scale_j) / sqrt((1 + noise_i^2)(1 + noise_j^2)); 0 across groups.';
const GENERATOR =
  'plan: xoshiro256** stream 2^64-1 of the seed (Fisher-Yates permutation of the columns, then sizes, kinds, ' +
  'noise, scales); data: blocks of 256 rows, block k from xoshiro256** stream k seeded by SplitMix64(seed, k), ' +
  'per row the group latents then one deviate per noisy column in column order; normals by the ziggurat ' +
  '(Marsaglia & Tsang 2000, ZIGNOR variant of Doornik 2005); values computed in float64, rounded once.';

/** Builds the truth document from the plan the generator used. */
export function truthFromPlan(o: ResolvedSynthOptions, plan: NativeSynthPlan): SynthTruth {
  const D = o.neurons;
  const groups: SynthGroup[] = [];
  for (let g = 0; g < o.groups; g++) {
    const members: SynthMember[] = [];
    for (let k = plan.memberStart[g]!; k < plan.memberStart[g + 1]!; k++) {
      const c = plan.members[k]!;
      const scale = plan.scale[c]!;
      const noise = plan.noise[c]!;
      const rho = 1 / Math.sqrt(1 + noise * noise);
      members.push({
        neuron: c,
        kind: KINDS[plan.kind[c]!]!,
        scale,
        noise,
        expectedAbsR: rho,
        expectedR: Math.sign(scale) * rho,
        mean: plan.offset[c]!,
        std: Math.abs(scale) * Math.sqrt(1 + noise * noise),
      });
    }
    const rhos = members.map((m) => m.expectedAbsR).sort((a, b) => a - b);
    let sum = 0;
    let pairs = 0;
    for (let i = 0; i < rhos.length; i++) for (let j = i + 1; j < rhos.length; j++, pairs++) sum += rhos[i]! * rhos[j]!;
    groups.push({
      id: g,
      base: members[0]!.neuron,
      neurons: members.map((m) => m.neuron).sort((a, b) => a - b),
      members,
      minPairAbsR: rhos.length >= 2 ? rhos[0]! * rhos[1]! : 1,
      meanPairAbsR: pairs > 0 ? sum / pairs : 1,
    });
  }
  const independent: number[] = [];
  const constant: SynthTruth['constant'] = [];
  const largeMean: SynthTruth['largeMean'] = [];
  for (let c = 0; c < D; c++) {
    const role = plan.role[c];
    if (role === 0) independent.push(c);
    else if (role === 2) constant.push({ neuron: c, value: plan.offset[c]! });
    else if (role === 3) largeMean.push({ neuron: c, mean: plan.offset[c]!, std: 1 });
  }
  const H = D / o.layers;
  const truth: SynthTruth = {
    format: 'neurosieve-synth-truth',
    version: 1,
    file: basename(o.out),
    dtype: o.dtype,
    shape: o.layers > 1 ? [o.layers, o.tokens, H] : [o.tokens, D],
    tokens: o.tokens,
    neurons: D,
    layers: o.layers,
    seed: o.seed,
    options: {
      groups: o.groups,
      groupSize: [o.groupSizeMin, o.groupSizeMax],
      noise: [o.noiseMin, o.noiseMax],
      constant: o.constant,
      largeMean: o.largeMean,
      largeMeanValue: o.largeMeanValue,
      offset: o.offset,
    },
    model: MODEL,
    generator: GENERATOR,
    groups,
    independent,
    constant,
    largeMean,
    groupOf: Array.from(plan.group),
  };
  return usesRicherTruth(o) ? richerTruth(truth, o, plan) : truth;
}

const MODEL_V2 =
  ' Richer truth: family members load sqrt(w) on their family latent and sqrt(1 - w) on their group latent ' +
  '(r across groups of a family = w rho_i rho_j); graded and spanning groups follow the group model; near-constant: ' +
  'x = value + std e; concept: x = offset + shift [y_t = class] + e, y_t uniform over the classes; with layer blocks ' +
  'independent neurons are sqrt(l) Lambda[layer] + sqrt(1 - l) e; with tailDof nu every e is Student-t(nu) * sqrt((nu - 2)/nu).';

/** Version 2: the richer kinds added to a version-1 truth built from the same plan. */
function richerTruth(t: SynthTruth, o: ResolvedSynthOptions, plan: NativeSynthPlan): SynthTruth {
  const H = o.neurons / o.layers;
  t.version = 2;
  t.model += MODEL_V2;
  t.generator +=
    ' Version 2: the plan goes on drawing (graded, spanning, near-constant, concept roles from the columns left); ' +
    'per row the latents are the plain, graded and spanning group latents, then the family and layer latents, then ' +
    'the deviates (Student-t: 1 + nu normals each), then the row label (uniform over the classes).';
  t.richer = {
    families: o.families,
    familyWeight: o.familyWeight,
    graded: o.graded,
    gradedSize: o.gradedSize,
    gradedR: [o.gradedMin, o.gradedMax],
    spanning: o.spanning,
    nearConstant: o.nearConstant,
    nearConstantStd: o.nearConstantStd,
    concepts: o.concepts,
    conceptNeurons: o.conceptNeurons,
    conceptShift: o.conceptShift,
    layerBlocks: o.layerBlocks,
    tailDof: o.tailDof,
  };
  // truthFromPlan built the plain groups only (o.groups); the graded and spanning ones follow in the plan.
  const total = plan.memberStart.length - 1;
  for (let g = o.groups; g < total; g++) {
    const members: SynthMember[] = [];
    for (let k = plan.memberStart[g]!; k < plan.memberStart[g + 1]!; k++) {
      const c = plan.members[k]!;
      const scale = plan.scale[c]!;
      const noise = plan.noise[c]!;
      const rho = 1 / Math.sqrt(1 + noise * noise);
      members.push({ neuron: c, kind: KINDS[plan.kind[c]!]!, scale, noise, expectedAbsR: rho, expectedR: Math.sign(scale) * rho, mean: plan.offset[c]!, std: Math.abs(scale) * Math.sqrt(1 + noise * noise) });
    }
    const rhos = members.map((m) => m.expectedAbsR).sort((a, b) => a - b);
    let sum = 0;
    let pairs = 0;
    for (let i = 0; i < rhos.length; i++) for (let j = i + 1; j < rhos.length; j++, pairs++) sum += rhos[i]! * rhos[j]!;
    t.groups.push({ id: g, base: members[0]!.neuron, neurons: members.map((m) => m.neuron).sort((a, b) => a - b), members, minPairAbsR: rhos[0]! * rhos[1]!, meanPairAbsR: sum / pairs });
  }
  t.groups.forEach((grp, g) => {
    grp.kind = g < o.groups ? 'plain' : g < o.groups + o.graded ? 'graded' : 'spanning';
    grp.family = plan.family[g]!;
    grp.layers = [...new Set(grp.neurons.map((c) => Math.floor(c / H)))].sort((a, b) => a - b);
  });
  if (o.families > 0) {
    t.families = [];
    for (let f = 0; f < o.families; f++) {
      const groups = t.groups.filter((g) => g.family === f);
      // Over member pairs (i, j) of different groups, |r| = w·ρ_i·ρ_j: in O(groups), not O(members²), from each
      // group's sum S, size n and smallest ρ m: Σ = ((ΣS)² − ΣS²)/2, pairs = ((Σn)² − Σn²)/2, min = w · the two
      // smallest m (of different groups) multiplied.
      const S = groups.map((g) => g.members.reduce((s, m) => s + m.expectedAbsR, 0));
      const n = groups.map((g) => g.members.length);
      const m = groups.map((g) => Math.min(...g.members.map((x) => x.expectedAbsR))).sort((a, b) => a - b);
      const sq = (xs: number[]) => xs.reduce((s, x) => s + x * x, 0);
      const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
      const cross = (sum(S) ** 2 - sq(S)) / 2;
      const pairs = (sum(n) ** 2 - sq(n)) / 2;
      t.families.push({ id: f, groups: groups.map((g) => g.id), neurons: groups.flatMap((g) => g.neurons).sort((a, b) => a - b), weight: o.familyWeight, minCrossAbsR: o.familyWeight * m[0]! * m[1]!, meanCrossAbsR: (o.familyWeight * cross) / pairs });
    }
  }
  const nearConstant: { neuron: number; value: number; std: number }[] = [];
  const concepts: { neuron: number; class: number }[] = [];
  for (let c = 0; c < o.neurons; c++) {
    if (plan.role[c] === 4) nearConstant.push({ neuron: c, value: plan.offset[c]!, std: plan.b[c]! });
    else if (plan.role[c] === 5) concepts.push({ neuron: c, class: plan.concept[c]! });
  }
  if (o.nearConstant > 0) t.nearConstant = nearConstant;
  if (o.concepts > 0) {
    const p = 1 / o.concepts;
    const s2 = o.conceptShift * o.conceptShift;
    const v = s2 * p * (1 - p) + 1;
    concepts.sort((a, b) => a.class - b.class || a.neuron - b.neuron);
    t.concepts = { labels: `${t.file}.labels.npy`, classes: Array.from({ length: o.concepts }, (_, k) => k), shift: o.conceptShift, neurons: concepts, sameClassR: (s2 * p * (1 - p)) / v, otherClassR: (-s2 * p * p) / v };
  }
  if (o.layerBlocks > 0) t.layerBlocks = { withinLayerR: o.layerBlocks };
  if (o.tailDof > 0) t.noiseDistribution = { kind: 'student-t', dof: o.tailDof, scaledToUnitVariance: true };
  return t;
}

/** JSON with nested objects indented, but arrays of numbers and objects of plain values kept on one line. */
function formatJson(v: unknown, indent = ''): string {
  const plain = (x: unknown): boolean => x === null || typeof x !== 'object' || (Array.isArray(x) && x.every(plain));
  if (plain(v)) return JSON.stringify(v);
  const inner = indent + '  ';
  if (Array.isArray(v)) return `[\n${v.map((x) => inner + formatJson(x, inner)).join(',\n')}\n${indent}]`;
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.every(([, x]) => plain(x))) return `{ ${entries.map(([k, x]) => `${JSON.stringify(k)}: ${JSON.stringify(x)}`).join(', ')} }`;
  return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${formatJson(x, inner)}`).join(',\n')}\n${indent}}`;
}

/**
 * The truth for these options without generating any data (cheap: O(neurons)). `synth` writes exactly this.
 */
export function synthTruth(options: SynthOptions): SynthTruth {
  const o = resolveSynthOptions(options, undefined, 'synthTruth');
  const plan = callNativeSync(() => native().synthPlan(nativeOptions(o)));
  return truthFromPlan(o, plan);
}

function nativeOptions(o: ResolvedSynthOptions): NativeSynthOptions {
  const { out: _out, ...rest } = o;
  return rest;
}

function cancelled(out: string): NeurosieveError {
  return new NeurosieveError('E_CANCELLED', `${out}: synth cancelled`);
}

/**
 * Generates the dataset and its truth file. Resolves once both files are in place; on failure or abort neither
 * is left behind (an existing file at `out` is left as it was).
 */
export async function synth(options: SynthOptions): Promise<SynthResult> {
  const o = resolveSynthOptions(options);
  return writeSynth(o, { onProgress: expectFunction(options.onProgress, 'onProgress'), signal: options.signal });
}

/** synth() with resolved options (internal, no checks: the CLI resolves them first, naming its flags). */
export async function writeSynth(o: ResolvedSynthOptions, hooks: Pick<SynthOptions, 'onProgress' | 'signal'>): Promise<SynthResult> {
  const { out } = o;
  const { onProgress, signal } = hooks;
  if (signal?.aborted) throw cancelled(out);
  const no = nativeOptions(o);
  const truthPath = `${out}.truth.json`;
  const truth = callNativeSync(() => truthFromPlan(o, native().synthPlan(no)));
  const header = npyHeader(o.dtype === 'float16' ? '<f2' : '<f4', truth.shape);
  recoverTarget(out);
  const tmp = tempName(out); // the native writer fills it; it joins the truth file in one output set
  // Concept neurons come with the row labels: <out>.labels.npy (int32 [tokens]), written beside the data.
  const labelsPath = o.concepts > 0 ? `${out}.labels.npy` : undefined;
  if (labelsPath) recoverTarget(labelsPath);
  const labelsTmp = labelsPath ? tempName(labelsPath) : undefined;

  // A throwing onProgress stops the run, and its error is what synth() rejects with.
  let progressError: { error: unknown } | undefined;
  try {
    await runJob(
      (job) =>
        native().synthWrite(
          no,
          tmp,
          out,
          header,
          (rows) => {
            if (progressError || !onProgress) return;
            try {
              onProgress({ rows, totalRows: o.tokens });
            } catch (error) {
              progressError = { error };
              job.cancel();
            }
          },
          labelsTmp,
          labelsTmp ? npyHeader('<i4', [o.tokens]) : undefined,
        ),
      signal,
    );
  } catch (err) {
    throw progressError ? progressError.error : err;
  }
  if (progressError) {
    rmSync(tmp, { force: true });
    if (labelsTmp) rmSync(labelsTmp, { force: true });
    throw progressError.error;
  }
  const set = new OutputSet(); // the array, its truth (and its labels) appear together or not at all
  set.adopt(tmp, out);
  if (labelsTmp && labelsPath) set.adopt(labelsTmp, labelsPath);
  try {
    if (signal?.aborted) throw cancelled(out);
    writeTextAtomic(truthPath, formatJson(truth) + '\n', set);
    set.commit();
  } finally {
    set.discard();
  }
  return { path: out, truthPath, truth, ...(labelsPath ? { labelsPath } : {}) };
}
