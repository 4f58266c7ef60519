/** neurosieve corr: the D×D Pearson correlation of a dataset (or of a stats file) as a float32 .npy. */
import type { GpuRunReport } from '../correlate/run-report.js';
import { computeStats, correlationFromStats } from '../correlate/correlate.js';
import { openActivations } from '../io/dataset.js';
import { NeurosieveError } from '../core/errors.js';
import { writeTextAtomic } from '../io/atomic.js';
import { writeNpy } from '../io/npy.js';
import { checkOutputs } from '../io/output-paths.js';
import { checkMemory, comomentBytes, matrixBytes } from '../core/memory.js';
import { OutputSet } from '../io/output-set.js';
import { readStats, writeStats } from '../correlate/stats.js';
import type { ActivationFormat, CorrelateOptions, Stats } from '../types.js';
import type { Command } from './command.js';
import { openOptionsOf, resolveNeurons, selectorFiles } from './options.js';
import { progressBar } from './progress.js';
import { corrSpec as spec } from './specs/corr.js';


export const corrCommand: Command = {
  spec,
  async run(ctx) {
    const o = ctx.options;
    if (o.edges === true) return (await import('./corr-edges.js')).runCorrEdges(ctx);
    for (const flag of ['min-abs-r', 'max-cut', 'max-memory'] as const) {
      if (o[flag] !== undefined) throw new NeurosieveError('E_ARGUMENT', `Expected --${flag} only with --edges for neurosieve corr`);
    }
    const output = o.output as string;
    const fromStats = o['from-stats'] as string | undefined;
    if (fromStats && ctx.positionals.length > 0) {
      throw new NeurosieveError('E_ARGUMENT', 'Expected either input files or --from-stats for neurosieve corr but received both');
    }
    if (!fromStats && ctx.positionals.length === 0) {
      throw new NeurosieveError('E_ARGUMENT', 'Expected input files, directories or globs (or --from-stats) for neurosieve corr but received none');
    }
    if (fromStats && o.columns !== undefined) {
      throw new NeurosieveError('E_ARGUMENT', 'Expected no --columns with --from-stats for neurosieve corr (a stats file holds its columns already) but received both');
    }
    // <output>.json is written beside the matrix, so it must not be an input or the stats file either.
    checkOutputs({
      command: 'neurosieve corr',
      outputs: { '-o': output, '-o|.json summary': output === '' ? undefined : `${output}.json`, '--stats-out': o['stats-out'] as string | undefined },
      inputs: [...ctx.positionals, fromStats, ...selectorFiles(ctx, 'columns')],
    });
    const started = performance.now();
    let columns: number[] | undefined;
    let stats: Stats;
    let nonFinite = 0;
    let backend: string | null = null;
    let gpu: GpuRunReport | undefined;
    if (fromStats) {
      stats = readStats(fromStats);
    } else {
      const dataset = openActivations(ctx.positionals, openOptionsOf(o));
      columns = resolveNeurons(ctx, 'columns', dataset.cols, ctx.positionals, dataset.layers);
      // Both D² buffers are checked before the pass, so a run that cannot finish is refused before it starts.
      const D = columns?.length ?? dataset.cols;
      checkMemory(
        `neurosieve corr of ${dataset.files.map((f) => f.path).join(', ')} (${D} neurons)`,
        [['co-moment state D(D+1)/2 float64', comomentBytes(D)], ['D × D float32 matrix', matrixBytes(D)]],
        'correlate a subset of the neurons with --columns (e.g. one layer at a time)',
      );
      const bar = progressBar('corr', 'rows', ctx.interactive);
      try {
        ({ stats, nonFinite, backend, gpu } = await computeStats(dataset, {
          backend: o.backend as CorrelateOptions['backend'],
          threads: o.threads as number,
          chunkRows: o['chunk-rows'] as number | undefined,
          nan: o.nan as CorrelateOptions['nan'],
          ...(columns ? { columns } : {}),
          signal: ctx.signal,
          onProgress: (p) => bar.update(p.rows, p.totalRows, dataset.files.length > 1 ? `file ${p.file + 1}/${dataset.files.length}` : undefined),
        }));
      } finally {
        bar.done();
      }
    }
    const result = correlationFromStats(stats, { threads: o.threads as number }, nonFinite);
    const seconds = (performance.now() - started) / 1000;
    const summary = {
      output,
      count: result.count,
      neurons: result.cols,
      layers: stats.layers,
      backend,
      zeroVariance: result.zeroVariance,
      nonFinite,
      seconds: Number(seconds.toFixed(3)),
      statsOut: (o['stats-out'] as string | undefined) ?? null,
      sources: stats.sources,
      // What a WebGPU run did: chunks, flushes, bytes, host and device time (src/correlate/run-report.ts).
      ...(gpu ? { gpu } : {}),
    };
    // One set: the matrix, its summary and the stats appear together; the summary holds the matrix's sha256
    // (checked by cluster), so a matrix never passes for another run's.
    const set = new OutputSet();
    try {
      if (o['stats-out'] && !fromStats) writeStats(o['stats-out'] as string, stats, set);
      const matrixSha256 = writeNpy(output, result.corr, [result.cols, result.cols], set);
      writeTextAtomic(
        `${output}.json`,
        JSON.stringify({ ...summary, ...(columns ? { columns } : {}), matrixSha256, means: Array.from(result.means), stds: Array.from(result.stds) }) + '\n',
        set,
      );
      set.commit();
    } finally {
      set.discard();
    }
    ctx.log(`correlation of ${result.cols} neurons over ${result.count} rows -> ${output} (${seconds.toFixed(2)} s${backend ? `, ${backend}` : ''})`);
    if (result.zeroVariance.length > 0) {
      const shown = result.zeroVariance.slice(0, 10).join(', ');
      ctx.log(`  ${result.zeroVariance.length} zero-variance neuron(s), r = 0 with all others: ${shown}${result.zeroVariance.length > 10 ? ', …' : ''}`);
    }
    if (nonFinite > 0) ctx.log(`  ${nonFinite} NaN/Inf value(s) replaced by 0`);
    return summary;
  },
};
