/** neurosieve rank: rank a probe's neurons by weight mass, or a dataset's neurons by probeless / AP scores. */
import { loadActivations } from '../io/load.js';
import { NeurosieveError } from '../core/errors.js';
import { readProbe, type Probe } from '../probe/probe-file.js';
import { rankNeurons, writeRanking, type RankMethod, type RankOptions, type WeightSelection } from '../rank/rank.js';
import type { ActivationFormat } from '../types.js';
import type { CommandSpec } from './args.js';
import type { Command } from './command.js';
import { progressBar } from './progress.js';

const spec: CommandSpec = {
  name: 'rank',
  summary: 'rank neurons: probe weight mass, probeless class means, or average precision',
  usage:
    'neurosieve rank probe.json --method weights [--fraction p | --stride s] -o ranking.json\n' +
    '       neurosieve rank [probe.json] --method probeless|iou --activations <inputs...> --labels <labels> -o ranking.json',
  positionals: { name: 'probe file', min: 0, max: 1 },
  options: [
    { name: 'output', short: 'o', kind: 'string', value: 'ranking.json', help: 'output JSON (ordering, cutoffs or scores, per-class lists)', required: true },
    { name: 'method', kind: 'string', choices: ['weights', 'probeless', 'iou'], default: 'weights', help: 'ranking family (weights needs a probe; probeless and iou need activations and labels)' },
    { name: 'selection', kind: 'string', choices: ['ordering', 'granular', 'top', 'bottom', 'threshold', 'random'], help: 'weights: what to compute (default ordering, or top with --fraction)' },
    { name: 'fraction', kind: 'number', value: 'p', help: 'weights top/bottom: share of each class\'s weight mass; random: keep probability' },
    { name: 'stride', kind: 'int', value: 's', help: 'weights ordering/granular: weight-mass steps (default 100; the pipeline uses 1000)' },
    { name: 'granularity', kind: 'int', value: 'g', help: 'weights granular: neurons per chunk (default 50)' },
    { name: 'divisor', kind: 'number', value: 'f', help: 'weights threshold: keep |w| > max|w| / f' },
    { name: 'seed', kind: 'int', value: 'n', help: 'weights random: PRNG seed (default 0)' },
    { name: 'activations', kind: 'list', value: 'inputs...', help: 'probeless/iou: activation files, directories or globs' },
    { name: 'labels', kind: 'string', value: 'labels', help: 'probeless/iou: one label per row (.json, .npy or NeuroX .label)' },
    { name: 'unknown', kind: 'string', value: 'class', help: 'map labels the probe does not know to this class (default: error)' },
    { name: 'class', kind: 'string', value: 'name', help: 'iou: rank by this class\'s average precision (default: class 1 of two, else the mean over classes)' },
    { name: 'zero-below', kind: 'number', value: 'x', help: 'iou: activations with |x| below this count as 0 (default 0.05)' },
    { name: 'raw', kind: 'boolean', help: 'probeless/iou with a z-scoring probe: rank raw activations, not the z-scored features the probe sees' },
    { name: 'format', kind: 'string', choices: ['auto', 'npy', 'safetensors', 'neurox-jsonl'], default: 'auto', help: 'activation format' },
    { name: 'nan', kind: 'string', choices: ['error', 'zero'], default: 'error', help: 'NaN/Inf in activations: stop with an error, or replace by 0 and count' },
    { name: 'threads', kind: 'int', value: 'N', default: 0, help: 'worker threads, 0 = all cores (results do not depend on it)' },
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
    const set = <K extends keyof RankOptions>(k: K, v: unknown) => {
      if (v !== undefined) options[k] = v as RankOptions[K];
    };
    set('selection', o.selection as WeightSelection | undefined);
    set('fraction', o.fraction);
    set('stride', o.stride);
    set('granularity', o.granularity);
    set('divisor', o.divisor);
    set('seed', o.seed);
    set('target', o.class);
    set('zeroBelow', o['zero-below']);
    set('unknown', o.unknown);
    if (o.raw === true) options.zscore = false;
    let activations;
    if (method !== 'weights') {
      const bar = progressBar('rank: loading', 'rows', ctx.interactive);
      try {
        activations = await loadActivations(o.activations as string[], {
          format: o.format as ActivationFormat,
          nan: o.nan as 'error' | 'zero',
          ...(probe?.columns ? { columns: probe.columns } : {}),
          signal: ctx.signal,
          onProgress: (p) => bar.update(p.rows, p.totalRows),
        });
      } finally {
        bar.done();
      }
    }
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
