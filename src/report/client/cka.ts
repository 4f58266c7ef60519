/** Linear CKA between layers (views.cka, issue 14): a layers × layers grid of similarities, undefined cells blank. */
import * as Plot from '@observablehq/plot';
import { CHART_STYLE } from './charts.js';
import { chartCard } from './dom.js';
import type { Model } from './model.js';

export function ckaHeatmap(m: Model): HTMLElement | null {
  const cka = m.views.cka;
  if (!cka || cka.layers.length === 0) return null;
  const cells = cka.matrix.flatMap((row, i) => row.map((v, j) => ({ a: cka.layers[i]!, b: cka.layers[j]!, v: v === null || Number.isNaN(v) ? null : v })));
  const { card, body } = chartCard('cka', `Layer similarity (${cka.estimator} CKA)`, 'Centred kernel alignment between the layers’ activations: 1 = the same representation up to rotation and scale; blank where the estimator is undefined.');
  const side = Math.min(520, 60 + 44 * cka.layers.length);
  body.append(
    Plot.plot({
      style: CHART_STYLE,
      width: side + 90,
      height: side,
      marginLeft: 90,
      marginBottom: 70,
      padding: 0.04,
      x: { label: 'layer', domain: cka.layers, tickRotate: -35 },
      y: { label: 'layer', domain: cka.layers },
      color: { type: 'linear', domain: [0, 1], scheme: 'viridis', legend: true, label: 'CKA' },
      marks: [
        Plot.cell(cells, { x: 'b', y: 'a', fill: 'v', title: (c: (typeof cells)[number]) => `${c.a} × ${c.b}: ${c.v === null ? 'undefined' : c.v.toFixed(3)}` }),
        ...(cka.layers.length <= 14 ? [Plot.text(cells, { x: 'b', y: 'a', text: (c: (typeof cells)[number]) => (c.v === null ? '—' : c.v.toFixed(2)), fill: (c: (typeof cells)[number]) => (c.v === null ? 'currentColor' : c.v > 0.6 ? 'black' : 'white'), fontSize: 10 })] : []),
      ],
    }),
  );
  return card;
}
