/** neurosieve probe: train a linear probe (compat = NeuroX, exact = elastic net to a tolerance) and write probe.json. */
import { NeurosieveError } from '../core/errors.js';
import { writeProbe } from '../probe/probe-file.js';
import { CLASS_WEIGHT_MODES, PROBE_MODES, TRAIN_PROBE_DEFAULTS, trainProbe, type TrainProbeOptions } from '../probe/train.js';
import { COMPAT_DEFAULTS, OPTIMIZERS } from '../probe/train-compat.js';
import { EXACT_DEFAULTS } from '../probe/train-exact.js';
import type { CommandSpec } from './args.js';
import type { Command } from './command.js';
import { activationOptions, backendOption, choice, loadWithProgress, setDefined, shown } from './options.js';
import { progressBar } from './progress.js';

const spec: CommandSpec = {
  name: 'probe',
  summary: 'train a linear probe on activations and labels (compat: NeuroX; exact: elastic net to a tolerance)',
  usage: 'neurosieve probe <activations...> --labels <labels> [--mode compat|exact] [--validation-activations ... --validation-labels ...] -o probe.json',
  positionals: { name: 'activation inputs', min: 1 },
  options: [
    { name: 'output', short: 'o', kind: 'string', value: 'probe.json', help: 'output probe (JSON; weights in a sidecar .safetensors next to it)', required: true },
    { name: 'labels', kind: 'string', value: 'labels', help: 'one label per row (.json, integer .npy or NeuroX .label)', required: true },
    choice('mode', PROBE_MODES, TRAIN_PROBE_DEFAULTS.mode, 'compat: NeuroX trainer (Adam/SGD, minibatches); exact: elastic net solved to --tol'),
    { name: 'validation-activations', kind: 'list', value: 'inputs...', help: 'held-out activations (metrics, --patience, --grid)' },
    { name: 'validation-labels', kind: 'string', value: 'labels', help: 'labels of the held-out activations' },
    { name: 'l1', kind: 'numbers', value: 'λ1...', help: 'compat: L1 penalty λ1 (several values with --grid)' },
    { name: 'l2', kind: 'numbers', value: 'λ2...', help: 'compat: L2 (Frobenius norm) penalty λ2 (several values with --grid)' },
    { name: 'grid', kind: 'boolean', help: 'compat: grid search over --l1 × --l2 on validation accuracy (default grid: method.md §3)' },
    { name: 'patience', kind: 'int', value: 'n', help: 'compat: early stopping on validation accuracy (counter never reset, last model kept)' },
    choice('optimizer', OPTIMIZERS, undefined, `compat: optimiser (default ${COMPAT_DEFAULTS.optimizer})`),
    { name: 'lr', kind: 'number', value: 'rate', help: `compat: learning rate (default ${shown(COMPAT_DEFAULTS.learningRate)})` },
    { name: 'epochs', kind: 'int', value: 'n', help: `compat: epochs (default ${COMPAT_DEFAULTS.epochs})` },
    { name: 'batch', kind: 'int', value: 'rows', help: `compat: minibatch rows (default ${COMPAT_DEFAULTS.batchSize})` },
    { name: 'seed', kind: 'int', value: 'n', help: `compat: initialisation seed (default ${COMPAT_DEFAULTS.seed})` },
    { name: 'alpha', kind: 'number', value: 'α', help: `exact: L1 share of the elastic net, 0..1 (default ${EXACT_DEFAULTS.alpha})` },
    { name: 'lambda', kind: 'number', value: 'λ', help: `exact: penalty strength (default λ_max / ${1 / EXACT_DEFAULTS.lambdaRatio})` },
    { name: 'path-steps', kind: 'int', value: 'n', help: `exact: warm-start steps from λ_max down to --lambda (default ${EXACT_DEFAULTS.pathSteps})` },
    { name: 'tol', kind: 'number', value: 'tol', help: `exact: stop when the optimality violation is below tol × the gradient scale (default ${shown(EXACT_DEFAULTS.tol)})` },
    { name: 'max-iterations', kind: 'int', value: 'n', help: `exact: iteration cap per λ (default ${EXACT_DEFAULTS.maxIterations})` },
    { name: 'zscore', kind: 'boolean', help: 'z-score features with the train statistics (default in exact mode)' },
    { name: 'no-zscore', kind: 'boolean', help: 'train on raw activations (default in compat mode)' },
    choice('class-weights', CLASS_WEIGHT_MODES, undefined, 'weight each class by n / (classes × its rows)'),
    { name: 'columns', kind: 'numbers', value: 'ids...', help: 'train on these neuron ids only' },
    { name: 'unknown', kind: 'string', value: 'class', help: 'map validation labels the train set does not have to this class (default: error)' },
    ...activationOptions('worker threads, 0 = all cores (results do not depend on it)'),
    backendOption(TRAIN_PROBE_DEFAULTS.backend, 'exact: native solver, or WebGPU FISTA polished natively to --tol; auto = WebGPU on a real GPU (compat: native only)'),
  ],
};

export const probeCommand: Command = {
  spec,
  async run(ctx) {
    const o = ctx.options;
    const output = o.output as string;
    const started = performance.now();
    if (o.zscore === true && o['no-zscore'] === true) throw new NeurosieveError('E_ARGUMENT', "Expected one of --zscore and --no-zscore for 'neurosieve probe' but received both");
    if ((o['validation-activations'] === undefined) !== (o['validation-labels'] === undefined)) {
      throw new NeurosieveError('E_ARGUMENT', "Expected --validation-activations and --validation-labels together for 'neurosieve probe' but received only one");
    }
    const l1 = o.l1 as number[] | undefined;
    const l2 = o.l2 as number[] | undefined;
    if (!o.grid && ((l1?.length ?? 0) > 1 || (l2?.length ?? 0) > 1)) {
      throw new NeurosieveError('E_ARGUMENT', "Expected one value for --l1 and --l2 of 'neurosieve probe' but received several (add --grid to search them)");
    }
    const options: TrainProbeOptions = { mode: o.mode as TrainProbeOptions['mode'], threads: o.threads as number, signal: ctx.signal };
    // --backend defaults to auto; only an explicit webgpu reaches a compat run (and is refused there by name).
    if (o.backend !== TRAIN_PROBE_DEFAULTS.backend) options.backend = o.backend as TrainProbeOptions['backend'];
    if (o.grid) {
      options.grid = true;
      if (l1 !== undefined) options.l1Grid = l1;
      if (l2 !== undefined) options.l2Grid = l2;
    } else {
      if (l1 !== undefined) options.l1 = l1[0];
      if (l2 !== undefined) options.l2 = l2[0];
    }
    setDefined(options, o, { patience: 'patience', optimizer: 'optimizer', learningRate: 'lr', epochs: 'epochs', batchSize: 'batch', seed: 'seed' });
    setDefined(options, o, { alpha: 'alpha', lambda: 'lambda', pathSteps: 'path-steps', tol: 'tol', maxIterations: 'max-iterations' });
    if (o.zscore === true) options.zscore = true;
    if (o['no-zscore'] === true) options.zscore = false;
    setDefined(options, o, { classWeights: 'class-weights', unknown: 'unknown' });
    const columns = o.columns as number[] | undefined;
    const load = (inputs: string[], what: string) => loadWithProgress(ctx, `probe: loading ${what}`, inputs, columns);
    const activations = await load(ctx.positionals, 'train');
    const validation = o['validation-activations']
      ? { activations: await load(o['validation-activations'] as string[], 'validation'), labels: o['validation-labels'] as string }
      : undefined;
    const bar = progressBar(`probe (${options.mode})`, options.mode === 'exact' ? 'λ' : 'steps', ctx.interactive);
    options.onProgress = (p) => bar.update(p.done, p.total, p.loss !== undefined ? `loss ${p.loss.toPrecision(5)}` : undefined);
    let probe;
    try {
      probe = await trainProbe({ activations, labels: o.labels as string, ...(validation ? { validation } : {}) }, options);
    } finally {
      bar.done();
    }
    writeProbe(output, probe);
    const seconds = (performance.now() - started) / 1000;
    const metrics = probe.metrics as { train: { accuracy: number }; validation?: { accuracy: number } };
    const solver = probe.solver ?? {};
    const nonzeros = probe.weight.reduce((n, w) => n + (w !== 0 ? 1 : 0), 0);
    const summary = {
      output,
      mode: probe.mode,
      classes: probe.classes.length,
      neurons: probe.neurons,
      rows: activations.rows,
      trainAccuracy: metrics.train.accuracy,
      validationAccuracy: metrics.validation?.accuracy ?? null,
      nonzeros,
      objective: solver.objective ?? null,
      iterations: solver.iterations ?? solver.epochs ?? null,
      converged: solver.converged ?? null,
      warning: solver.warning ?? null,
      seconds: Number(seconds.toFixed(3)),
    };
    ctx.log(`${probe.mode} probe: ${probe.classes.length} classes × ${probe.neurons} neurons, ${nonzeros} nonzero weights -> ${output} (${seconds.toFixed(2)} s)`);
    ctx.log(`  train accuracy ${metrics.train.accuracy.toFixed(4)}${metrics.validation ? `, validation accuracy ${metrics.validation.accuracy.toFixed(4)}` : ''}`);
    if (solver.objective !== undefined) ctx.log(`  objective ${Number(solver.objective).toPrecision(10)} after ${String(summary.iterations)} iterations${solver.converged === false ? ' (NOT converged)' : ''}`);
    if (solver.warning) process.stderr.write(`neurosieve probe: warning: ${String(solver.warning)}\n`);
    return summary;
  },
};
