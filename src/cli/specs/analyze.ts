/** The options and help of `neurosieve analyze`, kept apart from its implementation (src/cli/analyze.ts) so that help
 * and argument parsing load no command code. Defaults come from the API's tables (src/analyze/options.ts). */
import { ANALYZE_DEFAULTS, ANALYZE_EXACT_TOL, ANALYZE_METRICS, LCA_PERCENTAGES, PAPER_DELTAS, PAPER_THRESHOLDS } from '../../analyze/options.js';
import { MANIFEST_SPLITS, MANIFEST_TASKS } from '../../analyze/inputs.js';
import { LINKAGE_METHODS } from '../../cluster/linkage.js';
import { REPRESENTATIVES } from '../../cluster/correlation-clusters.js';
import { PROBE_MODES } from '../../probe/train.js';
import { OPTIMIZERS } from '../../probe/train-compat.js';
import type { CommandSpec } from '../args.js';
import { choice, shown } from '../options.js';

const d = ANALYZE_DEFAULTS;

export const analyzeSpec: CommandSpec = {
  name: 'analyze',
  summary: "the seed paper's whole analysis: oracle, layer probes, LS → CC → LCA, concept neurons, seed stability",
  usage: 'neurosieve analyze <extract-dir | config.json | activations... --labels L [--dev-activations ... --dev-labels L] [--test-activations ... --test-labels L]> -o analysis.json',
  positionals: { name: 'an extract/split output directory, a seed pipeline config (.json), or activation files', min: 1 },
  options: [
    { name: 'output', short: 'o', kind: 'string', value: 'analysis.json', help: "results (JSON; default for a config: <output_directory>/analysis.json)" },
    { name: 'labels', short: 'l', kind: 'string', value: 'file', help: 'train labels, one per row (with activation files)' },
    { name: 'dev-activations', kind: 'list', value: 'inputs...', help: 'dev activations (default: the reference 90/10 split of the train rows, seed 7361)' },
    { name: 'dev-labels', kind: 'string', value: 'file', help: 'dev labels' },
    { name: 'test-activations', kind: 'list', value: 'inputs...', help: 'test activations (scores reported, never used to decide)' },
    { name: 'test-labels', kind: 'string', value: 'file', help: 'test labels' },
    { name: 'neurons-per-layer', kind: 'int', value: 'H', help: 'layer width (default: the manifest\'s blocks, or the files\' layer count)' },
    choice('task', MANIFEST_TASKS, 'tokens', 'output directory: which task to analyse'),
    choice('splits', MANIFEST_SPLITS, 'manifest', "output directory: its train/dev/test files, or all its rows split as the reference splits (no test)"),
    choice('mode', PROBE_MODES, d.mode, 'probe trainer: compat (NeuroX) or exact (elastic net, one solution)'),
    { name: 'seeds', kind: 'int', value: 'n', help: `compat: oracle seeds, the best on dev kept (default ${d.seeds})` },
    { name: 'seed', kind: 'int', value: 'n', help: `first seed; also seeds the cluster representatives (default ${d.seed})` },
    { name: 'thresholds', kind: 'numbers', value: 't...', help: `clustering thresholds, -1 = none (default ${PAPER_THRESHOLDS.join(' ')})` },
    { name: 'deltas', kind: 'list', value: 'L:N...', help: `(δ_L, δ_N) pairs in percent (default ${PAPER_DELTAS.map(([a, b]) => `${a}:${b}`).join(' ')})` },
    { name: 'lca-percentages', kind: 'numbers', value: 'p...', help: `LCA grid, fractions of all neurons (default ${LCA_PERCENTAGES.length} values, ${LCA_PERCENTAGES[0]} … ${LCA_PERCENTAGES[LCA_PERCENTAGES.length - 1]})` },
    choice('metric', ANALYZE_METRICS, d.metric, 'the score decisions are made on'),
    { name: 'zscore', kind: 'boolean', help: 'z-score neurons with the train statistics (default, except for a seed config)' },
    { name: 'no-zscore', kind: 'boolean', help: 'use raw activations (the seed sentence pipeline)' },
    { name: 'balance', kind: 'boolean', help: 'undersample train and dev, each to its smallest class (NeuroX, seeded with --seed)' },
    choice('representative', REPRESENTATIVES, d.representative, 'the kept member of a cluster: seeded random, or most central'),
    choice('linkage', LINKAGE_METHODS, d.linkage, 'clustering linkage'),
    { name: 'concept-fraction', kind: 'number', value: 'p', help: `concept neurons: share of each class's weight mass (default ${d.conceptFraction})` },
    { name: 'top-words', kind: 'int', value: 'n', help: `words listed per concept neuron (default ${d.topWords})` },
    { name: 'ordering-stride', kind: 'int', value: 'n', help: `LCA ordering stride (default ${d.orderingStride})` },
    { name: 'no-compare-exact', kind: 'boolean', help: 'compat: skip the exact oracle the ranking is compared with' },
    { name: 'report', kind: 'string', value: 'page.html', help: 'where the HTML report goes (default: the results path with .html)' },
    { name: 'no-report', kind: 'boolean', help: 'write the results only, no HTML report' },
    { name: 'no-control-task', kind: 'boolean', help: 'skip the control task (random labels per word type) and selectivity' },
    { name: 'no-views', kind: 'boolean', help: "leave out the report's views (clusters, heatmaps, per-neuron data) from the results" },
    choice('optimizer', OPTIMIZERS, undefined, `compat: optimiser (default ${d.optimizer})`),
    { name: 'lr', kind: 'number', value: 'rate', help: `compat: learning rate (default ${shown(d.learningRate)})` },
    { name: 'epochs', kind: 'int', value: 'n', help: `compat: epochs (default ${d.epochs})` },
    { name: 'batch', kind: 'int', value: 'rows', help: `compat: minibatch rows (default ${d.batchSize})` },
    { name: 'l1', kind: 'number', value: 'λ1', help: `compat: L1 penalty (default ${shown(d.l1)})` },
    { name: 'l2', kind: 'number', value: 'λ2', help: `compat: L2 (Frobenius) penalty (default ${shown(d.l2)})` },
    { name: 'alpha', kind: 'number', value: 'α', help: 'exact: L1 share of the elastic net' },
    { name: 'lambda', kind: 'number', value: 'λ', help: 'exact: penalty strength' },
    { name: 'tol', kind: 'number', value: 'tol', help: `exact: solver tolerance (default ${shown(ANALYZE_EXACT_TOL)} here)` },
    { name: 'concurrency', kind: 'int', value: 'n', help: 'probes trained at once (default: one per core; results do not depend on it)' },
    { name: 'threads', kind: 'int', value: 'N', help: 'threads per probe (default: cores / concurrency; results do not depend on it)' },
  ],
};
