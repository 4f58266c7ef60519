/** `neurosieve convert`: activations from any format read into npy, safetensors or Arrow (src/convert/convert.ts). */
import { convertActivations, type ConvertOptions, type ConvertTarget } from '../convert/convert.js';
import type { NanPolicy } from '../io/load.js';
import { checkOutputs } from '../io/output-paths.js';
import type { Command } from './command.js';
import { openOptionsOf } from './options.js';
import { progressBar } from './progress.js';
import { convertSpec as spec } from './specs/convert.js';

export const convertCommand: Command = {
  spec,
  async run(ctx) {
    const o = ctx.options;
    checkOutputs({
      command: 'neurosieve convert',
      directories: { '-o': o.output as string },
      inputs: [...ctx.positionals, o.tokens as string | undefined, o.labels as string | undefined],
    });
    const options: ConvertOptions = {
      ...openOptionsOf(o),
      out: o.output as string,
      to: o.to as ConvertTarget,
      overwrite: o.overwrite === true,
      nan: o.nan as NanPolicy,
      signal: ctx.signal,
    };
    if (o.tokens !== undefined) options.tokens = o.tokens as string;
    if (o.labels !== undefined) options.labels = o.labels as string;
    const bar = progressBar('convert', 'rows', ctx.interactive);
    let r;
    try {
      r = await convertActivations(ctx.positionals, { ...options, onProgress: (p) => bar.update(p.rows, p.totalRows) });
    } finally {
      bar.done();
    }
    ctx.log(`wrote ${r.out} (${r.to}): ${r.rows} rows × ${r.cols} neurons in ${r.seconds.toFixed(2)} s: ${r.files.join(', ')}`);
    return { out: r.out, to: r.to, rows: r.rows, cols: r.cols, files: r.files, nonFinite: r.nonFinite, seconds: r.seconds };
  },
};
