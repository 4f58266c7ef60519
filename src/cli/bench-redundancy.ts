/** neurosieve bench-redundancy: methods × synthetic settings × sizes, scored and timed (src/redbench/bench.ts). */
import { NeurosieveError } from '../core/errors.js';
import { writeTextAtomic } from '../io/atomic.js';
import { writeReport } from '../report/write-report.js';
import { checkOutputs } from '../io/output-paths.js';
import { LINKAGE_METHODS, type LinkageMethod } from '../cluster/linkage.js';
import { REPRESENTATIVES, type Representative } from '../cluster/correlation-clusters.js';
import { BENCH_DEFAULTS, benchRedundancy } from '../redbench/bench.js';
import type { BenchMethod } from '../redbench/methods.js';
import { BENCH_SETTINGS } from '../redbench/settings.js';
import { benchTable } from '../redbench/table.js';
import type { Command } from './command.js';
import { benchRedundancySpec as spec } from './specs/bench-redundancy.js';

const CMD = "'neurosieve bench-redundancy'";

/** A command line split into argv: whitespace separates, '…' and "…" quote (no escapes inside '…'; \\ in "…"). */
export function splitCommandLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let has = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && i + 1 < line.length) cur += line[++i];
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (/\s/.test(ch)) {
      if (has || cur) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += ch;
      has = true;
    }
  }
  if (quote) throw new NeurosieveError('E_ARGUMENT', `Expected closed quotes for --command of ${CMD} but received '${line}'`);
  if (has || cur) out.push(cur);
  return out;
}

export const benchRedundancyCommand: Command = {
  spec,
  async run(ctx) {
    const o = ctx.options;
    const output = o.output as string;
    const keep = o.keep as string | undefined;
    const report = o.report as string | undefined;
    checkOutputs({ command: 'neurosieve bench-redundancy', outputs: { '-o': output, '--report': report }, inputs: [] });
    const names = (o.settings as string[] | undefined) ?? BENCH_SETTINGS.map((s) => s.name);
    const settings = names.map((n) => BENCH_SETTINGS.find((s) => s.name === n) ?? (() => {
      throw new NeurosieveError('E_ARGUMENT', `Expected settings among ${BENCH_SETTINGS.map((s) => s.name).join(', ')} for --settings of ${CMD} but received '${n}'`);
    })());
    const sizes = ((o.sizes as string[] | undefined) ?? BENCH_DEFAULTS.sizes.map((s) => `${s.tokens}x${s.neurons}`)).map((v) => {
      const m = /^(\d+)x(\d+)$/i.exec(v.trim());
      if (!m) throw new NeurosieveError('E_ARGUMENT', `Expected TOKENSxNEURONS (e.g. 10000x256) for --sizes of ${CMD} but received '${v}'`);
      return { tokens: Number(m[1]), neurons: Number(m[2]) };
    });
    const linkages = (o.linkage as string[] | undefined) ?? ['average', 'complete'];
    for (const l of linkages) {
      if (l !== 'none' && !(LINKAGE_METHODS as readonly string[]).includes(l)) {
        throw new NeurosieveError('E_ARGUMENT', `Expected linkages among ${LINKAGE_METHODS.join(', ')} or none for --linkage of ${CMD} but received '${l}'`);
      }
    }
    const reps = (o.representative as string[] | undefined) ?? ['random'];
    for (const r of reps) {
      if (!(REPRESENTATIVES as readonly string[]).includes(r)) throw new NeurosieveError('E_ARGUMENT', `Expected representatives among ${REPRESENTATIVES.join(', ')} for --representative of ${CMD} but received '${r}'`);
    }
    const thresholds = (o.threshold as number[] | undefined) ?? [...BENCH_DEFAULTS.thresholds];
    const methods: BenchMethod[] = [];
    for (const l of linkages.filter((x) => x !== 'none')) for (const r of reps) methods.push({ kind: 'cluster', linkage: l as LinkageMethod, thresholds, representative: r as Representative });
    if (o['no-probeless'] !== true) methods.push({ kind: 'probeless' });
    for (const c of (o.command as string[] | undefined) ?? []) {
      const eq = c.indexOf('=');
      if (eq <= 0) throw new NeurosieveError('E_ARGUMENT', `Expected NAME=COMMAND LINE for --command of ${CMD} but received '${c}'`);
      methods.push({ kind: 'command', name: c.slice(0, eq).trim(), argv: splitCommandLine(c.slice(eq + 1)) });
    }
    if (methods.length === 0) throw new NeurosieveError('E_ARGUMENT', `Expected at least one method for ${CMD} but --linkage none and --no-probeless leave none`);
    const seeds = (o.seeds as number[] | undefined) ?? [...BENCH_DEFAULTS.seeds];
    let done = 0;
    const result = await benchRedundancy({
      settings,
      sizes,
      methods,
      seeds,
      ...(keep ? { dir: keep } : {}),
      timeoutSeconds: o.timeout as number,
      signal: ctx.signal,
      onRun: (r) => {
        done++;
        if (ctx.interactive) process.stderr.write(`\r${done} runs (last: ${r.setting} ${r.tokens}x${r.neurons} ${r.method}${r.error ? ' FAILED' : ''})   `);
      },
    });
    if (ctx.interactive) process.stderr.write('\n');
    writeTextAtomic(output, JSON.stringify(result, null, 1) + '\n');
    if (report) writeReport(result, report);
    ctx.log(benchTable(result));
    ctx.log(`wrote ${output}: ${result.runs.length} runs on ${result.datasets.length} datasets${report ? `; page: ${report}` : ''}`);
    return { output, ...(report ? { report } : {}), runs: result.runs.length, datasets: result.datasets.length, failed: result.runs.filter((r) => r.error).length };
  },
};
