/**
 * The command table: one entry per src/cli/<name>.ts, with its spec (options and help, src/cli/specs/) and a loader
 * of its implementation. Help and argument parsing need only the specs; a command's code (and the API modules, the
 * native addon or onnxruntime behind it) is imported only when that command runs. Two-word commands are matched
 * first.
 */
import type { CommandSpec } from './args.js';
import type { Command } from './command.js';
import { clusterSpec } from './specs/cluster.js';
import { corrSpec } from './specs/corr.js';
import { doctorSpec } from './specs/doctor.js';
import { evaluateSpec } from './specs/evaluate.js';
import { extractSpec } from './specs/extract.js';
import { probeSpec } from './specs/probe.js';
import { rankSpec } from './specs/rank.js';
import { statsMergeSpec } from './specs/stats-merge.js';
import { synthSpec } from './specs/synth.js';

export interface CommandEntry {
  spec: CommandSpec;
  /** Imports the command's implementation. */
  load(): Promise<Command>;
}

export const commands: CommandEntry[] = [
  { spec: statsMergeSpec, load: async () => (await import('./stats-merge.js')).statsMergeCommand },
  { spec: synthSpec, load: async () => (await import('./synth.js')).synthCommand },
  { spec: corrSpec, load: async () => (await import('./corr.js')).corrCommand },
  { spec: extractSpec, load: async () => (await import('./extract.js')).extractCommand },
  { spec: clusterSpec, load: async () => (await import('./cluster.js')).clusterCommand },
  { spec: probeSpec, load: async () => (await import('./probe.js')).probeCommand },
  { spec: evaluateSpec, load: async () => (await import('./evaluate.js')).evaluateCommand },
  { spec: rankSpec, load: async () => (await import('./rank.js')).rankCommand },
  { spec: doctorSpec, load: async () => (await import('./doctor.js')).doctorCommand },
];
