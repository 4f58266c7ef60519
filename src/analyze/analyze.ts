/**
 * `analyze`: the seed paper's whole experiment (method.md §5, Dalvi et al. 2020's LS → CC → LCA pipeline, with
 * concept neurons and the stability of the ranking) in one process:
 *   1. hold the data (held-data.ts): X loaded once, split (given dev, or the reference's 90/10 shuffle),
 *      optionally balanced, z-scored;
 *   2. the Pearson matrix of the train rows, once (correlation-cuts.ts);
 *   3. the oracle on all neurons from `seeds` seeds, the best on dev kept; the seeds' agreement and, in compat
 *      mode, an exact oracle beside it (stability.ts);
 *   4. independent and incremental layer probes, the layer selector per δ_L (layer-selector.ts);
 *   5. for each (δ_L, δ_N) and threshold: the LS-selected neurons clustered, one neuron per cluster, a probe on
 *      them (CC), then the minimal set (minimal-set.ts);
 *   6. the CC-only rows (all layers, every threshold) and the LCA-only rows (all layers, no clustering);
 *   7. concept neurons of the kept oracle with their layers and top words (concept-neurons.ts);
 *   8. the control task (control-task.ts): the oracle's probe on a random label per word type; selectivity;
 *   9. what the report draws (views.ts): clusters of every neuron, heatmaps, the top of the tree, per-neuron data;
 *  10. the paper's summary rows, warnings, timings (results.ts, warnings.ts).
 * Every decision is made on dev scores; test scores are only reported. Probes run concurrently on column views
 * of the held matrices (probe-bench.ts); results do not depend on the concurrency or thread count.
 *
 * Where the reference scripts differ (method.md §6b), this follows the method, not the scripts: each threshold
 * clusters the LS-selected neurons themselves (the scripts re-cluster an already reduced matrix and apply its
 * positions to the full one); the oracle is the best seed on DEV (the scripts keep the best of 15 runs on TEST);
 * cluster representatives are seeded (or the most central member).
 */
import { availableParallelism } from 'node:os';
import { NeurosieveError } from '../core/errors.js';
import type { Metrics } from '../probe/metrics.js';
import { conceptNeurons } from './concept-neurons.js';
import { analysisViews } from './views.js';
import { controlTask } from './control-task.js';
import { prefixCuts, trainCorrelation, type PrefixCut } from './correlation-cuts.js';
import { holdData, type AnalyzeData, type HeldData, type HeldPart } from './held-data.js';
import { layerProbes, selectLayers } from './layer-selector.js';
import { minimalSet, type MinimalSet } from './minimal-set.js';
import { resolveAnalyzeOptions, type AnalyzeOptions } from './options.js';
import { ProbeBench, type ProbeOutcome } from './probe-bench.js';
import { safeProgress, type AnalyzeStep } from './progress.js';
import { ANALYSIS_FORMAT, ANALYSIS_VERSION, type AnalysisResults, type CutResult, type MinimalSetResult, type PipelineEntry } from './results.js';
import { summaryRows } from './summary-rows.js';
import { oracleStability } from './stability.js';
import { analysisWarnings } from './warnings.js';

const scored = (p: { score: number; testScore?: number }) => ({ dev: p.score, ...(p.testScore !== undefined ? { test: p.testScore } : {}) });

function countsOf(part: HeldPart, C: number): number[] {
  const counts = new Array<number>(C).fill(0);
  for (const c of part.y) counts[c]!++;
  return counts;
}

/**
 * A promise awaited later, after others: if it fails first (a cancelled run fails everywhere at once), Node must
 * not treat the failure as unhandled; the await that comes later still sees it.
 */
function awaitedLater<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

function cutResult(cut: PrefixCut, probe: ProbeOutcome): CutResult {
  return { threshold: cut.threshold, neurons: Array.from(cut.kept), clusters: cut.clusters, largest: cut.largest, ...scored(probe) };
}

function minimalSetResult(m: MinimalSet): MinimalSetResult {
  return { deltaN: m.deltaN, target: m.target, passed: m.passed, p: m.p, neurons: Array.from(m.neurons), curve: m.curve, dev: m.dev, ...(m.test !== undefined ? { test: m.test } : {}) };
}

export async function analyze(data: AnalyzeData & { source?: Record<string, unknown> }, options: AnalyzeOptions = {}): Promise<AnalysisResults> {
  const started = performance.now();
  const o = resolveAnalyzeOptions(options ?? {}, availableParallelism());
  const signal = options.signal;
  const progress = safeProgress(options.onProgress);
  const seconds: Record<string, number> = {};
  let stepStart = performance.now();
  const endStep = (step: AnalyzeStep) => {
    seconds[step] = Number(((performance.now() - stepStart) / 1000).toFixed(3));
    stepStart = performance.now();
  };
  const counter = (step: AnalyzeStep, total: number) => {
    let done = 0;
    progress({ step, done, total });
    return { tick: (detail?: string) => progress({ step, done: ++done, total, ...(detail ? { detail } : {}) }), grow: (n: number) => (total += n) };
  };

  progress({ step: 'load', done: 0, total: 1 });
  const held: HeldData = await holdData(data, o.zscore, o.threads * o.concurrency, signal, o.balance ? o.seed : undefined);
  const { D, classes, layers } = held;
  const C = classes.length;
  if (o.metric === 'f1' && C !== 2) throw new NeurosieveError('E_ARGUMENT', `Expected a binary task (2 classes) for metric 'f1' but received ${C} classes (${classes.join(', ')}); use 'macroF1'`);
  progress({ step: 'load', done: 1, total: 1 });
  endStep('load');

  progress({ step: 'correlate', done: 0, total: 1 });
  const { corr, zeroVariance } = await trainCorrelation(held, o.threads * o.concurrency, signal);
  progress({ step: 'correlate', done: 1, total: 1 });
  endStep('correlate');

  const bench = new ProbeBench(held, o, signal);
  const all = Uint32Array.from({ length: D }, (_, j) => j);

  // 3. The oracle from every seed (exact mode: one solution, one probe), and the exact oracle beside compat.
  const seeds = o.mode === 'exact' ? [o.seed] : Array.from({ length: o.seeds }, (_, i) => o.seed + i);
  const withExact = o.mode === 'compat' && o.compareExact;
  const oracleCount = counter('oracle', seeds.length + (withExact ? 1 : 0));
  // The exact oracle only feeds the stability report: it trains beside the rest of the pipeline.
  const exactOracle = withExact ? awaitedLater(bench.probe(all, 0, 'exact').then((p) => (oracleCount.tick('exact'), p))) : undefined;
  const oracles = await Promise.all(seeds.map((s) => bench.probe(all, s).then((p) => (oracleCount.tick(`seed ${s}`), p))));
  const oracle = oracles.reduce((b, p) => (p.score > b.score ? p : b));
  endStep('oracle');

  // 4. Layer probes and the layer selector.
  const layerCount = counter('layers', 2 * layers.length);
  const layerScores = await layerProbes(bench, layers, oracle.seed, () => layerCount.tick());
  const ls = o.deltas.map(([deltaL]) => selectLayers(deltaL, oracle.score, layerScores.incremental));
  endStep('layers');

  // 5–6. Clusters of each LS prefix (and of all neurons for CC-only) at every threshold, a probe on each cut.
  const widths = [...new Set([...ls.map((s) => layers[s.layer]!.offset + layers[s.layer]!.width), D])];
  const ccCount = counter('cc', widths.length * o.thresholds.length);
  const cutsByWidth = new Map<number, PrefixCut[]>();
  let networkLinkage: Float64Array | undefined;
  for (const k of widths) {
    const { cuts, linkage } = await prefixCuts(corr, D, k, o, signal);
    cutsByWidth.set(k, cuts);
    if (k === D) networkLinkage = linkage;
  }
  const ccProbe = (cut: PrefixCut) => bench.probe(cut.kept, oracle.seed).then((p) => (ccCount.tick(`t = ${cut.threshold}`), p));
  const ccProbes = new Map<PrefixCut, Promise<ProbeOutcome>>();
  for (const cuts of cutsByWidth.values()) for (const cut of cuts) ccProbes.set(cut, awaitedLater(ccProbe(cut)));
  await Promise.all(ccProbes.values());
  endStep('cc');

  // The minimal sets: every (δ, threshold) entry and the LCA-only rows run together; the bench's slots bound
  // the parallelism, so each search tries one size at a time.
  const lcaCount = counter('lca', 0);
  const search = (base: ProbeOutcome, deltaN: number, what: string) => {
    lcaCount.grow(o.lcaPercentages.length);
    return minimalSet(bench, base, deltaN, { ...o, concurrency: 1 }, classes, D, oracle.seed, (k) => lcaCount.tick(`${what}: k = ${k}`));
  };
  const pipelinePromises = o.deltas.flatMap(([deltaL, deltaN], i) => {
    const k = ls[i]!.neurons;
    return cutsByWidth.get(k)!.map(async (cut): Promise<PipelineEntry> => {
      const base = await ccProbes.get(cut)!;
      const lca = await search(base, deltaN, `δ_L ${deltaL}%, t = ${cut.threshold}`);
      return { deltaL, deltaN, layer: ls[i]!.layer, cc: cutResult(cut, base), lca: minimalSetResult(lca) };
    });
  }).map(awaitedLater);
  const deltaNs = [...new Set(o.deltas.map(([, n]) => n))];
  const lcaOnlyPromises = deltaNs.map((deltaN) => awaitedLater(search(oracle, deltaN, `LCA only, δ_N ${deltaN}%`)));
  const pipeline = await Promise.all(pipelinePromises);
  const lcaOnly = (await Promise.all(lcaOnlyPromises)).map(minimalSetResult);
  const ccOnly = await Promise.all(cutsByWidth.get(D)!.map(async (cut) => cutResult(cut, await ccProbes.get(cut)!)));
  endStep('lca');

  const stability = oracleStability(oracles, oracle, exactOracle ? await exactOracle : undefined, classes, o.conceptFraction, o.orderingStride);

  // 7. Concept neurons of the kept oracle.
  progress({ step: 'concepts', done: 0, total: 1 });
  const concepts = await conceptNeurons(held, oracle, o.conceptFraction, o.topWords, o.threads * o.concurrency);
  progress({ step: 'concepts', done: 1, total: 1 });
  endStep('concepts');

  // 8. The control task: the oracle's probe on random labels per word type; selectivity.
  let control: AnalysisResults['control'];
  if (o.controlTask) {
    progress({ step: 'control', done: 0, total: 1 });
    control = await controlTask(held, oracle, o.metric, (d) => new ProbeBench(d, o, signal));
    progress({ step: 'control', done: 1, total: 1 });
    endStep('control');
  }

  // 9. What the report draws beyond the tables.
  let views: AnalysisResults['views'];
  if (o.views) {
    progress({ step: 'views', done: 0, total: 1 });
    views = await analysisViews({ held, corr, cuts: cutsByWidth.get(D)!, ...(networkLinkage ? { linkage: networkLinkage } : {}), oracle, threads: o.threads * o.concurrency });
    progress({ step: 'views', done: 1, total: 1 });
    endStep('views');
  }

  // 10. The paper's rows (summary-rows.ts).
  const summary = summaryRows({ D, layers, oracle: { neurons: D, ...scored(oracle) }, oracleSetting: o.mode === 'compat' ? `seed ${oracle.seed} (best of ${seeds.length} on dev)` : 'exact', ls, ccOnly, lcaOnly, pipeline, deltaN: Math.min(...deltaNs) });

  const majorityClass = countsOf(held.train, C).reduce((b, n, c, a) => (n > a[b]! ? c : b), 0);
  const share = (part: HeldPart) => countsOf(part, C)[majorityClass]! / part.rows;
  const metrics: { dev: Metrics; test?: Metrics } = { dev: oracle.dev, ...(oracle.test ? { test: oracle.test } : {}) };
  const partial: Omit<AnalysisResults, 'warnings'> = {
    format: ANALYSIS_FORMAT,
    version: ANALYSIS_VERSION,
    created: new Date().toISOString(),
    inputs: data.source ?? {},
    options: { ...o }, // resolved: no callbacks or signal
    metric: o.metric,
    mode: o.mode,
    data: {
      neurons: D,
      classes,
      layers,
      rows: { train: held.train.rows, dev: held.dev.rows, ...(held.test ? { test: held.test.rows } : {}) },
      counts: { train: countsOf(held.train, C), dev: countsOf(held.dev, C), ...(held.test ? { test: countsOf(held.test, C) } : {}) },
      split: held.split,
      zscore: o.zscore,
      majority: { class: classes[majorityClass]!, dev: share(held.dev), ...(held.test ? { test: share(held.test) } : {}) },
      zeroVariance,
    },
    oracle: { neurons: D, seed: oracle.seed, ...scored(oracle), metrics },
    stability,
    layers: { independent: layerScores.independent, incremental: layerScores.incremental },
    ls,
    pipeline,
    ccOnly,
    lcaOnly,
    summary,
    concepts,
    ...(control ? { control } : {}),
    timings: { seconds: { ...seconds, total: Number(((performance.now() - started) / 1000).toFixed(3)) }, probes: bench.trained, probeSeconds: Number(bench.trainSeconds.toFixed(3)) },
    ...(views ? { views } : {}),
  };
  return { ...partial, warnings: analysisWarnings(partial) };
}
