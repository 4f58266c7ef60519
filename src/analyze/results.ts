/**
 * The results document of `analyze` (format 'neurosieve-analysis', version 1; README "Analysis results"): every
 * number of the paper's tables and the curves behind them, the seeds, timings and warnings. Plain JSON (neuron
 * sets as arrays of ids), written atomically; `readAnalysis` reads it back and checks format and version.
 */
import { NeurosieveError } from '../core/errors.js';
import { writeTextAtomic } from '../io/atomic.js';
import type { OutputSet } from '../io/output-set.js';
import type { Metrics } from '../probe/metrics.js';
import type { ConceptNeurons } from './concept-neurons.js';
import type { ControlTaskResult } from './control-task.js';
import type { Layer } from './held-data.js';
import type { LayerScore, LayerSelection } from './layer-selector.js';
import type { MinimalSetStep } from './minimal-set.js';
import type { Stability } from './stability.js';
import type { AnalysisViews } from './views-format.js';
import { readJsonText } from '../io/json-limits.js';

export const ANALYSIS_FORMAT = 'neurosieve-analysis';
export const ANALYSIS_VERSION = 1;

/** A score on dev (every decision) and on test (reported, never used to decide), in the chosen metric. */
export interface Scored {
  dev: number;
  test?: number;
}

export interface MinimalSetResult extends Scored {
  deltaN: number;
  target: number;
  passed: boolean;
  p: number | null;
  neurons: number[];
  curve: MinimalSetStep[];
}

export interface CutResult extends Scored {
  threshold: number;
  /** Neurons kept (one per cluster), ascending. */
  neurons: number[];
  clusters: number;
  largest: number;
}

export interface PipelineEntry {
  deltaL: number;
  deltaN: number;
  /** The LS choice: layers 0 … layer. */
  layer: number;
  cc: CutResult;
  lca: MinimalSetResult;
}

export type SummaryRowName = 'Oracle' | 'LS' | 'CC' | 'LCA' | 'LS+CC+LCA';

export interface SummaryRow extends Scored {
  row: SummaryRowName;
  neurons: number;
  /** 1 − neurons / D. */
  reduction: number;
  /** The setting the row was taken at ("δ_L = 3%", "t = 0.3", …). */
  setting: string;
}

export interface AnalysisResults {
  format: typeof ANALYSIS_FORMAT;
  version: typeof ANALYSIS_VERSION;
  created: string;
  /** What the analysis ran on, as the caller described it (paths, the manifest's task). */
  inputs: Record<string, unknown>;
  /** The resolved options. */
  options: Record<string, unknown>;
  metric: string;
  mode: 'compat' | 'exact';
  data: {
    neurons: number;
    classes: string[];
    layers: Layer[];
    rows: { train: number; dev: number; test?: number };
    counts: { train: number[]; dev: number[]; test?: number[] };
    split: Record<string, unknown>;
    zscore: boolean;
    /** Share of the most frequent class: the score of always predicting it. */
    majority: { class: string; dev: number; test?: number };
    zeroVariance: number[];
  };
  oracle: Scored & { neurons: number; seed: number; metrics: { dev: Metrics; test?: Metrics } };
  stability: Stability;
  layers: { independent: LayerScore[]; incremental: LayerScore[] };
  ls: LayerSelection[];
  pipeline: PipelineEntry[];
  ccOnly: CutResult[];
  lcaOnly: MinimalSetResult[];
  summary: SummaryRow[];
  concepts: ConceptNeurons;
  /** The control task and the oracle's selectivity, when every split's words are known. */
  control?: ControlTaskResult;
  warnings: string[];
  timings: { seconds: Record<string, number>; probes: number; probeSeconds: number };
  /** What the report draws beyond the tables (views-format.ts); absent parts are left out of the report. */
  views?: AnalysisViews;
}

/** Writes the results document atomically (into a set, with the report, when `into` is given). */
export function writeAnalysis(path: string, results: AnalysisResults, into?: OutputSet): void {
  writeTextAtomic(path, `${JSON.stringify(results, null, 1)}\n`, into);
}

export function readAnalysis(path: string): AnalysisResults {
  let doc: unknown;
  try {
    doc = JSON.parse(readJsonText(path, 'analysis results'));
  } catch (err) {
    if (err instanceof NeurosieveError) throw err; // the file's limits, already naming it
    throw new NeurosieveError((err as NodeJS.ErrnoException).code ? 'E_IO' : 'E_FORMAT', `${path}: cannot read analysis results (${(err as Error).message})`, { cause: err });
  }
  const d = doc as Partial<AnalysisResults>;
  if (typeof d !== 'object' || d === null || d.format !== ANALYSIS_FORMAT) {
    throw new NeurosieveError('E_FORMAT', `${path}: not a neurosieve analysis (format '${String(d?.format)}', expected '${ANALYSIS_FORMAT}')`);
  }
  if (d.version !== ANALYSIS_VERSION) {
    throw new NeurosieveError('E_FORMAT', `${path}: analysis results version ${String(d.version)}; this neurosieve reads version ${ANALYSIS_VERSION}`);
  }
  return d as AnalysisResults;
}

const pct = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '—' : `${(100 * v).toFixed(1)}%`);

/** The paper's table (Sharma et al. 2023, Table 2 shape): one line per row, dev and test scores, reduction. */
export function summaryTable(r: AnalysisResults): string {
  const head = ['', 'neurons', 'reduction', `dev ${r.metric}`, ...(r.data.rows.test !== undefined ? [`test ${r.metric}`] : []), 'setting'];
  const rows = r.summary.map((s) => [s.row, String(s.neurons), pct(s.reduction), pct(s.dev), ...(r.data.rows.test !== undefined ? [pct(s.test)] : []), s.setting]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}
