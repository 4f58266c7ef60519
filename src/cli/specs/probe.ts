/** The options and help of `neurosieve probe`, kept apart from its implementation (src/cli/probe.ts) so that help and
 * argument parsing load no command code. */
import { CLASS_WEIGHT_MODES, PROBE_MODES, TRAIN_PROBE_DEFAULTS } from '../../probe/train.js';
import { COMPAT_DEFAULTS, OPTIMIZERS } from '../../probe/train-compat.js';
import { EXACT_DEFAULTS } from '../../probe/train-exact.js';
import type { CommandSpec } from '../args.js';
import { activationOptions, backendOption, choice, neuronsOption, neuronsPerLayerOption, shown } from '../options.js';

export const probeSpec: CommandSpec = {
  name: 'probe',
  summary: 'train a linear probe on activations and labels (compat: NeuroX; exact: elastic net to a tolerance)',
  usage:
    'neurosieve probe <activations...> --labels <labels> [--mode compat|exact] [--validation-activations ... --validation-labels ...] -o probe.json\n' +
    '       neurosieve probe <activations...> --targets <targets> [--mode compat|exact] [--validation-activations ... --validation-targets ...] -o probe.json',
  positionals: { name: 'activation inputs', min: 1 },
  options: [
    { name: 'output', short: 'o', kind: 'string', value: 'probe.json', help: 'output probe (JSON; weights in a sidecar .safetensors next to it)', required: true },
    { name: 'labels', kind: 'string', value: 'labels', help: 'one label per row (.json, integer .npy or NeuroX .label): a classification probe' },
    { name: 'targets', kind: 'string', value: 'targets', help: 'instead of --labels, real targets per row (float .npy [rows] or [rows, outputs], .json numbers, or text): a regression probe' },
    choice('mode', PROBE_MODES, TRAIN_PROBE_DEFAULTS.mode, 'compat: NeuroX trainer (Adam/SGD, minibatches); exact: elastic net solved to --tol'),
    { name: 'validation-activations', kind: 'list', value: 'inputs...', help: 'held-out activations (metrics, --patience, --grid)' },
    { name: 'validation-labels', kind: 'string', value: 'labels', help: 'labels of the held-out activations' },
    { name: 'validation-targets', kind: 'string', value: 'targets', help: 'regression: targets of the held-out activations' },
    { name: 'l1', kind: 'numbers', value: 'λ1...', help: 'compat: L1 penalty λ1 (several values with --grid)' },
    { name: 'l2', kind: 'numbers', value: 'λ2...', help: 'compat: L2 (Frobenius norm) penalty λ2 (several values with --grid)' },
    { name: 'grid', kind: 'boolean', help: 'compat: grid search over --l1 × --l2 on validation accuracy (default grid: method.md §3)' },
    { name: 'patience', kind: 'int', value: 'n', help: 'compat: early stopping on validation accuracy (counter never reset, last model kept)' },
    choice('optimizer', OPTIMIZERS, undefined, `compat: optimiser (default ${COMPAT_DEFAULTS.optimizer})`),
    { name: 'lr', kind: 'number', value: 'rate', help: `compat: learning rate (default ${shown(COMPAT_DEFAULTS.learningRate)})` },
    { name: 'epochs', kind: 'int', value: 'n', help: `compat: epochs (default ${COMPAT_DEFAULTS.epochs})` },
    { name: 'batch', kind: 'int', value: 'rows', help: `compat: minibatch rows (default ${COMPAT_DEFAULTS.batchSize})` },
    { name: 'seed', kind: 'int', value: 'n', help: `compat: initialisation seed (default ${COMPAT_DEFAULTS.seed})` },
    { name: 'init', kind: 'string', value: 'probe.json', help: 'compat: start from this probe\'s weights instead of --seed (same classes and neurons)' },
    { name: 'alpha', kind: 'number', value: 'α', help: `exact: L1 share of the elastic net, 0..1 (default ${EXACT_DEFAULTS.alpha})` },
    { name: 'lambda', kind: 'number', value: 'λ', help: `exact: penalty strength (default λ_max / ${1 / EXACT_DEFAULTS.lambdaRatio})` },
    { name: 'path-steps', kind: 'int', value: 'n', help: `exact: warm-start steps from λ_max down to --lambda (default ${EXACT_DEFAULTS.pathSteps})` },
    { name: 'tol', kind: 'number', value: 'tol', help: `exact: stop when the optimality violation is below tol × the gradient scale (default ${shown(EXACT_DEFAULTS.tol)})` },
    { name: 'max-iterations', kind: 'int', value: 'n', help: `exact: iteration cap per λ (default ${EXACT_DEFAULTS.maxIterations})` },
    { name: 'zscore', kind: 'boolean', help: 'z-score features with the train statistics (default in exact mode)' },
    { name: 'no-zscore', kind: 'boolean', help: 'train on raw activations (default in compat mode)' },
    choice('class-weights', CLASS_WEIGHT_MODES, undefined, 'weight each class by n / (classes × its rows)'),
    neuronsOption('columns', 'train on these neurons only'),
    neuronsPerLayerOption(),
    { name: 'unknown', kind: 'string', value: 'class', help: 'map validation labels the train set does not have to this class (default: error)' },
    ...activationOptions('worker threads, 0 = all cores (results do not depend on it)'),
    backendOption(TRAIN_PROBE_DEFAULTS.backend, 'exact: native solver, or WebGPU FISTA polished natively to --tol; auto = WebGPU on a real GPU (compat: native only)'),
  ],
};
