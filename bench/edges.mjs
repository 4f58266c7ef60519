// Correlation edges benchmark (issue 21): `corr --edges` and `cluster` on an edge file at sizes the dense matrix
// cannot hold, on `synth` data with planted groups (most pairs near 0, as in real models), each command in its own
// process with its wall time and peak RSS (wait4, native/src/bench/measured_run.h):
//   synth → corr --edges --max-cut t → cluster <edges> -t … --linkage average → score against the planted truth
// With --dense (sizes where the matrix fits), also corr + cluster on the dense path: the tile jobs' rate against
// the dense SYRK's, measured in the same run, and the clusters compared.
//
//   node bench/edges.mjs [--neurons 65536] [--rows 20000] [--groups 2048] [--max-cut 0.5] [--max-memory 12G] [--dense]
//
// The data is written to $NEUROSIEVE_BENCH_TMP or the OS temp directory and deleted at the end. Appends to
// bench/results/edges.json and rewrites bench/results/edges.md from it.
import { mkdtempSync, rmSync, readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist/cli.js');
const { native } = await import(pathToFileURL(join(root, 'dist/core/native.js')).href);
const resultsDir = join(root, 'bench/results');

function flag(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const neurons = Number(flag('neurons', 65536));
const rows = Number(flag('rows', 20000));
const groups = Number(flag('groups', Math.round(neurons / 32)));
const maxCut = Number(flag('max-cut', 0.5));
const maxMemory = flag('max-memory', undefined);
const dense = process.argv.includes('--dense');
const cuts = [0.2, 0.3, maxCut];

const dir = mkdtempSync(join(process.env.NEUROSIEVE_BENCH_TMP || tmpdir(), 'ns-edges-'));

/** One CLI command, measured; its --json summary parsed. */
async function run(name, args) {
  const argv = [process.execPath, cli, ...args, '--json'];
  const r = await native().runMeasured(argv, dir, join(dir, `${name}.out`), join(dir, `${name}.err`), 86400).promise;
  if (r.exitCode !== 0) throw new Error(`${name} failed (${r.exitCode}): ${readFileSync(join(dir, `${name}.err`), 'utf8').slice(-2000)}`);
  const text = readFileSync(join(dir, `${name}.out`), 'utf8').trim();
  const m = { step: name, wallSeconds: r.wallSeconds, cpuSeconds: r.userSeconds + r.systemSeconds, maxRssGiB: r.maxRssKiB / 2 ** 20 };
  console.error(`${name}: ${m.wallSeconds.toFixed(1)} s wall, ${m.cpuSeconds.toFixed(1)} s CPU, peak ${m.maxRssGiB.toFixed(2)} GiB`);
  return { measure: m, summary: text ? JSON.parse(text) : {} };
}

const result = {
  date: new Date().toISOString(),
  machine: { cpu: cpus()[0]?.model, cores: cpus().length, loadStart: loadavg()[0] },
  neurons,
  rows,
  groups,
  maxCut,
  steps: [],
};
try {
  const data = join(dir, 'synth.npy');
  const edges = join(dir, 'edges.safetensors');
  const clusters = join(dir, 'clusters.json');
  const s = await run('synth', ['synth', '-o', data, '--tokens', String(rows), '--neurons', String(neurons), '--groups', String(groups), '--seed', '21']);
  result.steps.push(s.measure);
  const e = await run('corr --edges', ['corr', data, '--edges', '--max-cut', String(maxCut), ...(maxMemory ? ['--max-memory', maxMemory] : []), '-o', edges]);
  result.steps.push(e.measure);
  result.edges = { kept: e.summary.edges, pairs: e.summary.pairs, minAbsR: e.summary.minAbsR, plan: e.summary.plan };
  // The work the jobs did, in pair-rows (a job computes the triangle of its 2B columns), against the useful work.
  const B = e.summary.plan.block;
  const jobWork = e.summary.plan.jobs > 1 ? e.summary.plan.jobs * ((2 * B) * (2 * B + 1)) / 2 : (neurons * (neurons + 1)) / 2;
  result.edges.pairRowsPerSecond = (jobWork * rows) / e.measure.wallSeconds;
  result.edges.usefulPairRowsPerSecond = (((neurons * (neurons - 1)) / 2) * rows) / e.measure.wallSeconds;
  const c = await run('cluster average', ['cluster', edges, '-t', ...cuts.map(String), '--linkage', 'average', '-o', clusters]);
  result.steps.push(c.measure);
  result.certificate = c.summary.edges.certificate;
  const sc = await run('score', ['score', `${data}.truth.json`, '--clusters', clusters]);
  result.score = sc.summary;
  if (dense) {
    const corr = join(dir, 'corr.npy');
    const d = await run('corr (dense)', ['corr', data, '-o', corr]);
    result.steps.push(d.measure);
    result.denseRate = ((neurons * (neurons + 1)) / 2 * rows) / d.measure.wallSeconds;
    const dc = await run('cluster (dense, float64)', ['cluster', corr, '-t', ...cuts.map(String), '--linkage', 'average', '--precision', 'float64', '-o', join(dir, 'dense.json')]);
    result.steps.push(dc.measure);
    const a = JSON.parse(readFileSync(clusters, 'utf8')).cuts.map((x) => x.clusters);
    const b = JSON.parse(readFileSync(join(dir, 'dense.json'), 'utf8')).cuts.map((x) => x.clusters);
    result.denseClusterCounts = { edges: a, dense: b };
  }
  result.machine.loadEnd = loadavg()[0];
} finally {
  rmSync(dir, { recursive: true, force: true });
}

mkdirSync(resultsDir, { recursive: true });
const jsonPath = join(resultsDir, 'edges.json');
const all = existsSync(jsonPath) ? JSON.parse(readFileSync(jsonPath, 'utf8')) : [];
all.push(result);
writeFileSync(jsonPath, JSON.stringify(all, null, 2) + '\n');
const gib = (x) => x.toFixed(2);
const lines = ['# Correlation edges benchmark', '', 'Written by `node bench/edges.mjs` (bench/results/edges.json holds every run). Rates in pair·rows per second.', ''];
for (const r of all) {
  lines.push(`## ${r.neurons} neurons × ${r.rows} rows, max cut ${r.maxCut} (${r.date.slice(0, 10)}, ${r.machine.cpu}, ${r.machine.cores} cores, load ${r.machine.loadStart.toFixed(1)}–${(r.machine.loadEnd ?? 0).toFixed(1)})`, '');
  lines.push('| step | wall s | CPU s | peak GiB |', '| --- | ---: | ---: | ---: |');
  for (const s of r.steps) lines.push(`| ${s.step} | ${s.wallSeconds.toFixed(1)} | ${s.cpuSeconds.toFixed(1)} | ${gib(s.maxRssGiB)} |`);
  lines.push('');
  lines.push(`- edges kept: ${r.edges.kept} of ${r.edges.pairs} pairs (|r| ≥ ${r.edges.minAbsR.toFixed(3)}); ${r.edges.plan.jobs} tile jobs of ${r.edges.plan.block}-neuron blocks`);
  lines.push(`- tile jobs: ${r.edges.pairRowsPerSecond.toExponential(3)} pair·rows/s computed, ${r.edges.usefulPairRowsPerSecond.toExponential(3)} useful${r.denseRate ? `; dense SYRK ${r.denseRate.toExponential(3)}` : ''}`);
  lines.push(`- certificate: ${JSON.stringify(r.certificate)}`);
  for (const x of r.score?.clusterings?.[0]?.cuts ?? []) {
    lines.push(`- t = ${x.threshold}: ARI ${x.ari.toFixed(4)}, ${x.outcomes.exact} of ${x.planted} planted groups recovered exactly (${x.outcomes.split} split, ${x.outcomes.merged} merged), ${x.clusters} clusters`);
  }
  if (r.denseClusterCounts) lines.push(`- clusters per cut, edges vs dense: ${JSON.stringify(r.denseClusterCounts)}`);
  lines.push('');
}
writeFileSync(join(resultsDir, 'edges.md'), lines.join('\n'));
console.log(JSON.stringify(result, null, 2));
