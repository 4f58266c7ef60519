/** The options and help of `neurosieve synth`, kept apart from its implementation (src/cli/synth.ts) so that help and
 * argument parsing load no command code. */
import { SYNTH_DEFAULTS, SYNTH_DTYPES, SYNTH_RICHER_DEFAULTS as r } from '../../synth/synth.js';
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
    { name: 'families', kind: 'int', value: 'F', help: 'nested groups: plain group g joins family g mod F (groups >= 2F); default 0' },
    { name: 'family-weight', kind: 'number', value: 'W', help: `share of a group latent that is its family's: r across a family's groups = W rho_i rho_j (default ${r.familyWeight})` },
    { name: 'graded', kind: 'int', value: 'N', help: 'graded groups: |r| with the base evenly from --graded-r MAX down to MIN (default 0)' },
    { name: 'graded-size', kind: 'int', value: 'N', help: `neurons per graded group (default ${r.gradedSize})` },
    { name: 'graded-r', kind: 'string', value: 'MIN:MAX', help: `|r| range of graded members with their base (default ${r.gradedR.join(':')})` },
    { name: 'spanning', kind: 'int', value: 'N', help: 'groups with one member in every layer (needs --layers >= 2; default 0)' },
    { name: 'near-constant', kind: 'int', value: 'N', help: 'near-constant neurons: value + std e (default 0)' },
    { name: 'near-constant-std', kind: 'number', value: 'S', help: `their std (default ${r.nearConstantStd})` },
    { name: 'concepts', kind: 'int', value: 'C', help: 'planted label classes (>= 2; default 0): writes <out>.labels.npy, a class per row, and concept neurons' },
    { name: 'concept-neurons', kind: 'int', value: 'N', help: `concept neurons per class (default ${r.conceptNeurons})` },
    { name: 'concept-shift', kind: 'number', value: 'S', help: `a concept neuron's shift on rows of its class (default ${r.conceptShift})` },
    { name: 'layer-blocks', kind: 'number', value: 'R', help: 'r between independent neurons of one layer, in [0, 1) (default 0)' },
    { name: 'tail-dof', kind: 'int', value: 'NU', help: "heavy-tailed noise: Student-t with NU in [3, 100] degrees of freedom, unit variance (default 0: normal)" },
    choice('dtype', SYNTH_DTYPES, d.dtype, 'element type on disk'),
    { name: 'seed', kind: 'int', value: 'S', default: d.seed, help: 'random seed: same seed and options, same bytes' },
    threadsOption('worker threads, 0 = all (never changes the output)'),
  ],
};
