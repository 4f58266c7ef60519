/**
 * The curves behind the paper's table, drawn with Observable Plot (SVG): neurons kept against the clustering
 * threshold (CC), the score against the number of neurons (the LCA curves, the CC cuts, the oracle), and the
 * layer-wise probes with the layer selector's (LS) choices marked.
 */
import * as Plot from '@observablehq/plot';
import { chartCard, int } from './dom.js';
import type { Model } from './model.js';

export const CHART_WIDTH = 520;
const HEIGHT = 340;
/** Larger than Plot's 10 px default: the charts are read on a page, not glanced at in a notebook cell. */
export const CHART_STYLE = { fontSize: '12px' };

/** Neurons kept (one per cluster) at each threshold of the CC-only cuts. */
export function neuronsVsThreshold(m: Model): HTMLElement | null {
  const cuts = m.r.ccOnly.filter((c) => c.threshold >= 0).map((c) => ({ t: c.threshold, n: c.neurons.length, clusters: c.clusters, largest: c.largest }));
  if (cuts.length === 0) return null;
  const { card, body } = chartCard('neurons-vs-threshold', 'Neurons kept vs clustering threshold', `One neuron kept per cluster of the whole-network ${String(m.r.options.linkage ?? 'average')}-linkage tree; the dashed line is all ${int(m.D)} neurons.`);
  body.append(
    Plot.plot({
      style: CHART_STYLE,
      width: CHART_WIDTH,
      height: HEIGHT,
      marginLeft: 56,
      grid: true,
      x: { label: 'distance threshold t = 1 − |r| →', domain: [0, Math.max(1, ...cuts.map((c) => c.t))] },
      y: { type: 'log', label: '↑ neurons kept (log scale)', domain: [Math.max(1, Math.min(...cuts.map((c) => c.n)) / 1.5), m.D * 1.5] },
      marks: [
        Plot.ruleY([m.D], { stroke: 'currentColor', strokeDasharray: '4 3', strokeOpacity: 0.6 }),
        Plot.line(cuts, { x: 't', y: 'n', stroke: 'var(--accent)', strokeWidth: 2 }),
        Plot.dot(cuts, { x: 't', y: 'n', fill: 'var(--accent)', r: 4, title: (d: (typeof cuts)[number]) => `t = ${d.t}: ${int(d.n)} neurons kept (${int(d.clusters)} clusters, largest ${int(d.largest)})` }),
        Plot.text(cuts, { x: 't', y: 'n', text: (d: (typeof cuts)[number]) => int(d.n), dy: -10, fontSize: 10, fill: 'currentColor' }),
      ],
    }),
  );
  return card;
}

/** The score against the number of neurons: each LCA curve, each CC cut, and the oracle on all neurons. */
export function scoreVsNeurons(m: Model): HTMLElement | null {
  const metric = m.r.metric;
  const lca = m.r.lcaOnly.flatMap((s) => [...s.curve].sort((a, b) => a.k - b.k).map((c) => ({ k: c.k, dev: 100 * c.dev, series: `LCA (δ_N = ${s.deltaN}%)`, p: c.p })));
  const cc = m.r.ccOnly.filter((c) => c.threshold >= 0).map((c) => ({ k: c.neurons.length, dev: 100 * c.dev, series: 'CC cut', t: c.threshold }));
  if (lca.length === 0 && cc.length === 0) return null;
  const oracle = 100 * m.r.oracle.dev;
  const chosen = m.r.lcaOnly.filter((s) => s.passed).map((s) => ({ k: s.neurons.length, dev: 100 * s.dev }));
  const { card, body } = chartCard('score-vs-neurons', `Dev ${metric} vs number of neurons`, `LCA: the top-k neurons by probe weight mass, retrained (ringed: the size LCA chose). CC: one neuron per cluster. Dashed: the oracle on all ${int(m.D)} neurons; dotted: the majority class.`);
  const all = [...lca, ...cc];
  body.append(
    Plot.plot({
      style: CHART_STYLE,
      width: CHART_WIDTH,
      height: HEIGHT,
      marginLeft: 56,
      grid: true,
      x: { type: 'log', label: 'neurons (log scale) →' },
      y: { label: `↑ dev ${metric} (%)`, domain: [Math.min(100 * m.r.data.majority.dev, ...all.map((d) => d.dev)) - 2, Math.min(100, Math.max(oracle, ...all.map((d) => d.dev)) + 2)] },
      color: { legend: true, domain: [...new Set(all.map((d) => d.series))], range: ['var(--accent)', 'var(--accent2)', 'var(--accent3)', 'var(--accent4)'] },
      marks: [
        Plot.ruleY([oracle], { stroke: 'currentColor', strokeDasharray: '5 3', strokeOpacity: 0.7 }),
        Plot.text([oracle], { x: Math.max(1, ...all.map((d) => d.k)), y: (v: number) => v, text: () => `oracle ${oracle.toFixed(1)}%`, textAnchor: 'end', dy: -7, fontSize: 10, fill: 'currentColor' }),
        Plot.ruleY([100 * m.r.data.majority.dev], { stroke: 'currentColor', strokeDasharray: '1 3', strokeOpacity: 0.7 }),
        Plot.line(lca, { x: 'k', y: 'dev', stroke: 'series', strokeWidth: 1.8 }),
        Plot.dot(lca, { x: 'k', y: 'dev', fill: 'series', r: 2.5, title: (d: (typeof lca)[number]) => `${d.series}: top ${int(d.k)} neurons (${(100 * d.p).toFixed(1)}% of all) → ${d.dev.toFixed(2)}%` }),
        Plot.dot(chosen, { x: 'k', y: 'dev', r: 7, stroke: 'currentColor', strokeWidth: 1.5 }),
        Plot.dot(cc, { x: 'k', y: 'dev', fill: 'series', symbol: 'diamond', r: 5, title: (d: (typeof cc)[number]) => `CC at t = ${d.t}: ${int(d.k)} neurons → ${d.dev.toFixed(2)}%` }),
        Plot.text(cc, { x: 'k', y: 'dev', text: (d: (typeof cc)[number]) => `t=${d.t}`, dy: 12, fontSize: 9, fill: 'currentColor', fillOpacity: 0.75 }),
      ],
    }),
  );
  return card;
}

/** Each layer alone and each prefix of layers, with the layer selector's choice for each δ_L. */
export function layerProbes(m: Model): HTMLElement | null {
  const { independent, incremental } = m.r.layers;
  if (independent.length === 0 && incremental.length === 0) return null;
  const metric = m.r.metric;
  const names = m.layers.map((l) => l.name);
  const rows = [
    ...independent.map((s) => ({ layer: s.layer, dev: 100 * s.dev, series: 'one layer alone', name: s.name, neurons: s.neurons })),
    ...incremental.map((s) => ({ layer: s.layer, dev: 100 * s.dev, series: 'layers 0 … l (incremental)', name: s.name, neurons: s.neurons })),
  ];
  // The LS choices, grouped by the layer they stop at.
  const byLayer = new Map<number, { deltas: number[]; dev: number }>();
  for (const s of m.r.ls) {
    const g = byLayer.get(s.layer) ?? { deltas: [], dev: 100 * s.dev };
    g.deltas.push(s.deltaL);
    byLayer.set(s.layer, g);
  }
  const ls = [...byLayer].map(([layer, g]) => ({ layer, dev: g.dev, label: `LS δ_L = ${g.deltas.join(', ')}%` }));
  const oracle = 100 * m.r.oracle.dev;
  const { card, body } = chartCard('layer-probes', `Dev ${metric} per layer`, 'A probe on each layer alone, and on each prefix of layers 0 … l; ringed: where the layer selector (LS) stops for each δ_L. Dashed: the oracle.');
  body.append(
    Plot.plot({
      style: CHART_STYLE,
      width: CHART_WIDTH,
      height: HEIGHT,
      marginLeft: 56,
      marginBottom: 44,
      grid: true,
      x: { label: 'layer →', ticks: names.map((_, i) => i), tickFormat: (i: number) => names[i] ?? String(i), domain: [-0.3, Math.max(0, names.length - 1) + 0.3] },
      y: { label: `↑ dev ${metric} (%)` },
      color: { legend: true, range: ['var(--accent2)', 'var(--accent)'] },
      marks: [
        Plot.ruleY([oracle], { stroke: 'currentColor', strokeDasharray: '5 3', strokeOpacity: 0.7 }),
        Plot.line(rows, { x: 'layer', y: 'dev', stroke: 'series', strokeWidth: 2, marker: 'circle' }),
        Plot.dot(rows, { x: 'layer', y: 'dev', fill: 'series', r: 3, title: (d: (typeof rows)[number]) => `${d.series}: ${d.name} (${int(d.neurons)} neurons) → ${d.dev.toFixed(2)}%` }),
        Plot.dot(ls, { x: 'layer', y: 'dev', r: 9, stroke: 'var(--warn)', strokeWidth: 2 }),
        Plot.text(ls, { x: 'layer', y: 'dev', text: 'label', dy: -18, fontSize: 10, fill: 'var(--warn)', fontWeight: 'bold' }),
      ],
    }),
  );
  return card;
}
