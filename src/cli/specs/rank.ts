/** The options and help of `neurosieve rank`, kept apart from its implementation (src/cli/rank.ts) so that help and
 * argument parsing load no command code. */
import { GAUSSIAN_DEFAULT_SELECT } from '../../rank/gaussian.js';
import { RANK_DEFAULTS, RANK_METHODS, WEIGHT_SELECTIONS } from '../../rank/rank.js';
import type { CommandSpec } from '../args.js';
import { activationOptions, choice, neuronsOption, neuronsPerLayerOption } from '../options.js';

const d = RANK_DEFAULTS;

export const rankSpec: CommandSpec = {
  name: 'rank',
  summary: 'rank neurons: probe weight mass, probeless class means, average precision, or Gaussian selection',
  usage:
    'neurosieve rank probe.json --method weights [--fraction p | --stride s] -o ranking.json\n' +
    '       neurosieve rank [probe.json] --method probeless|iou|gaussian --activations <inputs...> --labels <labels> -o ranking.json',
  positionals: { name: 'probe file', min: 0, max: 1 },
  options: [
    { name: 'output', short: 'o', kind: 'string', value: 'ranking.json', help: 'output JSON (ordering, cutoffs or scores, per-class lists)', required: true },
    choice('method', RANK_METHODS, d.method, 'ranking family (weights needs a probe; probeless, iou and gaussian need activations and labels)'),
    choice('selection', WEIGHT_SELECTIONS, undefined, `weights: what to compute (default ${d.selection}, or top with --fraction)`),
    { name: 'fraction', kind: 'number', value: 'p', help: 'weights top/bottom: share of each class\'s weight mass; random: keep probability' },
    { name: 'stride', kind: 'int', value: 's', help: `weights ordering/granular: weight-mass steps (default ${d.stride}; the pipeline uses 1000)` },
    { name: 'granularity', kind: 'int', value: 'g', help: `weights granular: neurons per chunk (default ${d.granularity})` },
    { name: 'divisor', kind: 'number', value: 'f', help: 'weights threshold: keep |w| > max|w| / f' },
    { name: 'seed', kind: 'int', value: 'n', help: `weights random: PRNG seed (default ${d.seed})` },
    { name: 'activations', kind: 'list', value: 'inputs...', help: 'probeless/iou/gaussian: activation files, directories or globs' },
    { name: 'labels', kind: 'string', value: 'labels', help: 'probeless/iou/gaussian: one label per row (.json, .npy or NeuroX .label)' },
    { name: 'unknown', kind: 'string', value: 'class', help: 'map labels the probe does not know to this class (default: error)' },
    { name: 'class', kind: 'string', value: 'name', help: 'iou: rank by this class\'s average precision (default: class 1 of two, else the mean over classes)' },
    { name: 'select', kind: 'int', value: 'k', help: `gaussian: neurons to select greedily by mutual information (default min(${GAUSSIAN_DEFAULT_SELECT}, neurons))` },
    { name: 'zero-below', kind: 'number', value: 'x', help: `iou: activations with |x| below this count as 0 (default ${d.zeroBelow})` },
    neuronsOption('columns', 'rank only these neurons (ids of the activations; with a probe, among its inputs)'),
    neuronsPerLayerOption(),
    { name: 'raw', kind: 'boolean', help: 'probeless/iou with a z-scoring probe: rank raw activations, not the z-scored features the probe sees' },
    ...activationOptions('worker threads, 0 = all cores (results do not depend on it)'),
  ],
};
