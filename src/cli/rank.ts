/** neurosieve rank: rank a probe's neurons by weight mass, or a dataset's neurons by probeless / AP scores. */
import { NeurosieveError } from '../core/errors.js';
import { readProbe, type Probe } from '../probe/probe-file.js';
import { RANK_DEFAULTS, RANK_METHODS, rankNeurons, WEIGHT_SELECTIONS, writeRanking, type RankMethod, type RankOptions } from '../rank/rank.js';
import type { CommandSpec } from './args.js';
import type { Command } from './command.js';
import { activationOptions, choice, loadWithProgress, setDefined } from './options.js';

const d = RANK_DEFAULTS;

const spec: CommandSpec = {
  name: 'rank',
  summary: 'rank neurons: probe weight mass, probeless class means, or average precision',
  usage:
    'neurosieve rank probe.json --method weights [--fraction p | --stride s] -o ranking.json\n' +
    '       neurosieve rank [probe.json] --method probeless|iou --activations <inputs...> --labels <labels> -o ranking.json',
  positionals: { name: 'probe file', min: 0, max: 1 },
  options: [
    { name: 'output', short: 'o', kind: 'string', value: 'ranking.json', help: 'output JSON (ordering, cutoffs or scores, per-class lists)', required: true },
    choice('method', RANK_METHODS, d.method, 'ranking family (weights needs a probe; probeless and iou need activations and labels)'),
    choice('selection', WEIGHT_SELECTIONS, undefined, `weights: what to compute (default ${d.selection}, or top with --fraction)`),
    { name: 'fraction', kind: 'number', value: 'p', help: 'weights top/bottom: share of each class\'s weight mass; random: keep probability' },
    { name: 'stride', kind: 'int', value: 's', help: `weights ordering/granular: weight-mass steps (default ${d.stride}; the pipeline uses 1000)` },
    { name: 'granularity', kind: 'int', value: 'g', help: `weights granular: neurons per chunk (default ${d.granularity})` },
    { name: 'divisor', kind: 'number', value: 'f', help: 'weights threshold: keep |w| > max|w| / f' },
    { name: 'seed', kind: 'int', value: 'n', help: `weights random: PRNG seed (default ${d.seed})` },
    { name: 'activations', kind: 'list', value: 'inputs...', help: 'probeless/iou: activation files, directories or globs' },
    { name: 'labels', kind: 'string', value: 'labels', help: 'probeless/iou: one label per row (.json, .npy or NeuroX .label)' },
    { name: 'unknown', kind: 'string', value: 'class', help: 'map labels the probe does not know to this class (default: error)' },
    { name: 'class', kind: 'string', value: 'name', help: 'iou: rank by this class\'s average precision (default: class 1 of two, else the mean over classes)' },
    { name: 'zero-below', kind: 'number', value: 'x', help: `iou: activations with |x| below this count as 0 (default ${d.zeroBelow})` },
    { name: 'raw', kind: 'boolean', help: 'probeless/iou with a z-scoring probe: rank raw activations, not the z-scored features the probe sees' },
    ...activationOptions('worker threads, 0 = all cores (results do not depend on it)'),
  ],
};

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
    const probe: Probe | undefined = probePath ? readProbe(probePath) : undefined;
    const options: RankOptions = { method, threads: o.threads as number };
    setDefined(options, o, { selection: 'selection', fraction: 'fraction', stride: 'stride', granularity: 'granularity', divisor: 'divisor', seed: 'seed', target: 'class', zeroBelow: 'zero-below', unknown: 'unknown' });
    if (o.raw === true) options.zscore = false;
    const activations = method !== 'weights' ? await loadWithProgress(ctx, 'rank: loading', o.activations as string[], probe?.columns) : undefined;
    const ranking = await rankNeurons({ probe, activations, labels: o.labels as string | undefined }, options);
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
    if (ranking.unranked && ranking.unranked.length > 0) ctx.log(`  ${ranking.unranked.length} neuron(s) with zero weight in every class are not ranked`);
    return summary;
  },
};
