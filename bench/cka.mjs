// CKA benchmark (issue 14): every layer pair of L layers × W neurons, neurosieve's estimators against the ways the
// CKA tools people use compute it, each in its own process so that its peak memory is its own:
//   neurosieve linear / debiased   one streamed pass over all rows (co-moments + layer sums; never an n×n Gram)
//   neurosieve minibatch           Nguyen et al.'s estimator (5 batches × 5,000 rows, seed 0) from the same rows
//   numpy full-Gram debiased       Kornblith et al.'s cka(gram_linear(x), gram_linear(y), debiased=True), every
//                                  layer's n×n Gram held, at the largest n that fits (--gram-rows, default 8,000)
//   numpy minibatch                torch_cka's estimator on the batches neurosieve drew (same rows)
// Agreement: neurosieve debiased on the first --gram-rows rows vs the full-Gram peer on those rows; neurosieve
// minibatch vs the numpy minibatch peer.
//
//   node bench/cka.mjs [--rows 1000000] [--layers 13] [--width 768] [--gram-rows 8000] [--no-numpy]
//
// The size is 13 × 768 over 1e6 rows (40 GB of float32 on disk: the file is written to $NEUROSIEVE_BENCH_TMP
// or the OS temp directory and deleted at the end). Writes bench/results/cka.json and cka.md.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync, mkdirSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = join(root, 'bench/results');
const python = process.env.NEUROSIEVE_BENCH_PYTHON || '/usr/bin/python3';

function flag(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const rows = flag('rows', 1_000_000);
const layers = flag('layers', 13);
const width = flag('width', 768);
const gramRows = flag('gram-rows', 8000);
const withNumpy = !process.argv.includes('--no-numpy') && spawnSync(python, ['-c', 'import numpy']).status === 0;
const D = layers * width;

/** Runs `code` (an ES module body with `api` = dist/index.js) in a fresh Node; its last stdout line is JSON. */
function node(code) {
  const body = `const api = await import(${JSON.stringify(pathToFileURL(join(root, 'dist/index.js')).href)});\n${code}\n` +
    'console.log(JSON.stringify({ ...out, maxRssBytes: process.resourceUsage().maxRSS * 1024 }));';
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', body], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`node child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

function numpy(args) {
  const r = spawnSync(python, [join(root, 'bench/peers/numpy_cka.py'), ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`numpy peer failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

function maxAbsDiff(a, b) {
  let m = 0;
  for (let i = 0; i < a.length; i++) for (let j = 0; j < a.length; j++) if (a[i][j] !== null && b[i][j] !== null) m = Math.max(m, Math.abs(a[i][j] - b[i][j]));
  return m;
}

const dir = mkdtempSync(join(process.env.NEUROSIEVE_BENCH_TMP || tmpdir(), 'ns-cka-'));
const results = { machine: { cpu: cpus()[0]?.model, cores: cpus().length, loadStart: loadavg()[0] }, rows, layers, width, gramRows, runs: [], agreement: {} };
try {
  const path = join(dir, 'acts.npy');
  const head = join(dir, 'head.npy');
  const t0 = performance.now();
  node(`await api.synth({ out: ${JSON.stringify(path)}, tokens: ${rows}, neurons: ${D}, largeMean: 0, seed: 14 }); const out = {};`);
  node(`await api.synth({ out: ${JSON.stringify(head)}, tokens: ${gramRows}, neurons: ${D}, largeMean: 0, seed: 14 }); const out = {};`);
  console.error(`data: ${rows} × ${D} float32 (+ ${gramRows}-row copy) in ${((performance.now() - t0) / 1e3).toFixed(1)} s`);

  const ours = (file, estimator, n) => {
    const r = node(`const t = performance.now(); const c = await api.cka(${JSON.stringify(file)}, { estimator: '${estimator}', layerWidth: ${width} }); const out = { seconds: (performance.now() - t) / 1e3, matrix: c.matrix };`);
    results.runs.push({ impl: `neurosieve ${estimator}`, rows: n, seconds: r.seconds, maxRssBytes: r.maxRssBytes });
    console.error(`neurosieve ${estimator} (${n} rows): ${r.seconds.toFixed(2)} s, peak ${(r.maxRssBytes / 2 ** 20).toFixed(0)} MiB`);
    return r;
  };
  ours(path, 'linear', rows);
  ours(path, 'debiased', rows);
  const mb = ours(path, 'minibatch', rows);
  const headDebiased = ours(head, 'debiased', gramRows);
  if (withNumpy) {
    const gram = numpy(['gram', head, String(gramRows), String(width)]);
    results.runs.push({ impl: 'numpy full-Gram debiased (Kornblith et al.)', rows: gramRows, seconds: gram.seconds, maxRssBytes: gram.maxRssBytes });
    results.agreement.debiasedVsGram = maxAbsDiff(headDebiased.matrix, gram.matrix);
    // The minibatch peer reads the rows neurosieve drew (minibatchRows: same seed, same rows).
    const batchFile = join(dir, 'batches.npy');
    const dist = (f) => JSON.stringify(pathToFileURL(join(root, 'dist', f)).href);
    node(`const { minibatchRows } = await import(${dist('cka/minibatch.js')}); const { writeNpy } = await import(${dist('io/npy.js')});
      const flat = new Int32Array(5 * 5000); minibatchRows(${rows}, 5, 5000, 0).forEach((r, k) => flat.set(r, k * 5000));
      writeNpy(${JSON.stringify(batchFile)}, flat, [5, 5000]); const out = {};`);
    const mbPeer = numpy(['minibatch', path, batchFile, String(width)]);
    results.runs.push({ impl: 'numpy minibatch (torch_cka estimator, same rows)', rows: 25000, seconds: mbPeer.seconds, maxRssBytes: mbPeer.maxRssBytes });
    results.agreement.minibatchVsNumpy = maxAbsDiff(mb.matrix, mbPeer.matrix);
    console.error(`agreement: ${JSON.stringify(results.agreement)}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
results.machine.loadEnd = loadavg()[0];
if (!existsSync(resultsDir)) mkdirSync(resultsDir, { recursive: true });
writeFileSync(join(resultsDir, 'cka.json'), JSON.stringify(results, null, 2) + '\n');
const md = [
  `# CKA: ${layers} layers × ${width} neurons, every layer pair`,
  '',
  `Machine: ${results.machine.cpu}, ${results.machine.cores} cores; load ${results.machine.loadStart.toFixed(2)} → ${results.machine.loadEnd.toFixed(2)}.`,
  '',
  '| implementation | rows | seconds | peak RSS (MiB) |',
  '|---|---:|---:|---:|',
  ...results.runs.map((r) => `| ${r.impl} | ${r.rows.toLocaleString('en')} | ${r.seconds.toFixed(2)} | ${(r.maxRssBytes / 2 ** 20).toFixed(0)} |`),
  '',
  `Agreement (max |ΔCKA| over layer pairs): ${JSON.stringify(results.agreement)}`,
  '',
].join('\n');
writeFileSync(join(resultsDir, 'cka.md'), md);
console.log(md);
