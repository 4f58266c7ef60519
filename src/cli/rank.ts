/** neurosieve rank: rank a probe's neurons by weight mass, or a dataset's neurons by probeless / AP scores or Gaussian selection. */
import { NeurosieveError } from '../core/errors.js';
import { checkOutputs } from '../io/output-paths.js';
import { probeFiles, readProbe, type Probe } from '../probe/probe-file.js';
import { rankNeurons, writeRanking, type RankMethod, type RankOptions } from '../rank/rank.js';
import type { Command } from './command.js';
import { progressBar } from './progress.js';
import { expectProbeWidth, loadWithProgress, openOptionsOf, resolveNeurons, selectorFiles, setDefined } from './options.js';
import { openActivations } from '../io/dataset.js';
import type { ActivationFormat, Dataset } from '../types.js';
import { rankSpec as spec } from './specs/rank.js';

export const rankCommand: Command = {
  spec,
  async run(ctx) {
    const o = ctx.options;
    const output = o.output as string;
    const method = o.method as RankMethod;
    const started = performance.now();
    const probePath = ctx.positionals[0];
    if (method === 'weights' && !probePath) throw new NeurosieveError('E_ARGUMENT', "Expected a probe file for neurosieve rank --method weights but received none");
    if (method !== 'weights' && (!o.activations || !o.labels)) {
      throw new NeurosieveError('E_ARGUMENT', `Expected --activations and --labels for neurosieve rank --method ${method} but received ${o.activations ? '' : 'no --activations'}${!o.activations && !o.labels ? ' and ' : ''}${o.labels ? '' : 'no --labels'}`);
    }
    if (method === 'weights' && (o.activations || o.labels)) {
      throw new NeurosieveError('E_ARGUMENT', 'Expected no --activations or --labels for neurosieve rank --method weights (it reads the probe only)');
    }
    checkOutputs({
      command: 'neurosieve rank',
      outputs: { '-o': output },
      inputs: [...(probePath ? probeFiles(probePath) : []), ...((o.activations as string[] | undefined) ?? []), o.labels as string | undefined, ...selectorFiles(ctx, 'columns')],
    });
    const probe: Probe | undefined = probePath ? readProbe(probePath) : undefined;
    if (probe && method !== 'weights') expectProbeWidth(ctx, probePath!, probe, o.activations as string[]);
    const options: RankOptions = { method, threads: o.threads as number };
    setDefined(options, o, { selection: 'selection', fraction: 'fraction', stride: 'stride', granularity: 'granularity', divisor: 'divisor', seed: 'seed', target: 'class', zeroBelow: 'zero-below', select: 'select', unknown: 'unknown' });
    if (o.raw === true) options.zscore = false;
    let dataset: Dataset | undefined;
    if (o.columns !== undefined) {
      // Ids are checked against the activations' width, or, with a probe alone, against the ids it knows.
      const inputs = (o.activations as string[] | undefined) ?? [];
      dataset = inputs.length > 0 ? openActivations(inputs, openOptionsOf(o)) : undefined;
      const width = dataset?.cols ?? (probe!.columns ? Math.max(...probe!.columns) + 1 : probe!.neurons);
      options.columns = resolveNeurons(ctx, 'columns', width, inputs, dataset?.layers);
    }
    // The API loads the probe's (or the subset's) columns itself; in memory it would need them already sliced.
    const activations = method !== 'weights' ? (dataset ?? (await loadWithProgress(ctx, 'rank: loading', o.activations as string[], probe?.columns))) : undefined;
    const bar = method === 'gaussian' ? progressBar('rank (gaussian)', 'neurons', ctx.interactive) : undefined;
    if (bar) options.onProgress = (p) => bar.update(p.done, p.total);
    let ranking;
    try {
      ranking = await rankNeurons({ probe, activations, labels: o.labels as string | undefined }, options);
    } finally {
      bar?.done();
    }
    writeRanking(output, ranking);
    const seconds = (performance.now() - started) / 1000;
    const list = ranking.ordering ?? ranking.selected ?? [];
    const summary = {
      output,
      method,
      selection: ranking.selection ?? null,
      neurons: ranking.neurons,
      classes: ranking.classes.length,
      ranked: ranking.ordering?.length ?? null,
      selected: ranking.selected?.length ?? null,
      unranked: ranking.unranked?.length ?? null,
      top: list.slice(0, 10),
      seconds: Number(seconds.toFixed(3)),
    };
    const what = ranking.selected ? `${ranking.selected.length} of ${ranking.neurons} neurons selected` : `${list.length} of ${ranking.neurons} neurons ranked`;
    ctx.log(`${method}${ranking.selection ? ` ${ranking.selection}` : ''}: ${what} -> ${output} (${seconds.toFixed(2)} s)`);
    if (list.length > 0) ctx.log(`  first: ${list.slice(0, 10).join(', ')}${list.length > 10 ? ', …' : ''}`);
    const g = ranking.gaussian;
    if (g && g.informationBits.length > 0) {
      const k = g.informationBits.length;
      ctx.log(`  train mutual information ${g.informationBits[k - 1]!.toFixed(4)} of ${g.entropyBits.toFixed(4)} bits, accuracy ${g.accuracy[k - 1]!.toFixed(4)} with ${k} neurons`);
      if (g.degenerate.length > 0) ctx.log(`  ${g.degenerate.length} neuron(s) without variance within some class were not eligible`);
    }
    if (ranking.unranked && ranking.unranked.length > 0) ctx.log(`  ${ranking.unranked.length} neuron(s) with zero weight in every class are not ranked`);
    return summary;
  },
};
