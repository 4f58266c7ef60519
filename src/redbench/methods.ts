/**
 * The methods a redundancy benchmark runs (benchRedundancy, `neurosieve bench-redundancy`), and the one file
 * contract every method that is a command follows — ours and other people's alike.
 *
 * The contract. A command is an argv with placeholders, replaced per dataset and run:
 *   {activations}  the data: float32 .npy [tokens, neurons] (or [layers, tokens, neurons / layers] with layers)
 *   {corr}         its Pearson correlation, float32 .npy [neurons, neurons] (what `neurosieve corr` writes)
 *   {labels}       the planted class of each row, int32 .npy [tokens] (settings with concept neurons, else '')
 *   {out}          the file the command must write (JSON, below); it does not exist before the run
 *   {dir}          a scratch folder of the run (also the working directory)
 *   {neurons} {tokens} {layers} {seed}   the dataset's numbers
 * It never sees the truth file. It writes {out} as one of:
 *   - a clustering: an array of cluster labels (one per neuron), { "labels": [...], "kept"?: [...] }, or
 *     { "cuts": [{ "threshold"?: t, "labels": [...], "kept"?: [...] }, ...] } (a neurosieve clusters file is one);
 *   - a selection: { "selected": [neuron ids] };
 *   - a ranking: { "ordering": [neuron ids, best first] } (a neurosieve ranking file is one).
 * Exit code 0 means success; anything else is recorded as the run's error with the end of its stderr.
 *
 * A JS function method gets the same inputs as paths (plus the correlation in memory on demand) and returns the
 * same document; it runs in this process, so it is timed but its peak memory is not measured apart (null).
 * Built-in methods are commands too (`neurosieve cluster`, `neurosieve rank`), run by this Node, so every method
 * is timed the same way, process start included.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LINKAGE_METHODS, type LinkageMethod } from '../cluster/linkage.js';
import { REPRESENTATIVES, type Representative } from '../cluster/correlation-clusters.js';

/** What a method is given (paths, per dataset). */
export interface MethodInput {
  activations: string;
  corr: string;
  /** '' when the setting plants no labels. */
  labels: string;
  dir: string;
  neurons: number;
  tokens: number;
  layers: number;
  seed: number;
  /** The D × D correlation in memory (read once per dataset, on first use). */
  correlation(): Float32Array;
}

/** What a method returns or writes: a clustering, a selection or a ranking (see the file comment). */
export type MethodOutput = unknown;

/** Agglomerative clustering of 1 − |r| at every threshold (one `neurosieve cluster` run). */
export interface ClusterMethod {
  kind: 'cluster';
  linkage: LinkageMethod;
  thresholds: readonly number[];
  representative: Representative;
}

/** A ranking of neurons from the planted labels (`neurosieve rank --method probeless`), scored at k. */
export interface ProbelessMethod {
  kind: 'probeless';
}

export interface CommandMethod {
  kind: 'command';
  name: string;
  /** argv with placeholders; argv[0] is looked up in PATH. */
  argv: readonly string[];
}

export interface FunctionMethod {
  kind: 'function';
  name: string;
  run(input: MethodInput): MethodOutput | Promise<MethodOutput>;
}

export type BenchMethod = ClusterMethod | ProbelessMethod | CommandMethod | FunctionMethod;

export const PLACEHOLDERS = ['activations', 'corr', 'labels', 'out', 'dir', 'neurons', 'tokens', 'layers', 'seed'] as const;

export { LINKAGE_METHODS, REPRESENTATIVES };

/** A method's name in tables and documents. */
export function methodName(m: BenchMethod): string {
  if (m.kind === 'cluster') return `${m.linkage}/${m.representative}`;
  if (m.kind === 'probeless') return 'probeless';
  return m.name;
}

/**
 * The neurosieve CLI that built-in methods run: dist/cli.js beside this module when it is compiled, else the
 * repository's dist/cli.js (this module run from its TypeScript source, as the tests do).
 */
export function cliPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [join(here, '../cli.js'), resolve(here, '../../dist/cli.js')]) if (existsSync(candidate)) return candidate;
  throw new Error(`cannot find the neurosieve CLI (dist/cli.js) from ${here}: run npm run build:ts`);
}

/** The argv of a command method (built-in or external) with its placeholders filled in. */
export function commandArgv(m: ClusterMethod | ProbelessMethod | CommandMethod, input: MethodInput, out: string): string[] {
  if (m.kind === 'cluster') {
    return [process.execPath, cliPath(), 'cluster', input.corr, '--linkage', m.linkage, '--representative', m.representative, '--threshold', ...m.thresholds.map(String), '--seed', String(input.seed), '-o', out, '-q'];
  }
  if (m.kind === 'probeless') {
    return [process.execPath, cliPath(), 'rank', '--method', 'probeless', '--activations', input.activations, '--labels', input.labels, '-o', out, '-q'];
  }
  const values: Record<(typeof PLACEHOLDERS)[number], string> = {
    activations: input.activations,
    corr: input.corr,
    labels: input.labels,
    out,
    dir: input.dir,
    neurons: String(input.neurons),
    tokens: String(input.tokens),
    layers: String(input.layers),
    seed: String(input.seed),
  };
  return m.argv.map((a) => a.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? values[key as keyof typeof values] : whole)));
}
