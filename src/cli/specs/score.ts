/** The options and help of `neurosieve score`, kept apart from its implementation (src/cli/score.ts). */
import { TRUTH_LEVELS } from '../../score/truth.js';
import { SCORE_DEFAULTS } from '../../score/score.js';
import type { CommandSpec } from '../args.js';
import { choice, neuronsOption, threadsOption } from '../options.js';

export const scoreSpec: CommandSpec = {
  name: 'score',
  summary: 'score a clustering, a neuron selection or a ranking against a synth truth file (ARI, NMI, groups recovered, redundancy left)',
  usage: 'neurosieve score <data.npy.truth.json> (--clusters clusters.json | --selection ids... | --ranking ranking.json) [--corr corr.npy] [-o score.json]',
  positionals: { name: 'truth file (<out>.truth.json of neurosieve synth)', min: 1, max: 1 },
  options: [
    { name: 'clusters', short: 'c', kind: 'list', value: 'file...', help: 'clusterings: clusters.json (every cut), integer labels .npy, or JSON labels / {labels} / {cuts}' },
    neuronsOption('selection', 'kept neurons to score'),
    { name: 'ranking', kind: 'string', value: 'ranking.json', help: 'a neurosieve rank output: concept neurons found in its first k' },
    { name: 'k', kind: 'numbers', value: 'k...', help: 'k for --ranking (default: the number of planted concept neurons)' },
    { name: 'corr', kind: 'string', value: 'corr.npy|run.stats', help: 'correlations for the redundancy left among kept neurons (max |r| to another kept neuron)' },
    { name: 'activations', kind: 'list', value: 'files...', help: 'or: activations to measure that redundancy on (one pass over the kept columns)' },
    choice('level', TRUTH_LEVELS, SCORE_DEFAULTS.level, 'planted partition: the groups, or families of nested groups as one cluster'),
    { name: 'output', short: 'o', kind: 'string', value: 'score.json', help: 'write every score as JSON' },
    threadsOption('worker threads, 0 = all cores (never changes the result)'),
  ],
};
