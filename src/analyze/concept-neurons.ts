/**
 * Concept neurons (method.md §4; the seed's token-tagging analysis): per class, the top neurons holding
 * `fraction` (default 5%) of that class's weight mass in the kept all-layer probe, with their layer and the
 * words they fire on. Top words follow NeuroX's get_top_words: every train row scores |z| = |(a − mean) / std|
 * with the train mean and std of the neuron, scores are averaged per word type, divided by the best type's
 * average, and the types above 0.1 are listed best first (at most `topWords`).
 *
 * The per-word aggregation is a string-keyed map, so it runs here over the gathered columns of the concept
 * neurons only (tens of neurons), not over X.
 */
import { runJob } from '../core/native-job.js';
import { native } from '../core/native.js';
import { topNeurons } from '../rank/weight-mass.js';
import { copyColumns, type HeldData, type Layer } from './held-data.js';
import type { ProbeOutcome } from './probe-bench.js';

/** NeuroX's min_threshold on the normalised word score. */
const WORD_SCORE_FLOOR = 0.1;

export interface ConceptNeuron {
  neuron: number;
  layer: string;
  /** |w| of this class's weight on the neuron. */
  weight: number;
  /** Best words first, with their normalised score (1 = the best word); absent when the inputs carry no words. */
  topWords?: Array<{ word: string; score: number }>;
}

export interface ConceptNeurons {
  fraction: number;
  /** Of the probe trained with this seed, on all neurons. */
  seed: number;
  perClass: Record<string, ConceptNeuron[]>;
  /** The union over classes, ascending. */
  neurons: number[];
  /** Concept neurons per layer (the union), in layer order. */
  perLayer: Array<{ layer: string; neurons: number }>;
}

function layerOf(layers: Layer[], neuron: number): Layer {
  return layers.find((l) => neuron >= l.offset && neuron < l.offset + l.width)!;
}

async function topWords(data: HeldData, neurons: number[], count: number, threads: number): Promise<Map<number, Array<{ word: string; score: number }>>> {
  const out = new Map<number, Array<{ word: string; score: number }>>();
  const words = data.words;
  if (!words || neurons.length === 0 || count === 0) return out;
  const { train, D } = data;
  const columns = Uint32Array.from(neurons);
  const m = columns.length;
  const x = await copyColumns(train, D, columns, threads);
  // z-scored already, or z-score these columns now (population std, as NeuroX's np.std).
  let mean: Float64Array = new Float64Array(m);
  let std: Float64Array = new Float64Array(m).fill(1);
  if (!data.zscore) ({ mean, std } = await runJob(() => native().columnMoments(x, train.rows, m, threads)));
  for (let j = 0; j < m; j++) {
    const sums = new Map<string, { sum: number; n: number }>();
    const s = std[j]! > 0 ? std[j]! : 1;
    for (let t = 0; t < train.rows; t++) {
      const z = Math.abs((x[t * m + j]! - mean[j]!) / s);
      const e = sums.get(words[t]!);
      if (e) {
        e.sum += z;
        e.n++;
      } else sums.set(words[t]!, { sum: z, n: 1 });
    }
    const scored = [...sums].map(([word, e]) => ({ word, score: e.sum / e.n }));
    // reduce, not Math.max(...): a corpus has more word types than a call takes arguments.
    const best = scored.reduce((m, w) => Math.max(m, w.score), 0);
    const kept = scored
      .map((w) => ({ word: w.word, score: best > 0 ? w.score / best : 0 }))
      .filter((w) => w.score > WORD_SCORE_FLOOR)
      .sort((a, b) => b.score - a.score || (a.word < b.word ? -1 : a.word > b.word ? 1 : 0))
      .slice(0, count);
    out.set(columns[j]!, kept);
  }
  return out;
}

export async function conceptNeurons(data: HeldData, oracle: ProbeOutcome, fraction: number, count: number, threads: number): Promise<ConceptNeurons> {
  const D = data.D;
  const selection = topNeurons({ classes: data.classes, neurons: D, weight: oracle.weight }, fraction);
  const words = await topWords(data, selection.neurons, count, threads);
  const perClass: Record<string, ConceptNeuron[]> = {};
  data.classes.forEach((name, c) => {
    perClass[name] = (selection.perClass[name] ?? []).map((neuron) => ({
      neuron,
      layer: layerOf(data.layers, neuron).name,
      weight: Math.abs(oracle.weight[c * D + neuron]!),
      ...(words.has(neuron) ? { topWords: words.get(neuron)! } : {}),
    }));
  });
  const perLayer = data.layers.map((l) => ({ layer: l.name, neurons: selection.neurons.filter((j) => j >= l.offset && j < l.offset + l.width).length }));
  return { fraction, seed: oracle.seed, perClass, neurons: selection.neurons, perLayer };
}
