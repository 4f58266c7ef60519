/** The report's head: what was analysed, the warnings, and the paper's table (Sharma et al. 2023, Table 2 shape). */
import { h, int, pct, section } from './dom.js';
import type { Model } from './model.js';

function fact(label: string, value: string | Node): HTMLElement {
  return h('div', { class: 'fact' }, h('span', { class: 'fact-label' }, label), h('span', { class: 'fact-value' }, value));
}

export function header(m: Model): HTMLElement {
  const r = m.r;
  const task = typeof r.inputs.task === 'string' ? r.inputs.task : undefined;
  const rows = r.data.rows;
  const rowText = [`${int(rows.train)} train`, `${int(rows.dev)} dev`, ...(rows.test !== undefined ? [`${int(rows.test)} test`] : [])].join(' · ');
  const widths = new Set(r.data.layers.map((l) => l.width));
  const layerText = `${r.data.layers.length}${widths.size === 1 ? ` × ${[...widths][0]} neurons` : ''}`;
  return h(
    'header',
    { class: 'block head' },
    h('h1', {}, 'Neuron redundancy', task ? h('span', { class: 'task' }, ` — ${task}`) : null),
    h('p', { class: 'sub' }, `neurosieve analysis of ${r.created.slice(0, 10)} · oracle ${pct(r.oracle.dev)} dev ${r.metric} · majority class “${r.data.majority.class}” ${pct(r.data.majority.dev)}`),
    h(
      'div',
      { class: 'facts' },
      fact('task', task ?? '—'),
      fact('classes', `${r.data.classes.length}`),
      fact('rows', rowText),
      fact('neurons', int(r.data.neurons)),
      fact('layers', layerText),
      fact('metric', r.metric),
      fact('probe', r.mode === 'compat' ? 'compat (NeuroX)' : 'exact (elastic net)'),
      fact('z-score', r.data.zscore ? 'on' : 'off'),
    ),
    h('p', { class: 'classes' }, ...r.data.classes.map((c) => h('span', { class: 'chip' }, c))),
  );
}

export function warnings(m: Model): HTMLElement | null {
  const w = m.r.warnings ?? [];
  if (w.length === 0) return null;
  return h('aside', { class: 'warnings', role: 'alert' }, h('h2', {}, `⚠ ${w.length} warning${w.length > 1 ? 's' : ''}`), h('ul', {}, ...w.map((t) => h('li', {}, t))));
}

export function summaryTable(m: Model): HTMLElement {
  const r = m.r;
  const hasTest = r.data.rows.test !== undefined;
  const head = ['', 'neurons', 'reduction', `dev ${r.metric}`, ...(hasTest ? [`test ${r.metric}`] : []), 'setting'];
  const best = Math.max(...r.summary.map((s) => s.reduction));
  const table = h(
    'table',
    { class: 'summary' },
    h('thead', {}, h('tr', {}, ...head.map((c, i) => h('th', { class: i > 0 && i < head.length - 1 ? 'num' : '' }, c)))),
    h(
      'tbody',
      {},
      ...r.summary.map((s) =>
        h(
          'tr',
          { class: s.row === 'LS+CC+LCA' ? 'final' : '' },
          h('th', { scope: 'row' }, s.row),
          h('td', { class: 'num' }, int(s.neurons)),
          h('td', { class: 'num' }, h('span', { class: 'bar', style: `--w:${Math.max(0, s.reduction) * 100}%` }), h('span', { class: s.reduction === best && best > 0 ? 'best' : '' }, pct(s.reduction))),
          h('td', { class: 'num' }, pct(s.dev)),
          hasTest ? h('td', { class: 'num' }, pct(s.test)) : null,
          h('td', { class: 'setting' }, s.setting),
        ),
      ),
    ),
  );
  return section('summary', 'Summary', h('p', { class: 'note' }, `The paper's table: neurons kept by each method, the share removed (reduction = 1 − neurons / ${int(m.D)}), and the probe's ${r.metric} on dev (every decision) and test (reported only).`), table);
}

/** Seed stability and the exact-oracle comparison, when recorded: how much the concept neurons depend on the seed. */
export function stability(m: Model): HTMLElement | null {
  const s = m.r.stability;
  if (!s) return null;
  const items: Array<[string, string]> = [[`oracle dev ${m.r.metric} over ${s.seeds.length} seed${s.seeds.length > 1 ? 's' : ''}`, `${pct(s.dev.min)} … ${pct(s.dev.max)} (median ${pct(s.dev.median)})`]];
  if (s.pairs) items.push([`concept-neuron Jaccard between seeds (mean / min)`, `${s.pairs.mean.conceptJaccard.toFixed(2)} / ${s.pairs.min.conceptJaccard.toFixed(2)}`], [`top-${s.topN} overlap between seeds (mean / min)`, `${s.pairs.mean.topOverlap.toFixed(2)} / ${s.pairs.min.topOverlap.toFixed(2)}`]);
  if (s.exact) items.push([`exact oracle: dev ${m.r.metric}, concept Jaccard, top-${s.topN} overlap`, `${pct(s.exact.dev)}, ${s.exact.conceptJaccard.toFixed(2)}, ${s.exact.topOverlap.toFixed(2)}`]);
  // The control task (Hewitt & Liang 2019): how much of the score a probe reaches by memorising word types.
  const c = m.r.control;
  if (c) {
    const test = c.test !== undefined && c.selectivity.test !== undefined ? `; test ${pct(c.test)}, selectivity ${pct(c.selectivity.test)}` : '';
    items.push([`control task (random label per word type, ${c.types} types): dev ${m.r.metric}, selectivity`, `${pct(c.dev)}, ${pct(c.selectivity.dev)}${test}`]);
  }
  return h('dl', { class: 'stability' }, ...items.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}
