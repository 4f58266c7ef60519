/**
 * The correlation heatmap (views.heatmaps): mean |r| over blocks of neurons, taken in the linkage's leaf order
 * within each layer, drawn on a canvas (a map at the paper's scale has up to ~1,000 × 1,000 blocks, too many SVG
 * cells). The whole-network map shows layer boundaries; a selector shows one layer's own map instead.
 */
import * as d3 from 'd3';
import * as Plot from '@observablehq/plot';
import type { ViewHeatmap } from '../../analyze/views-format.js';
import { chartCard, h } from './dom.js';
import type { Model } from './model.js';

const SIZE = 520;

/** mean |r| → colour: magma, running from the page's background (low |r| fades out) to the strongest colour. */
function colour(v: number): string {
  return d3.interpolateMagma(matchMedia('(prefers-color-scheme: dark)').matches ? 0.08 + 0.92 * v : 1 - v);
}

/** Position in `order` → pixel, following the map's own block edges (blocks need not be equal). */
function scaleOf(map: ViewHeatmap): (pos: number) => number {
  const [start, end] = map.span;
  return (pos) => ((pos - start) / Math.max(1, end - start)) * SIZE;
}

function draw(canvas: HTMLCanvasElement, m: Model, map: ViewHeatmap, key: string, boundaries: boolean): void {
  const values = m.packed(key, () => map.meanAbs)!;
  const bins = map.edges.length - 1;
  const ratio = window.devicePixelRatio || 1;
  const px = Math.round(SIZE * ratio);
  canvas.width = px;
  canvas.height = px;
  const ctx = canvas.getContext('2d')!;
  // Pixel by pixel rather than a rectangle per block: a map at the paper's scale has ~10⁶ blocks, more than pixels.
  const x = scaleOf(map);
  const blockAt = new Int32Array(px);
  for (let p = 0, b = 0; p < px; p++) {
    while (b < bins - 1 && x(map.edges[b + 1]!) * ratio <= p + 0.5) b++;
    blockAt[p] = b;
  }
  // One colour per byte value, looked up instead of interpolated per pixel.
  const palette = Array.from({ length: 256 }, (_, v) => {
    const c = d3.color(colour(v / 255))!.rgb();
    return [c.r, c.g, c.b];
  });
  const image = ctx.createImageData(px, px);
  for (let py = 0; py < px; py++) {
    const row = blockAt[py]! * bins;
    for (let qx = 0; qx < px; qx++) {
      const c = palette[values[row + blockAt[qx]!]!]!;
      const o = 4 * (py * px + qx);
      image.data[o] = c[0]!;
      image.data[o + 1] = c[1]!;
      image.data[o + 2] = c[2]!;
      image.data[o + 3] = 255;
    }
  }
  ctx.putImageData(image, 0, 0);
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  if (!boundaries) return;
  ctx.strokeStyle = getComputedStyle(canvas).getPropertyValue('--boundary').trim() || '#2a9d8f';
  ctx.lineWidth = 1.5;
  let pos = 0;
  for (const l of m.layers.slice(0, -1)) {
    pos += l.width;
    const p = x(pos);
    ctx.beginPath();
    ctx.moveTo(p, 0);
    ctx.lineTo(p, SIZE);
    ctx.moveTo(0, p);
    ctx.lineTo(SIZE, p);
    ctx.stroke();
  }
}

/** The block under a canvas point, as "positions a–b × c–d: mean |r| = v". */
function readout(m: Model, map: ViewHeatmap, key: string, px: number, py: number): string {
  const values = m.packed(key, () => map.meanAbs)!;
  const x = scaleOf(map);
  const bins = map.edges.length - 1;
  const find = (p: number) => Math.max(0, Math.min(bins - 1, map.edges.findIndex((_, i) => i < bins && x(map.edges[i + 1]!) > p)));
  const a = find(py);
  const b = find(px);
  const range = (i: number) => `${map.edges[i]}–${map.edges[i + 1]! - 1}`;
  const layer = (i: number) => m.layers[m.layerIndexOf(m.packed('order', () => m.views.heatmaps?.order)![map.edges[i]!]!)]?.name ?? '';
  return `rows ${range(a)} (${layer(a)}) × columns ${range(b)} (${layer(b)}): mean |r| = ${(values[a * bins + b]! / 255).toFixed(2)}`;
}

export function correlationHeatmap(m: Model): HTMLElement | null {
  const hm = m.views.heatmaps;
  if (!hm) return null;
  const maps = [{ map: hm.network, key: 'heatmap network', boundaries: true }, ...hm.layers.map((map, i) => ({ map, key: `heatmap layer ${i}`, boundaries: false }))];
  const { card, body } = chartCard(
    'correlation-heatmap',
    'Correlation heatmap (mean |r| per block)',
    'Neurons layer by layer, each layer in the leaf order of the whole-network linkage, so correlated groups sit together; lines mark layer boundaries. Axes: neuron position in that order.',
  );
  const canvas = h('canvas', { class: 'heatmap', style: `width:${SIZE}px;height:${SIZE}px`, role: 'img', 'aria-label': 'correlation heatmap' });
  const info = h('p', { class: 'readout' }, 'Point at the map to read a block.');
  let current = maps[0]!;
  const select = h(
    'select',
    {
      'aria-label': 'heatmap layer',
      onchange: () => {
        current = maps[Number(select.value)]!;
        draw(canvas, m, current.map, current.key, current.boundaries);
      },
    },
    ...maps.map((x, i) => h('option', { value: i }, x.map.name)),
  );
  canvas.addEventListener('mousemove', (e) => {
    const rect = canvas.getBoundingClientRect();
    info.textContent = readout(m, current.map, current.key, e.clientX - rect.left, e.clientY - rect.top);
  });
  const legend = Plot.legend({ color: { type: 'linear', domain: [0, 1], interpolate: colour, label: 'mean |r| (block average)' }, width: 260 });
  body.append(h('div', { class: 'controls' }, h('label', {}, 'Show ', select)), canvas, h('div', { class: 'legend-row' }, legend), info);
  // Drawn once attached, so the CSS variables of the theme are readable.
  requestAnimationFrame(() => draw(canvas, m, current.map, current.key, current.boundaries));
  return card;
}
