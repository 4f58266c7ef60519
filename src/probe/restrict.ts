/**
 * A probe restricted to some of its inputs, without retraining: the weight columns (and z-score statistics) of
 * the kept neurons, in the order asked for, `columns` naming their original ids. Logits on the kept features are
 * exactly the full probe's logits with the other features at 0, which is what ablation's filter mode and a
 * ranking restricted to ids need. C × m values are copied; no activations are touched.
 */
import { NeurosieveError } from '../core/errors.js';
import type { Probe } from './probe-file.js';

/** Positions in the probe's inputs of original ids; E_ARGUMENT naming `name` for an id the probe does not see. */
export function probePositions(probe: Probe, ids: readonly number[], name: string): number[] {
  const pos = new Map<number, number>();
  for (let p = 0; p < probe.neurons; p++) pos.set(probe.columns ? probe.columns[p]! : p, p);
  return ids.map((id) => {
    const p = pos.get(id);
    if (p === undefined) {
      const range = probe.columns ? `the probe's ${probe.neurons} inputs (its columns)` : `[0, ${probe.neurons - 1}] (the probe's inputs)`;
      throw new NeurosieveError('E_ARGUMENT', `Expected neuron ids among ${range} for ${name} but received ${id}`);
    }
    return p;
  });
}

/** The probe on the inputs at `positions` (distinct), in that order. */
export function restrictProbe(probe: Probe, positions: readonly number[]): Probe {
  const C = probe.classes.length;
  const D = probe.neurons;
  const m = positions.length;
  const weight = new Float32Array(C * m);
  for (let c = 0; c < C; c++) for (let j = 0; j < m; j++) weight[c * m + j] = probe.weight[c * D + positions[j]!]!;
  const pick = (a: Float64Array) => Float64Array.from(positions, (p) => a[p]!);
  return {
    ...probe,
    neurons: m,
    columns: positions.map((p) => (probe.columns ? probe.columns[p]! : p)),
    weight,
    bias: probe.bias.slice(),
    ...(probe.mean ? { mean: pick(probe.mean) } : {}),
    ...(probe.std ? { std: pick(probe.std) } : {}),
  };
}
