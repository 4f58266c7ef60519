/** neurosieve analyze: the paper's whole analysis in one process; results JSON, the summary table on stdout. */
import { mkdirSync, readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { analyze } from '../analyze/analyze.js';
import { fileData, isOutputDirectory, outputDirectoryData, type MANIFEST_SPLITS, type MANIFEST_TASKS, type SourcedData } from '../analyze/inputs.js';
import type { AnalyzeOptions } from '../analyze/options.js';
import type { AnalyzeProgress } from '../analyze/progress.js';
import { summaryTable, writeAnalysis } from '../analyze/results.js';
import { isSeedConfig, readSeedConfig } from '../analyze/seed-config.js';
import { NeurosieveError } from '../core/errors.js';
import type { Command } from './command.js';
import { setDefined } from './options.js';
import { writeTextAtomic } from '../io/atomic.js';
import { OutputSet } from '../io/output-set.js';
import { checkOutputs } from '../io/output-paths.js';
import { reportPage, reportPathFor } from '../report/write-report.js';
import { progressBar } from './progress.js';
import { analyzeSpec as spec } from './specs/analyze.js';

/** "3:1" → [3, 1]. */
function deltaPair(raw: string): [number, number] {
  const m = /^\s*([0-9.]+)\s*[:,]\s*([0-9.]+)\s*$/.exec(raw);
  if (!m) throw new NeurosieveError('E_ARGUMENT', `Expected δ_L:δ_N pairs in percent (e.g. 3:1) for --deltas of 'neurosieve analyze' but received '${raw}'`);
  return [Number(m[1]), Number(m[2])];
}

/** The files behind an activations or labels input of the analysis (in-memory data names none). */
function pathsOf(input: unknown): string[] {
  if (typeof input === 'string') return [input];
  if (Array.isArray(input)) return input.filter((p): p is string => typeof p === 'string');
  const files = (input as { files?: unknown } | null)?.files;
  return Array.isArray(files) ? files.map((f: { path?: unknown }) => f.path).filter((p): p is string => typeof p === 'string') : [];
}

function looksLikeConfig(path: string): boolean {
  if (extname(path).toLowerCase() !== '.json') return false;
  try {
    return isSeedConfig(JSON.parse(readFileSync(path, 'utf8')));
  } catch {
    return false;
  }
}

export const analyzeCommand: Command = {
  spec,
  async run(ctx) {
    const o = ctx.options;
    const [first] = ctx.positionals;
    if (o.zscore === true && o['no-zscore'] === true) throw new NeurosieveError('E_ARGUMENT', "Expected one of --zscore and --no-zscore for 'neurosieve analyze' but received both");
    for (const part of ['dev', 'test']) {
      if ((o[`${part}-activations`] === undefined) !== (o[`${part}-labels`] === undefined)) {
        throw new NeurosieveError('E_ARGUMENT', `Expected --${part}-activations and --${part}-labels together for 'neurosieve analyze' but received only one`);
      }
    }
    // What the positionals are: one output directory, one seed config, or activation files with --labels.
    let data: SourcedData;
    const options: AnalyzeOptions = {};
    let output = o.output as string | undefined;
    const single = ctx.positionals.length === 1;
    if (single && isOutputDirectory(first!)) {
      data = outputDirectoryData(first!, o.task as (typeof MANIFEST_TASKS)[number], o.splits as (typeof MANIFEST_SPLITS)[number]);
    } else if (single && looksLikeConfig(first!)) {
      const config = readSeedConfig(first!);
      data = config.data;
      Object.assign(options, config.options);
      if (output === undefined) {
        mkdirSync(config.outputDirectory, { recursive: true });
        output = join(config.outputDirectory, 'analysis.json');
      }
    } else {
      if (o.labels === undefined) {
        throw new NeurosieveError('E_ARGUMENT', `Expected --labels with activation files for 'neurosieve analyze' (or an extract output directory, or a seed pipeline config) but received ${ctx.positionals.join(' ')} without labels`);
      }
      const part = (name: string) => (o[`${name}-activations`] ? { activations: o[`${name}-activations`] as string[], labels: o[`${name}-labels`] as string } : undefined);
      data = fileData({ activations: ctx.positionals, labels: o.labels as string }, part('dev'), part('test'), o['neurons-per-layer'] as number | undefined);
    }
    if (o['neurons-per-layer'] !== undefined) data.layers = o['neurons-per-layer'] as number;
    if (output === undefined) throw new NeurosieveError('E_ARGUMENT', "Expected -o <analysis.json> for 'neurosieve analyze' but received none");
    // What the analysis reads, however it was pointed at it (files, an output directory's manifest, a config).
    const parts = [data.train, data.dev, data.test].filter((p) => p !== undefined);
    const report = o['no-report'] === true ? undefined : ((o.report as string | undefined) ?? reportPathFor(output));
    checkOutputs({ command: 'neurosieve analyze', outputs: { '-o': output, ...(report ? { '--report': report } : {}) }, inputs: [...ctx.positionals, ...parts.flatMap((p) => [...pathsOf(p.activations), ...pathsOf(p.labels)])] });

    setDefined(options, o, {
      mode: 'mode', seeds: 'seeds', seed: 'seed', thresholds: 'thresholds', lcaPercentages: 'lca-percentages', metric: 'metric',
      representative: 'representative', linkage: 'linkage', conceptFraction: 'concept-fraction', topWords: 'top-words', orderingStride: 'ordering-stride',
      optimizer: 'optimizer', learningRate: 'lr', epochs: 'epochs', batchSize: 'batch', l1: 'l1', l2: 'l2', concurrency: 'concurrency', threads: 'threads',
    });
    if (o.deltas !== undefined) options.deltas = (o.deltas as string[]).map(deltaPair);
    if (o.zscore === true) options.zscore = true;
    if (o['no-zscore'] === true) options.zscore = false;
    if (o['no-compare-exact'] === true) options.compareExact = false;
    if (o['no-views'] === true) options.views = false;
    if (o['no-control-task'] === true) options.controlTask = false;
    if (o.balance === true) options.balance = true;
    const exact: Record<string, number> = {};
    setDefined(exact, o, { alpha: 'alpha', lambda: 'lambda', tol: 'tol' });
    if (Object.keys(exact).length > 0) options.exact = exact;

    let bar: ReturnType<typeof progressBar> | undefined;
    let step = '';
    options.onProgress = (p: AnalyzeProgress) => {
      if (p.step !== step) {
        bar?.done();
        step = p.step;
        bar = progressBar(`analyze: ${p.step}`, p.step === 'load' || p.step === 'correlate' || p.step === 'concepts' || p.step === 'control' || p.step === 'views' ? 'steps' : 'probes', ctx.interactive);
      }
      bar!.update(p.done, p.total, p.detail);
    };
    options.signal = ctx.signal;
    let results;
    try {
      results = await analyze(data, options);
    } finally {
      bar?.done();
    }
    // The page is built before anything is written, so a failure there leaves no results without their report.
    const page = report ? reportPage(results) : undefined;
    const set = new OutputSet(); // results and report appear together or not at all
    try {
      writeAnalysis(output, results, set);
      if (report) writeTextAtomic(report, page!, set);
      set.commit();
    } finally {
      set.discard();
    }
    ctx.log(summaryTable(results));
    for (const w of results.warnings) process.stderr.write(`neurosieve analyze: warning: ${w}\n`);
    ctx.log(`${results.timings.probes} probes in ${results.timings.seconds.total} s -> ${output}${report ? `, report ${report}` : ''}`);
    return { output, ...(report ? { report } : {}), summary: results.summary, warnings: results.warnings, seconds: results.timings.seconds.total, probes: results.timings.probes };
  },
};
