/** neurosieve cluster: correlation clustering of neurons at one or more distance thresholds (src/cluster/correlation-clusters.ts). */
import { correlationClusters, correlationSource, THRESHOLD_RANGE, type CorrelationClustersOptions } from '../cluster/correlation-clusters.js';
import { CLUSTERS_FORMAT, CLUSTERS_VERSION } from '../cluster/clusters-file.js';
import { isEdgesFile } from '../edges/edges-file.js';
import { resolveNeurons, selectorFiles } from './options.js';
import { checkOutputs } from '../io/output-paths.js';
import { NeurosieveError } from '../core/errors.js';
import { writeTextAtomic } from '../io/atomic.js';
import { OutputSet } from '../io/output-set.js';
import { writeNpy } from '../io/npy.js';
import type { Command } from './command.js';
import { progressBar, type ProgressBar } from './progress.js';
import { clusterSpec as spec } from './specs/cluster.js';


/** The flag's values as numbers in THRESHOLD_RANGE, with messages naming --threshold. */
function parseThresholds(raw: string[]): number[] {
  const [min, max] = THRESHOLD_RANGE;
  return raw.map((s) => {
    const v = Number(s);
    if (s.trim() === '' || !Number.isFinite(v) || v < min || v > max) {
      throw new NeurosieveError('E_ARGUMENT', `Expected a distance threshold in [${min}, ${max}] for --threshold of 'neurosieve cluster' but received '${s}'`);
    }
    return v;
  });
}

export const clusterCommand: Command = {
  spec,
  async run(ctx) {
    const o = ctx.options;
    const input = ctx.positionals[0]!;
    const output = o.output as string;
    const linkageOut = o['linkage-out'] as string | undefined;
    const thresholds = parseThresholds(o.threshold as string[]);
    if (isEdgesFile(input)) return (await import('./cluster-edges.js')).runClusterEdges(ctx, thresholds);
    for (const flag of ['max-cut', 'data'] as const) {
      if (o[flag] !== undefined) throw new NeurosieveError('E_ARGUMENT', `Expected --${flag} only with an edge file (from corr --edges) for neurosieve cluster`);
    }
    checkOutputs({ command: 'neurosieve cluster', outputs: { '-o': output, '--linkage-out': linkageOut }, inputs: [input, ...selectorFiles(ctx, 'columns')] });
    const columns = o.columns !== undefined ? resolveNeurons(ctx, 'columns', correlationSource(input).n, [input]) : undefined;
    const started = performance.now();
    let bar: ProgressBar | undefined;
    let phase = '';
    let result;
    try {
      result = await correlationClusters(input, {
        thresholds,
        linkage: o.linkage as CorrelationClustersOptions['linkage'],
        representative: o.representative as CorrelationClustersOptions['representative'],
        seed: o.seed as number,
        precision: o.precision as CorrelationClustersOptions['precision'],
        threads: o.threads as number,
        backend: o.backend as CorrelationClustersOptions['backend'],
        ties: o.ties as CorrelationClustersOptions['ties'],
        repair: o.repair === true,
        ...(columns ? { columns } : {}),
        signal: ctx.signal,
        onProgress: (p) => {
          if (p.phase !== phase) {
            bar?.done();
            phase = p.phase;
            bar = progressBar(p.phase === 'distances' ? 'distances' : 'linkage', p.phase === 'distances' ? 'rows' : 'merges', ctx.interactive);
          }
          bar!.update(p.done, p.total);
        },
      });
    } finally {
      bar?.done();
    }
    const seconds = (performance.now() - started) / 1000;
    const cuts = result.cuts.map((c) => ({
      threshold: c.threshold,
      clusters: c.clusters,
      kept: c.kept.length,
      singletons: c.sizes.filter((s) => s === 1).length,
      largest: c.sizes.reduce((a, b) => Math.max(a, b), 0), // no spread: sizes can hold 300k entries
    }));
    const summary = {
      format: CLUSTERS_FORMAT,
      version: CLUSTERS_VERSION,
      input,
      output,
      linkageOut: linkageOut ?? null,
      neurons: result.neurons,
      ...(result.columns ? { columns: result.columns } : {}),
      linkage: result.method,
      precision: result.precision,
      representative: result.representative,
      seed: result.seed,
      backend: result.backend,
      handover: result.handover ?? null,
      tiedMerges: result.tiedMerges ?? null,
      repairs: result.repairs ?? null,
      seconds: Number(seconds.toFixed(3)),
      cuts,
    };
    // The file leaves out the timing and how the linkage ran (backend, handover), so the same input and options
    // give the same bytes whichever backend ran.
    const { seconds: _seconds, backend: _backend, handover: _handover, tiedMerges: _tied, ...stable } = summary;
    const full = {
      ...stable,
      cuts: result.cuts.map((c, i) => ({ ...cuts[i], keptNeurons: c.kept, sizes: c.sizes, labels: Array.from(c.labels) })),
    };
    const set = new OutputSet(); // the linkage and the clusters appear together or not at all
    try {
      if (linkageOut) writeNpy(linkageOut, result.linkage, [result.neurons - 1, 4], set);
      writeTextAtomic(output, JSON.stringify(full) + '\n', set);
      set.commit();
    } finally {
      set.discard();
    }
    ctx.log(`${result.method} linkage of ${result.neurons} neurons -> ${output} (${seconds.toFixed(2)} s, ${result.backend})`);
    if (result.repairs) {
      const r = result.repairs;
      ctx.log(`  --repair: ${r.nan} NaN set to 0, ${r.clipped} values clipped to [-1, 1], ${r.asymmetric} asymmetric pairs averaged, ${r.diagonal} diagonal entries ignored`);
    }
    if (result.handover) ctx.log(`  WebGPU handed the linkage over to the native engine: ${result.handover}`);
    for (const c of cuts) ctx.log(`  t = ${c.threshold}: ${c.clusters} clusters (${c.singletons} singletons, largest ${c.largest}), ${c.kept} neurons kept`);
    return summary;
  },
};
