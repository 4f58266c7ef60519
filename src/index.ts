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
export { loadActivations, openRowStream, type LoadOptions, type LoadedActivations, type RowStream, type RowStreamOptions } from './load.js';
export { readLabels, labelsFromArray, type Labels, type ReadLabelsOptions } from './probe/labels.js';
export { readProbe, writeProbe, type Probe } from './probe/probe-file.js';
export { computeMetrics, metricsFromConfusion, type Metrics, type ClassScores } from './probe/metrics.js';
export { gpu, releaseGpu, listAdapters, type Gpu, type GpuAdapterSummary } from './gpu/device.js';
export { uploadActivations, probeLogits, probeLossGradient, probeGradWeights, type GpuActivations, type GpuStorage, type ProbeLossGradient } from './gpu/probe-kernels.js';
export { selfTest, type SelfTest } from './self-test.js';
