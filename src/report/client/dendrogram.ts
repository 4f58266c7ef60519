/**
 * The top of the whole-network linkage tree (views.dendrogram), as scipy's truncated dendrogram shows it: leaves
 * are the clusters that exist before the drawn merges, at height 0, coloured by the layer most of their neurons come
 * from and sized by their neuron count; each merge is drawn at its distance 1 − |r|. A leaf links to the page of its
 * lowest neuron.
 */
import * as Plot from '@observablehq/plot';
import type { ViewDendrogram } from '../../analyze/views-format.js';
import { CHART_STYLE, CHART_WIDTH } from './charts.js';
import { chartCard, int } from './dom.js';
import type { Model } from './model.js';

interface Placed {
  x: number;
  y: number;
}

/** Leaf order from a depth-first walk of each root (so no branches cross), and every node's position. */
function layout(d: ViewDendrogram): Placed[] {
  const n = d.leaves.length;
  const nodes: Placed[] = [];
  const children = (node: number) => (node >= n ? d.merges[node - n] : undefined);
  const isChild = new Set(d.merges.flatMap(([a, b]) => [a, b]));
  const roots = Array.from({ length: n + d.merges.length }, (_, i) => i).filter((i) => !isChild.has(i));
  let next = 0;
  // Iterative post-order: the tree of a large network is deep enough to matter for recursion only in theory, but
  // a malformed one must not hang the page either.
  for (const root of roots) {
    const stack: Array<{ node: number; seen: boolean }> = [{ node: root, seen: false }];
    while (stack.length > 0) {
      const top = stack.pop()!;
      const m = children(top.node);
      if (!m) {
        nodes[top.node] = { x: next++, y: 0 };
      } else if (!top.seen) {
        stack.push({ node: top.node, seen: true }, { node: m[1], seen: false }, { node: m[0], seen: false });
      } else {
        nodes[top.node] = { x: (nodes[m[0]]!.x + nodes[m[1]]!.x) / 2, y: m[2] };
      }
    }
  }
  return nodes;
}

export function dendrogram(m: Model): HTMLElement | null {
  const d = m.views.dendrogram;
  if (!d || d.leaves.length === 0) return null;
  const nodes = layout(d);
  const n = d.leaves.length;
  const names = m.layers.map((l) => l.name);
  const segments = d.merges.flatMap(([a, b, height]) => {
    const pa = nodes[a]!;
    const pb = nodes[b]!;
    return [
      { x1: pa.x, y1: pa.y, x2: pa.x, y2: height },
      { x1: pb.x, y1: pb.y, x2: pb.x, y2: height },
      { x1: pa.x, y1: height, x2: pb.x, y2: height },
    ];
  });
  const leaves = d.leaves.map((leaf, i) => {
    const dominant = leaf.perLayer.reduce((best, v, l) => (v > leaf.perLayer[best]! ? l : best), 0);
    const composition = leaf.perLayer.map((v, l) => (v > 0 ? `${names[l] ?? l}: ${v}` : '')).filter(Boolean).join(', ');
    return { x: nodes[i]!.x, size: leaf.size, first: leaf.first, layer: names[dominant] ?? `layer ${dominant}`, composition };
  });
  const maxHeight = Math.max(0, ...d.merges.map((x) => x[2]));
  const { card, body } = chartCard(
    'dendrogram',
    `Dendrogram: the last ${d.merges.length} merges`,
    `Leaves are the ${n} clusters just before these merges (size ∝ neurons, colour = layer most of them come from; click one for its lowest neuron). Height: the average-linkage distance at which two clusters merge.`,
  );
  body.append(
    Plot.plot({
      style: CHART_STYLE,
      width: CHART_WIDTH * 2 + 60,
      height: 360,
      marginLeft: 56,
      marginBottom: 36,
      x: { axis: null, domain: [-1, n] },
      y: { label: '↑ distance 1 − |r| at the merge', domain: [0, Math.min(1, maxHeight * 1.05) || 1], grid: true },
      r: { range: [2.5, 9] },
      color: { type: 'ordinal', domain: names, scheme: 'tableau10', legend: true },
      marks: [
        Plot.link(segments, { x1: 'x1', y1: 'y1', x2: 'x2', y2: 'y2', stroke: 'currentColor', strokeOpacity: 0.75, strokeWidth: 1.2 }),
        Plot.dot(leaves, {
          x: 'x',
          y: 0,
          r: 'size',
          fill: 'layer',
          stroke: 'var(--card)',
          href: (l: (typeof leaves)[number]) => `#neuron/${l.first}`,
          title: (l: (typeof leaves)[number]) => `${int(l.size)} neuron${l.size > 1 ? 's' : ''} from neuron ${l.first}\n${l.composition}`,
        }),
      ],
    }),
  );
  return card;
}
