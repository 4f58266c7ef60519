/**
 * Ablation (method.md §6): remove (or keep only) a set of neurons and re-score a trained probe, without
 * retraining, with evaluate()'s metrics before and after.
 *
 * Modes, for a probe logits = W·f(x) + b with features f(x) = x (raw) or (x − mean)/std (z-scoring probe):
 *  - 'filter' (default): the removed neurons' weights are dropped, i.e. their FEATURES are 0. This is NeuroX's
 *    ablation (zero_out_activations_keep_neurons zeroes the matrix fed to the probe, which is the normalised one
 *    when NeuroX normalises), and the same as a probe restricted to the kept columns (restrict.ts).
 *  - 'zero': the removed neurons' RAW ACTIVATIONS are 0 (a silent neuron). For a raw probe this is 'filter'
 *    again; for a z-scoring probe the feature becomes −mean/std, a constant folded into the bias:
 *    b'_c = b_c − Σ_removed W_cj·mean_j/std_j (float64 sum, rounded to float32 like the bias).
 * Both are computed as a full-width probe with the removed weight columns at 0 (plus that bias), evaluated on the
 * activations loaded once: a product 0·x adds exactly 0, so the predictions equal those of the restricted probe,
 * and no activation matrix is copied or sliced.
 */
import { expectOneOf, expectOptions, fail } from '../core/validate.js';
import { expectNeuronIds, loadActivations, type LoadedActivations, type NanPolicy } from '../io/load.js';
import type { Dataset } from '../types.js';
import type { Labels } from './labels.js';
import type { Metrics } from './metrics.js';
import { readProbe, type Probe } from './probe-file.js';
import { probePositions } from './restrict.js';
import { evaluate, type ActivationsInput } from './train.js';

/** How removed neurons are silenced (AblateOptions.mode). */
export const ABLATION_MODES = ['filter', 'zero'] as const;
export type AblationMode = (typeof ABLATION_MODES)[number];
export const ABLATE_DEFAULTS = { mode: 'filter' } as const;

export interface AblateOptions {
  /** Neurons to remove (original ids, as in the probe's columns); exactly one of remove and keep. */
  remove?: ArrayLike<number>;
  /** Neurons to keep; every other input of the probe is removed. */
  keep?: ArrayLike<number>;
  /** 'filter' (default: features 0, NeuroX's ablation) or 'zero' (raw activations 0). */
  mode?: AblationMode;
  /** Labels the probe does not know map to this class (default: error). */
  unknown?: string;
  nan?: NanPolicy;
  threads?: number;
  signal?: AbortSignal;
}

export interface AblationResult {
  mode: AblationMode;
  /** Inputs of the probe. */
  neurons: number;
  /** Original ids, in the probe's input order. */
  kept: number[];
  removed: number[];
  before: Metrics;
  after: Metrics;
}

const KEYS = ['remove', 'keep', 'mode', 'unknown', 'nan', 'threads', 'signal'] as const;

function isLoaded(a: unknown): a is LoadedActivations {
  return typeof a === 'object' && a !== null && (a as LoadedActivations).x instanceof Float32Array;
}

/** Re-scores `probe` with some of its inputs removed (see the modes above). */
export async function ablate(probeInput: Probe | string, activations: ActivationsInput, labels: Labels | string, options: AblateOptions): Promise<AblationResult> {
  expectOptions(options, KEYS, 'ablate');
  const mode = expectOneOf(options.mode ?? ABLATE_DEFAULTS.mode, 'mode', ABLATION_MODES);
  if ((options.remove === undefined) === (options.keep === undefined)) {
    fail('exactly one of remove and keep', 'ablate', options, options.remove === undefined ? 'neither' : 'both');
  }
  const probe = typeof probeInput === 'string' ? readProbe(probeInput) : probeInput;
  const D = probe.neurons;
  const which = options.remove !== undefined ? 'remove' : 'keep';
  const idsOf = (p: number) => (probe.columns ? probe.columns[p]! : p);
  const given = expectNeuronIds((options.remove ?? options.keep)!, which);
  const positions = probePositions(probe, given, which);
  const removedMask = new Uint8Array(D);
  if (which === 'remove') for (const p of positions) removedMask[p] = 1;
  else {
    removedMask.fill(1);
    for (const p of positions) removedMask[p] = 0;
  }
  const kept: number[] = [];
  const removed: number[] = [];
  for (let p = 0; p < D; p++) (removedMask[p] ? removed : kept).push(idsOf(p));
  if (kept.length === 0) fail('at least one kept neuron', which, removed.length, `all ${D} of the probe's inputs removed`);

  const common = {
    ...(options.unknown !== undefined ? { unknown: options.unknown } : {}),
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  // Loaded once (the probe's columns), scored twice.
  const acts = isLoaded(activations)
    ? activations
    : await loadActivations(activations as Dataset | string | readonly string[], {
        ...(probe.columns ? { columns: probe.columns } : {}),
        ...(options.nan ? { nan: options.nan } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
  const before = await evaluate(probe, acts, labels, common);
  const after = await evaluate(ablatedProbe(probe, removedMask, mode), acts, labels, common);
  return { mode, neurons: D, kept, removed, before, after };
}

/** The full-width probe with the removed weight columns at 0 and, in 'zero' mode with z-scoring, the bias shifted. */
function ablatedProbe(probe: Probe, removed: Uint8Array, mode: AblationMode): Probe {
  const C = probe.classes.length;
  const D = probe.neurons;
  const weight = probe.weight.slice();
  const bias = probe.bias.slice();
  for (let c = 0; c < C; c++) {
    let shift = 0;
    for (let j = 0; j < D; j++) {
      if (!removed[j]) continue;
      if (mode === 'zero' && probe.normalization === 'zscore') shift += (weight[c * D + j]! * probe.mean![j]!) / probe.std![j]!;
      weight[c * D + j] = 0;
    }
    bias[c] = bias[c]! - shift;
  }
  return { ...probe, weight, bias };
}
