/**
 * Layer probes and the layer selector (method.md §5, steps 2–3; Dalvi et al. 2020 §4.2):
 *  - independent: one probe per layer, on that layer's columns;
 *  - incremental: one probe per prefix of layers 0 … l (the prefix of all layers is the oracle, which the bench
 *    already holds: the reference copies it too rather than retraining);
 *  - LS for each δ_L: the smallest l whose incremental dev score is STRICTLY greater than oracle·(1 − δ_L/100);
 *    all layers when none is.
 */
import type { Layer } from './held-data.js';
import type { ProbeBench, ProbeOutcome } from './probe-bench.js';

export interface LayerScore {
  /** Layer index (independent), or the last layer of the prefix (incremental). */
  layer: number;
  name: string;
  neurons: number;
  dev: number;
  test?: number;
}

export interface LayerSelection {
  deltaL: number;
  /** oracle dev score × (1 − δ_L / 100). */
  target: number;
  /** The last layer kept (layers 0 … layer); the last layer of the network when no prefix passes. */
  layer: number;
  /** True when a prefix passed (false: all layers kept by default). */
  passed: boolean;
  neurons: number;
  dev: number;
  test?: number;
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, j) => from + j);

const scoreRow = (layer: number, name: string, p: ProbeOutcome): LayerScore => ({
  layer,
  name,
  neurons: p.columns.length,
  dev: p.score,
  ...(p.testScore !== undefined ? { test: p.testScore } : {}),
});

/** Independent and incremental layer probes, concurrently; `done` after each. */
export async function layerProbes(
  bench: ProbeBench,
  layers: Layer[],
  seed: number,
  done: () => void,
): Promise<{ independent: LayerScore[]; incremental: LayerScore[]; incrementalProbes: ProbeOutcome[] }> {
  const track = <T>(p: Promise<T>) => p.then((v) => (done(), v));
  const independent = layers.map((l) => track(bench.probe(range(l.offset, l.offset + l.width), seed)));
  const incremental = layers.map((l) => track(bench.probe(range(0, l.offset + l.width), seed)));
  // One Promise.all over both, so a failure in either is handled at once.
  const both = await Promise.all([...independent, ...incremental]);
  const ind = both.slice(0, layers.length);
  const inc = both.slice(layers.length);
  return {
    independent: ind.map((p, l) => scoreRow(l, layers[l]!.name, p)),
    incremental: inc.map((p, l) => scoreRow(l, `${layers[0]!.name} … ${layers[l]!.name}`, p)),
    incrementalProbes: inc,
  };
}

/** LS for one δ_L over the incremental scores (method.md §5 step 3). */
export function selectLayers(deltaL: number, oracleScore: number, incremental: LayerScore[]): LayerSelection {
  const target = oracleScore * (1 - deltaL / 100);
  const hit = incremental.find((r) => r.dev > target);
  const row = hit ?? incremental[incremental.length - 1]!;
  return { deltaL, target, layer: row.layer, passed: hit !== undefined, neurons: row.neurons, dev: row.dev, ...(row.test !== undefined ? { test: row.test } : {}) };
}
