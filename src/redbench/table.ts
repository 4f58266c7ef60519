/** The stdout table of a redundancy benchmark: one line per dataset's correlation, per cut, per selection, per k. */
import type { BenchResult, BenchRun } from './bench.js';

const f = (v: number | null | undefined, d = 3) => (v === null || v === undefined ? '-' : v.toFixed(d));
const mib = (kib: number | null) => (kib === null ? '-' : (kib / 1024).toFixed(0));

const HEAD = ['setting', 'tokens×neurons', 'method', 't', 'ARI', 'NMI', 'pairP', 'pairR', 'exact', 'split', 'merged', 'both', 'kept', 'lost', 'maxleft', 'wall s', 'MiB'];

function rows(run: BenchRun): string[][] {
  const common = [run.setting, `${run.tokens}×${run.neurons}`, run.method];
  const cost = [f(run.wallSeconds, 2), mib(run.maxRssKiB)];
  // The error text goes after the last column, unpadded.
  if (run.error) return [[...common, 'error', '', '', '', '', '', '', '', '', '', '', '', ...cost, run.error.slice(0, 160)]];
  const out: string[][] = [];
  for (const c of run.cuts ?? []) {
    const o = c.outcomes;
    out.push([...common, c.threshold === null ? '-' : String(c.threshold), f(c.ari), f(c.nmi), f(c.pairPrecision), f(c.pairRecall), `${o.exact}/${c.planted}`, String(o.split), String(o.merged), String(o.splitMerged), c.kept ? String(c.kept.kept) : '-', c.kept ? String(c.kept.lost) : '-', f(c.kept?.redundancyLeft?.max), ...cost]);
  }
  if (run.selection) {
    const s = run.selection;
    out.push([...common, '-', '-', '-', '-', '-', '-', '-', '-', '-', String(s.kept), String(s.lost), f(s.redundancyLeft?.max), ...cost]);
  }
  for (const k of run.ranking ?? []) out.push([...common, `k=${k.k}`, '', '', '', '', '', '', '', '', '', '', '', ...cost, `concept neurons found: ${k.found}/${k.total}`]);
  return out;
}

export function benchTable(r: BenchResult): string {
  const body: string[][] = [];
  for (const d of r.datasets) body.push([d.setting, `${d.tokens}×${d.neurons}`, 'corr (shared)', '', '', '', '', '', '', '', '', '', '', '', '', f(d.corr.wallSeconds, 2), mib(d.corr.maxRssKiB)]);
  for (const run of r.runs) body.push(...rows(run));
  const all = [HEAD, ...body];
  const width = HEAD.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) => row.map((c, i) => (i >= HEAD.length ? c : i < 3 ? c.padEnd(width[i]!) : c.padStart(width[i]!))).join('  ').trimEnd();
  return [
    `machine: ${r.machine.cpu}, ${r.machine.cores} cores, node ${r.machine.node}; a bare node start peaks at ${mib(r.nodeBaselineKiB)} MiB`,
    line(HEAD),
    ...body.map(line),
  ].join('\n');
}
