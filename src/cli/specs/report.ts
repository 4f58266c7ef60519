/** The options and help of `neurosieve report`, kept apart from its implementation (src/cli/report.ts). */
import type { CommandSpec } from '../args.js';

export const reportSpec: CommandSpec = {
  name: 'report',
  summary: 'one self-contained offline HTML page of an analysis: tables, curves, heatmaps, dendrogram, neuron pages',
  usage: 'neurosieve report <analysis.json | bench.json> [-o report.html]',
  positionals: { name: 'results file (the analysis.json of neurosieve analyze, or the JSON of neurosieve bench-redundancy)', min: 1, max: 1 },
  options: [{ name: 'output', short: 'o', kind: 'string', value: 'report.html', help: 'the page to write (default: the results path with .html for .json)' }],
};
