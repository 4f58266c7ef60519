// Compatible probe trainer benchmark (issue 5): NeuroX's train_logistic_regression_probe loop — 10 epochs, batch 32,
// Adam lr 1e-3, λ1 = λ2 = 1e-5 (Dalvi et al.'s values) — at T = 20,000 × D = 9,984 with 6 classes, neurosieve
// (trainCompat, the whole API call: validation of the input included) on 1 and 2 threads, against
//   - numpy: the same float32 Adam loop (bench/peers/numpy_compat_probe.py: xb @ W.T on OpenBLAS, elementwise
//     Adam), as torch runs it on a CPU, on the same data and init (written as .npy), the training loop timed
//     inside Python; its final weights are compared with ours (same init, same data, same order);
//   - plain JS: the same loop in float64 (bench/peers/plain-js-probe.mjs) on the first rows, one epoch, and
//     extrapolated linearly in rows × epochs (marked "est."); it is also the float64 reference for agreement.
// The data: uniform noise with a class-dependent shift on 12 planted neurons, labels cycling through the classes.
// Timings are wall clock, best of `runs`; the load average at start and end is recorded (2 shared cores).
//
//   node bench/probe-compat.mjs [--quick] [--no-numpy] [--no-js]     writes bench/results/probe-compat.{json,md}
//   --quick: T = 4,000, D = 1,024.   bench/run.mjs calls runProbeCompatBench().
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { trainPlainJs } from './peers/plain-js-probe.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const python = process.env.NEUROSIEVE_BENCH_PYTHON || '/usr/bin/python3';

/** Planted data: x uniform in [−0.5, 0.5) (xorshift32), +1 on neuron 2·y and 2·y + 1 of a row of class y. */
function makeData(T, D, C) {
  const x = new Float32Array(T * D);
  const y = new Int32Array(T);
  let s = 0x9e3779b9;
  for (let i = 0; i < x.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    x[i] = (s >>> 0) / 4294967296 - 0.5;
  }
  for (let t = 0; t < T; t++) {
    y[t] = (t * 7) % C;
    x[t * D + 2 * y[t]] += 1;
    x[t * D + 2 * y[t] + 1] += 1;
  }
  return { x, y, rows: T, cols: D };
}

function diffStats(a, b) {
  const d = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) d[i] = Math.abs(a[i] - b[i]);
  const sorted = Float64Array.from(d).sort();
  const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return { max: sorted[sorted.length - 1], p999: q(0.999), median: q(0.5), over1e5: d.filter((v) => v > 1e-5).length, n: d.length };
}

export async function runProbeCompatBench({ quick = false, numpy = true, plainJs = true, runs = 2, log = console.error, dir } = {}) {
  const { trainCompat, compatInit } = await import(pathToFileURL(join(root, 'dist/probe/train-compat.js')).href);
  const { predictLinear, accuracyOf } = await import(pathToFileURL(join(root, 'dist/probe/linear-predict.js')).href);
  const { writeNpy, readNpy } = await import(pathToFileURL(join(root, 'dist/index.js')).href);
  const T = quick ? 4000 : 20000, D = quick ? 1024 : 9984, C = 6;
  const epochs = 10, batch = 32, lr = 1e-3, l1 = 1e-5, l2 = 1e-5, seed = 0;
  const options = { epochs, batchSize: batch, learningRate: lr, l1, l2, seed };
  const loadStart = loadavg();
  log(`probe-compat: T = ${T}, D = ${D}, C = ${C}, ${epochs} epochs, batch ${batch} — load average ${loadStart.map((v) => v.toFixed(2)).join(' ')}`);
  const data = makeData(T, D, C);
  const rows = [];
  let ours;
  for (const threads of [1, 2]) {
    const samples = [];
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      const probe = await trainCompat(data, C, options, { threads });
      samples.push((performance.now() - t0) / 1000);
      if (threads === 1 && r === 0) ours = probe;
    }
    const seconds = Math.min(...samples);
    rows.push({ impl: 'neurosieve trainCompat', threads, T, D, C, epochs, seconds, samples });
    log(`  neurosieve, ${threads} thread(s): ${samples.map((s) => s.toFixed(2)).join(' / ')} s`);
  }
  const trainAccuracy = accuracyOf(await predictLinear(data, ours), data.y);
  const init = compatInit(C, D, seed);

  // numpy peer on the same data and init.
  let numpyRow = { skipped: numpy ? undefined : '--no-numpy' };
  let agreementNumpy;
  if (numpy) {
    const probe = spawnSync(python, ['-c', 'import numpy'], { encoding: 'utf8' });
    if (!existsSync(python) || probe.status !== 0) numpyRow = { skipped: `${python} cannot import numpy` };
    else {
      const tmp = mkdtempSync(join(dir ?? tmpdir(), 'neurosieve-probe-compat-'));
      try {
        writeNpy(join(tmp, 'x.npy'), data.x, [T, D]);
        writeNpy(join(tmp, 'y.npy'), data.y, [T]);
        writeNpy(join(tmp, 'w0.npy'), init.weight, [C, D]);
        writeNpy(join(tmp, 'b0.npy'), init.bias, [C]);
        const env = { ...process.env, OPENBLAS_CORETYPE: process.env.OPENBLAS_CORETYPE ?? 'SkylakeX' };
        const t0 = performance.now();
        const r = spawnSync(python, [join(here, 'peers/numpy_compat_probe.py'), tmp, String(epochs), String(batch), String(lr), String(l1), String(l2), 'adam'], { encoding: 'utf8', env, maxBuffer: 1 << 24 });
        const wall = (performance.now() - t0) / 1000;
        if (r.status !== 0) throw new Error(`numpy peer failed: ${r.stderr}`);
        const out = JSON.parse(r.stdout.trim().split('\n').pop());
        const w = readNpy(join(tmp, 'w_numpy.npy')).data;
        agreementNumpy = { weight: diffStats(ours.weight, w), lastLoss: { neurosieve: ours.solver.objective, numpy: out.epochLoss[epochs - 1] } };
        numpyRow = { impl: 'numpy float32 loop (OpenBLAS)', threads: out.env.OPENBLAS_NUM_THREADS ?? 'OpenBLAS default', T, D, C, epochs, seconds: out.seconds, wallWithLoad: wall, numpy: out.numpy, python: out.python, env: out.env };
        rows.push(numpyRow);
        log(`  numpy: ${out.seconds.toFixed(2)} s (process ${wall.toFixed(2)} s with np.load); weights vs neurosieve: max |Δ| ${agreementNumpy.weight.max.toExponential(2)}, median ${agreementNumpy.weight.median.toExponential(2)}`);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    }
  }

  // Plain JS float64 on the first rows, one epoch, extrapolated; and float64 agreement on that small problem.
  let agreementJs;
  if (plainJs) {
    const Tjs = quick ? 1000 : 2000;
    const small = { x: data.x.subarray(0, Tjs * D), y: data.y.subarray(0, Tjs), rows: Tjs, cols: D };
    const W = Float64Array.from(init.weight), b = Float64Array.from(init.bias);
    const t0 = performance.now();
    trainPlainJs(small, C, W, b, { epochs: 1, batch, lr, l1, l2 });
    const measured = (performance.now() - t0) / 1000;
    const seconds = measured * (T / Tjs) * epochs;
    rows.push({ impl: 'plain JS float64 loop', threads: 1, T, D, C, epochs, seconds, extrapolated: true, measured: { rows: Tjs, epochs: 1, seconds: measured } });
    const mine = await trainCompat(small, C, { ...options, epochs: 1 }, { threads: 1 });
    agreementJs = { rows: Tjs, epochs: 1, weight: diffStats(mine.weight, W) };
    log(`  plain JS: ${measured.toFixed(2)} s for ${Tjs} rows × 1 epoch → ${seconds.toFixed(1)} s (est.); float64 agreement max |Δ| ${agreementJs.weight.max.toExponential(2)}`);
  }

  const loadEnd = loadavg();
  const best = (th) => rows.find((r) => r.impl.startsWith('neurosieve') && r.threads === th).seconds;
  const numpySeconds = numpyRow.seconds;
  for (const r of rows) r.numpyOverThis = numpySeconds ? numpySeconds / r.seconds : undefined;
  const target = { target: `compatible trainer: 10 epochs at ${T.toLocaleString('en')} × ${D.toLocaleString('en')}, 6 classes, batch 32 in < 10 s`, measured: `${Math.min(best(1), best(2)).toFixed(2)} s (1 thread ${best(1).toFixed(2)} s, 2 threads ${best(2).toFixed(2)} s)`, pass: quick ? undefined : Math.min(best(1), best(2)) < 10 };
  const fmt = (v, d = 2) => (v === undefined ? '–' : v.toFixed(d));
  const md = [
    `T = ${T.toLocaleString('en')}, D = ${D.toLocaleString('en')}, C = ${C}, ${epochs} epochs, batch ${batch}, Adam lr ${lr}, λ1 = λ2 = ${l1}. ` +
      `Load average (1/5/15 min) at start ${loadStart.map((v) => v.toFixed(2)).join(' / ')}, at end ${loadEnd.map((v) => v.toFixed(2)).join(' / ')} on 2 hardware threads.`,
    '',
    '| implementation | threads | time (s) | numpy / this | note |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.impl} | ${r.threads} | ${fmt(r.seconds)}${r.extrapolated ? ' (est.)' : ''} | ${r.numpyOverThis ? fmt(r.numpyOverThis) + '×' : '–'} | ` +
      (r.impl.startsWith('neurosieve') ? `best of ${r.samples.length}: ${r.samples.map((s) => fmt(s)).join(', ')}; whole API call` :
        r.extrapolated ? `${r.measured.rows} rows × 1 epoch in ${fmt(r.measured.seconds)} s, × ${(T / r.measured.rows) * epochs}` :
          `training loop only; numpy ${r.numpy}, OPENBLAS_CORETYPE=${r.env.OPENBLAS_CORETYPE ?? '(unset)'}`) + ' |'),
    '',
    `- Train accuracy of the neurosieve probe: ${(100 * trainAccuracy).toFixed(2)} %; last epoch loss ${fmt(ours.solver.objective, 5)}.`,
    ...(numpyRow.skipped ? [`- numpy peer not run: ${numpyRow.skipped}.`] : []),
    ...(agreementNumpy ? [`- Agreement with numpy (float32, same init, data and order, ${epochs * Math.ceil(T / batch)} Adam steps): weights max |Δ| ${agreementNumpy.weight.max.toExponential(2)}, ` +
      `99.9th percentile ${agreementNumpy.weight.p999.toExponential(2)}, median ${agreementNumpy.weight.median.toExponential(2)}; ${agreementNumpy.weight.over1e5} of ${agreementNumpy.weight.n} differ by more than 1e-5; ` +
      `last epoch loss ${fmt(agreementNumpy.lastLoss.neurosieve, 6)} vs ${fmt(agreementNumpy.lastLoss.numpy, 6)}.`] : []),
    ...(agreementJs ? [`- Agreement with the float64 JS loop (${agreementJs.rows} rows, 1 epoch): weights max |Δ| ${agreementJs.weight.max.toExponential(2)}, median ${agreementJs.weight.median.toExponential(2)}.`] : []),
    '',
    `| target | measured | result |`,
    '|---|---|---|',
    `| ${target.target} | ${target.measured} | ${target.pass === undefined ? 'n/a (quick)' : target.pass ? 'pass' : '**miss**'} |`,
  ].join('\n');
  return { T, D, C, epochs, batch, lr, l1, l2, loadAverageAtStart: loadStart, loadAverageAtEnd: loadEnd, rows, trainAccuracy, agreementNumpy, agreementJs, targets: [target], markdown: md };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  for (const a of args) {
    if (!['--quick', '--no-numpy', '--no-js'].includes(a)) {
      console.error(`Expected one of --quick, --no-numpy, --no-js but received '${a}'`);
      process.exit(2);
    }
  }
  if (!existsSync(join(root, 'dist/probe/train-compat.js'))) {
    console.error('dist/ is missing or stale: run `npm run build:ts` first');
    process.exit(1);
  }
  const result = await runProbeCompatBench({ quick: args.includes('--quick'), numpy: !args.includes('--no-numpy'), plainJs: !args.includes('--no-js') });
  const resultsDir = join(here, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const { markdown, ...json } = result;
  writeFileSync(join(resultsDir, 'probe-compat.json'), JSON.stringify({ date: new Date().toISOString(), ...json }, null, 2) + '\n');
  writeFileSync(join(resultsDir, 'probe-compat.md'), `# Compatible probe trainer\n\n${markdown}\n`);
  console.log(markdown);
}
