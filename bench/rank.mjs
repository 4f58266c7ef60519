/**
 * Neuron rankings against NeuroX-style references (bench/peers/neurox_rank.py, numpy + scikit-learn):
 *   probeless (class means, T × D), AP ranking (one sklearn average_precision_score per neuron, one class vs the
 *   rest, as NeuroX's iou_probe), and the weight-mass ordering (get_neuron_ordering, stride s) of a C × D' probe.
 * Every comparison also checks agreement: probeless scores within 1e-4 relative (NeuroX means are float32),
 * AP scores within 1e-12, the ordering and cutoffs identical (the peer appends each step in id order, as we do).
 *
 *   node bench/rank.mjs [--quick]      writes bench/results/rank.{json,md}; full: T = 20,000, D = 1,024, C = 10, ordering D' = 9,984, stride 1,000
 *                                      quick: T = 4,000, D = 256, ordering D' = 2,048, stride 100
 * runRankBench({ quick }) → { rows, markdown }. Imports the compiled library (npm run build:ts first).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gauss, prng } from './random.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export async function runRankBench({ quick = false, threads = 0 } = {}) {
  const api = await import(pathToFileURL(join(root, 'dist/index.js')).href);
  const { writeNpy } = api;
  const T = quick ? 4000 : 20000, D = quick ? 256 : 1024, C = 10;
  const DW = quick ? 2048 : 9984, stride = quick ? 100 : 1000;
  const rand = prng(12345);
  // Activations: noise, with neuron k·7 shifted on class k's rows (something to rank); labels round-robin-ish.
  const ids = new Int32Array(T);
  const x = new Float32Array(T * D);
  for (let t = 0; t < T; t++) {
    ids[t] = Math.floor(rand() * C);
    for (let j = 0; j < D; j++) x[t * D + j] = gauss(rand) + (j === ids[t] * 7 ? 2 : 0);
  }
  // A sparse-ish probe: most weights small, some exact zeros (as an L1 probe has).
  const w = new Float32Array(C * DW);
  for (let i = 0; i < w.length; i++) w[i] = rand() < 0.2 ? 0 : gauss(rand) * (rand() < 0.05 ? 5 : 0.1);
  const classes = [...Array(C).keys()].map(String);
  const dir = mkdtempSync(join(tmpdir(), 'neurosieve-bench-rank-'));
  const load = loadavg()[0];
  try {
    const time = async (f) => {
      const t0 = performance.now();
      const r = await f();
      return [r, (performance.now() - t0) / 1000];
    };
    const [pl, plS] = await time(() => api.probelessRanking({ x, rows: T, cols: D }, { ids, classes }, { threads }));
    const [ap, apS] = await time(() => api.averagePrecisionRanking({ x, rows: T, cols: D }, { ids, classes }, { target: '1', threads }));
    const [ord, ordS] = await time(() => api.neuronOrdering({ classes, neurons: DW, weight: w }, stride));
    const rows = [
      { what: `probeless, T = ${T}, D = ${D}, C = ${C}`, neurosieve: plS },
      { what: `AP ranking (class 1 vs rest), T = ${T}, D = ${D}`, neurosieve: apS },
      { what: `weight-mass ordering, C = ${C}, D = ${DW}, stride ${stride}`, neurosieve: ordS },
    ];
    const python = process.env.NEUROSIEVE_BENCH_PYTHON ?? '/usr/bin/python3';
    writeNpy(join(dir, 'x.npy'), x, [T, D]);
    writeNpy(join(dir, 'y.npy'), ids, [T]);
    writeNpy(join(dir, 'w.npy'), w, [C, DW]);
    writeFileSync(join(dir, 'params.json'), JSON.stringify({ stride, zero_below: 0.05, target: 1 }));
    const r = spawnSync(python, [join(root, 'bench/peers/neurox_rank.py'), dir], { encoding: 'utf8', env: { ...process.env, OPENBLAS_CORETYPE: process.env.OPENBLAS_CORETYPE ?? 'SkylakeX' } });
    let note = '';
    if (r.status === 0) {
      const peer = JSON.parse(readFileSync(join(dir, 'peer.json'), 'utf8'));
      const byId = (ordering, scores) => {
        const s = new Float64Array(ordering.length);
        ordering.forEach((j, i) => (s[j] = scores[i]));
        return s;
      };
      const plOurs = byId(pl.ordering, pl.scores);
      const apOurs = byId(ap.ordering, ap.scores);
      const rel = (a, b) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]) / Math.max(1e-12, Math.abs(b[i]))));
      const absd = (a, b) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));
      rows[0].peer = peer.probeless.seconds;
      rows[0].agreement = `max rel. score diff ${rel(plOurs, peer.probeless.scores).toExponential(1)}`;
      rows[1].peer = peer.iou.seconds;
      rows[1].agreement = `max abs. AP diff ${absd(apOurs, peer.iou.scores).toExponential(1)}`;
      rows[2].peer = peer.ordering.seconds;
      const same = JSON.stringify(peer.ordering.ordering) === JSON.stringify(ord.ordering) && JSON.stringify(peer.ordering.cutoffs) === JSON.stringify(ord.cutoffs);
      rows[2].agreement = same ? 'ordering and cutoffs identical' : 'ORDERING DIFFERS';
    } else {
      note = `\nPeer not run (${python}: ${(r.stderr || r.error?.message || '').trim().split('\n').at(-1)}).`;
    }
    const fmt = (s) => (s === undefined ? '–' : s < 1 ? `${(s * 1000).toFixed(0)} ms` : `${s.toFixed(2)} s`);
    const markdown = [
      '### Neuron rankings (neurosieve vs NeuroX-style numpy / scikit-learn)',
      '',
      '| ranking | neurosieve | NeuroX-style peer | speed-up | agreement |',
      '|---|---|---|---|---|',
      ...rows.map((q) => `| ${q.what} | ${fmt(q.neurosieve)} | ${fmt(q.peer)} | ${q.peer ? `${(q.peer / q.neurosieve).toFixed(1)}×` : '–'} | ${q.agreement ?? '–'} |`),
      '',
      `${threads || cpus().length} threads on ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), 1-min load average ${load.toFixed(2)} at start.${note}`,
    ].join('\n');
    return { rows, markdown };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Run directly: node bench/rank.mjs [--quick]   (writes bench/results/rank.json and rank.md)
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const quick = process.argv.includes('--quick');
  const r = await runRankBench({ quick });
  const results = join(root, 'bench/results');
  mkdirSync(results, { recursive: true });
  writeFileSync(join(results, 'rank.json'), JSON.stringify({ date: new Date().toISOString(), quick, loadAverageAtEnd: loadavg(), rows: r.rows }, null, 2) + '\n');
  writeFileSync(join(results, 'rank.md'), r.markdown + '\n');
  console.log(r.markdown);
}
