/**
 * Rankings against stored references computed the NeuroX way (tools/make-rank-fixtures.py: float32 numpy
 * arithmetic, scikit-learn's average_precision_score) on a 4 × 300 probe with exact zeros and all-zero neurons,
 * and on 500 × 40 activations with ties. Sets, orderings and cutoffs must be identical; probeless scores agree to
 * float32 rounding (NeuroX averages in float32, we in float64: relative 1e-5); AP to 1e-12.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { averagePrecisionRanking } from '../../src/rank/average-precision.js';
import { probelessRanking } from '../../src/rank/probeless.js';
import { bottomNeurons, granularOrdering, hardThresholdNeurons, neuronOrdering, topNeurons, type WeightMatrix } from '../../src/rank/weight-mass.js';
import { root } from '../helpers/cli.js';

interface Fixture {
  weights: { classes: number; neurons: number; values: number[] };
  top: Record<string, number[]>;
  topPerClass: Record<string, Record<string, number[]>>;
  bottom: Record<string, number[]>;
  threshold: Record<string, number[]>;
  ordering: Record<string, { ordering: number[]; cutoffs: number[] }>;
  granular: Record<string, { ordering: number[]; cutoffs: number[] }>;
  activations: { rows: number; cols: number; values: number[]; labels: number[] };
  probeless: { scores: number[] };
  ap: Record<string, number[]>;
}

const fx = JSON.parse(readFileSync(join(root, 'test/fixtures/rank/neurox.json'), 'utf8')) as Fixture;
const classes = Array.from({ length: fx.weights.classes }, (_, c) => String(c));
const W: WeightMatrix = { classes, neurons: fx.weights.neurons, weight: Float32Array.from(fx.weights.values) };

describe('weight mass against the NeuroX-style reference', () => {
  it('top, bottom and hard-threshold sets are identical', () => {
    for (const [p, want] of Object.entries(fx.top)) expect(topNeurons(W, Number(p)).neurons, `top ${p}`).toEqual(want);
    for (const [p, per] of Object.entries(fx.topPerClass)) expect(topNeurons(W, Number(p)).perClass, `top per class ${p}`).toEqual(per);
    for (const [p, want] of Object.entries(fx.bottom)) expect(bottomNeurons(W, Number(p)).neurons, `bottom ${p}`).toEqual(want);
    for (const [f, want] of Object.entries(fx.threshold)) expect(hardThresholdNeurons(W, Number(f)).neurons, `threshold ${f}`).toEqual(want);
  });

  it('orderings and granular orderings with their cutoffs are identical; all-zero neurons are unranked', () => {
    for (const [s, want] of Object.entries(fx.ordering)) {
      const got = neuronOrdering(W, Number(s));
      expect({ ordering: got.ordering, cutoffs: got.cutoffs }, `stride ${s}`).toEqual(want);
      expect(got.unranked).toEqual(expect.arrayContaining([17, 123, 250]));
      expect(got.ordering.length + got.unranked.length).toBe(W.neurons);
    }
    for (const [key, want] of Object.entries(fx.granular)) {
      const [g, s] = key.split(',').map(Number);
      const got = granularOrdering(W, g!, s!);
      expect({ ordering: got.ordering, cutoffs: got.cutoffs }, `granular ${key}`).toEqual(want);
    }
  });
});

describe('activation rankings against the NeuroX-style reference', () => {
  const acts = { x: Float32Array.from(fx.activations.values), rows: fx.activations.rows, cols: fx.activations.cols };
  const labels = { ids: Int32Array.from(fx.activations.labels), classes: ['0', '1', '2'] };

  it('probeless scores agree to float32 rounding, and the top neurons are the same', async () => {
    const r = await probelessRanking(acts, labels);
    const byId = new Float64Array(acts.cols);
    r.ordering.forEach((j, i) => (byId[j] = r.scores[i]!));
    fx.probeless.scores.forEach((want, j) => expect(Math.abs(byId[j]! - want), `neuron ${j}`).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want))));
    const ref = fx.probeless.scores.map((s, j) => [s, j] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
    expect(r.ordering.slice(0, 2)).toEqual(ref.slice(0, 2).map((e) => e[1]));
    expect(r.ordering.slice(0, 2).sort((a, b) => a - b)).toEqual([5, 11]);
  });

  it('AP of every neuron for every class equals scikit-learn within 1e-12', async () => {
    const r = await averagePrecisionRanking(acts, labels);
    for (const [c, want] of Object.entries(fx.ap)) {
      const got = new Float64Array(acts.cols);
      r.perClass[c]!.forEach((j, i) => (got[j] = r.perClassScores[c]![i]!));
      want.forEach((w, j) => expect(Math.abs(got[j]! - w), `class ${c} neuron ${j}`).toBeLessThan(1e-12));
    }
  });
});
