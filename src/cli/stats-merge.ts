/** neurosieve stats merge: combine stats files of the same width exactly (Chan et al. 1982). */
import { NeurosieveError } from '../core/errors.js';
import { mergeStats, readStats, writeStats } from '../correlate/stats.js';
import type { Command } from './command.js';

export const statsMergeCommand: Command = {
  spec: {
    name: 'stats merge',
    summary: 'merge stats files of the same width into one (exact)',
    usage: 'neurosieve stats merge a.stats b.stats [more.stats ...] -o merged.stats',
    positionals: { name: 'stats files', min: 2 },
    options: [{ name: 'output', short: 'o', kind: 'string', value: 'merged.stats', help: 'output stats file', required: true }],
  },
  async run(ctx) {
    const output = ctx.options.output as string;
    if (ctx.positionals.includes(output)) {
      throw new NeurosieveError('E_ARGUMENT', `Expected an output different from the inputs for neurosieve stats merge but received '${output}'`);
    }
    let merged = readStats(ctx.positionals[0]!);
    for (const path of ctx.positionals.slice(1)) merged = mergeStats(merged, readStats(path));
    writeStats(output, merged);
    ctx.log(`merged ${ctx.positionals.length} stats files: ${merged.count} rows, ${merged.cols} neurons -> ${output}`);
    return { output, count: merged.count, neurons: merged.cols, inputs: ctx.positionals };
  },
};
