/** neurosieve stats merge: combine stats files of the same width exactly (Chan et al. 1982). */
import { NeurosieveError } from '../core/errors.js';
import { checkOutputs } from '../io/output-paths.js';
import { expectDistinctStatsFiles, mergeStats, readStats, writeStats } from '../correlate/stats.js';
import type { Command } from './command.js';
import { statsMergeSpec } from './specs/stats-merge.js';

export const statsMergeCommand: Command = {
  spec: statsMergeSpec,
  async run(ctx) {
    const output = ctx.options.output as string;
    checkOutputs({ command: 'neurosieve stats merge', outputs: { '-o': output }, inputs: ctx.positionals });
    expectDistinctStatsFiles(ctx.positionals);
    const first = ctx.positionals[0]!;
    let merged = readStats(first);
    let anySums = merged.layerSums !== undefined;
    for (const path of ctx.positionals.slice(1)) {
      const next = readStats(path);
      // Checked here as well as in mergeStats, which sees only the statistics: this message can name the files.
      if (next.cols !== merged.cols) {
        throw new NeurosieveError('E_WIDTH', `${path}: has ${next.cols} neurons, but ${first} has ${merged.cols}; stats files merge only at the same width`);
      }
      anySums ||= next.layerSums !== undefined;
      merged = mergeStats(merged, next);
    }
    writeStats(output, merged);
    ctx.log(`merged ${ctx.positionals.length} stats files: ${merged.count} rows, ${merged.cols} neurons -> ${output}`);
    // Debiased CKA's layer sums merge only when every file kept them over the same layers (src/cka/layer-sums.ts).
    if (anySums && !merged.layerSums) ctx.log('  layer sums dropped: not every file holds them over the same layers (debiased CKA needs them)');
    return { output, count: merged.count, neurons: merged.cols, layerSums: merged.layerSums !== undefined, inputs: ctx.positionals };
  },
};
