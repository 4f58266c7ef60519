/** neurosieve corr --edges: the pairs with |r| >= τ as an edge file (src/edges/), tile job by tile job. */
import { NeurosieveError } from '../core/errors.js';
import { formatBytes } from '../core/memory.js';
import { correlationEdges, EDGE_MARGIN } from '../edges/correlation-edges.js';
import { writeEdgesFile } from '../edges/edges-file.js';
import { writeTextAtomic } from '../io/atomic.js';
import { OutputSet } from '../io/output-set.js';
import { checkOutputs } from '../io/output-paths.js';
import { rmSync } from 'node:fs';
import type { CorrelateOptions } from '../types.js';
import type { CommandContext } from './command.js';
import { openOptionsOf } from './options.js';
import { progressBar } from './progress.js';

const UNITS: Record<string, number> = { '': 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 };

/** "8G", "500M", "12GiB", "1e9" → bytes (decimal units as formatBytes prints them, binary with "iB"). */
export function parseBytes(text: string, flag: string): number {
  const m = /^\s*([0-9]*\.?[0-9]+(?:e[0-9]+)?)\s*([a-z]*?)b?\s*$/i.exec(text);
  const unit = m ? UNITS[m[2]!.toLowerCase()] ?? UNITS[`${m[2]!.toLowerCase()}b`] : undefined;
  const v = m && unit !== undefined ? Number(m[1]) * unit : Number.NaN;
  if (!(v > 0) || !Number.isFinite(v)) throw new NeurosieveError('E_ARGUMENT', `Expected a size like 8G, 500M or 12GiB for ${flag} but received '${text}'`);
  return v;
}

/** τ from --min-abs-r, or from --max-cut with the margin; exactly one source. */
function thresholdOf(o: Record<string, unknown>): { minAbsR: number; maxCut: number | null } {
  const minAbsR = o['min-abs-r'] as number | undefined;
  const maxCut = o['max-cut'] as number | undefined;
  if (maxCut !== undefined && !(maxCut >= 0 && maxCut < 1)) throw new NeurosieveError('E_ARGUMENT', `Expected --max-cut in [0, 1) but received ${maxCut}`);
  if (minAbsR !== undefined) {
    if (!(minAbsR > 0 && minAbsR <= 1)) throw new NeurosieveError('E_ARGUMENT', `Expected --min-abs-r in (0, 1] but received ${minAbsR}`);
    if (maxCut !== undefined && maxCut > 1 - minAbsR) {
      throw new NeurosieveError('E_ARGUMENT', `--max-cut ${maxCut} needs every pair with |r| >= ${1 - maxCut}, but --min-abs-r ${minAbsR} drops some: give --min-abs-r <= ${(1 - maxCut).toPrecision(6)}`);
    }
    return { minAbsR, maxCut: maxCut ?? null };
  }
  if (maxCut === undefined) throw new NeurosieveError('E_ARGUMENT', 'Expected --min-abs-r τ or --max-cut t with --edges (which pairs to keep)');
  const tau = 1 - maxCut - EDGE_MARGIN;
  if (!(tau > 0)) throw new NeurosieveError('E_ARGUMENT', `--max-cut ${maxCut} leaves no threshold (1 − t − ${EDGE_MARGIN} <= 0): every pair would be kept; use the dense path (corr without --edges)`);
  return { minAbsR: tau, maxCut };
}

export async function runCorrEdges(ctx: CommandContext): Promise<Record<string, unknown>> {
  const o = ctx.options;
  const output = o.output as string;
  for (const flag of ['from-stats', 'stats-out', 'columns', 'neurons-per-layer'] as const) {
    if (o[flag] !== undefined) throw new NeurosieveError('E_ARGUMENT', `Expected no --${flag} with --edges for neurosieve corr (the edge pass covers all neurons) but received it`);
  }
  if (ctx.positionals.length === 0) throw new NeurosieveError('E_ARGUMENT', 'Expected input files, directories or globs for neurosieve corr --edges but received none');
  if (o.backend !== undefined && o.backend !== 'native' && o.backend !== 'auto') throw new NeurosieveError('E_ARGUMENT', 'Expected --backend native with --edges (the tile jobs run on the C++ engine)');
  const { minAbsR, maxCut } = thresholdOf(o);
  const workDir = `${output}.tiles`;
  checkOutputs({ command: 'neurosieve corr --edges', outputs: { '-o': output, '-o|.json summary': `${output}.json`, '-o|.tiles work directory': workDir }, inputs: ctx.positionals });
  const maxMemory = o['max-memory'] !== undefined ? parseBytes(o['max-memory'] as string, '--max-memory') : undefined;
  const started = performance.now();
  const bar = progressBar('edges', 'rows', ctx.interactive);
  let e;
  try {
    e = await correlationEdges(ctx.positionals, {
      minAbsR,
      ...(maxMemory !== undefined ? { maxMemory } : {}),
      threads: o.threads as number,
      ...(o['chunk-rows'] !== undefined ? { chunkRows: o['chunk-rows'] as number } : {}),
      nan: o.nan as CorrelateOptions['nan'],
      ...openOptionsOf(o),
      workDir,
      signal: ctx.signal,
      onProgress: (p) => bar.update(p.rows, p.totalRows, `tile job ${Math.min(p.job + 1, p.jobs)}/${p.jobs}${p.reused ? ` (${p.reused} resumed)` : ''}`),
    });
  } finally {
    bar.done();
  }
  const seconds = (performance.now() - started) / 1000;
  const pairs = (e.neurons * (e.neurons - 1)) / 2;
  const summary = {
    output,
    neurons: e.neurons,
    count: e.count,
    minAbsR,
    maxCut,
    edges: e.i.length,
    pairs,
    plan: e.plan,
    maxMemory: maxMemory ?? null,
    chunkRows: e.chunkRows,
    seconds: Number(seconds.toFixed(3)),
    histogram: { bins: e.histogram.length, counts: Array.from(e.histogram) },
    sources: e.sources,
  };
  const set = new OutputSet(); // the edge file and its summary appear together
  try {
    const edgesSha256 = writeEdgesFile(output, e, set);
    writeTextAtomic(`${output}.json`, JSON.stringify({ ...summary, edgesSha256 }) + '\n', set);
    set.commit();
  } finally {
    set.discard();
  }
  rmSync(workDir, { recursive: true, force: true }); // the partials served their purpose once the result exists
  ctx.log(`${e.i.length} of ${pairs} pairs with |r| >= ${minAbsR.toPrecision(4)} among ${e.neurons} neurons over ${e.count} rows -> ${output} (${seconds.toFixed(2)} s)`);
  ctx.log(`  ${e.plan.jobs} tile job(s) of ${e.plan.block}-neuron blocks${e.plan.reused ? `, ${e.plan.reused} resumed from ${workDir}` : ''}${maxMemory ? `, --max-memory ${formatBytes(maxMemory)}` : ''}`);
  if (maxCut !== null) ctx.log(`  exact clusters for cuts <= ${maxCut}: neurosieve cluster ${output} --max-cut ${maxCut} -t ...`);
  return summary;
}
