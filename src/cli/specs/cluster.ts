/** The options and help of `neurosieve cluster`, kept apart from its implementation (src/cli/cluster.ts) so that help and
 * argument parsing load no command code. */
import type { LinkageMethod } from '../../cluster/linkage.js';
import type { CommandSpec } from '../args.js';

// LINKAGE_METHODS, spelled out: importing it would load the clustering code (and the GPU programs behind it) on every
// `--help`. The two checks below make the compiler reject any difference between this list and LinkageMethod.
const LINKAGE_CHOICES = ['single', 'complete', 'average', 'weighted', 'ward'] as const satisfies readonly LinkageMethod[];
const everyMethodListed: [Exclude<LinkageMethod, (typeof LINKAGE_CHOICES)[number]>] extends [never] ? true : false = true;
void everyMethodListed;

export const clusterSpec: CommandSpec = {
  name: 'cluster',
  summary: 'hierarchical clustering of neurons by correlation (d = 1 - |r|), flat clusters at each threshold',
  usage: 'neurosieve cluster <corr.npy | run.stats> --threshold 0.3 [0.1 0.2 ...] -o clusters.json [--linkage-out Z.npy] [options]',
  positionals: { name: 'input (a D×D correlation .npy or a stats file)', min: 1, max: 1 },
  options: [
    { name: 'output', short: 'o', kind: 'string', value: 'clusters.json', required: true, help: 'per threshold: cluster of each neuron, kept neurons, counts' },
    { name: 'threshold', short: 't', kind: 'list', value: 't ...', required: true, help: 'distance thresholds in [0, 2]: merges of height <= t join' },
    { name: 'linkage', kind: 'string', choices: LINKAGE_CHOICES, default: 'average', help: 'linkage method' },
    { name: 'linkage-out', kind: 'string', value: 'Z.npy', help: "also write the linkage matrix (float64, (D-1)×4, scipy's layout)" },
    { name: 'representative', kind: 'string', choices: ['random', 'central'], default: 'random', help: 'kept neuron: seeded random member (compatible) or highest mean |r|' },
    { name: 'seed', kind: 'int', value: 'S', default: 0, help: 'seed of the random representatives' },
    { name: 'precision', kind: 'string', choices: ['float32', 'float64'], default: 'float32', help: "distance storage: float32 (half scipy's memory) or float64 (scipy's Z exactly)" },
    { name: 'backend', kind: 'string', choices: ['auto', 'native', 'webgpu'], default: 'native', help: "linkage: C++ NN-chain (default), WebGPU reciprocal nearest neighbours (same Z; exact ties hand over to native), or auto (WebGPU on a real GPU)" },
    { name: 'ties', kind: 'string', choices: ['exact', 'any'], default: 'exact', help: "webgpu: 'exact' hands ties over to the C++ engine (the CPU's Z); 'any' breaks them on the device (a valid dendrogram, may differ where ties are)" },
    { name: 'threads', kind: 'int', value: 'N', default: 0, help: 'worker threads, 0 = all cores (never changes the result)' },
  ],
};
