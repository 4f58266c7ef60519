/**
 * A cluster's page (#cluster/<threshold>/<cluster>): its size, the representative CC keeps, every member, which
 * layers the members come from, and the cluster holding the representative at each other threshold (how the group
 * grows as t rises), and the |r| of every pair of members (views cuts[].within) when the results carry it.
 */
import * as Plot from '@observablehq/plot';
import { CHART_STYLE, CHART_WIDTH } from './charts.js';
import { chartCard, h, int, neuronLink, section } from './dom.js';
import type { Model } from './model.js';
import { decode } from './packed.js';
import type { ViewCut } from '../../analyze/views-format.js';

/** The histogram of |r| over the cluster's member pairs, or null when the cut carries none for it. */
function withinCorrelation(cut: ViewCut, cluster: number, threshold: number): HTMLElement | null {
  const within = cut.within;
  if (!within) return null;
  const ids = decode(within.clusters);
  const i = ids.indexOf(cluster);
  if (i < 0) return null;
  const counts = Array.from(decode(within.counts).subarray(i * within.bins, (i + 1) * within.bins));
  const pairs = counts.reduce((a, b) => a + b, 0);
  const bars = counts.map((n, b) => ({ x1: b / within.bins, x2: (b + 1) / within.bins, n }));
  const { card, body } = chartCard(
    'cluster-within',
    '|r| between members',
    `All ${int(pairs)} pairs of members, in ${within.bins} bins of |r|. Average linkage joins groups whose mean distance is at most t, so single pairs may lie below |r| = ${(1 - threshold).toFixed(2)}.`,
  );
  body.append(
    Plot.plot({
      style: CHART_STYLE,
      width: CHART_WIDTH,
      height: 240,
      marginLeft: 50,
      marginBottom: 44,
      x: { label: '|r| between two members →', domain: [0, 1] },
      y: { label: '↑ pairs', grid: true },
      marks: [
        Plot.rectY(bars, { x1: 'x1', x2: 'x2', y: 'n', fill: 'var(--accent)', title: (d: (typeof bars)[number]) => `|r| ${d.x1.toFixed(2)}–${d.x2.toFixed(2)}: ${d.n} pairs` }),
        Plot.ruleX([1 - threshold], { stroke: 'currentColor', strokeDasharray: '4 3' }),
        Plot.ruleY([0]),
      ],
    }),
  );
  return card;
}

function layerComposition(m: Model, members: number[]): HTMLElement {
  const counts = m.layers.map((l) => ({ layer: l.name, n: 0 }));
  for (const j of members) {
    const c = counts[m.layerIndexOf(j)];
    if (c) c.n++;
  }
  const { card, body } = chartCard('cluster-layers', 'Members per layer', 'How many of the cluster’s neurons each layer holds.');
  body.append(
    Plot.plot({
      style: CHART_STYLE,
      width: CHART_WIDTH,
      height: 240,
      marginLeft: 50,
      marginBottom: 44,
      x: { label: 'layer', domain: counts.map((c) => c.layer), tickRotate: counts.length > 8 ? -30 : 0 },
      y: { label: '↑ members', grid: true, domain: [0, Math.max(1, ...counts.map((c) => c.n))] },
      marks: [Plot.barY(counts, { x: 'layer', y: 'n', fill: 'var(--accent)', title: (c: (typeof counts)[number]) => `${c.layer}: ${c.n}` }), Plot.ruleY([0])],
    }),
  );
  return card;
}

export function clusterPage(m: Model, threshold: number, cluster: number): HTMLElement {
  const cut = m.cutAt(threshold);
  const back = h('p', {}, h('a', { href: '#' }, '← back to the summary'));
  if (!cut) return section('cluster', `No cut at t = ${threshold}`, h('p', {}, `The results hold cuts at t = ${(m.views.cuts ?? []).map((c) => c.threshold).join(', ') || 'none'}.`), back);
  if (!Number.isInteger(cluster) || cluster < 1 || cluster > cut.kept.length) return section('cluster', `No cluster ${cluster} at t = ${threshold}`, h('p', {}, `Clusters at t = ${threshold} are numbered 1 … ${cut.kept.length}.`), back);
  const ref = m.cluster(cut, cluster);
  const rep = ref.representative;
  const concepts = ref.members.filter((j) => m.conceptClassesOf(j).length > 0);
  // The cluster holding the representative at every cut: clusters only grow with t, so this shows the group's history.
  const history = rep === undefined ? [] : m.clustersOfNeuron(rep);
  return h(
    'div',
    { class: 'page cluster-page', 'data-cluster': `${threshold}/${cluster}` },
    h(
      'header',
      { class: 'block head' },
      h('p', { class: 'crumbs' }, h('a', { href: '#' }, 'Summary'), ' › cluster'),
      h('h1', {}, `Cluster ${cluster}`, h('span', { class: 'task' }, ` at t = ${threshold}`)),
      h(
        'div',
        { class: 'facts' },
        h('div', { class: 'fact' }, h('span', { class: 'fact-label' }, 'members'), h('span', { class: 'fact-value' }, int(ref.members.length))),
        h('div', { class: 'fact' }, h('span', { class: 'fact-label' }, 'representative (kept)'), h('span', { class: 'fact-value' }, rep === undefined ? '—' : neuronLink(rep))),
        h('div', { class: 'fact' }, h('span', { class: 'fact-label' }, 'concept neurons among them'), h('span', { class: 'fact-value' }, int(concepts.length))),
        h('div', { class: 'fact' }, h('span', { class: 'fact-label' }, 'clusters at this t'), h('span', { class: 'fact-value' }, int(cut.kept.length))),
      ),
    ),
    h('div', { class: 'grid' }, layerComposition(m, ref.members), withinCorrelation(cut, cluster, threshold)),
    section('cluster-members', 'Members', h('p', { class: 'members-list' }, ...ref.members.flatMap((j) => [j === rep ? h('strong', {}, neuronLink(j)) : neuronLink(j), ' ']))),
    history.length > 1
      ? section(
          'cluster-history',
          'The representative’s cluster at each threshold',
          h(
            'table',
            { class: 'clusters' },
            h('thead', {}, h('tr', {}, h('th', { class: 'num' }, 't'), h('th', {}, 'cluster'), h('th', { class: 'num' }, 'size'))),
            h('tbody', {}, ...history.map((c) => h('tr', { class: c.cut === cut ? 'current' : '' }, h('td', { class: 'num' }, String(c.cut.threshold)), h('td', {}, h('a', { href: `#cluster/${c.cut.threshold}/${c.cluster}` }, `cluster ${c.cluster}`)), h('td', { class: 'num' }, int(c.members.length))))),
          ),
        )
      : null,
  );
}

/** The largest clusters at each cut, linked: the way into the cluster pages from the summary. */
export function largestClusters(m: Model, shown = 6): HTMLElement | null {
  const cuts = m.views.cuts ?? [];
  if (cuts.length === 0) return null;
  const rows = cuts.map((cut) => {
    const groups = m
      .clustersOf(cut)
      .map((members, i) => ({ cluster: i + 1, size: members.length }))
      .sort((a, b) => b.size - a.size || a.cluster - b.cluster)
      .slice(0, shown);
    return h(
      'tr',
      {},
      h('td', { class: 'num' }, String(cut.threshold)),
      h('td', { class: 'num' }, int(cut.kept.length)),
      h('td', {}, ...groups.flatMap((g) => [h('a', { href: `#cluster/${cut.threshold}/${g.cluster}`, class: 'cluster-link' }, `#${g.cluster} (${int(g.size)})`), ' '])),
    );
  });
  return section(
    'largest-clusters',
    'Largest clusters',
    h('p', { class: 'note' }, 'Flat clusters of all neurons at each threshold t = 1 − |r| (size in brackets); click one for its members.'),
    h('table', { class: 'clusters' }, h('thead', {}, h('tr', {}, h('th', { class: 'num' }, 't'), h('th', { class: 'num' }, 'clusters'), h('th', {}, `largest ${shown}`))), h('tbody', {}, ...rows)),
  );
}
