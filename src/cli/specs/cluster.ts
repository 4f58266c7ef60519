/** The options and help of `neurosieve cluster`, kept apart from its implementation (src/cli/cluster.ts) so that help and
 * argument parsing load no command code. */
import { LINKAGE_METHODS, TIES } from '../../cluster/linkage.js';
import type { CommandSpec } from '../args.js';
import { backendOption, choice, neuronsOption, neuronsPerLayerOption, threadsOption } from '../options.js';
import { CLUSTER_DEFAULTS, PRECISIONS, REPRESENTATIVES, THRESHOLD_RANGE } from '../../cluster/correlation-clusters.js';

export const clusterSpec: CommandSpec = {
  name: 'cluster',
  summary: 'hierarchical clustering of neurons by correlation (d = 1 - |r|), flat clusters at each threshold',
  usage: 'neurosieve cluster <corr.npy | run.stats | edges.safetensors> --threshold 0.3 [0.1 0.2 ...] -o clusters.json [--linkage-out Z.npy] [options]',
  positionals: { name: 'input (a D×D correlation .npy, a stats file, or an edge file from corr --edges)', min: 1, max: 1 },
  options: [
    { name: 'output', short: 'o', kind: 'string', value: 'clusters.json', required: true, help: 'per threshold: cluster of each neuron, kept neurons, counts' },
    { name: 'threshold', short: 't', kind: 'list', value: 't ...', required: true, help: `distance thresholds in [${THRESHOLD_RANGE.join(', ')}]: merges of height <= t join` },
    choice('linkage', LINKAGE_METHODS, CLUSTER_DEFAULTS.method, 'linkage method'),
    { name: 'linkage-out', kind: 'string', value: 'Z.npy', help: "also write the linkage matrix (float64, (D-1)×4, scipy's layout)" },
    choice('representative', REPRESENTATIVES, CLUSTER_DEFAULTS.representative, 'kept neuron: seeded random member (compatible) or highest mean |r|'),
    { name: 'seed', kind: 'int', value: 'S', default: CLUSTER_DEFAULTS.seed, help: 'seed of the random representatives' },
    choice('precision', PRECISIONS, CLUSTER_DEFAULTS.precision, "distance storage: float32 (half scipy's memory) or float64 (scipy's Z exactly)"),
    backendOption(CLUSTER_DEFAULTS.backend, 'linkage: C++ NN-chain (default), WebGPU reciprocal nearest neighbours (same Z; exact ties hand over to native), or auto (WebGPU on a real GPU)'),
    choice('ties', TIES, CLUSTER_DEFAULTS.ties, "webgpu: 'exact' hands ties over to the C++ engine (the CPU's Z); 'any' breaks them on the device (a valid dendrogram, may differ where ties are)"),
    { name: 'repair', kind: 'boolean', help: "repair a matrix that is not a correlation matrix as NeuroX does (NaN -> 0, clip to [-1, 1], symmetrise (r + r^T)/2, ignore the diagonal), counting each kind; default: refuse it naming the first bad (row, column). Tolerances 1e-6; stats files are never repaired" },
    neuronsOption('columns', 'cluster these neurons only (clusters.json names original ids)'),
    neuronsPerLayerOption(),
    threadsOption('worker threads, 0 = all cores (never changes the result)'),
    { name: 'max-cut', kind: 'number', value: 't', help: 'edge file input: build the tree up to this height (default: the largest --threshold; at most 1 − the file\'s τ)' },
    { name: 'data', kind: 'list', value: 'inputs...', help: "edge file input, average linkage: the activations to recompute pairs from (default: the edge file's sources)" },
  ],
};
