/** neurosieve evaluate: a trained probe's metrics on activations + labels (its columns and normalisation applied). */
import { writeTextAtomic } from '../io/atomic.js';
import { checkOutputs } from '../io/output-paths.js';
import { probeFiles, readProbe } from '../probe/probe-file.js';
import { NeurosieveError } from '../core/errors.js';
import { evaluate, evaluateRegression } from '../probe/train.js';
import type { Command } from './command.js';
import { expectProbeWidth, loadWithProgress } from './options.js';
import { evaluateSpec as spec } from './specs/evaluate.js';


export const evaluateCommand: Command = {
  spec,
  async run(ctx) {
    const o = ctx.options;
    const started = performance.now();
    const [probePath, ...inputs] = ctx.positionals;
    checkOutputs({ command: 'neurosieve evaluate', outputs: { '-o': o.output as string | undefined }, inputs: [...probeFiles(probePath!), ...inputs, (o.labels ?? o.targets) as string] });
    const probe = readProbe(probePath!);
    const regression = probe.task === 'regression';
    const given = regression ? 'targets' : 'labels';
    if (o[given] === undefined || o[regression ? 'labels' : 'targets'] !== undefined) {
      throw new NeurosieveError('E_ARGUMENT', `Expected --${given} (and not --${regression ? 'labels' : 'targets'}) for the ${regression ? 'regression' : 'classification'} probe ${probePath}`);
    }
    expectProbeWidth(ctx, probePath!, probe, inputs);
    const acts = await loadWithProgress(ctx, 'evaluate: loading', inputs, probe.columns);
    if (regression) {
      const m = await evaluateRegression(probe, acts, o.targets as string, { threads: o.threads as number });
      if (o.output) writeTextAtomic(o.output as string, JSON.stringify(m, null, 2) + '\n');
      const seconds = (performance.now() - started) / 1000;
      ctx.log(`${m.count} rows: R² ${m.r2.toFixed(4)}, MSE ${m.mse.toPrecision(4)}, Pearson r ${m.pearson === null ? 'undefined (constant)' : m.pearson.toFixed(4)}${o.output ? ` -> ${String(o.output)}` : ''}`);
      return { ...(o.output ? { output: o.output } : {}), count: m.count, mse: m.mse, r2: m.r2, pearson: m.pearson, seconds: Number(seconds.toFixed(3)) };
    }
    const metrics = await evaluate(probe, acts, o.labels as string, {
      threads: o.threads as number,
      ...(o.unknown !== undefined ? { unknown: o.unknown as string } : {}),
    });
    if (o.output) writeTextAtomic(o.output as string, JSON.stringify(metrics, null, 2) + '\n');
    const seconds = (performance.now() - started) / 1000;
    ctx.log(`${metrics.count} rows: accuracy ${metrics.accuracy.toFixed(4)}, macro F1 ${metrics.macroF1.toFixed(4)}, MCC ${metrics.mcc.toFixed(4)}${metrics.f1 !== null ? `, F1 ${metrics.f1.toFixed(4)}` : ''}${o.output ? ` -> ${String(o.output)}` : ''}`);
    return { ...(o.output ? { output: o.output } : {}), count: metrics.count, accuracy: metrics.accuracy, f1: metrics.f1, macroF1: metrics.macroF1, mcc: metrics.mcc, seconds: Number(seconds.toFixed(3)) };
  },
};
