/**
 * The rows of the paper's summary table, picked from everything `analyze` measured. The reference scripts do
 * not agree on a rule (the sentence pipeline prints every (δ, threshold) entry and picks none; the token-tagging
 * script keeps the entry with the best TEST score, which mostly rewards noise and rarely the smallest set).
 * neurosieve reports every entry in the results and picks each row by one rule, on dev scores only:
 *   the FEWEST neurons among the candidates that keep their target; ties to the higher dev score, then the first.
 *  - LS: the layer selections that passed (each within its δ_L of the oracle);
 *  - CC (all layers, one threshold, no LCA): the cuts whose dev score is above oracle·(1 − δ_N), δ_N the smallest;
 *  - LCA (all layers, no clustering): the minimal sets that passed (each within δ_N of the oracle);
 *  - LS+CC+LCA: the pipeline entries whose minimal set stays above oracle·(1 − (δ_L + δ_N)) — the two losses the
 *    method allows in sequence (the CC step has no target of its own in the method, so a coarse threshold
 *    can lose much more; those entries are reported but not picked).
 * A row with no candidate keeps all neurons and says so.
 */
import type { Layer } from './held-data.js';
import type { LayerSelection } from './layer-selector.js';
import type { CutResult, MinimalSetResult, PipelineEntry, SummaryRow } from './results.js';

interface Candidate {
  neurons: number;
  dev: number;
  test?: number;
  setting: string;
}

function fewest(candidates: Candidate[]): Candidate | undefined {
  let best: Candidate | undefined;
  for (const c of candidates) if (!best || c.neurons < best.neurons || (c.neurons === best.neurons && c.dev > best.dev)) best = c;
  return best;
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

export function summaryRows(r: {
  D: number;
  layers: Layer[];
  oracle: { neurons: number; dev: number; test?: number };
  oracleSetting: string;
  ls: LayerSelection[];
  ccOnly: CutResult[];
  lcaOnly: MinimalSetResult[];
  pipeline: PipelineEntry[];
  deltaN: number;
}): SummaryRow[] {
  const { D, layers, oracle } = r;
  const scores = (s: { dev: number; test?: number }) => ({ dev: s.dev, ...(s.test !== undefined ? { test: s.test } : {}) });
  const row = (name: SummaryRow['row'], c: Candidate | undefined, none: string): SummaryRow => {
    const chosen = c ?? { neurons: D, ...scores(oracle), setting: none };
    return { row: name, neurons: chosen.neurons, reduction: 1 - chosen.neurons / D, ...scores(chosen), setting: chosen.setting };
  };
  const ccTarget = oracle.dev * (1 - r.deltaN / 100);
  return [
    row('Oracle', { neurons: D, ...scores(oracle), setting: r.oracleSetting }, ''),
    row('LS', fewest(r.ls.filter((s) => s.passed).map((s) => ({ neurons: s.neurons, ...scores(s), setting: `δ_L = ${s.deltaL}%: layers ${layers[0]!.name} … ${layers[s.layer]!.name}` }))), 'no prefix of layers passed'),
    row(
      'CC',
      fewest(r.ccOnly.filter((c) => c.threshold >= 0 && c.dev > ccTarget).map((c) => ({ neurons: c.neurons.length, ...scores(c), setting: `t = ${c.threshold} (dev above ${pct(ccTarget)})` }))),
      `no threshold kept dev above ${pct(ccTarget)}`,
    ),
    row('LCA', fewest(r.lcaOnly.filter((m) => m.passed).map((m) => ({ neurons: m.neurons.length, ...scores(m), setting: `δ_N = ${m.deltaN}%, p = ${m.p}` }))), 'no size of the grid passed'),
    row(
      'LS+CC+LCA',
      fewest(
        r.pipeline
          .filter((e) => e.lca.dev > oracle.dev * (1 - (e.deltaL + e.deltaN) / 100))
          .map((e) => ({ neurons: e.lca.neurons.length, ...scores(e.lca), setting: `δ_L = ${e.deltaL}%, ${e.cc.threshold < 0 ? 'no clustering' : `t = ${e.cc.threshold}`}, δ_N = ${e.deltaN}%` })),
      ),
      'no entry stayed within δ_L + δ_N of the oracle',
    ),
  ];
}
