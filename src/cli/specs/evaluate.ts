/** The options and help of `neurosieve evaluate`, kept apart from its implementation (src/cli/evaluate.ts) so that help and
 * argument parsing load no command code. */
import type { CommandSpec } from '../args.js';
import { activationOptions } from '../options.js';

export const evaluateSpec: CommandSpec = {
  name: 'evaluate',
  summary: "a probe's accuracy, F1, Matthews correlation, per-class scores and confusion matrix on labelled activations (regression probes: MSE, R², Pearson r)",
  usage: 'neurosieve evaluate probe.json <activations...> --labels <labels> | --targets <targets> [-o metrics.json]',
  positionals: { name: 'probe file and activation inputs', min: 2 },
  options: [
    { name: 'labels', kind: 'string', value: 'labels', help: 'one label per row (.json, integer .npy or NeuroX .label), for a classification probe' },
    { name: 'targets', kind: 'string', value: 'targets', help: 'real targets per row, for a regression probe (MSE, R², Pearson r)' },
    { name: 'output', short: 'o', kind: 'string', value: 'metrics.json', help: 'write the metrics as JSON' },
    { name: 'unknown', kind: 'string', value: 'class', help: 'map labels the probe does not know to this class (default: error)' },
    ...activationOptions('worker threads, 0 = all cores'),
  ],
};
