/**
 * PLACEHOLDER: the compatible (NeuroX) trainer is built on another branch (issue 5, item 2) and replaces this
 * file at merge. The signatures below are the contract src/probe/train.ts calls.
 */
import { NeurosieveError } from '../errors.js';
import type { CompatOptions, ProbeData, TrainHooks, TrainedLinear } from './train-types.js';

export async function trainCompat(train: ProbeData, classes: number, options: CompatOptions, hooks?: TrainHooks & { validation?: ProbeData }): Promise<TrainedLinear> {
  void train, classes, options, hooks;
  throw new NeurosieveError('E_ARGUMENT', 'compat trainer not built yet');
}

export async function gridSearchCompat(
  train: ProbeData,
  validation: ProbeData,
  classes: number,
  options: CompatOptions & { l1Grid?: number[]; l2Grid?: number[] },
  hooks?: TrainHooks,
): Promise<{ best: { l1: number; l2: number }; cells: Array<{ l1: number; l2: number; accuracy: number }>; probe: TrainedLinear }> {
  void train, validation, classes, options, hooks;
  throw new NeurosieveError('E_ARGUMENT', 'compat trainer not built yet');
}
