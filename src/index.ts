/** neurosieve's public API. Everything exported here is the contract; src/native-types.ts is internal. */
export { NeurosieveError, type ErrorCode } from './errors.js';
export { openActivations, resolveInputs, type OpenOptions } from './dataset.js';
export { correlate, computeStats, correlationFromStats, defaultChunkRows } from './correlate.js';
export { mergeStats, readStats, writeStats } from './stats.js';
export { writeNpy, readNpy, type NpyArray, type NpyFile } from './io/npy.js';
export type * from './types.js';
export { kernelInfo } from './kernel-info.js';
export { synth, synthTruth } from './synth.js';
export type { SynthOptions, SynthTruth, SynthGroup, SynthMember, SynthProgress, SynthResult } from './synth.js';
export * from './extract/index.js';
export { linkage, LINKAGE_METHODS, type LinkageMethod, type LinkageOptions, type ClusterProgress } from './linkage.js';
export { fcluster, linkageTree, type FclusterCriterion, type LinkageTree } from './fcluster.js';
export { correlationClusters } from './correlation-clusters.js';
export type { CorrelationClusters, CorrelationClustersOptions, ClusterCut, Representative } from './correlation-clusters.js';
