/** The options and help of `neurosieve stats merge`, kept apart from its implementation (src/cli/stats-merge.ts) so
 * that help and argument parsing load no command code. */
import type { CommandSpec } from '../args.js';

export const statsMergeSpec: CommandSpec = {
  name: 'stats merge',
  summary: 'merge stats files of the same width into one (exact)',
  usage: 'neurosieve stats merge a.stats b.stats [more.stats ...] -o merged.stats',
  positionals: { name: 'stats files', min: 2 },
  options: [{ name: 'output', short: 'o', kind: 'string', value: 'merged.stats', help: 'output stats file', required: true }],
};
