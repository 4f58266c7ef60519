/**
 * The report page as one HTML string: the results JSON in a data block, the stylesheet, and the scripts (d3, Plot,
 * the report client) inline, so the file opens offline from anywhere and asks the network for nothing.
 */
import type { AnalysisResults } from '../analyze/results.js';
import type { BenchResult } from '../redbench/bench.js';
import type { ReportAssets } from './libraries.js';

/**
 * JSON that cannot end or confuse its <script> element: every '<' is written as \u003c, so neither '</script>' nor
 * '<!--' can appear in it (the escape is JSON, so JSON.parse reads the same document back).
 */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Script text with any '</script' broken up ('<\/script' means the same inside JS strings and regexes). */
function scriptSafe(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** What the results are about, for the page title: the task when the inputs name one. */
function titleOf(results: AnalysisResults): string {
  const task = typeof results.inputs.task === 'string' ? results.inputs.task : undefined;
  return `neurosieve report${task ? ` — ${task}` : ''} (${results.data.neurons} neurons, ${results.data.classes.length} classes)`;
}

export function reportHtml(results: AnalysisResults, assets: ReportAssets): string {
  return page(titleOf(results), 'analysis', results, assets);
}

/** The page of a redundancy benchmark (src/redbench/): the same assets, its document in a 'bench' block. */
export function benchHtml(bench: BenchResult, assets: ReportAssets): string {
  return page(`neurosieve redundancy benchmark (${bench.runs.length} runs)`, 'bench', bench, assets);
}

function page(title: string, blockId: string, doc: unknown, assets: ReportAssets): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // Nothing may be fetched: everything is inline (the CSP makes a stray request fail loudly instead of leaking).
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:">`,
    '<meta name="color-scheme" content="light dark">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>\n${assets.css}\n</style>`,
    '</head>',
    '<body>',
    '<noscript>This report draws its tables and charts with JavaScript; please enable it.</noscript>',
    `<script type="application/json" id="${blockId}">${scriptSafeJson(doc)}</script>`,
    `<script>${scriptSafe(assets.d3)}</script>`,
    `<script>${scriptSafe(assets.plot)}</script>`,
    `<script>${scriptSafe(assets.client)}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
