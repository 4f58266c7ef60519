/** neurosieve stats merge: combine stats files of the same width exactly (Chan et al. 1982). */
import { NeurosieveError } from '../core/errors.js';
import { expectDistinctStatsFiles, mergeStats, readStats, writeStats } from '../correlate/stats.js';
import type { Command } from './command.js';
import { statsMergeSpec } from './specs/stats-merge.js';

export const statsMergeCommand: Command = {
  spec: statsMergeSpec,
  async run(ctx) {
    const output = ctx.options.output as string;
    if (ctx.positionals.includes(output)) {
      throw new NeurosieveError('E_ARGUMENT', `Expected an output different from the inputs for neurosieve stats merge but received '${output}'`);
    }
    expectDistinctStatsFiles(ctx.positionals);
    let merged = readStats(ctx.positionals[0]!);
    for (const path of ctx.positionals.slice(1)) merged = mergeStats(merged, readStats(path));
    writeStats(output, merged);
    ctx.log(`merged ${ctx.positionals.length} stats files: ${merged.count} rows, ${merged.cols} neurons -> ${output}`);
    return { output, count: merged.count, neurons: merged.cols, inputs: ctx.positionals };
  },
};
