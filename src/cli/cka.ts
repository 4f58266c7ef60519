/** neurosieve cka: CKA between every pair of layers as a JSON document (src/cka/). */
import { cka, ckaBetween, isStatsFile, type CkaBetweenResult, type CkaResult } from '../cka/cka.js';
import { NeurosieveError } from '../core/errors.js';
import { writeTextAtomic } from '../io/atomic.js';
import { OutputSet } from '../io/output-set.js';
import { checkOutputs } from '../io/output-paths.js';
import { writeStats } from '../correlate/stats.js';
import type { ActivationFormat, CorrelateOptions } from '../types.js';
import type { Command } from './command.js';
import { progressBar } from './progress.js';
import { ckaSpec as spec } from './specs/cka.js';

export const ckaCommand: Command = {
  spec,
  async run(ctx) {
    const o = ctx.options;
    const output = o.output as string;
    const statsOut = o['stats-out'] as string | undefined;
    const stats = ctx.positionals.filter((p) => isStatsFile(p));
    if (stats.length > 0 && ctx.positionals.length > 1) {
      throw new NeurosieveError('E_ARGUMENT', `Expected one stats file or activation inputs for neurosieve cka but received ${ctx.positionals.length} inputs including the stats file '${stats[0]}' (merge stats files first: neurosieve stats merge)`);
    }
    if (stats.length > 0 && statsOut !== undefined) {
      throw new NeurosieveError('E_ARGUMENT', 'Expected no --stats-out with a stats file input for neurosieve cka (there is no data pass) but received both');
    }
    const other = o.other as string[] | undefined;
    if (other !== undefined && o.minibatch) throw new NeurosieveError('E_ARGUMENT', 'Expected --other with the linear or --debiased estimator for neurosieve cka but received --minibatch');
    if (other === undefined && o['other-layer-width'] !== undefined) throw new NeurosieveError('E_ARGUMENT', 'Expected --other-layer-width only with --other for neurosieve cka');
    if (o.debiased && o.minibatch) throw new NeurosieveError('E_ARGUMENT', 'Expected one of --debiased and --minibatch for neurosieve cka but received both');
    if (o.minibatch && statsOut !== undefined) {
      throw new NeurosieveError('E_ARGUMENT', 'Expected no --stats-out with --minibatch for neurosieve cka (the minibatch estimator keeps no mergeable statistics) but received both');
    }
    if (!o.minibatch && (o.batches !== undefined || o['batch-size'] !== undefined || o.seed !== undefined)) {
      throw new NeurosieveError('E_ARGUMENT', 'Expected --batches, --batch-size and --seed only with --minibatch for neurosieve cka');
    }
    checkOutputs({ command: 'neurosieve cka', outputs: { '-o': output, '--stats-out': statsOut }, inputs: [...ctx.positionals, ...(other ?? [])] });
    const started = performance.now();
    const bar = progressBar('cka', 'rows', ctx.interactive);
    let r: CkaResult | CkaBetweenResult;
    const common = {
      ...(o['layer-width'] !== undefined ? { layerWidth: o['layer-width'] as number } : {}),
      threads: o.threads as number,
      ...(o['chunk-rows'] !== undefined ? { chunkRows: o['chunk-rows'] as number } : {}),
      nan: o.nan as CorrelateOptions['nan'],
      format: o.format as ActivationFormat,
      signal: ctx.signal,
    };
    try {
      r = other !== undefined
        ? await ckaBetween(ctx.positionals, other, {
            ...common,
            estimator: o.debiased ? 'debiased' : 'linear',
            ...(o['other-layer-width'] !== undefined ? { otherLayerWidth: o['other-layer-width'] as number } : {}),
          })
        : await cka(ctx.positionals, {
            ...common,
            estimator: o.minibatch ? 'minibatch' : o.debiased ? 'debiased' : 'linear',
            ...(o.batches !== undefined ? { batches: o.batches as number } : {}),
            ...(o['batch-size'] !== undefined ? { batchSize: o['batch-size'] as number } : {}),
            ...(o.seed !== undefined ? { seed: o.seed as number } : {}),
            onProgress: (p) => bar.update(p.rows, p.totalRows),
          });
    } finally {
      bar.done();
    }
    // Undefined entries are null in the matrix; the HSIC values behind them (negative or zero) are listed.
    const between = 'otherLayers' in r ? r : undefined;
    const selfHsic = between ? between.hsicSelf : r.layers.map((_, a) => r.hsic[a]![a]!);
    const undefinedLayers = [
      ...r.layers.flatMap((name, a) => (selfHsic[a]! > 0 ? [] : [{ layer: name, hsic: selfHsic[a]! }])),
      ...(between ? between.otherLayers.flatMap((name, b) => (between.hsicOtherSelf[b]! > 0 ? [] : [{ otherLayer: name, hsic: between.hsicOtherSelf[b]! }])) : []),
    ];
    const doc = {
      format: 'neurosieve-cka',
      version: 1,
      estimator: r.estimator,
      layers: r.layers,
      ...(between ? { otherLayers: between.otherLayers } : {}),
      matrix: r.matrix,
      hsic: r.hsic,
      ...(between ? { hsicSelf: between.hsicSelf, hsicOtherSelf: between.hsicOtherSelf } : {}),
      undefinedLayers,
      rows: r.rows,
      ...('minibatch' in r && r.minibatch ? { minibatch: r.minibatch } : {}),
      sources: r.stats?.sources ?? null,
    };
    const set = new OutputSet(); // the stats and the document appear together or not at all
    try {
      if (statsOut && r.stats) writeStats(statsOut, r.stats, set);
      writeTextAtomic(output, JSON.stringify(doc) + '\n', set);
      set.commit();
    } finally {
      set.discard();
    }
    const seconds = (performance.now() - started) / 1000;
    ctx.log(`${r.estimator} CKA of ${r.layers.length} layers over ${r.rows} rows -> ${output} (${seconds.toFixed(2)} s)`);
    for (const u of undefinedLayers) ctx.log(`  ${'layer' in u ? u.layer : `other ${u.otherLayer}`}: HSIC(a, a) = ${u.hsic} is not positive; its CKA is undefined (null)`);
    return { output, estimator: r.estimator, layers: r.layers, ...(between ? { otherLayers: between.otherLayers } : {}), rows: r.rows, undefinedLayers, statsOut: statsOut ?? null, seconds: Number(seconds.toFixed(3)) };
  },
};
