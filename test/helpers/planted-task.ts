/**
 * A labelled activation set with a known answer for `analyze`: L layers of H neurons, 3 classes.
 *  - layer 0 is pure noise (it carries no label): the layer selector must go past it;
 *  - layer 1 holds the concept neurons: `concept[c]` shifts by +`shift` on rows of class c (c = 1, 2; class 0 is
 *    the rest), plus noise, each followed by `copies` near-copies of it (r ≈ 0.99): redundant groups that
 *    correlation clustering must collapse at small thresholds. Everything the label leaves in X is in layer 1;
 *  - every other neuron is independent noise (some with large means, which z-scoring must handle).
 */
import { prng, randn } from './formats.js';

export interface PlantedTask {
  x: Float32Array;
  y: Int32Array;
  rows: number;
  D: number;
  H: number;
  L: number;
  /** concept[c]: the neuron carrying class c (c = 1, 2). */
  concept: Record<number, number>;
  /** For each concept neuron, its near-copies in layer 2. */
  groups: number[][];
  classes: string[];
  words: string[];
}

export function plantedTask(rows: number, seed: number, { L = 4, H = 12, shift = 3, copies = 3 } = {}): PlantedTask {
  const rand = prng(seed);
  const D = L * H;
  const noise = randn(rows * D, rand);
  const x = new Float32Array(rows * D);
  const y = new Int32Array(rows);
  const concept: Record<number, number> = { 1: H + 2, 2: H + 7 };
  const groups = [1, 2].map((c) => Array.from({ length: copies }, (_, i) => concept[c]! + 1 + i));
  const words: string[] = [];
  for (let t = 0; t < rows; t++) {
    const c = Math.floor(rand() * 3);
    y[t] = c;
    words.push(`w${c}_${t % 7}`);
    for (let j = 0; j < D; j++) x[t * D + j] = noise[t * D + j]! + (j % 5 === 4 ? 100 : 0);
    for (const k of [1, 2]) if (c === k) x[t * D + concept[k]!] = x[t * D + concept[k]!]! + shift;
    groups.forEach((g, gi) => {
      const src = x[t * D + concept[gi + 1]!]!;
      for (const j of g) x[t * D + j] = src + 0.1 * noise[t * D + j]!;
    });
  }
  return { x, y, rows, D, H, L, concept, groups, classes: ['other', 'one', 'two'], words };
}
