/**
 * Concept neurons (concepts.perClass): for each class the neurons carrying the top share of its probe weight mass,
 * with their layer, |w| and the words they fire most on; each neuron links to its page. A bar chart shows how the
 * union spreads over the layers.
 */
import * as Plot from '@observablehq/plot';
import { CHART_STYLE, CHART_WIDTH } from './charts.js';
import { chartCard, h, int, neuronLink, section } from './dom.js';
import type { Model } from './model.js';

function perLayerChart(m: Model): HTMLElement | null {
  const per = m.r.concepts.perLayer;
  if (per.length === 0) return null;
  const { card, body } = chartCard('concepts-per-layer', 'Concept neurons per layer', `The union over classes: ${int(m.r.concepts.neurons.length)} neurons.`);
  body.append(
    Plot.plot({
      style: CHART_STYLE,
      width: CHART_WIDTH,
      height: 260,
      marginLeft: 50,
      marginBottom: 44,
      x: { label: 'layer', domain: per.map((p) => p.layer), tickRotate: per.length > 8 ? -30 : 0 },
      y: { label: '↑ concept neurons', grid: true },
      marks: [Plot.barY(per, { x: 'layer', y: 'neurons', fill: 'var(--accent)', title: (p: (typeof per)[number]) => `${p.layer}: ${p.neurons} concept neurons` }), Plot.ruleY([0])],
    }),
  );
  return card;
}

function classCard(m: Model, cls: string): HTMLElement {
  const list = m.r.concepts.perClass[cls] ?? [];
  const maxW = Math.max(1e-12, ...list.map((c) => c.weight));
  return h(
    'div',
    { class: 'concept-class' },
    h('h3', {}, cls, h('span', { class: 'count' }, ` ${list.length} neuron${list.length === 1 ? '' : 's'}`)),
    list.length === 0
      ? h('p', { class: 'note' }, 'No concept neuron.')
      : h(
          'table',
          { class: 'concepts' },
          h('thead', {}, h('tr', {}, h('th', {}, 'neuron'), h('th', {}, 'layer'), h('th', { class: 'num' }, '|w|'), h('th', {}, 'top words'))),
          h(
            'tbody',
            {},
            ...list.map((c) =>
              h(
                'tr',
                {},
                h('td', {}, neuronLink(c.neuron)),
                h('td', { class: 'layer' }, c.layer),
                h('td', { class: 'num' }, h('span', { class: 'wbar', style: `--w:${(100 * c.weight) / maxW}%` }), c.weight.toFixed(3)),
                h('td', { class: 'words' }, ...(c.topWords ?? []).map((w) => h('span', { class: 'word', title: `score ${w.score.toFixed(2)}`, style: `--s:${w.score}` }, w.word))),
              ),
            ),
          ),
        ),
  );
}

export function concepts(m: Model): HTMLElement {
  const c = m.r.concepts;
  const classes = m.r.data.classes.filter((cls) => cls in c.perClass);
  return section(
    'concepts',
    'Concept neurons',
    h('p', { class: 'note' }, `For each class, the neurons holding the top ${(100 * c.fraction).toFixed(0)}% of its weight mass in the oracle probe (seed ${c.seed}); top words are those the neuron is most active on. Click a neuron for its page.`),
    perLayerChart(m),
    h('div', { class: 'concept-grid' }, ...classes.map((cls) => classCard(m, cls))),
  );
}
