/** neurosieve probe: train a linear probe (compat = NeuroX, exact = elastic net to a tolerance) and write probe.json. */
import { NeurosieveError } from '../core/errors.js';
import { checkOutputs } from '../io/output-paths.js';
import { probeFiles, sidecarName, writeProbe } from '../probe/probe-file.js';
import { dirname, join } from 'node:path';
import { TRAIN_PROBE_DEFAULTS, trainProbe, type TrainProbeOptions } from '../probe/train.js';
import type { Command } from './command.js';
import { loadWithProgress, openOptionsOf, resolveNeurons, selectorFiles, setDefined } from './options.js';
import { openActivations } from '../io/dataset.js';
import type { ActivationFormat } from '../types.js';
import { progressBar } from './progress.js';
import { probeSpec as spec } from './specs/probe.js';


export const probeCommand: Command = {
  spec,
  async run(ctx) {
    const o = ctx.options;
    const output = o.output as string;
    const started = performance.now();
    if (o.zscore === true && o['no-zscore'] === true) throw new NeurosieveError('E_ARGUMENT', "Expected one of --zscore and --no-zscore for 'neurosieve probe' but received both");
    const regression = o.targets !== undefined;
    if ((o.labels === undefined) === !regression) {
      throw new NeurosieveError('E_ARGUMENT', `Expected one of --labels (classification) and --targets (regression) for 'neurosieve probe' but received ${regression ? 'both' : 'neither'}`);
    }
    const held = regression ? 'validation-targets' : 'validation-labels';
    const other = regression ? 'validation-labels' : 'validation-targets';
    if (o[other] !== undefined) throw new NeurosieveError('E_ARGUMENT', `Expected --${held} rather than --${other} with --${regression ? 'targets' : 'labels'} for 'neurosieve probe'`);
    if ((o['validation-activations'] === undefined) !== (o[held] === undefined)) {
      throw new NeurosieveError('E_ARGUMENT', `Expected --validation-activations and --${held} together for 'neurosieve probe' but received only one`);
    }
    // The weights go to a sidecar beside -o (writeProbe's name for it), an output as much as the JSON is.
    checkOutputs({
      command: 'neurosieve probe',
      outputs: { '-o': output, '-o|weights file': output.trim() === '' ? undefined : join(dirname(output), sidecarName(output)) },
      inputs: [
        ...ctx.positionals,
        (o.labels ?? o.targets) as string,
        ...((o['validation-activations'] as string[] | undefined) ?? []),
        o[held] as string | undefined,
        ...(o.init !== undefined ? probeFiles(o.init as string) : []),
        ...selectorFiles(ctx, 'columns'),
      ],
    });
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
    setDefined(options, o, { patience: 'patience', optimizer: 'optimizer', learningRate: 'lr', epochs: 'epochs', batchSize: 'batch', seed: 'seed', init: 'init' });
    setDefined(options, o, { alpha: 'alpha', lambda: 'lambda', pathSteps: 'path-steps', tol: 'tol', maxIterations: 'max-iterations' });
    if (o.zscore === true) options.zscore = true;
    if (o['no-zscore'] === true) options.zscore = false;
    setDefined(options, o, { classWeights: 'class-weights', unknown: 'unknown' });
    const dataset = o.columns !== undefined ? openActivations(ctx.positionals, openOptionsOf(o)) : undefined;
    const columns = dataset ? resolveNeurons(ctx, 'columns', dataset.cols, ctx.positionals, dataset.layers) : undefined;
    const load = (inputs: string[], what: string) => loadWithProgress(ctx, `probe: loading ${what}`, inputs, columns);
    const activations = await load(ctx.positionals, 'train');
    const validation = o['validation-activations']
      ? { activations: await load(o['validation-activations'] as string[], 'validation'), ...(regression ? { targets: o[held] as string } : { labels: o[held] as string }) }
      : undefined;
    const bar = progressBar(`probe (${options.mode})`, options.mode === 'exact' ? 'λ' : 'steps', ctx.interactive);
    options.onProgress = (p) => bar.update(p.done, p.total, p.loss !== undefined ? `loss ${p.loss.toPrecision(5)}` : undefined);
    let probe;
    try {
      probe = await trainProbe({ activations, ...(regression ? { targets: o.targets as string } : { labels: o.labels as string }), ...(validation ? { validation } : {}) }, options);
    } finally {
      bar.done();
    }
    writeProbe(output, probe);
    const seconds = (performance.now() - started) / 1000;
    const solver = probe.solver ?? {};
    const nonzeros = probe.weight.reduce((n, w) => n + (w !== 0 ? 1 : 0), 0);
    // Classification: accuracy; regression: R² (and the mean squared error in the log).
    const metrics = probe.metrics as Record<'train' | 'validation', { accuracy?: number; r2?: number; mse?: number } | undefined>;
    const score = (m: { accuracy?: number; r2?: number } | undefined) => (m ? (regression ? m.r2! : m.accuracy!) : null);
    const summary = {
      output,
      mode: probe.mode,
      task: regression ? 'regression' : 'classification',
      ...(regression ? { outputs: probe.classes.length } : { classes: probe.classes.length }),
      neurons: probe.neurons,
      rows: activations.rows,
      ...(regression
        ? { trainR2: score(metrics.train), validationR2: score(metrics.validation), trainMse: metrics.train!.mse, validationMse: metrics.validation?.mse ?? null }
        : { trainAccuracy: score(metrics.train), validationAccuracy: score(metrics.validation) }),
      nonzeros,
      objective: solver.objective ?? null,
      iterations: solver.iterations ?? solver.epochs ?? null,
      converged: solver.converged ?? null,
      warning: solver.warning ?? null,
      seconds: Number(seconds.toFixed(3)),
    };
    const shape = regression ? `regression probe: ${probe.classes.length} output${probe.classes.length > 1 ? 's' : ''}` : `probe: ${probe.classes.length} classes`;
    ctx.log(`${probe.mode} ${shape} × ${probe.neurons} neurons, ${nonzeros} nonzero weights -> ${output} (${seconds.toFixed(2)} s)`);
    if (regression) {
      const v = metrics.validation;
      ctx.log(`  train R² ${metrics.train!.r2!.toFixed(4)} (MSE ${metrics.train!.mse!.toPrecision(4)})${v ? `, validation R² ${v.r2!.toFixed(4)} (MSE ${v.mse!.toPrecision(4)})` : ''}`);
    } else {
      ctx.log(`  train accuracy ${metrics.train!.accuracy!.toFixed(4)}${metrics.validation ? `, validation accuracy ${metrics.validation.accuracy!.toFixed(4)}` : ''}`);
    }
    if (solver.objective !== undefined) ctx.log(`  objective ${Number(solver.objective).toPrecision(10)} after ${String(summary.iterations)} iterations${solver.converged === false ? ' (NOT converged)' : ''}`);
    if (solver.warning) process.stderr.write(`neurosieve probe: warning: ${String(solver.warning)}\n`);
    return summary;
  },
};
