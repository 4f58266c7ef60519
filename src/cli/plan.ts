/** neurosieve plan: a dataset as shard jobs and a merge tree (src/distribute/plan.ts), written as plan.json. */
import { resolve } from 'node:path';
import { writeTextAtomic } from '../io/atomic.js';
import { checkOutputs } from '../io/output-paths.js';
import { makePlan } from '../distribute/plan.js';
import type { ActivationFormat } from '../types.js';
import type { Command } from './command.js';
import { planSpec } from './specs/plan.js';

export const planCommand: Command = {
  spec: planSpec,
  async run(ctx) {
    const o = ctx.options;
    const output = o.output as string;
    const root = resolve((o.root as string | undefined) ?? '.');
    const merged = resolve(root, o.merged as string);
    checkOutputs({ command: 'neurosieve plan', outputs: { '-o': output, '--merged': merged, '--merged|.manifest.json': `${merged}.manifest.json` }, inputs: ctx.positionals });
    const plan = makePlan(ctx.positionals, {
      root,
      output: merged,
      partials: resolve(root, o.partials as string),
      fanIn: o['fan-in'] as number,
      identity: o.identity as 'sampled' | 'full',
      nan: o.nan as 'error' | 'zero',
      format: o.format as ActivationFormat,
      ...(o['shard-rows'] !== undefined ? { shardRows: o['shard-rows'] as number } : {}),
      ...(o['chunk-rows'] !== undefined ? { chunkRows: o['chunk-rows'] as number } : {}),
    });
    writeTextAtomic(output, JSON.stringify(plan, null, 1) + '\n');
    ctx.log(`plan: ${plan.files.length} files, ${plan.shards.length} shard jobs, ${plan.merges.length} merge jobs, ${plan.rows >= 0 ? plan.rows : 'unknown'} rows × ${plan.cols} neurons -> ${output}`);
    ctx.log(`  root ${root}; partials ${plan.partials}/; merged result ${plan.output}`);
    return { output, root, files: plan.files.length, shards: plan.shards.length, merges: plan.merges.length, rows: plan.rows, cols: plan.cols, merged: plan.output, partials: plan.partials };
  },
};
