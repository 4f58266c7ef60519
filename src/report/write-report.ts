/**
 * writeReport: one self-contained HTML page per analysis (README "Report"). It reads a results document (a path,
 * checked by readAnalysis, or the object `analyze` returned), inlines it with d3, Observable Plot and the report's
 * browser code, and writes the page atomically. Nothing in the page is fetched when it is viewed.
 */
import { extname } from 'node:path';
import { ANALYSIS_FORMAT, ANALYSIS_VERSION, readAnalysis, type AnalysisResults } from '../analyze/results.js';
import { NeurosieveError } from '../core/errors.js';
import { writeTextAtomic } from '../io/atomic.js';
import { readFileSync } from 'node:fs';
import { BENCH_FORMAT, BENCH_VERSION, type BenchResult } from '../redbench/bench.js';
import { benchHtml, reportHtml } from './html-page.js';
import { readReportAssets } from './libraries.js';

export interface ReportResult {
  output: string;
  /** Size of the page written. */
  bytes: number;
}

/** The same format and version check readAnalysis makes on a file, for a results object handed over in memory. */
function checked(results: AnalysisResults): AnalysisResults {
  const d = results as Partial<AnalysisResults> | null;
  if (typeof d !== 'object' || d === null || d.format !== ANALYSIS_FORMAT) {
    throw new NeurosieveError('E_ARGUMENT', `Expected analysis results (format '${ANALYSIS_FORMAT}') for writeReport but received format '${String(d?.format)}'`);
  }
  if (d.version !== ANALYSIS_VERSION) {
    throw new NeurosieveError('E_ARGUMENT', `Expected analysis results version ${ANALYSIS_VERSION} for writeReport but received version ${String(d.version)}`);
  }
  return results;
}

/** A bench-redundancy document (format 'neurosieve-redundancy-bench'), read from a path or given. */
function benchDocument(results: string | AnalysisResults | BenchResult): BenchResult | undefined {
  if (typeof results !== 'string') return (results as Partial<BenchResult>)?.format === BENCH_FORMAT ? (results as BenchResult) : undefined;
  let doc: Partial<BenchResult>;
  try {
    doc = JSON.parse(readFileSync(results, 'utf8')) as Partial<BenchResult>;
  } catch {
    return undefined; // readAnalysis says what is wrong with it
  }
  if (doc?.format !== BENCH_FORMAT) return undefined;
  if (doc.version !== BENCH_VERSION || !Array.isArray(doc.runs) || !Array.isArray(doc.datasets)) {
    throw new NeurosieveError('E_FORMAT', `${results}: not a readable redundancy benchmark (version ${String(doc.version)}, expected ${BENCH_VERSION}, with runs and datasets)`);
  }
  return doc as BenchResult;
}

/** The page of a results document or a redundancy benchmark (a path or the object), as a string. */
export function reportPage(results: string | AnalysisResults | BenchResult): string {
  const bench = benchDocument(results);
  if (bench) return benchHtml(bench, readReportAssets());
  const doc = typeof results === 'string' ? readAnalysis(results) : checked(results as AnalysisResults);
  return reportHtml(doc, readReportAssets());
}

export function writeReport(results: string | AnalysisResults | BenchResult, outPath: string): ReportResult {
  const html = reportPage(results);
  writeTextAtomic(outPath, html);
  return { output: outPath, bytes: Buffer.byteLength(html, 'utf8') };
}

/** The report's default path beside a results file: analysis.json → analysis.html (other names get .html added). */
export function reportPathFor(resultsPath: string): string {
  return extname(resultsPath).toLowerCase() === '.json' ? `${resultsPath.slice(0, -'.json'.length)}.html` : `${resultsPath}.html`;
}
