/**
 * A neuron's page (#neuron/<id>): where it sits (layer, clusters at each threshold, the sets that keep it), its probe
 * weight per class, its activation histogram and its top-activating rows in their sentences. Each part is drawn
 * only when the results hold the view it comes from.
 */
import * as Plot from '@observablehq/plot';
import { sentenceLine } from './activation-text.js';
import { CHART_STYLE, CHART_WIDTH } from './charts.js';
import { chartCard, h, int, neuronLink, section } from './dom.js';
import type { Model } from './model.js';

const MEMBERS_SHOWN = 24;

function badges(m: Model, j: number): HTMLElement {
  const out = h('p', { class: 'badges' });
  for (const c of m.conceptClassesOf(j)) out.append(h('span', { class: 'badge concept' }, `concept neuron of ${c.cls} (#${c.rank}, |w| ${c.weight.toFixed(3)})`));
  const keptAt = m.r.ccOnly.filter((c) => c.threshold >= 0 && c.neurons.includes(j)).map((c) => c.threshold);
  if (keptAt.length > 0) out.append(h('span', { class: 'badge' }, `kept by CC at t = ${keptAt.join(', ')}`));
  for (const s of m.r.lcaOnly) if (s.neurons.includes(j)) out.append(h('span', { class: 'badge' }, `in the LCA set (δ_N = ${s.deltaN}%)`));
  if (m.r.data.zeroVariance.includes(j)) out.append(h('span', { class: 'badge warn' }, 'constant on train (zero variance)'));
  return out;
}

function clusters(m: Model, j: number): HTMLElement | null {
  const refs = m.clustersOfNeuron(j);
  if (refs.length === 0) return null;
  const rows = refs.map((c) => {
    const others = c.members.filter((x) => x !== j);
    return h(
      'tr',
      {},
      h('td', { class: 'num' }, String(c.cut.threshold)),
      h('td', {}, h('a', { href: `#cluster/${c.cut.threshold}/${c.cluster}` }, `cluster ${c.cluster}`)),
      h('td', { class: 'num' }, int(c.members.length)),
      h('td', {}, c.representative === undefined ? '—' : c.representative === j ? h('strong', {}, 'this neuron') : neuronLink(c.representative)),
      h('td', { class: 'members' }, ...others.slice(0, MEMBERS_SHOWN).flatMap((x) => [neuronLink(x), ' ']), others.length > MEMBERS_SHOWN ? h('span', { class: 'note' }, `… ${int(others.length - MEMBERS_SHOWN)} more`) : others.length === 0 ? h('span', { class: 'note' }, 'alone') : null),
    );
  });
  return section(
    'neuron-clusters',
    'Clusters',
    h('p', { class: 'note' }, 'The flat cluster of this neuron at each threshold of the whole-network linkage (distance t = 1 − |r|); CC keeps one representative per cluster.'),
    h('table', { class: 'clusters' }, h('thead', {}, h('tr', {}, h('th', { class: 'num' }, 't'), h('th', {}, 'cluster'), h('th', { class: 'num' }, 'size'), h('th', {}, 'kept'), h('th', {}, 'other members'))), h('tbody', {}, ...rows)),
  );
}

function weights(m: Model, j: number): HTMLElement | null {
  const w = m.packed('weights', () => m.views.neurons?.weights);
  if (!w) return null;
  const data = m.r.data.classes.map((cls, c) => ({ cls, w: w[c * m.D + j]! }));
  const { card, body } = chartCard('neuron-weights', 'Probe weight per class', `The oracle probe’s weight on this neuron for each class${m.r.data.zscore ? ' (inputs z-scored)' : ''}.`);
  body.append(
    Plot.plot({
      style: CHART_STYLE,
      width: CHART_WIDTH,
      height: Math.max(140, 40 + 22 * data.length),
      marginLeft: 110,
      x: { label: 'probe weight →', grid: true },
      y: { label: null, domain: data.map((d) => d.cls) },
      color: { type: 'categorical', domain: ['negative', 'positive'], range: ['var(--neg)', 'var(--pos)'] },
      marks: [Plot.barX(data, { x: 'w', y: 'cls', fill: (d: (typeof data)[number]) => (d.w < 0 ? 'negative' : 'positive'), title: (d: (typeof data)[number]) => `${d.cls}: ${d.w.toFixed(4)}` }), Plot.ruleX([0])],
    }),
  );
  return card;
}

function histogram(m: Model, j: number): HTMLElement | null {
  const hist = m.views.neurons?.histogram;
  if (!hist) return null;
  const range = m.packed('histogram range', () => hist.range)!;
  const counts = m.packed('histogram counts', () => hist.counts)!;
  const lo = range[2 * j]!;
  const hi = range[2 * j + 1]!;
  const width = (hi - lo) / hist.bins || 1;
  const bins = Array.from({ length: hist.bins }, (_, b) => ({ x1: lo + b * width, x2: lo + (b + 1) * width, n: counts[j * hist.bins + b]! }));
  const { card, body } = chartCard('neuron-histogram', 'Activation histogram', `${hist.bins} equal bins from the neuron’s minimum (${lo.toPrecision(3)}) to its maximum (${hi.toPrecision(3)}) over the train rows; raw activations.`);
  body.append(
    Plot.plot({
      style: CHART_STYLE,
      width: CHART_WIDTH,
      height: 260,
      marginLeft: 56,
      x: { label: 'activation →' },
      y: { label: '↑ train rows', grid: true },
      marks: [Plot.rectY(bins, { x1: 'x1', x2: 'x2', y: 'n', fill: 'var(--accent)', insetLeft: 0.5, title: (b: (typeof bins)[number]) => `${b.x1.toPrecision(3)} … ${b.x2.toPrecision(3)}: ${int(b.n)} rows` }), Plot.ruleY([0])],
    }),
  );
  return card;
}

function topRows(m: Model, j: number): HTMLElement | null {
  const top = m.views.neurons?.top;
  if (!top) return null;
  const k = top.k;
  const row = m.packed('top row', () => top.row)!;
  const value = m.packed('top value', () => top.value)!;
  const text = m.views.text;
  const sentence = text && top.sentence ? m.packed('top sentence', () => top.sentence) : undefined;
  const position = text && top.position ? m.packed('top position', () => top.position) : undefined;
  const context = top.context && text ? top.context : undefined;
  const values = context ? m.packed('top context', () => context.values) : undefined;
  const scale = context ? m.packed('top scale', () => context.scale) : undefined;
  const span = context ? 2 * context.window + 1 : 0;
  const items = Array.from({ length: k }, (_, i) => {
    const at = j * k + i;
    const head = h('div', { class: 'top-head' }, h('span', { class: 'rank' }, `#${i + 1}`), h('span', { class: 'value' }, `activation ${value[at]!.toPrecision(4)}`), h('span', { class: 'row' }, `row ${int(row[at]!)}`));
    if (!text || !sentence || !position) return h('li', {}, head);
    const s = text.sentences[sentence[at]!];
    if (!s) return h('li', {}, head);
    if (s.source) head.append(h('span', { class: 'source' }, s.source));
    const ctx = values && scale && context ? values.subarray(at * span, (at + 1) * span) : new Int8Array(0);
    return h('li', {}, head, sentenceLine({ sentence: s, vocabulary: text.vocabulary, position: position[at]!, window: context?.window ?? 0, values: ctx, scale: scale?.[j] ?? 1 }));
  });
  const legend = context
    ? h('p', { class: 'note scale-note' }, 'Words are coloured by this neuron’s activation on them (', h('span', { class: 'w', style: 'background:var(--pos-soft)' }, 'positive'), ' / ', h('span', { class: 'w', style: 'background:var(--neg-soft)' }, 'negative'), `, relative to its largest |activation| ${scale?.[j]?.toPrecision(3) ?? ''}); the row’s own word is outlined; grey: no value or outside the ±${context.window}-word window. Hover a word for its value.`)
    : null;
  return section('neuron-top', `Top ${k} activating rows`, h('p', { class: 'note' }, 'The train rows where this neuron is highest, highest first.'), legend, h('ol', { class: 'top-rows', 'data-chart-text': 'top-rows' }, ...items));
}

export function neuronPage(m: Model, j: number): HTMLElement {
  if (!Number.isInteger(j) || j < 0 || j >= m.D) {
    return section('neuron', `No neuron ${j}`, h('p', {}, `Neuron ids run from 0 to ${m.D - 1}.`), h('p', {}, h('a', { href: '#' }, '← back to the summary')));
  }
  const layer = m.layerOf(j);
  const charts = [weights(m, j), histogram(m, j)].filter((c): c is HTMLElement => c !== null);
  return h(
    'div',
    { class: 'page neuron-page', 'data-neuron': j },
    h(
      'header',
      { class: 'block head' },
      h('p', { class: 'crumbs' }, h('a', { href: '#' }, 'Summary'), ' › neuron'),
      h('h1', {}, `Neuron ${j}`, h('span', { class: 'task' }, layer ? ` — ${layer.name}, unit ${j - layer.offset}` : '')),
      h('p', { class: 'pager' }, j > 0 ? h('a', { href: `#neuron/${j - 1}` }, `← ${j - 1}`) : null, ' ', j < m.D - 1 ? h('a', { href: `#neuron/${j + 1}` }, `${j + 1} →`) : null),
      badges(m, j),
    ),
    charts.length > 0 ? h('div', { class: 'grid' }, ...charts) : null,
    topRows(m, j),
    clusters(m, j),
    !m.r.views ? h('p', { class: 'note block' }, 'These results carry no per-neuron views (weights, histograms, top rows, clusters): re-run neurosieve analyze with a version that writes them.') : null,
  );
}
