/**
 * Where a number of the analysis cannot be trusted, say so in the results (and on stderr), in words:
 *  - the oracle within 5 points of always predicting the majority class (the seed's code-search baseline was
 *    46–55% on a binary task): the probe learned little, so "neurons needed to keep 99% of it" means little;
 *  - a dev set too small to resolve one point (under 100 rows): the 1% decisions (δ_N = 1) hinge on single rows;
 *  - a class with fewer than 50 rows in some split: its per-class numbers and concept neurons are noise;
 *  - seeds that disagree: the compat oracles of different seeds share under half of their top neurons;
 *  - zero-variance neurons (reported, kept; they correlate 0 with everything and form singleton clusters);
 *  - low selectivity: the control task (random labels per word type) scores within 10 points of the task, so the
 *    probe can reach its score by memorising word identity (Hewitt & Liang 2019).
 */
import type { AnalysisResults } from './results.js';

const MAJORITY_MARGIN = 0.05;
const MIN_DEV_ROWS = 100;
const MIN_CLASS_ROWS = 50;
const MIN_TOP_OVERLAP = 0.5;
const MIN_SELECTIVITY = 0.1;

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

export function analysisWarnings(r: Omit<AnalysisResults, 'warnings'>): string[] {
  const out: string[] = [];
  const { data, oracle, stability } = r;
  if (r.metric === 'accuracy' && oracle.dev - data.majority.dev < MAJORITY_MARGIN) {
    out.push(`The oracle's dev accuracy (${pct(oracle.dev)}) is within ${100 * MAJORITY_MARGIN} points of always predicting '${data.majority.class}' (${pct(data.majority.dev)}): the probe has learned little, and reductions measured against it mean little.`);
  }
  if (data.rows.dev < MIN_DEV_ROWS) {
    out.push(`The dev set has ${data.rows.dev} rows, so one row moves the score by ${pct(1 / data.rows.dev)}: decisions at a 1% margin (δ_N, δ_L = 1) cannot be resolved.`);
  }
  for (const split of ['train', 'dev', 'test'] as const) {
    const counts = data.counts[split];
    if (!counts) continue;
    const small = data.classes.filter((_, c) => counts[c]! < MIN_CLASS_ROWS).map((name) => `${name} (${counts[data.classes.indexOf(name)]})`);
    if (small.length > 0) out.push(`Classes with fewer than ${MIN_CLASS_ROWS} ${split} rows: ${small.join(', ')}; their per-class numbers and concept neurons are unreliable.`);
  }
  if (stability.pairs && stability.pairs.mean.topOverlap < MIN_TOP_OVERLAP) {
    out.push(
      `The oracles of seeds ${stability.seeds.join(', ')} share on average ${pct(stability.pairs.mean.topOverlap)} of their top ${stability.topN} neurons (Jaccard of concept-neuron sets ${stability.pairs.mean.conceptJaccard.toFixed(2)}): the weight-mass ranking, and so LCA and the concept neurons, depend mostly on the initial weights. Compare with mode 'exact' (one solution).`,
    );
  }
  for (const s of r.ls) if (!s.passed) out.push(`No prefix of layers passed the layer selector at δ_L = ${s.deltaL}%: all layers kept.`);
  const failed = r.pipeline.filter((e) => !e.lca.passed).map((e) => `δ_L ${e.deltaL}%, t = ${e.cc.threshold}`);
  if (failed.length > 0) out.push(`No size of the LCA grid reached the target for ${failed.join('; ')}: the whole set was kept there.`);
  if (r.control && r.control.selectivity.dev < MIN_SELECTIVITY) {
    out.push(`The control task (a random label per word type) reaches ${pct(r.control.dev)} on dev, ${pct(r.control.selectivity.dev)} below the task: the probe can score by memorising word identity, so its accuracy says little about what the representation encodes.`);
  }
  if (data.zeroVariance.length > 0) out.push(`${data.zeroVariance.length} neurons are constant over the train rows (zero variance): they correlate 0 with every other neuron and stay singleton clusters.`);
  return out;
}
