/**
 * A results document with every part of `views` filled, for the report tests: D = 48 neurons in 3 layers of 16,
 * 3 classes, 4 cuts, planted groups of near-copies. The views are built exactly as views-format.ts describes them,
 * from a planted |r| matrix and a real average-linkage tree over it (a naive O(n³) linkage: 48 neurons), so
 * cuts, dendrogram and heatmaps agree with each other. Numbers outside the views are plausible, not computed.
 */
import type { AnalysisResults, CutResult, MinimalSetResult } from '../../src/analyze/results.js';
import type { AnalysisViews, ViewCut, ViewDendrogram, ViewHeatmap } from '../../src/analyze/views-format.js';
import { pack } from '../../src/io/packed-array.js';
import { prng } from './formats.js';

export const FIXTURE = { D: 48, L: 3, H: 16, classes: ['NAME', 'NUMBER', 'STRING'], thresholds: [0.05, 0.2, 0.5, 0.8], k: 5, window: 3, bins: 20 } as const;

/** A word that must not end the page's JSON <script> (the report escapes '<'). */
export const HOSTILE_WORD = '</script><b>x';

/** Planted |r|: groups of 2–4 near-copies (|r| 0.9–0.98, some in other layers), 0.3 within a layer, ~0.05 else. */
function plantedAbsR(rand: () => number): Float64Array {
  const { D, H } = FIXTURE;
  const r = new Float64Array(D * D);
  for (let a = 0; a < D; a++) {
    for (let b = 0; b < D; b++) r[a * D + b] = a === b ? 1 : Math.floor(a / H) === Math.floor(b / H) ? 0.25 + 0.1 * rand() : 0.03 + 0.05 * rand();
  }
  const groups = [[0, 1, 2], [5, 21], [8, 9, 10, 11], [17, 18], [24, 25, 40], [33, 34, 35], [44, 45]];
  for (const g of groups) for (const a of g) for (const b of g) if (a !== b) r[a * D + b] = 0.9 + 0.08 * rand();
  for (let a = 0; a < D; a++) for (let b = 0; b < a; b++) r[a * D + b] = r[b * D + a]!; // symmetric
  return r;
}

/** Average linkage on d = 1 − |r|, scipy's Z: [a, b, height, size] with new clusters numbered D + i. */
function averageLinkage(absR: Float64Array, D: number): Array<[number, number, number, number]> {
  const members = new Map<number, number[]>(Array.from({ length: D }, (_, j) => [j, [j]]));
  const Z: Array<[number, number, number, number]> = [];
  const dist = (x: number[], y: number[]) => x.reduce((s, a) => s + y.reduce((t, b) => t + 1 - absR[a * D + b]!, 0), 0) / (x.length * y.length);
  for (let step = 0; step < D - 1; step++) {
    let best: [number, number, number] = [-1, -1, Infinity];
    const ids = [...members.keys()];
    for (const a of ids) for (const b of ids) if (a < b) {
      const d = dist(members.get(a)!, members.get(b)!);
      if (d < best[2]) best = [a, b, d];
    }
    const [a, b, d] = best;
    const merged = [...members.get(a)!, ...members.get(b)!];
    members.delete(a);
    members.delete(b);
    members.set(D + step, merged);
    Z.push([a, b, d, merged.length]);
  }
  return Z;
}

/** Union-find clusters after the first `steps` merges: each neuron's root node. */
function clustersAfter(Z: Array<[number, number, number, number]>, D: number, steps: number): number[] {
  const parent = Array.from({ length: D + Z.length }, (_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  for (let s = 0; s < steps; s++) {
    parent[find(Z[s]![0])] = D + s;
    parent[find(Z[s]![1])] = D + s;
  }
  return Array.from({ length: D }, (_, j) => find(j));
}

function cutAt(Z: Array<[number, number, number, number]>, D: number, t: number): ViewCut & { members: number[][] } {
  const steps = Z.filter((z) => z[2] <= t).length; // heights of average linkage only grow
  const roots = clustersAfter(Z, D, steps);
  const number = new Map<number, number>(); // root → cluster id, in order of lowest neuron (as fcluster's ids are here)
  const labels = new Int32Array(D);
  for (let j = 0; j < D; j++) {
    if (!number.has(roots[j]!)) number.set(roots[j]!, number.size + 1);
    labels[j] = number.get(roots[j]!)!;
  }
  const members = Array.from({ length: number.size }, () => [] as number[]);
  for (let j = 0; j < D; j++) members[labels[j]! - 1]!.push(j);
  return { threshold: t, labels: pack(labels), kept: members.map((m) => m[m.length - 1]!), members };
}

function dendrogramOf(Z: Array<[number, number, number, number]>, D: number, shown: number): ViewDendrogram {
  const before = Z.length - shown;
  const roots = clustersAfter(Z, D, before);
  const leafOf = new Map<number, number>(); // Z node → leaf index, leaves in order of their lowest neuron id
  const leaves: ViewDendrogram['leaves'] = [];
  for (let j = 0; j < D; j++) {
    const root = roots[j]!;
    if (!leafOf.has(root)) {
      leafOf.set(root, leaves.length);
      leaves.push({ size: 0, first: j, perLayer: Array(FIXTURE.L).fill(0) as number[] });
    }
    const leaf = leaves[leafOf.get(root)!]!;
    leaf.size++;
    leaf.perLayer[Math.floor(j / FIXTURE.H)]!++;
  }
  const node = (z: number) => (z >= D + before ? leaves.length + (z - D - before) : leafOf.get(z)!);
  return { leaves, merges: Z.slice(before).map(([a, b, h, n]) => [node(a), node(b), h, n]) };
}

/** Leaf order of the whole tree (depth first), the order the heatmaps sort neurons in within each layer. */
function leafOrder(Z: Array<[number, number, number, number]>, D: number): number[] {
  const out: number[] = [];
  const walk = (n: number): void => {
    if (n < D) out.push(n);
    else {
      walk(Z[n - D]![0]);
      walk(Z[n - D]![1]);
    }
  };
  walk(D + Z.length - 1);
  return out;
}

function heatmap(absR: Float64Array, order: Int32Array, name: string, span: [number, number], bins: number): ViewHeatmap {
  const D = FIXTURE.D;
  const edges = Array.from({ length: bins + 1 }, (_, b) => span[0] + Math.round((b * (span[1] - span[0])) / bins));
  const meanAbs = new Uint8Array(bins * bins);
  for (let a = 0; a < bins; a++) {
    for (let b = 0; b < bins; b++) {
      let s = 0;
      let n = 0;
      for (let p = edges[a]!; p < edges[a + 1]!; p++) for (let q = edges[b]!; q < edges[b + 1]!; q++) (s += absR[order[p]! * D + order[q]!]!), n++;
      meanAbs[a * bins + b] = Math.round((255 * s) / n);
    }
  }
  return { name, span, edges, meanAbs: pack(meanAbs, [bins, bins]) };
}

export interface ReportFixture {
  results: AnalysisResults;
  /** The neuron the tests open: the top concept neuron of the first class. */
  conceptNeuron: number;
}

/** The within-cluster |r| histograms of views-format.ts (10 bins on [0, 1]) for clusters of two or more. */
function withinOf(absR: Float64Array, members: number[][]): NonNullable<ViewCut['within']> {
  const bins = 10;
  const ids: number[] = [];
  const counts: number[] = [];
  members.forEach((m, c) => {
    if (m.length < 2) return;
    ids.push(c + 1);
    const row = new Array<number>(bins).fill(0);
    for (let a = 0; a < m.length; a++) for (let b = a + 1; b < m.length; b++) row[Math.min(bins - 1, Math.floor(absR[m[a]! * FIXTURE.D + m[b]!]! * bins))]!++;
    counts.push(...row);
  });
  return { bins, clusters: pack(Int32Array.from(ids)), counts: pack(Uint32Array.from(counts), [ids.length, bins]) };
}

export function reportFixture(seed = 1234): ReportFixture {
  const rand = prng(seed);
  const { D, L, H, classes, thresholds, k, window, bins } = FIXTURE;
  const absR = plantedAbsR(rand);
  const Z = averageLinkage(absR, D);
  const cuts = thresholds.map((t) => cutAt(Z, D, t));
  const layers = Array.from({ length: L }, (_, l) => ({ name: `hidden_${l}`, offset: l * H, width: H }));

  // Heatmap order: layer by layer, each layer's neurons in the whole tree's leaf order.
  const leaves = leafOrder(Z, D);
  const order = Int32Array.from(layers.flatMap((l) => leaves.filter((j) => j >= l.offset && j < l.offset + l.width)));
  const network = heatmap(absR, order, 'all layers', [0, D], 24); // 8 blocks of 2 per layer: never straddles one
  const layerMaps = layers.map((l) => heatmap(absR, order, l.name, [l.offset, l.offset + l.width], H));

  // Text: 12 sentences of 9 words; the planted neurons' top rows sit in them.
  const vocabulary = ['def', 'return', 'self', 'x', '=', '(', ')', ':', '0', '1', '"hi"', 'for', 'in', 'range', 'if', 'print', HOSTILE_WORD];
  const sentences = Array.from({ length: 12 }, (_, s) => ({ index: 3 * s, words: Array.from({ length: 9 }, (_, w) => (s === 0 && w === 4 ? vocabulary.length - 1 : Math.floor(rand() * (vocabulary.length - 1)))), source: `src/example_${s}.py:${10 + s}` }));
  const row = new Int32Array(D * k);
  const value = new Float32Array(D * k);
  const sentence = new Int32Array(D * k);
  const position = new Int32Array(D * k);
  const context = new Int8Array(D * k * (2 * window + 1));
  const scale = new Float32Array(D);
  const weights = new Float32Array(classes.length * D);
  const range = new Float32Array(D * 2);
  const counts = new Uint32Array(D * bins);
  for (let j = 0; j < D; j++) {
    scale[j] = 2 + 3 * rand();
    range[2 * j] = -scale[j]! * (0.3 + 0.5 * rand());
    range[2 * j + 1] = scale[j]!;
    const peak = rand() * bins;
    for (let b = 0; b < bins; b++) counts[j * bins + b] = Math.round(400 * Math.exp(-(((b - peak) / 3) ** 2)) + 5 * rand());
    for (let c = 0; c < classes.length; c++) weights[c * D + j] = (rand() - 0.5) * 0.6;
    for (let i = 0; i < k; i++) {
      const at = j * k + i;
      value[at] = scale[j]! * (1 - 0.12 * i);
      sentence[at] = (j + 5 * i) % sentences.length;
      position[at] = 1 + ((j + i) % 7);
      row[at] = 9 * sentence[at]! + position[at]!;
      for (let w = 0; w < 2 * window + 1; w++) {
        const p = position[at]! - window + w;
        // −128 past the sentence's ends (no word there), else a value falling away from the row's own word.
        context[at * (2 * window + 1) + w] = p < 0 || p >= 9 ? -128 : w === window ? Math.round((127 * value[at]!) / scale[j]!) : Math.round(127 * (rand() * 1.4 - 0.6) * 0.8);
      }
    }
  }
  // The planted concept neurons: strong weights for one class each.
  const concept = { NAME: [8, 0, 24], NUMBER: [33, 17], STRING: [44, 5, 40] } as Record<string, number[]>;
  classes.forEach((cls, c) => concept[cls]!.forEach((j, i) => (weights[c * D + j] = 1.6 - 0.3 * i)));

  const views: AnalysisViews = {
    cuts: cuts.map(({ threshold, labels, kept, members }) => ({ threshold, labels, kept, within: withinOf(absR, members) })),
    dendrogram: dendrogramOf(Z, D, 20),
    heatmaps: { order: pack(order), network, layers: layerMaps },
    cka: { estimator: 'linear', layers: layers.map((l) => l.name), matrix: [[1, 0.62, 0.31], [0.62, 1, null], [0.31, null, 1]] },
    text: { vocabulary, sentences },
    neurons: {
      weights: pack(weights, [classes.length, D]),
      histogram: { bins, range: pack(range, [D, 2]), counts: pack(counts, [D, bins]) },
      top: { k, row: pack(row, [D, k]), value: pack(value, [D, k]), sentence: pack(sentence, [D, k]), position: pack(position, [D, k]), context: { window, scale: pack(scale), values: pack(context, [D, k, 2 * window + 1]) } },
    },
    sampling: `all 1,800 train rows (k = ${k} top rows per neuron, ±${window} words of context)`,
  };

  const ccOnly: CutResult[] = [
    { threshold: -1, neurons: Array.from({ length: D }, (_, j) => j), clusters: D, largest: 1, dev: 0.91, test: 0.9 },
    ...cuts.map((c, i) => ({ threshold: c.threshold, neurons: [...c.kept].sort((a, b) => a - b), clusters: c.kept.length, largest: Math.max(...c.members.map((m) => m.length)), dev: 0.905 - 0.06 * i * i / 3, test: 0.9 - 0.06 * i * i / 3 })),
  ];
  const ps = [0.02, 0.05, 0.1, 0.2, 0.3, 0.5];
  const curve = ps.map((p, i) => ({ p, k: Math.max(1, Math.round(p * D)), dev: 0.55 + 0.36 * (1 - Math.exp(-1.2 * i)), test: 0.54 + 0.35 * (1 - Math.exp(-1.2 * i)) }));
  const lca: MinimalSetResult = { deltaN: 1, target: 0.9009, passed: true, p: 0.3, neurons: [8, 0, 24, 33, 17, 44, 5, 40, 1, 2, 9, 10, 11, 18], curve, dev: curve[4]!.dev, test: curve[4]!.test };
  const perClass = Object.fromEntries(classes.map((cls, c) => [cls, concept[cls]!.map((j) => ({ neuron: j, layer: layers[Math.floor(j / H)]!.name, weight: Math.abs(weights[c * D + j]!), topWords: [{ word: vocabulary[(j + 1) % 16]!, score: 1 }, { word: vocabulary[(j + 4) % 16]!, score: 0.71 }, { word: c === 2 ? HOSTILE_WORD : vocabulary[(j + 9) % 16]!, score: 0.4 }] }))]));
  const allConcepts = [...new Set(Object.values(concept).flat())].sort((a, b) => a - b);
  const layerScores = (inc: boolean) => layers.map((l, i) => ({ layer: i, name: inc ? `hidden_0 … ${l.name}` : l.name, neurons: inc ? (i + 1) * H : H, dev: inc ? [0.62, 0.89, 0.905][i]! : [0.62, 0.87, 0.8][i]!, test: inc ? [0.6, 0.88, 0.9][i]! : [0.6, 0.86, 0.79][i]! }));

  const results: AnalysisResults = {
    format: 'neurosieve-analysis',
    version: 1,
    created: '2026-12-03T12:00:00.000Z',
    inputs: { directory: '/data/activations', task: 'tokens', splits: 'manifest' },
    options: { mode: 'compat', seeds: 3, thresholds: [-1, ...thresholds], linkage: 'average', conceptFraction: 0.05 },
    metric: 'accuracy',
    mode: 'compat',
    data: {
      neurons: D,
      classes: [...classes],
      layers,
      rows: { train: 1800, dev: 200, test: 200 },
      counts: { train: [800, 600, 400], dev: [90, 65, 45], test: [88, 67, 45] },
      split: { kind: 'given' },
      zscore: true,
      majority: { class: 'NAME', dev: 0.45, test: 0.44 },
      zeroVariance: [47],
    },
    oracle: { neurons: D, seed: 2, dev: 0.91, test: 0.9, metrics: { dev: {} as never } },
    stability: { seeds: [0, 1, 2], chosenSeed: 2, dev: { min: 0.9, median: 0.905, max: 0.91 }, topN: 10, fraction: 0.05, pairs: { mean: { conceptJaccard: 0.61, topOverlap: 0.7 }, min: { conceptJaccard: 0.5, topOverlap: 0.6 } } },
    layers: { independent: layerScores(false), incremental: layerScores(true) },
    ls: [
      { deltaL: 3, target: 0.8827, layer: 1, passed: true, neurons: 2 * H, dev: 0.89, test: 0.88 },
      { deltaL: 1, target: 0.9009, layer: 2, passed: true, neurons: D, dev: 0.905, test: 0.9 },
    ],
    pipeline: [{ deltaL: 3, deltaN: 1, layer: 1, cc: { ...ccOnly[2]!, neurons: ccOnly[2]!.neurons.filter((j) => j < 2 * H) }, lca: { ...lca, neurons: lca.neurons.slice(0, 6) } }],
    ccOnly,
    lcaOnly: [lca],
    summary: [
      { row: 'Oracle', neurons: D, reduction: 0, dev: 0.91, test: 0.9, setting: 'seed 2 (best of 3 on dev)' },
      { row: 'LS', neurons: 2 * H, reduction: 1 - (2 * H) / D, dev: 0.89, test: 0.88, setting: 'δ_L = 3%' },
      { row: 'CC', neurons: ccOnly[2]!.neurons.length, reduction: 1 - ccOnly[2]!.neurons.length / D, dev: ccOnly[2]!.dev, test: ccOnly[2]!.test, setting: 't = 0.2' },
      { row: 'LCA', neurons: lca.neurons.length, reduction: 1 - lca.neurons.length / D, dev: lca.dev, test: lca.test, setting: 'δ_N = 1%' },
      { row: 'LS+CC+LCA', neurons: 6, reduction: 1 - 6 / D, dev: 0.88, test: 0.87, setting: 'δ_L = 3%, t = 0.2, δ_N = 1%' },
    ],
    control: { seed: 2, types: 120, dev: 0.41, test: 0.4, selectivity: { dev: 0.495, test: 0.5 } },
    concepts: { fraction: 0.05, seed: 2, perClass, neurons: allConcepts, perLayer: layers.map((l) => ({ layer: l.name, neurons: allConcepts.filter((j) => j >= l.offset && j < l.offset + l.width).length })) },
    warnings: ['dev has 200 rows: a difference of 1% is 2 rows, within the noise between two probes'],
    timings: { seconds: { total: 12.5 }, probes: 40, probeSeconds: 10.2 },
    views,
  };
  return { results, conceptNeuron: concept.NAME![0]! };
}
