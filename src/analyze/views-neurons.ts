/**
 * The neuron pages' data (views-format.ts ViewNeurons, ViewText), from the rows `analyze` holds:
 *  - the kept oracle's weights;
 *  - each neuron's histogram and its k highest train rows (native/src/views/profiles.cc: one pass over X);
 *  - with the task's text, each top row's sentence and the neuron's activation on the words around it, read
 *    from the held rows (train and dev; test too when its task rows are known). A word whose row is not held
 *    (e.g. outside a manifest split's sample) has no value.
 * Values are reported in the activations' own units: when analyze z-scored X in place, they are mapped back with
 * the train mean and std (a monotone map, so the top rows are the same).
 */
import { runJob } from '../core/native-job.js';
import { native } from '../core/native.js';
import { pack } from '../io/packed-array.js';
import { locateRows } from './corpus.js';
import type { HeldData, HeldPart } from './held-data.js';
import type { ProbeOutcome } from './probe-bench.js';
import type { ViewNeurons, ViewSentence, ViewText } from './views-format.js';

export const HISTOGRAM_BINS = 32;
export const TOP_ROWS = 10;
/** Words shown on each side of a top row. */
export const CONTEXT_WINDOW = 6;
/** Marks a context word without a value (views-format.ts). */
const NO_VALUE = -128;

/** x ↦ the raw activation of neuron j (identity without z-scoring; a zero-variance column was divided by 1). */
function rawUnits(held: HeldData): (j: number, v: number) => number {
  const z = held.zscore;
  if (!z) return (_j, v) => v;
  return (j, v) => v * (z.std[j]! > 0 ? z.std[j]! : 1) + z.mean[j]!;
}

export async function neuronViews(held: HeldData, oracle: ProbeOutcome, threads: number): Promise<{ neurons: ViewNeurons; text?: ViewText; sampling: string }> {
  const { D, train } = held;
  const raw = rawUnits(held);
  const k = Math.min(TOP_ROWS, train.rows);
  const p = await runJob(() => native().columnProfiles(train.x, train.rows, D, HISTOGRAM_BINS, k, threads));
  const range = new Float32Array(2 * D);
  const scale = new Float32Array(D);
  for (let j = 0; j < D; j++) {
    range[2 * j] = raw(j, p.min[j]!);
    range[2 * j + 1] = raw(j, p.max[j]!);
    scale[j] = Math.max(Math.abs(range[2 * j]!), Math.abs(range[2 * j + 1]!));
  }
  const topValues = Float32Array.from(p.topValues, (v, i) => raw(Math.floor(i / k), v));
  const rowIds = held.corpus?.rowIds.train;
  const topRows = rowIds ? Int32Array.from(p.topRows, (r) => (r >= 0 ? rowIds[r]! : -1)) : p.topRows;
  const neurons: ViewNeurons = {
    ...(oracle.columns.length === D ? { weights: pack(oracle.weight, [held.classes.length, D]) } : {}),
    histogram: { bins: HISTOGRAM_BINS, range: pack(range, [D, 2]), counts: pack(p.counts, [D, HISTOGRAM_BINS]) },
    top: { k, row: pack(topRows, [D, k]), value: pack(topValues, [D, k]) },
  };
  let sampling = `histograms of all ${train.rows} train rows (${HISTOGRAM_BINS} bins from each neuron's min to max); the ${k} train rows where each neuron is highest`;
  let text: ViewText | undefined;
  if (held.corpus) {
    text = contextOf(held, topRows, k, scale, raw, neurons);
    sampling += `, shown with ${CONTEXT_WINDOW} words on each side`;
  }
  return { neurons, ...(text ? { text } : {}), sampling };
}

/** Sentences of the top rows and the activations around them (fills neurons.top.sentence/position/context). */
function contextOf(held: HeldData, topRows: Int32Array, k: number, scale: Float32Array, raw: (j: number, v: number) => number, neurons: ViewNeurons): ViewText {
  const corpus = held.corpus!;
  const D = held.D;
  const loc = locateRows(corpus);
  // Where each task row is held: its part and row there.
  const parts: HeldPart[] = [];
  const partOf = new Int8Array(loc.rows).fill(-1);
  const rowIn = new Int32Array(loc.rows);
  const hold = (part: HeldPart | undefined, ids: Int32Array | undefined) => {
    if (!part || !ids) return;
    parts.push(part);
    ids.forEach((taskRow, r) => {
      partOf[taskRow] = parts.length - 1;
      rowIn[taskRow] = r;
    });
  };
  hold(held.test, corpus.rowIds.test);
  hold(held.dev, corpus.rowIds.dev);
  hold(held.train, corpus.rowIds.train);

  const width = 2 * CONTEXT_WINDOW + 1;
  const values = new Int8Array(D * k * width).fill(NO_VALUE);
  const sentenceIndex = new Int32Array(D * k).fill(-1);
  const position = new Int32Array(D * k).fill(-1);
  const shown = new Map<number, number>(); // task sentence → index in text.sentences
  for (let j = 0; j < D; j++) {
    for (let i = 0; i < k; i++) {
      const row = topRows[j * k + i]!;
      if (row < 0) continue;
      const s = loc.sentence[row]!;
      let si = shown.get(s);
      if (si === undefined) shown.set(s, (si = shown.size));
      sentenceIndex[j * k + i] = si;
      position[j * k + i] = loc.position[row]!;
      // Rows of a tokens task's sentence are consecutive; a sentences task's row is its whole sentence.
      const words = corpus.unit === 'tokens' ? corpus.sentences[s]!.length : 1;
      for (let w = -CONTEXT_WINDOW; w <= CONTEXT_WINDOW; w++) {
        const q = loc.position[row]! + w;
        const r = row + w;
        if (q < 0 || q >= words || partOf[r] === -1) continue;
        const part = parts[partOf[r]!]!;
        const a = raw(j, part.x[rowIn[r]! * D + j]!);
        values[(j * k + i) * width + w + CONTEXT_WINDOW] = scale[j]! > 0 ? Math.max(-127, Math.min(127, Math.round((127 * a) / scale[j]!))) : 0;
      }
    }
  }
  const vocabulary: string[] = [];
  const wordId = new Map<string, number>();
  const sentences: ViewSentence[] = [];
  for (const [s] of [...shown].sort((a, b) => a[1] - b[1])) {
    const ids = corpus.sentences[s]!.map((w) => {
      let id = wordId.get(w);
      if (id === undefined) {
        id = vocabulary.length;
        wordId.set(w, id);
        vocabulary.push(w);
      }
      return id;
    });
    sentences.push({ index: s, words: ids, ...(corpus.sources?.[s] ? { source: corpus.sources[s] } : {}) });
  }
  neurons.top = {
    ...neurons.top!,
    sentence: pack(sentenceIndex, [D, k]),
    position: pack(position, [D, k]),
    context: { window: CONTEXT_WINDOW, scale: pack(scale), values: pack(values, [D, k, width]) },
  };
  return { vocabulary, sentences };
}
