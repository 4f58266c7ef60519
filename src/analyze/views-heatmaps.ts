/**
 * Downsampled correlation maps (views-format.ts ViewHeatmaps): the mean |r| over blocks of neurons, the network
 * as a whole (blocks never straddle a layer, so layer boundaries are block boundaries) and each layer alone.
 * Neurons are ordered layer by layer, each layer's in the leaf order of the whole-network linkage, so that a
 * correlated group is a square on the diagonal. The block means are native (native/src/views/block_means.cc):
 * one pass over the D × D matrix per map family.
 */
import { runJob } from '../core/native-job.js';
import { native } from '../core/native.js';
import { pack } from '../io/packed-array.js';
import type { Layer } from './held-data.js';
import type { ViewHeatmap, ViewHeatmaps } from './views-format.js';

/** Blocks of the whole-network map (about; each layer gets its share, at least one). */
export const NETWORK_BLOCKS = 256;
/** Blocks of a layer's map at most: a layer of ≤ 256 neurons is drawn neuron by neuron. */
export const LAYER_BLOCKS = 256;

/** `bins` near-equal ranges of [start, end): boundaries. */
function evenEdges(start: number, end: number, bins: number): number[] {
  return Array.from({ length: bins + 1 }, (_, b) => start + Math.round(((end - start) * b) / bins));
}

async function blockMap(corr: Float32Array, D: number, order: Int32Array, name: string, span: [number, number], edges: number[], threads: number): Promise<ViewHeatmap> {
  const bins = edges.length - 1;
  const blockOf = new Int32Array(D).fill(-1);
  for (let b = 0; b < bins; b++) for (let p = edges[b]!; p < edges[b + 1]!; p++) blockOf[order[p]!] = b;
  const means = await runJob(() => native().blockMeanAbs(corr, D, D, blockOf, bins, threads));
  const bytes = Uint8Array.from(means, (v) => Math.round(255 * Math.min(1, v)));
  return { name, span, edges, meanAbs: pack(bytes, [bins, bins]) };
}

export async function correlationHeatmaps(corr: Float32Array, D: number, layers: Layer[], leaves: Int32Array, threads: number): Promise<ViewHeatmaps> {
  const position = new Int32Array(D);
  leaves.forEach((neuron, p) => (position[neuron] = p));
  const order = new Int32Array(D);
  for (const l of layers) {
    const ids = Array.from({ length: l.width }, (_, i) => l.offset + i).sort((a, b) => position[a]! - position[b]!);
    order.set(ids, l.offset);
  }
  const networkEdges = [0];
  for (const l of layers) {
    const bins = Math.min(l.width, Math.max(1, Math.round((NETWORK_BLOCKS * l.width) / D)));
    networkEdges.push(...evenEdges(l.offset, l.offset + l.width, bins).slice(1));
  }
  const network = await blockMap(corr, D, order, 'all layers', [0, D], networkEdges, threads);
  const perLayer: ViewHeatmap[] = [];
  for (const l of layers) {
    const span: [number, number] = [l.offset, l.offset + l.width];
    perLayer.push(await blockMap(corr, D, order, l.name, span, evenEdges(span[0], span[1], Math.min(l.width, LAYER_BLOCKS)), threads));
  }
  return { order: pack(order), network, layers: perLayer };
}
