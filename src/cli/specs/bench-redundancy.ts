/** The options and help of `neurosieve bench-redundancy` (src/cli/bench-redundancy.ts). */
import { LINKAGE_METHODS } from '../../cluster/linkage.js';
import { REPRESENTATIVES } from '../../cluster/correlation-clusters.js';
import { BENCH_DEFAULTS } from '../../redbench/bench.js';
import { BENCH_SETTINGS } from '../../redbench/settings.js';
import type { CommandSpec } from '../args.js';

export const benchRedundancySpec: CommandSpec = {
  name: 'bench-redundancy',
  summary: 'benchmark redundancy methods (ours and external commands) on synthetic data with planted truth: scores, time, memory',
  usage: "neurosieve bench-redundancy -o bench.json [--settings plain graded ...] [--sizes 10000x256 ...] [--linkage average complete] [--command 'name=python3 m.py {corr} {out}']",
  options: [
    { name: 'output', short: 'o', kind: 'string', value: 'bench.json', required: true, help: 'every run: its scores per cut, wall and CPU time, peak RSS; the datasets and the machine' },
    { name: 'settings', kind: 'list', value: 'names...', help: `synthetic settings: ${BENCH_SETTINGS.map((s) => s.name).join(', ')} (default all)` },
    { name: 'sizes', kind: 'list', value: 'TxD...', help: `tokens x neurons per dataset (default ${BENCH_DEFAULTS.sizes.map((s) => `${s.tokens}x${s.neurons}`).join(' ')})` },
    { name: 'linkage', kind: 'list', value: 'methods...', help: `linkages to run (${LINKAGE_METHODS.join(', ')}; default average complete); 'none' runs no clustering` },
    { name: 'threshold', short: 't', kind: 'numbers', value: 't...', help: `cuts of each clustering (default ${BENCH_DEFAULTS.thresholds.join(' ')})` },
    { name: 'representative', kind: 'list', value: 'kinds...', help: `kept neuron per cluster: ${REPRESENTATIVES.join(', ')} (default random)` },
    { name: 'no-probeless', kind: 'boolean', help: 'skip the probeless ranking (run on settings with planted labels)' },
    { name: 'command', kind: 'list', value: "'name=argv'...", help: 'external methods: a name, =, and a command line with {activations} {corr} {labels} {out} {dir} {neurons} {tokens} {layers} {seed}; it writes {out} (README: the file contract)' },
    { name: 'seeds', kind: 'numbers', value: 's...', help: 'one dataset per seed (default 0)' },
    { name: 'report', kind: 'string', value: 'bench.html', help: 'also write the HTML page of the sweep (as neurosieve report bench.json does)' },
    { name: 'keep', kind: 'string', value: 'dir', help: 'keep the datasets and every run\'s files in this folder (default: a temporary folder, removed)' },
    { name: 'timeout', kind: 'number', value: 'seconds', default: BENCH_DEFAULTS.timeoutSeconds, help: 'kill a method running longer than this' },
  ],
};
