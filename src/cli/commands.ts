/**
 * The command table: one entry per src/cli/<name>.ts with its name and one-line summary (all `neurosieve --help`
 * needs), a loader of its spec (options and help, src/cli/specs/, which read their choices and defaults from the
 * API's own tables) and a loader of its implementation. A command's spec and code, and the API modules behind them,
 * are imported only when that command is asked for, so `neurosieve --help` loads none of them. The name and summary
 * here must equal the spec's (test/cli/commands.test.ts). Two-word commands are matched first.
 */
import type { CommandSpec } from './args.js';
import type { Command } from './command.js';

export interface CommandEntry {
  name: string;
  summary: string;
  /** Imports the command's options and help. */
  spec(): Promise<CommandSpec>;
  /** Imports the command's implementation. */
  load(): Promise<Command>;
}

export const commands: CommandEntry[] = [
  {
    name: "stats merge",
    summary: 'merge stats files of the same width into one (exact)',
    spec: async () => (await import('./specs/stats-merge.js')).statsMergeSpec,
    load: async () => (await import('./stats-merge.js')).statsMergeCommand,
  },
  {
    name: "synth",
    summary: 'write synthetic activations with planted groups of redundant neurons, and <out>.truth.json',
    spec: async () => (await import('./specs/synth.js')).synthSpec,
    load: async () => (await import('./synth.js')).synthCommand,
  },
  {
    name: "corr",
    summary: 'Pearson correlation between all neurons (float32 D\u00d7D .npy)',
    spec: async () => (await import('./specs/corr.js')).corrSpec,
    load: async () => (await import('./corr.js')).corrCommand,
  },
  {
    name: "cka",
    summary: 'CKA between every pair of layers (linear or debiased), from activations or a stats file',
    spec: async () => (await import('./specs/cka.js')).ckaSpec,
    load: async () => (await import('./cka.js')).ckaCommand,
  },
  {
    name: "extract",
    summary: 'activations + Python token/statement labels from an ONNX code model',
    spec: async () => (await import('./specs/extract.js')).extractSpec,
    load: async () => (await import('./extract.js')).extractCommand,
  },
  {
    name: "split",
    summary: 'split activations + labels into train/dev(/test) files (the reference split, or seeded), optionally balanced',
    spec: async () => (await import('./specs/split.js')).splitSpec,
    load: async () => (await import('./split.js')).splitCommand,
  },
  {
    name: "convert",
    summary: 'activations in any format read (npy, safetensors, NeuroX JSON lines / HDF5, Arrow) \u2192 a directory of npy, safetensors or Arrow',
    spec: async () => (await import('./specs/convert.js')).convertSpec,
    load: async () => (await import('./convert.js')).convertCommand,
  },
  {
    name: "analyze",
    summary: "the seed paper's whole analysis: oracle, layer probes, LS \u2192 CC \u2192 LCA, concept neurons, seed stability",
    spec: async () => (await import('./specs/analyze.js')).analyzeSpec,
    load: async () => (await import('./analyze.js')).analyzeCommand,
  },
  {
    name: "report",
    summary: 'one self-contained offline HTML page of an analysis: tables, curves, heatmaps, dendrogram, neuron pages',
    spec: async () => (await import('./specs/report.js')).reportSpec,
    load: async () => (await import('./report.js')).reportCommand,
  },
  {
    name: "cluster",
    summary: 'hierarchical clustering of neurons by correlation (d = 1 - |r|), flat clusters at each threshold',
    spec: async () => (await import('./specs/cluster.js')).clusterSpec,
    load: async () => (await import('./cluster.js')).clusterCommand,
  },
  {
    name: "probe",
    summary: 'train a linear probe on activations and labels (compat: NeuroX; exact: elastic net to a tolerance)',
    spec: async () => (await import('./specs/probe.js')).probeSpec,
    load: async () => (await import('./probe.js')).probeCommand,
  },
  {
    name: "evaluate",
    summary: "a probe's accuracy, F1, Matthews correlation, per-class scores and confusion matrix on labelled activations (regression probes: MSE, R², Pearson r)",
    spec: async () => (await import('./specs/evaluate.js')).evaluateSpec,
    load: async () => (await import('./evaluate.js')).evaluateCommand,
  },
  {
    name: "ablate",
    summary: 're-score a probe with neurons removed (or only some kept), without retraining: metrics before and after',
    spec: async () => (await import('./specs/ablate.js')).ablateSpec,
    load: async () => (await import('./ablate.js')).ablateCommand,
  },
  {
    name: "rank",
    summary: 'rank neurons: probe weight mass, probeless class means, average precision, or Gaussian selection',
    spec: async () => (await import('./specs/rank.js')).rankSpec,
    load: async () => (await import('./rank.js')).rankCommand,
  },
  {
    name: "score",
    summary: 'score a clustering, a neuron selection or a ranking against a synth truth file (ARI, NMI, groups recovered, redundancy left)',
    spec: async () => (await import('./specs/score.js')).scoreSpec,
    load: async () => (await import('./score.js')).scoreCommand,
  },
  {
    name: "bench-redundancy",
    summary: 'benchmark redundancy methods (ours and external commands) on synthetic data with planted truth: scores, time, memory',
    spec: async () => (await import('./specs/bench-redundancy.js')).benchRedundancySpec,
    load: async () => (await import('./bench-redundancy.js')).benchRedundancyCommand,
  },
  {
    name: "plan",
    summary: 'split a dataset into shard jobs and a merge tree for `run` on several workers or machines (SLURM, BullMQ)',
    spec: async () => (await import('./specs/plan.js')).planSpec,
    load: async () => (await import('./plan.js')).planCommand,
  },
  {
    name: "run",
    summary: 'execute a plan: shard jobs then merges, on local worker processes, BullMQ (Redis) or SLURM',
    spec: async () => (await import('./specs/run.js')).runSpec,
    load: async () => (await import('./run.js')).runCommand,
  },
  {
    name: "job",
    summary: "run one job of a plan (a shard or a merge): what run's workers and SLURM tasks execute",
    spec: async () => (await import('./specs/job.js')).jobSpec,
    load: async () => (await import('./job.js')).jobCommand,
  },
  {
    name: "worker",
    summary: 'serve the shard and merge jobs of plans submitted to a BullMQ queue (Redis), on any machine that sees the root',
    spec: async () => (await import('./specs/worker.js')).workerSpec,
    load: async () => (await import('./worker.js')).workerCommand,
  },
  {
    name: "slurm",
    summary: 'write SLURM batch scripts for a plan: shard job arrays (%K throttle) and a merge job after every shard (afterok)',
    spec: async () => (await import('./specs/slurm.js')).slurmSpec,
    load: async () => (await import('./slurm.js')).slurmCommand,
  },
  {
    name: "doctor",
    summary: 'adapters, limits, features, and a self-test of each compute backend',
    spec: async () => (await import('./specs/doctor.js')).doctorSpec,
    load: async () => (await import('./doctor.js')).doctorCommand,
  },
];
