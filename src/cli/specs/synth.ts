/** The options and help of `neurosieve synth`, kept apart from its implementation (src/cli/synth.ts) so that help and
 * argument parsing load no command code. */
import { SYNTH_DEFAULTS, SYNTH_DTYPES } from '../../synth/synth.js';
import type { CommandSpec } from '../args.js';
import { choice, shown, threadsOption } from '../options.js';

const d = SYNTH_DEFAULTS;

export const synthSpec: CommandSpec = {
  name: 'synth',
  summary: 'write synthetic activations with planted groups of redundant neurons, and <out>.truth.json',
  usage: 'neurosieve synth -o data.npy --tokens T --neurons D [--groups G] [--seed S] [options]',
  options: [
    { name: 'out', short: 'o', kind: 'string', value: 'file.npy', required: true, help: 'output .npy; the truth goes to <out>.truth.json' },
    { name: 'tokens', kind: 'int', value: 'T', required: true, help: 'rows (tokens)' },
    { name: 'neurons', kind: 'int', value: 'D', required: true, help: 'neurons (columns)' },
    { name: 'layers', kind: 'int', value: 'L', default: d.layers, help: 'write [L, T, D/L] (L must divide D), as per-layer dumps are stored' },
    { name: 'groups', kind: 'int', value: 'G', help: 'groups of redundant neurons (default: a quarter of the neurons in groups)' },
    { name: 'group-size', kind: 'string', value: 'N|MIN:MAX', help: `neurons per group, base included (default ${d.groupSize})` },
    { name: 'noise', kind: 'string', value: 'S|MIN:MAX', help: `noise level of each copy: |r| with its base = 1/sqrt(1+S^2) (default ${d.noise.join(':')})` },
    { name: 'constant', kind: 'int', value: 'N', help: 'constant (zero-variance) neurons (default ceil(D/100) when D >= 16)' },
    { name: 'large-mean', kind: 'int', value: 'N', help: 'neurons with mean ~1e4 and unit variance (default ceil(D/100) when D >= 16)' },
    { name: 'large-mean-value', kind: 'number', value: 'M', help: `mean of the large-mean neurons, each within ±10% (default ${shown(d.largeMeanValue)})` },
    { name: 'offset', kind: 'number', value: 'X', help: `added to every neuron (default ${d.offset})` },
    choice('dtype', SYNTH_DTYPES, d.dtype, 'element type on disk'),
    { name: 'seed', kind: 'int', value: 'S', default: d.seed, help: 'random seed: same seed and options, same bytes' },
    threadsOption('worker threads, 0 = all (never changes the output)'),
  ],
};
