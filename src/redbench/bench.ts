/**
 * benchRedundancy: a sweep of redundancy methods × synthetic settings × sizes, each run timed (wall, CPU, peak RSS)
 * and scored against the planted truth (src/score/). Per dataset (setting × size × seed): synth writes the data,
 * its truth and labels; `neurosieve corr` computes the correlation once (timed as a run of its own, the cost every
 * correlation method shares); then every method runs on the same files (methods.ts: the file contract) and its
 * output is scored — each cut of a clustering (ARI, NMI, pairs, groups exact / split / merged, and for its kept
 * neurons groups lost, duplicates and the redundancy left, max |r| measured on the correlation), a selection, or
 * a ranking (concept neurons found at k). A failing method is recorded with its error; the sweep goes on.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { NeurosieveError } from '../core/errors.js';
import { runJob } from '../core/native-job.js';
import { native } from '../core/native.js';
import { expectFunction, expectInteger, expectOptions, fail } from '../core/validate.js';
import { readNpy } from '../io/npy.js';
import { clusteringFromJson } from '../score/clustering-input.js';
import { clusteringJson, selectionJson, type ClusteringJson, type SelectionJson } from '../score/score-document.js';
import { scoreClustering, scoreRanking, scoreSelection, type ConceptScore } from '../score/score.js';
import { plantedTruth, type PlantedTruth } from '../score/truth.js';
import { synth } from '../synth/synth.js';
import { cliPath, commandArgv, LINKAGE_METHODS, methodName, PLACEHOLDERS, REPRESENTATIVES, type BenchMethod, type MethodInput } from './methods.js';
import { BENCH_SETTINGS, settingOptions, type BenchSetting, type BenchSize } from './settings.js';

export const BENCH_FORMAT = 'neurosieve-redundancy-bench';
export const BENCH_VERSION = 1;

export interface BenchOptions {
  /** Default: every preset of BENCH_SETTINGS. */
  settings?: readonly BenchSetting[];
  /** Default: [{ tokens: 10000, neurons: 256 }]. */
  sizes?: readonly BenchSize[];
  /** Default: average and complete linkage at t = 0.1 … 0.9 with random representatives, and probeless. */
  methods?: readonly BenchMethod[];
  /** One dataset per seed (default [0]). */
  seeds?: readonly number[];
  /** Where datasets and run folders go (default: a temporary folder, removed at the end). Kept if given. */
  dir?: string;
  /** Seconds before a command method is killed (default 600). */
  timeoutSeconds?: number;
  /** Called after every run (progress). */
  onRun?: (run: BenchRun) => void;
  signal?: AbortSignal;
}

export interface BenchMeasure {
  wallSeconds: number;
  userSeconds: number | null;
  systemSeconds: number | null;
  /** Peak resident set size of the run's process (KiB), null for in-process (function) methods. */
  maxRssKiB: number | null;
}

export interface BenchDataset extends BenchSize {
  setting: string;
  seed: number;
  layers: number;
  truthVersion: number;
  plantedGroups: number;
  synthSeconds: number;
  /** `neurosieve corr` on the data, measured like a method. */
  corr: BenchMeasure;
}

export interface BenchCutScore extends ClusteringJson {
  threshold: number | null;
  kept?: SelectionJson;
}

export interface BenchRun extends BenchSize, BenchMeasure {
  setting: string;
  seed: number;
  method: string;
  kind: BenchMethod['kind'];
  /** The method's parameters (linkage, thresholds, representative, argv). */
  params: Record<string, unknown>;
  error?: string;
  cuts?: BenchCutScore[];
  selection?: SelectionJson;
  ranking?: ConceptScore[];
}

export interface BenchResult {
  format: typeof BENCH_FORMAT;
  version: typeof BENCH_VERSION;
  machine: { cpu: string; cores: number; node: string; platform: string };
  /** Peak RSS of a bare `node` starting the CLI (`neurosieve --help`): the floor of every built-in method's. */
  nodeBaselineKiB: number;
  datasets: BenchDataset[];
  runs: BenchRun[];
}

export const BENCH_DEFAULTS = {
  sizes: [{ tokens: 10000, neurons: 256 }],
  thresholds: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9],
  seeds: [0],
  timeoutSeconds: 600,
} as const;

export function defaultMethods(): BenchMethod[] {
  return [
    ...(['average', 'complete'] as const).map((linkage) => ({ kind: 'cluster' as const, linkage, thresholds: BENCH_DEFAULTS.thresholds, representative: 'random' as const })),
    { kind: 'probeless' },
  ];
}

function cpuName(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1]!.trim();
  } catch {
    // not Linux: os.cpus() below
  }
  return cpus()[0]?.model ?? 'unknown';
}

function checkMethod(m: BenchMethod, i: number): void {
  const name = `methods[${i}]`;
  if (typeof m !== 'object' || m === null) fail('a method object', name, m);
  if (m.kind === 'cluster') {
    if (!LINKAGE_METHODS.includes(m.linkage)) fail(`one of ${LINKAGE_METHODS.map((x) => `'${x}'`).join(', ')}`, `${name}.linkage`, m.linkage);
    if (!REPRESENTATIVES.includes(m.representative)) fail(`one of ${REPRESENTATIVES.map((x) => `'${x}'`).join(', ')}`, `${name}.representative`, m.representative);
    if (!Array.isArray(m.thresholds) || m.thresholds.length === 0 || !m.thresholds.every((t) => typeof t === 'number' && t >= 0 && t <= 2)) {
      fail('a non-empty list of distance thresholds in [0, 2]', `${name}.thresholds`, m.thresholds, JSON.stringify(m.thresholds));
    }
  } else if (m.kind === 'command') {
    if (typeof m.name !== 'string' || m.name === '') fail('a name', `${name}.name`, m.name);
    if (!Array.isArray(m.argv) || m.argv.length === 0 || !m.argv.every((a) => typeof a === 'string')) fail('a non-empty argv of strings', `${name}.argv`, m.argv);
    if (!m.argv.some((a) => a.includes('{out}'))) fail('an argv naming {out}, the file the command writes', `${name}.argv`, m.argv, JSON.stringify(m.argv));
    for (const a of m.argv) {
      for (const [, key] of a.matchAll(/\{(\w+)\}/g)) {
        if (!(PLACEHOLDERS as readonly string[]).includes(key!)) fail(`placeholders among ${PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}`, `${name}.argv`, a, `'{${key}}' in '${a}'`);
      }
    }
  } else if (m.kind === 'function') {
    if (typeof m.name !== 'string' || m.name === '') fail('a name', `${name}.name`, m.name);
    if (typeof m.run !== 'function') fail('a function', `${name}.run`, m.run);
  } else if (m.kind !== 'probeless') {
    fail("a method of kind 'cluster', 'probeless', 'command' or 'function'", `${name}.kind`, (m as { kind: unknown }).kind);
  }
}

/** Runs one command, measured; its stderr's last lines make the error of a failed run. */
async function measured(argv: string[], cwd: string, timeout: number, signal?: AbortSignal): Promise<BenchMeasure & { error?: string }> {
  const outLog = join(cwd, 'stdout.log');
  const errLog = join(cwd, 'stderr.log');
  const r = await runJob(() => native().runMeasured(argv, cwd, outLog, errLog, timeout), signal);
  const m: BenchMeasure = { wallSeconds: r.wallSeconds, userSeconds: r.userSeconds, systemSeconds: r.systemSeconds, maxRssKiB: r.maxRssKiB };
  if (r.exitCode === 0) return m;
  let tail = '';
  try {
    tail = readFileSync(errLog, 'utf8').trim().split('\n').slice(-3).join(' | ');
  } catch {
    // no stderr file: nothing to quote
  }
  const how = r.timedOut ? `killed after ${timeout} s` : r.signal ? `killed by signal ${r.signal}` : `exit code ${r.exitCode}`;
  return { ...m, error: `${argv[0]}: ${how}${tail ? `: ${tail}` : ''}` };
}

function readOutput(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new NeurosieveError('E_FORMAT', `the method wrote no ${path}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new NeurosieveError('E_FORMAT', `${path}: not JSON (${(err as Error).message})`);
  }
}

/** Scores what a method produced: a clustering, a selection or a ranking. */
async function scoreOutput(truth: PlantedTruth, doc: unknown, source: string, corr: string): Promise<Pick<BenchRun, 'cuts' | 'selection' | 'ranking'>> {
  const o = doc as Record<string, unknown>;
  if (o && typeof o === 'object' && !Array.isArray(o) && (Array.isArray(o.selected) || Array.isArray(o.ordering)) && o.labels === undefined && o.cuts === undefined) {
    if (Array.isArray(o.ordering)) {
      if (truth.concepts.length === 0) return {};
      const n = truth.concepts.length;
      return { ranking: scoreRanking(truth, o.ordering as number[], [n, 2 * n]) };
    }
    const kept = o.selected as number[];
    return { selection: selectionJson(await scoreSelection(truth, kept, { correlation: corr }), kept) };
  }
  const c = clusteringFromJson(doc, source);
  const cuts: BenchCutScore[] = [];
  for (const cut of c.cuts) {
    const s = scoreClustering(truth, cut.labels, c.columns ? { columns: c.columns } : {});
    const kept = cut.kept ? selectionJson(await scoreSelection(truth, cut.kept, { correlation: corr }), cut.kept) : undefined;
    cuts.push({ threshold: cut.threshold, ...clusteringJson(s), ...(kept ? { kept } : {}) });
  }
  return { cuts };
}

function methodParams(m: BenchMethod): Record<string, unknown> {
  if (m.kind === 'cluster') return { linkage: m.linkage, representative: m.representative, thresholds: [...m.thresholds] };
  if (m.kind === 'command') return { argv: [...m.argv] };
  return {};
}

/** Runs the sweep (see the file comment). */
export async function benchRedundancy(options: BenchOptions = {}): Promise<BenchResult> {
  expectOptions(options, ['settings', 'sizes', 'methods', 'seeds', 'dir', 'timeoutSeconds', 'onRun', 'signal'], 'benchRedundancy');
  const settings = options.settings ?? BENCH_SETTINGS;
  if (!Array.isArray(settings) || settings.length === 0) fail('a non-empty list of settings', 'settings', settings);
  settings.forEach((s, i) => {
    if (typeof s?.name !== 'string' || (typeof s.options !== 'object' && typeof s.options !== 'function')) fail('a setting { name, options }', `settings[${i}]`, s);
  });
  const sizes = options.sizes ?? BENCH_DEFAULTS.sizes;
  if (!Array.isArray(sizes) || sizes.length === 0) fail('a non-empty list of sizes', 'sizes', sizes);
  sizes.forEach((z, i) => {
    expectInteger(z?.tokens, `sizes[${i}].tokens`, 3);
    expectInteger(z?.neurons, `sizes[${i}].neurons`, 2);
  });
  const methods = options.methods ?? defaultMethods();
  if (!Array.isArray(methods) || methods.length === 0) fail('a non-empty list of methods', 'methods', methods);
  methods.forEach(checkMethod);
  const seeds = options.seeds ?? BENCH_DEFAULTS.seeds;
  if (!Array.isArray(seeds) || seeds.length === 0) fail('a non-empty list of seeds', 'seeds', seeds);
  seeds.forEach((s, i) => expectInteger(s, `seeds[${i}]`, 0, 2 ** 32 - 1));
  const timeout = options.timeoutSeconds ?? BENCH_DEFAULTS.timeoutSeconds;
  if (typeof timeout !== 'number' || !(timeout > 0)) fail('a number of seconds > 0', 'timeoutSeconds', timeout);
  const onRun = expectFunction(options.onRun, 'onRun');
  const { signal } = options;

  const keep = options.dir !== undefined;
  if (keep && (typeof options.dir !== 'string' || options.dir === '')) fail('a folder path', 'dir', options.dir);
  const root = keep ? options.dir! : mkdtempSync(join(tmpdir(), 'neurosieve-bench-'));
  mkdirSync(root, { recursive: true });
  const cli = cliPath();
  const result: BenchResult = {
    format: BENCH_FORMAT,
    version: BENCH_VERSION,
    machine: { cpu: cpuName(), cores: cpus().length, node: process.version, platform: `${process.platform}-${process.arch}` },
    nodeBaselineKiB: 0,
    datasets: [],
    runs: [],
  };
  try {
    const base = mkdtempSync(join(root, 'baseline-'));
    result.nodeBaselineKiB = (await measured([process.execPath, cli, '--help'], base, timeout, signal)).maxRssKiB ?? 0;
    let n = 0;
    for (const size of sizes) {
      for (const setting of settings) {
        for (const seed of seeds) {
          // A fresh folder per dataset, also when `dir` holds an earlier sweep.
          const dataDir = mkdtempSync(join(root, `d${n++}-${setting.name.replace(/[^\w.-]/g, '_')}-${size.tokens}x${size.neurons}-s${seed}-`));
          const activations = join(dataDir, 'data.npy');
          const t0 = performance.now();
          const made = await synth({ ...settingOptions(setting, size), out: activations, tokens: size.tokens, neurons: size.neurons, seed, signal });
          const synthSeconds = (performance.now() - t0) / 1000;
          const truth = plantedTruth(made.truth, made.truthPath);
          const corr = join(dataDir, 'corr.npy');
          const corrDir = join(dataDir, 'corr');
          mkdirSync(corrDir);
          const corrRun = await measured([process.execPath, cli, 'corr', activations, '-o', corr, '-q'], corrDir, timeout, signal);
          if (corrRun.error) throw new NeurosieveError('E_INTERNAL', `neurosieve corr failed on ${activations}: ${corrRun.error}`);
          result.datasets.push({ setting: setting.name, ...size, seed, layers: made.truth.layers, truthVersion: made.truth.version, plantedGroups: made.truth.groups.length, synthSeconds, corr: { wallSeconds: corrRun.wallSeconds, userSeconds: corrRun.userSeconds, systemSeconds: corrRun.systemSeconds, maxRssKiB: corrRun.maxRssKiB } });
          let matrix: Float32Array | undefined;
          for (const [i, m] of methods.entries()) {
            if (m.kind === 'probeless' && !made.labelsPath) continue; // nothing to rank against
            const runDir = join(dataDir, `m${i}`);
            mkdirSync(runDir);
            const input: MethodInput = {
              activations,
              corr,
              labels: made.labelsPath ?? '',
              dir: runDir,
              neurons: size.neurons,
              tokens: size.tokens,
              layers: made.truth.layers,
              seed,
              correlation: () => (matrix ??= readNpy(corr).data as Float32Array),
            };
            const out = join(runDir, 'out.json');
            const run: BenchRun = { setting: setting.name, ...size, seed, method: methodName(m), kind: m.kind, params: methodParams(m), wallSeconds: 0, userSeconds: null, systemSeconds: null, maxRssKiB: null };
            try {
              let doc: unknown;
              if (m.kind === 'function') {
                const start = performance.now();
                doc = await m.run(input);
                run.wallSeconds = (performance.now() - start) / 1000;
              } else {
                const r = await measured(commandArgv(m, input, out), runDir, timeout, signal);
                Object.assign(run, { wallSeconds: r.wallSeconds, userSeconds: r.userSeconds, systemSeconds: r.systemSeconds, maxRssKiB: r.maxRssKiB });
                if (r.error) throw new NeurosieveError('E_INTERNAL', r.error);
                doc = readOutput(out);
              }
              Object.assign(run, await scoreOutput(truth, doc, `${run.method} output`, corr));
            } catch (err) {
              if (err instanceof NeurosieveError && err.code === 'E_CANCELLED') throw err;
              run.error = (err as Error).message;
            }
            result.runs.push(run);
            onRun?.(run);
          }
        }
      }
    }
  } finally {
    if (!keep) rmSync(root, { recursive: true, force: true });
  }
  return result;
}
