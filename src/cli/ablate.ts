/** neurosieve ablate: a probe's metrics with neurons removed or kept (src/probe/ablate.ts), before and after. */
import { NeurosieveError } from '../core/errors.js';
import { writeTextAtomic } from '../io/atomic.js';
import { openActivations } from '../io/dataset.js';
import { ablate } from '../probe/ablate.js';
import { checkOutputs } from '../io/output-paths.js';
import { probeFiles, readProbe } from '../probe/probe-file.js';
import { probePositions } from '../probe/restrict.js';
import type { ActivationFormat } from '../types.js';
import type { Command } from './command.js';
import { expectProbeWidth, loadWithProgress, openOptionsOf, resolveNeurons, selectorFiles } from './options.js';
import { ablateSpec as spec } from './specs/ablate.js';

export const ablateCommand: Command = {
  spec,
  async run(ctx) {
    const o = ctx.options;
    const output = o.output as string;
    const started = performance.now();
    if ((o.remove === undefined) === (o.keep === undefined)) {
      throw new NeurosieveError('E_ARGUMENT', `Expected exactly one of --remove and --keep for 'neurosieve ablate' but received ${o.remove === undefined ? 'neither' : 'both'}`);
    }
    const [probePath, ...inputs] = ctx.positionals;
    checkOutputs({ command: 'neurosieve ablate', outputs: { '-o': output }, inputs: [...probeFiles(probePath!), ...inputs, o.labels as string, ...selectorFiles(ctx, 'remove', 'keep')] });
    const probe = readProbe(probePath!);
    const dataset = openActivations(inputs, openOptionsOf(o));
    expectProbeWidth(ctx, probePath!, probe, inputs);
    const flag = o.remove !== undefined ? 'remove' : 'keep';
    const ids = resolveNeurons(ctx, flag, dataset.cols, inputs, dataset.layers)!;
    probePositions(probe, ids, `--${flag}`); // ids the probe does not see, named by the flag (the API names its option)
    const acts = await loadWithProgress(ctx, 'ablate: loading', inputs, probe.columns);
    const r = await ablate(probe, acts, o.labels as string, {
      [flag]: ids,
      mode: o.zero === true ? 'zero' : 'filter',
      threads: o.threads as number,
      signal: ctx.signal,
      ...(o.unknown !== undefined ? { unknown: o.unknown as string } : {}),
    });
    const delta = {
      accuracy: r.after.accuracy - r.before.accuracy,
      macroF1: r.after.macroF1 - r.before.macroF1,
      mcc: r.after.mcc - r.before.mcc,
      f1: r.after.f1 !== null && r.before.f1 !== null ? r.after.f1 - r.before.f1 : null,
    };
    writeTextAtomic(
      output,
      JSON.stringify({ format: 'neurosieve-ablation', version: 1, probe: probePath, mode: r.mode, neurons: r.neurons, keptCount: r.kept.length, removedCount: r.removed.length, before: r.before, after: r.after, delta, kept: r.kept, removed: r.removed }, null, 2) + '\n',
    );
    const seconds = (performance.now() - started) / 1000;
    ctx.log(`${r.mode}: ${r.removed.length} of ${r.neurons} neurons removed -> ${output} (${seconds.toFixed(2)} s)`);
    ctx.log(`  accuracy ${r.before.accuracy.toFixed(4)} -> ${r.after.accuracy.toFixed(4)}, macro F1 ${r.before.macroF1.toFixed(4)} -> ${r.after.macroF1.toFixed(4)}, MCC ${r.before.mcc.toFixed(4)} -> ${r.after.mcc.toFixed(4)}`);
    return {
      output,
      mode: r.mode,
      neurons: r.neurons,
      kept: r.kept.length,
      removed: r.removed.length,
      before: { accuracy: r.before.accuracy, macroF1: r.before.macroF1, mcc: r.before.mcc, f1: r.before.f1 },
      after: { accuracy: r.after.accuracy, macroF1: r.after.macroF1, mcc: r.after.mcc, f1: r.after.f1 },
      delta,
      seconds: Number(seconds.toFixed(3)),
    };
  },
};
