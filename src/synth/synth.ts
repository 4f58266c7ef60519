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
}

export interface SynthTruth {
  format: 'neurosieve-synth-truth';
  version: 1;
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
}

export interface SynthResult {
  path: string;
  truthPath: string;
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

const SYNTH_KEYS: readonly (keyof SynthOptions)[] = ['out', 'tokens', 'neurons', 'layers', 'groups', 'groupSize', 'noise', 'constant', 'largeMean', 'largeMeanValue', 'offset', 'dtype', 'seed', 'threads', 'onProgress', 'signal'];

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
  let free = neurons - groups * sizeMax;
  const special = neurons >= 16 ? Math.ceil(neurons / 100) : 0;
  const constant = int('constant', 0, Math.max(0, Math.min(special, free)));
  free -= constant;
  const largeMean = int('largeMean', 0, Math.max(0, Math.min(special, free)));
  free -= largeMean;
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
  return {
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

  // A throwing onProgress stops the run, and its error is what synth() rejects with.
  let progressError: { error: unknown } | undefined;
  try {
    await runJob(
      (job) =>
        native().synthWrite(no, tmp, out, header, (rows) => {
          if (progressError || !onProgress) return;
          try {
            onProgress({ rows, totalRows: o.tokens });
          } catch (error) {
            progressError = { error };
            job.cancel();
          }
        }),
      signal,
    );
  } catch (err) {
    throw progressError ? progressError.error : err;
  }
  if (progressError) {
    rmSync(tmp, { force: true });
    throw progressError.error;
  }
  const set = new OutputSet(); // the array and its truth appear together or not at all
  set.adopt(tmp, out);
  try {
    if (signal?.aborted) throw cancelled(out);
    writeTextAtomic(truthPath, formatJson(truth) + '\n', set);
    set.commit();
  } finally {
    set.discard();
  }
  return { path: out, truthPath, truth };
}
