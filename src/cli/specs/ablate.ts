/** The options and help of `neurosieve ablate`, kept apart from its implementation (src/cli/ablate.ts) so that help and
 * argument parsing load no command code. */
import { ABLATE_DEFAULTS } from '../../probe/ablate.js';
import type { CommandSpec } from '../args.js';
import { activationOptions, neuronsOption, neuronsPerLayerOption } from '../options.js';

export const ablateSpec: CommandSpec = {
  name: 'ablate',
  summary: 're-score a probe with neurons removed (or only some kept), without retraining: metrics before and after',
  usage: 'neurosieve ablate probe.json <activations...> --labels <labels> (--remove | --keep) <selectors...> [--zero] -o ablation.json',
  positionals: { name: 'probe file and activation inputs', min: 2 },
  options: [
    { name: 'labels', kind: 'string', value: 'labels', help: 'one label per row (.json, integer .npy or NeuroX .label)', required: true },
    { name: 'output', short: 'o', kind: 'string', value: 'ablation.json', help: 'metrics before and after, kept and removed ids (JSON)', required: true },
    neuronsOption('remove', 'neurons to remove'),
    neuronsOption('keep', 'neurons to keep (every other input of the probe is removed)'),
    { name: 'zero', kind: 'boolean', help: `set the removed neurons' raw activations to 0 instead of dropping their weights (default: ${ABLATE_DEFAULTS.mode}, NeuroX's ablation; differs only for z-scoring probes)` },
    neuronsPerLayerOption(),
    { name: 'unknown', kind: 'string', value: 'class', help: 'map labels the probe does not know to this class (default: error)' },
    ...activationOptions('worker threads, 0 = all cores'),
  ],
};
