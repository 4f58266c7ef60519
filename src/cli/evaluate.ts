/** neurosieve evaluate: a trained probe's metrics on activations + labels (its columns and normalisation applied). */
import { writeTextAtomic } from '../io/atomic.js';
import { checkOutputs } from '../io/output-paths.js';
import { probeFiles, readProbe } from '../probe/probe-file.js';
import { evaluate } from '../probe/train.js';
import type { Command } from './command.js';
import { expectProbeWidth, loadWithProgress } from './options.js';
import { evaluateSpec as spec } from './specs/evaluate.js';


export const evaluateCommand: Command = {
  spec,
  async run(ctx) {
    const o = ctx.options;
    const started = performance.now();
    const [probePath, ...inputs] = ctx.positionals;
    checkOutputs({ command: 'neurosieve evaluate', outputs: { '-o': o.output as string | undefined }, inputs: [...probeFiles(probePath!), ...inputs, o.labels as string] });
    const probe = readProbe(probePath!);
    expectProbeWidth(ctx, probePath!, probe, inputs);
    const acts = await loadWithProgress(ctx, 'evaluate: loading', inputs, probe.columns);
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
