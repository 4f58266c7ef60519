/**
 * neurosieve cluster on an edge file (corr --edges): hierarchical clustering exact up to --max-cut, written in
 * the clusters file format of the dense path (src/cluster/clusters-file.ts) plus the run's certificate.
 * Differences from the dense path, by necessity: no linkage matrix (the tree is not built past the cut),
 * cluster numbers by smallest neuron (scipy's fcluster numbers differ; the partitions are the same), and only
 * 'random' representatives ('central' needs every pair of a cluster).
 */
import { clusterSizes, randomRepresentatives } from '../cluster/correlation-clusters.js';
import { CLUSTERS_FORMAT, CLUSTERS_VERSION } from '../cluster/clusters-file.js';
import { NeurosieveError } from '../core/errors.js';
import { clusterEdges, EDGE_LINKAGES, type EdgeLinkage } from '../edges/cluster-edges.js';
import { readEdgesFile } from '../edges/edges-file.js';
import { writeTextAtomic } from '../io/atomic.js';
import { checkOutputs } from '../io/output-paths.js';
import type { CommandContext } from './command.js';
import { progressBar } from './progress.js';

export async function runClusterEdges(ctx: CommandContext, thresholds: number[]): Promise<Record<string, unknown>> {
  const o = ctx.options;
  const input = ctx.positionals[0]!;
  const output = o.output as string;
  const method = o.linkage as EdgeLinkage;
  if (!EDGE_LINKAGES.includes(method)) {
    throw new NeurosieveError('E_ARGUMENT', `${input} is an edge file: --linkage must be ${EDGE_LINKAGES.join(', ')} (exact from edges below the cut) but received '${method}'`);
  }
  if (o.representative !== 'random') {
    throw new NeurosieveError('E_ARGUMENT', `${input} is an edge file: --representative central needs every pair of each cluster, which an edge file does not hold; use random`);
  }
  for (const flag of ['linkage-out', 'columns', 'repair'] as const) {
    if (o[flag] !== undefined && o[flag] !== false) throw new NeurosieveError('E_ARGUMENT', `${input} is an edge file: --${flag} applies to a dense matrix or stats file only`);
  }
  const data = o.data as string[] | undefined;
  checkOutputs({ command: 'neurosieve cluster', outputs: { '-o': output }, inputs: [input, ...(data ?? [])] });
  const started = performance.now();
  const edges = readEdgesFile(input);
  const bar = progressBar('recompute', 'passes', ctx.interactive);
  let result;
  try {
    result = await clusterEdges(edges, {
      method,
      thresholds,
      ...(o['max-cut'] !== undefined ? { maxCut: o['max-cut'] as number } : {}),
      ...(data ? { data } : {}),
      threads: o.threads as number,
      signal: ctx.signal,
      onProgress: (p) => bar.update(p.passes, undefined, `${p.merges} merges`),
    });
  } finally {
    bar.done();
  }
  const seed = o.seed as number;
  const cuts = result.labels.map((zeroBased, k) => {
    const labels = Int32Array.from(zeroBased, (l) => l + 1);
    const sizes = clusterSizes(labels);
    const kept = randomRepresentatives(labels, sizes, seed);
    return {
      threshold: thresholds[k]!,
      clusters: sizes.length,
      kept: kept.length,
      singletons: sizes.filter((s) => s === 1).length,
      largest: sizes.reduce((a, b) => Math.max(a, b), 0),
      keptNeurons: kept,
      sizes,
      labels: Array.from(labels),
    };
  });
  const seconds = (performance.now() - started) / 1000;
  const summary = {
    format: CLUSTERS_FORMAT,
    version: CLUSTERS_VERSION,
    input,
    output,
    neurons: edges.neurons,
    linkage: method,
    representative: 'random',
    seed,
    edges: { count: edges.i.length, minAbsR: edges.minAbsR, maxCut: result.maxCut, numbering: 'by smallest neuron', certificate: result.certificate },
  };
  writeTextAtomic(output, JSON.stringify({ ...summary, cuts }) + '\n');
  const c = result.certificate;
  ctx.log(`${method} linkage of ${edges.neurons} neurons from ${edges.i.length} edges, exact up to ${result.maxCut} -> ${output} (${seconds.toFixed(2)} s)`);
  ctx.log(`  certificate: ${c.mergesByBounds} merges settled by the edges, ${c.mergesAfterRecompute} after recomputing; ${c.clusterPairsRecomputed} cluster pairs (${c.pairsRecomputed} neuron pairs) recomputed in ${c.passes} pass(es) over the data`);
  for (const cut of cuts) ctx.log(`  t = ${cut.threshold}: ${cut.clusters} clusters (${cut.singletons} singletons, largest ${cut.largest}), ${cut.kept} neurons kept`);
  return { ...summary, seconds: Number(seconds.toFixed(3)), cuts: cuts.map(({ keptNeurons: _k, sizes: _s, labels: _l, ...rest }) => rest) };
}
