/** `neurosieve split`: activations + labels → train/dev(/test) files in an output directory (src/split/split.ts). */
import { NeurosieveError } from '../core/errors.js';
import { SEEDED_FRACTIONS, splitActivations, type SplitActivationsOptions } from '../split/split.js';
import type { ActivationFormat } from '../types.js';
import type { NanPolicy } from '../io/load.js';
import type { Command } from './command.js';
import { checkOutputs } from '../io/output-paths.js';
import { progressBar } from './progress.js';
import { splitSpec as spec } from './specs/split.js';

export const splitCommand: Command = {
  spec,
  async run(ctx) {
    const o = ctx.options;
    checkOutputs({ command: 'neurosieve split', directories: { '-o': o.output as string }, inputs: [...ctx.positionals, o.labels as string, o['by-sentence'] as string | undefined] });
    const seeded = o.seed !== undefined && o.compat !== true;
    if (!seeded) {
      // The reference splits train/dev only (its official dev set serves as test).
      for (const flag of ['dev', 'test'] as const) {
        if (o[flag] !== undefined) {
          throw new NeurosieveError('E_ARGUMENT', `Expected no --${flag} with the compat split (train/dev only; give --seed without --compat for train/dev/test) but received --${flag} ${String(o[flag])}`);
        }
      }
    }
    const options: SplitActivationsOptions = {
      labels: o.labels as string,
      out: o.output as string,
      mode: seeded ? 'seeded' : 'compat',
      balance: o.balance === true,
      overwrite: o.overwrite === true,
      format: o.format as ActivationFormat,
      nan: o.nan as NanPolicy,
      signal: ctx.signal,
    };
    if (o.seed !== undefined) options.seed = o.seed as number;
    if (o['by-sentence'] !== undefined) options.sentences = o['by-sentence'] as string;
    if (seeded) {
      const train = (o.train as number | undefined) ?? SEEDED_FRACTIONS.train;
      const dev = (o.dev as number | undefined) ?? SEEDED_FRACTIONS.dev;
      // Without --test, test takes what train and dev leave (none when they sum to 1).
      const test = (o.test as number | undefined) ?? Math.max(0, Math.round((1 - train - dev) * 1e12) / 1e12);
      options.fractions = { train, dev, test };
    } else if (o.train !== undefined) {
      options.trainFraction = o.train as number;
    }

    const bar = progressBar('split', 'rows', ctx.interactive);
    let r;
    try {
      r = await splitActivations(ctx.positionals, { ...options, onProgress: (p) => bar.update(p.rows, p.totalRows) });
    } finally {
      bar.done();
    }
    const m = r.manifest as { mode: string; seed: number; unit: string; items: number; balanced: boolean; labels: string[] };
    ctx.log(`wrote ${r.out}: ${r.rows} rows × ${r.cols} neurons, ${m.mode} split (seed ${m.seed}) of ${m.items} ${m.unit}s${m.balanced ? ', balanced' : ''} in ${r.seconds.toFixed(2)} s`);
    for (const [name, p] of Object.entries(r.parts)) {
      ctx.log(`  ${name.padEnd(5)} ${String(p.rows).padStart(9)} rows  ${p.activations}  (${p.counts.map((c, i) => `${m.labels[i]}: ${c}`).join(', ')})`);
    }
    return { out: r.out, rows: r.rows, cols: r.cols, mode: m.mode, seed: m.seed, unit: m.unit, balanced: m.balanced, parts: r.parts, seconds: r.seconds };
  },
};
