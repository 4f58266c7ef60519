/**
 * The page of a redundancy benchmark (`neurosieve bench-redundancy`, then `neurosieve report bench.json`): per
 * setting, the adjusted Rand index and the share of planted groups found exactly against the clustering threshold,
 * one line per method (and size); the redundancy left among kept neurons against how many were kept; and the cost
 * of each run (wall time and peak RSS against the number of neurons). Drawn with Observable Plot.
 */
import * as Plot from '@observablehq/plot';
import type { BenchResult } from '../../redbench/bench.js';
import { chartCard, h, int, section } from './dom.js';
import { CHART_STYLE } from './charts.js';

interface CutPoint {
  setting: string;
  series: string;
  method: string;
  size: string;
  t: number;
  ari: number;
  nmi: number;
  exact: number;
  kept: number | null;
  maxLeft: number | null;
}

function points(b: BenchResult): CutPoint[] {
  const sizes = new Set(b.runs.map((r) => `${r.tokens}×${r.neurons}`));
  const out: CutPoint[] = [];
  for (const r of b.runs) {
    const size = `${r.tokens}×${r.neurons}`;
    for (const c of r.cuts ?? []) {
      if (c.threshold === null) continue;
      out.push({
        setting: r.setting,
        method: r.method,
        size,
        series: sizes.size > 1 ? `${r.method} ${size}` : r.method,
        t: c.threshold,
        ari: c.ari,
        nmi: c.nmi,
        exact: c.planted > 0 ? c.outcomes.exact / c.planted : 1,
        kept: c.kept?.kept ?? null,
        maxLeft: c.kept?.redundancyLeft?.max ?? null,
      });
    }
  }
  return out;
}

function byThreshold(id: string, title: string, note: string, data: CutPoint[], y: 'ari' | 'exact', label: string): HTMLElement {
  const { card, body } = chartCard(id, title, note);
  const settings = [...new Set(data.map((d) => d.setting))];
  body.append(
    Plot.plot({
      style: CHART_STYLE,
      width: Math.max(520, 260 * Math.min(settings.length, 4)),
      height: 300,
      marginLeft: 48,
      grid: true,
      color: { legend: true },
      fx: { label: null, domain: settings },
      x: { label: 'threshold t = 1 − |r| →', domain: [0, 1] },
      y: { label: `↑ ${label}`, domain: [Math.min(0, ...data.map((d) => d[y])), 1] },
      marks: [
        Plot.frame({ strokeOpacity: 0.2 }),
        Plot.line(data, { fx: 'setting', x: 't', y, stroke: 'series', strokeWidth: 2, sort: 't' }),
        Plot.dot(data, { fx: 'setting', x: 't', y, fill: 'series', r: 3, title: (d: CutPoint) => `${d.setting}, ${d.series}, t = ${d.t}: ARI ${d.ari.toFixed(3)}, NMI ${d.nmi.toFixed(3)}, groups exact ${(100 * d.exact).toFixed(0)}%` }),
      ],
    }),
  );
  return card;
}

function leftVsKept(data: CutPoint[]): HTMLElement | null {
  const pts = data.filter((d) => d.kept !== null && d.maxLeft !== null);
  if (pts.length === 0) return null;
  const { card, body } = chartCard('redundancy-left', 'Redundancy left vs neurons kept', 'Each dot a cut: the largest |r| between two kept neurons (measured on the data) against how many neurons the cut keeps.');
  body.append(
    Plot.plot({
      style: CHART_STYLE,
      width: 520,
      height: 320,
      marginLeft: 48,
      grid: true,
      color: { legend: true },
      symbol: { legend: true },
      x: { label: 'neurons kept →' },
      y: { label: '↑ max |r| among kept', domain: [0, 1] },
      marks: [Plot.dot(pts, { x: 'kept', y: 'maxLeft', stroke: 'series', symbol: 'setting', r: 4, title: (d: CutPoint) => `${d.setting}, ${d.series}, t = ${d.t}: ${d.kept} kept, max |r| ${d.maxLeft!.toFixed(3)}` })],
    }),
  );
  return card;
}

function cost(b: BenchResult): HTMLElement {
  const runs = b.runs.map((r) => ({ method: r.method, neurons: r.neurons, wall: r.wallSeconds, mib: r.maxRssKiB === null ? null : r.maxRssKiB / 1024, setting: r.setting }));
  const corr = b.datasets.map((d) => ({ method: 'corr (shared)', neurons: d.neurons, wall: d.corr.wallSeconds, mib: d.corr.maxRssKiB === null ? null : d.corr.maxRssKiB / 1024, setting: d.setting }));
  const all = [...corr, ...runs];
  const { card, body } = chartCard('cost', 'Cost of each run', `Wall time and peak RSS of each run's process (a JS function method has no RSS of its own); a bare Node start peaks at ${(b.nodeBaselineKiB / 1024).toFixed(0)} MiB. ${b.machine.cpu}, ${b.machine.cores} cores.`);
  const chart = (y: 'wall' | 'mib', label: string) =>
    Plot.plot({
      style: CHART_STYLE,
      width: 420,
      height: 300,
      marginLeft: 52,
      grid: true,
      color: { legend: true },
      x: { label: 'neurons →', type: 'log' },
      y: { label: `↑ ${label}`, type: 'log' },
      marks: [Plot.dot(all.filter((d) => d[y] !== null && (d[y] as number) > 0), { x: 'neurons', y, stroke: 'method', r: 4, title: (d: (typeof all)[number]) => `${d.method} on ${d.setting}, ${int(d.neurons)} neurons: ${y === 'wall' ? `${d.wall.toFixed(2)} s` : `${d.mib!.toFixed(0)} MiB`}` })],
    });
  body.append(h('div', { class: 'grid' }, chart('wall', 'wall seconds'), chart('mib', 'peak RSS (MiB)')));
  return card;
}

function runsTable(b: BenchResult): HTMLElement {
  const rows = b.runs.map((r) => {
    const best = (r.cuts ?? []).reduce<null | { t: number | null; ari: number }>((m, c) => (m === null || c.ari > m.ari ? { t: c.threshold, ari: c.ari } : m), null);
    const ranking = r.ranking?.[0];
    const result = r.error ? `error: ${r.error}` : best ? `best ARI ${best.ari.toFixed(3)} at t = ${best.t ?? '—'}` : ranking ? `concept neurons in the first ${ranking.k}: ${ranking.found}/${ranking.total}` : r.selection ? `${r.selection.kept} kept, ${r.selection.lost} groups lost` : '—';
    return h('tr', {}, h('td', {}, r.setting), h('td', {}, `${int(r.tokens)} × ${int(r.neurons)}`), h('td', {}, r.method), h('td', {}, result), h('td', { class: 'num' }, r.wallSeconds.toFixed(2)), h('td', { class: 'num' }, r.maxRssKiB === null ? '—' : (r.maxRssKiB / 1024).toFixed(0)));
  });
  return h('table', { class: 'summary' }, h('thead', {}, h('tr', {}, ...['setting', 'tokens × neurons', 'method', 'result', 'wall s', 'peak MiB'].map((c) => h('th', {}, c)))), h('tbody', {}, ...rows));
}

export function benchPage(b: BenchResult): HTMLElement {
  const data = points(b);
  const settings = [...new Set(b.datasets.map((d) => d.setting))];
  return h(
    'div',
    { class: 'page bench-page' },
    h('header', { class: 'block head' }, h('h1', {}, 'Redundancy benchmark'), h('p', { class: 'sub' }, `${b.runs.length} runs on ${b.datasets.length} synthetic datasets (${settings.join(', ')}) · ${b.machine.cpu}, ${b.machine.cores} cores, Node ${b.machine.node}`)),
    data.length > 0
      ? section(
          'scores',
          'Scores against the planted truth',
          byThreshold('ari-vs-threshold', 'Adjusted Rand index vs threshold', 'Each clustering cut against the planted groups (every other neuron alone); 1 = the planted partition.', data, 'ari', 'ARI'),
          byThreshold('exact-vs-threshold', 'Planted groups found exactly vs threshold', 'Share of planted groups that are one cluster holding nothing else.', data, 'exact', 'groups exact'),
          leftVsKept(data),
        )
      : null,
    section('cost', 'Cost', cost(b)),
    section('runs', 'Runs', runsTable(b)),
    h('footer', {}, `neurosieve redundancy benchmark v${b.version}. This page is self-contained: it loads nothing from the network.`),
  );
}
