/** The options and help of `neurosieve synth`, kept apart from its implementation (src/cli/synth.ts) so that help and
 * argument parsing load no command code. */
import type { CommandSpec } from '../args.js';

export const synthSpec: CommandSpec = {
  name: 'synth',
  summary: 'write synthetic activations with planted groups of redundant neurons, and <out>.truth.json',
  usage: 'neurosieve synth -o data.npy --tokens T --neurons D [--groups G] [--seed S] [options]',
  options: [
    { name: 'out', short: 'o', kind: 'string', value: 'file.npy', required: true, help: 'output .npy; the truth goes to <out>.truth.json' },
    { name: 'tokens', kind: 'int', value: 'T', required: true, help: 'rows (tokens)' },
    { name: 'neurons', kind: 'int', value: 'D', required: true, help: 'neurons (columns)' },
    { name: 'layers', kind: 'int', value: 'L', default: 1, help: 'write [L, T, D/L] (L must divide D), as per-layer dumps are stored' },
    { name: 'groups', kind: 'int', value: 'G', help: 'groups of redundant neurons (default: a quarter of the neurons in groups)' },
    { name: 'group-size', kind: 'string', value: 'N|MIN:MAX', help: 'neurons per group, base included (default 4)' },
    { name: 'noise', kind: 'string', value: 'S|MIN:MAX', help: 'noise level of each copy: |r| with its base = 1/sqrt(1+S^2) (default 0.05:0.5)' },
    { name: 'constant', kind: 'int', value: 'N', help: 'constant (zero-variance) neurons (default ceil(D/100) when D >= 16)' },
    { name: 'large-mean', kind: 'int', value: 'N', help: 'neurons with mean ~1e4 and unit variance (default ceil(D/100) when D >= 16)' },
    { name: 'large-mean-value', kind: 'number', value: 'M', help: 'mean of the large-mean neurons, each within ±10% (default 10000)' },
    { name: 'offset', kind: 'number', value: 'X', help: 'added to every neuron (default 0)' },
    { name: 'dtype', kind: 'string', choices: ['float32', 'float16'], default: 'float32', help: 'element type on disk' },
    { name: 'seed', kind: 'int', value: 'S', default: 0, help: 'random seed: same seed and options, same bytes' },
    { name: 'threads', kind: 'int', value: 'N', default: 0, help: 'worker threads, 0 = all (never changes the output)' },
  ],
};
