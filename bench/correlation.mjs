// Correlation benchmark: neurosieve's correlate() end to end (a float32 .npy on disk → full float32 D×D matrix)
// against numpy.corrcoef (Debian's python3-numpy on OpenBLAS, in a long-lived worker: bench/peers/numpy_corrcoef.py)
// and against a plain JavaScript two-pass implementation (bench/peers/plain-js.mjs), one benny suite per width D.
// Run through `npm run bench` (bench/run.mjs), which prepares the data directory, the peers and the peak.
//
// Timing: best of N runs. neurosieve and plain JS are timed by benny (round trip of the call); numpy's time is
// measured inside Python around np.corrcoef only (np.load is timed separately) — benny's round-trip time for it is
// kept in the JSON as well. Data come from neurosieve's synth (dist/synth/synth.js): planted groups of redundant neurons,
// constant and large-mean neurons, every column offset, written to a temporary directory and deleted afterwards.
import b from 'benny';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { plainCorrelation } from './peers/plain-js.mjs';
import { prng } from './random.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const numpyScript = join(root, 'bench/peers/numpy_corrcoef.py');

/** The Python that runs the numpy peer: Debian's, whose numpy uses Debian's OpenBLAS (override: NEUROSIEVE_BENCH_PYTHON). */
export const pythonPath = process.env.NEUROSIEVE_BENCH_PYTHON || '/usr/bin/python3';

/** Starts the numpy worker, or returns { skipped: reason } when this Python has no numpy. */
export async function startNumpyPeer() {
  if (!existsSync(pythonPath)) return { skipped: `${pythonPath} not found` };
  const probe = spawnSync(pythonPath, ['-c', 'import numpy'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    return { skipped: `${pythonPath} cannot import numpy (${(probe.stderr || '').trim().split('\n').pop()})` };
  }
  const child = spawn(pythonPath, [numpyScript], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const waiting = [];
  let exited = null;
  lines.on('line', (line) => waiting.shift()?.resolve(line));
  child.on('exit', (code, signal) => {
    exited = `numpy worker exited (code ${code}, signal ${signal})`;
    for (const w of waiting.splice(0)) w.reject(new Error(exited));
  });
  const call = (req) =>
    new Promise((res, rej) => {
      if (exited) return rej(new Error(exited));
      waiting.push({ resolve: res, reject: rej });
      child.stdin.write(JSON.stringify(req) + '\n');
    }).then((line) => {
      const reply = JSON.parse(line);
      if (reply.error) throw new Error(`numpy peer: ${reply.error}`);
      return reply;
    });
  const info = await call({ op: 'info' });
  const stop = async () => {
    if (exited) return;
    await call({ op: 'quit' }).catch(() => {});
    child.stdin.end();
  };
  return { call, info, stop };
}

/**
 * Pairs (flat [i0, j0, i1, j1, …]) to compare implementations on: every pair inside a planted group (high |r|),
 * `random` random pairs and 256 diagonal entries, leaving out zero-variance neurons (numpy gives NaN there,
 * neurosieve 0 by contract).
 */
function samplePairs(D, truth, zeroVariance, random = 20000, seed = 7) {
  const skip = new Set(zeroVariance);
  const pairs = [];
  for (const g of truth?.groups ?? []) {
    for (const i of g.neurons) for (const j of g.neurons) if (i < j) pairs.push(i, j);
  }
  const rand = prng(seed);
  for (let k = 0; k < random; k++) pairs.push(Math.floor(rand() * D), Math.floor(rand() * D));
  for (let k = 0; k < 256; k++) {
    const i = Math.floor(rand() * D);
    pairs.push(i, i);
  }
  const out = [];
  for (let k = 0; k < pairs.length; k += 2) if (!skip.has(pairs[k]) && !skip.has(pairs[k + 1])) out.push(pairs[k], pairs[k + 1]);
  return out;
}

function maxAbsDiff(a, b) {
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] - b[k]));
  return m;
}

/** benny entry that arms the cases when the suite starts: benny calls each case twice while preparing the suite
 *  (to detect sync/async, concurrently, unawaited) and those calls must not run multi-second work. */
function armer(state) {
  const fn = (suiteObj) => suiteObj.on('start', () => (state.armed = true));
  return () => Promise.resolve(Object.defineProperty(fn, 'name', { value: 'arm' }));
}

/**
 * Runs the correlation suites.
 * opts: { api (dist/index.js module), synth (dist/synth/synth.js synth), dir (temp dir), T, sizes, reps(D, impl),
 *         numpy (peer from startNumpyPeer or null), plainJs: { fullUpTo, subsetRows }, peakGflops, resultsDir, log }
 * Returns { rows, agreement, numpy: info|skipped, suites: benny summaries }.
 */
export async function runCorrelationBench({
  api,
  synth,
  dir,
  T = 20000,
  sizes = [1024, 9984],
  reps = (D) => (D <= 2048 ? 3 : 2),
  jsReps = 3,
  numpy = null,
  plainJs = { fullUpTo: 2048, subsetRows: 32 },
  peakGflops,
  resultsDir,
  log = console.error,
}) {
  const rows = [];
  const agreement = [];
  const suites = [];
  for (const D of sizes) {
    const path = join(dir, `corr-T${T}-D${D}.npy`);
    const t0 = performance.now();
    await synth({ out: path, tokens: T, neurons: D, seed: 20000 + D, offset: 3 });
    const truth = JSON.parse(readFileSync(`${path}.truth.json`, 'utf8'));
    log(`data: ${path} (${T} × ${D} float32, ${truth.groups.length} planted groups, ` +
      `${truth.constant.length} constant, ${truth.largeMean.length} large-mean neurons) in ${((performance.now() - t0) / 1e3).toFixed(1)} s`);

    let npLoad = null;
    if (numpy) npLoad = (await numpy.call({ op: 'load', path })).seconds;

    const state = { armed: false };
    const n = reps(D);
    let last = null;
    const numpyTimes = [];
    let jsResult = null;
    const jsFull = D <= plainJs.fullUpTo;
    const cases = [
      b.add('neurosieve correlate', async () => {
        if (!state.armed) return;
        last = null;
        last = await api.correlate(path);
      }, { minSamples: n }),
    ];
    if (numpy) {
      cases.push(b.add('numpy.corrcoef', async () => {
        if (!state.armed) return;
        numpyTimes.push((await numpy.call({ op: 'corrcoef' })).seconds);
      }, { minSamples: n }));
    }
    if (jsFull) {
      cases.push(b.add('plain JS', async () => {
        if (!state.armed) return;
        jsResult = null;
        jsResult = plainCorrelation(path);
      }, { minSamples: jsReps }));
    }
    const summary = await b.suite(
      `correlation T=${T} D=${D}`,
      armer(state),
      ...cases,
      b.configure({ cases: { minSamples: n, minTime: 0.001, maxTime: 0.001, delay: 0.2 }, minDisplayPrecision: 3 }),
      b.cycle((r) => `  ${r.name}: best ${r.details.min.toFixed(3)} s of ${r.samples}`),
      b.complete(() => ''),
      b.save({ file: `correlation-d${D}`, folder: resultsDir, details: true, version: api.kernelInfo().version }),
    );
    suites.push(summary);
    const best = (name) => summary.results.find((r) => r.name === name)?.details.min;

    // Agreement with numpy on a sample of entries, and with the plain JS peer on the whole matrix.
    const agree = { D, zeroVarianceNeurons: last.zeroVariance.length };
    if (numpy) {
      const pairs = samplePairs(D, truth, last.zeroVariance);
      const { values } = await numpy.call({ op: 'sample', pairs });
      let m = 0;
      let nan = 0;
      for (let k = 0; k < values.length; k++) {
        if (values[k] === null) nan++;
        else m = Math.max(m, Math.abs(last.corr[pairs[2 * k] * D + pairs[2 * k + 1]] - values[k]));
      }
      Object.assign(agree, { numpyPairs: values.length, numpyNaN: nan, maxAbsDiffVsNumpy: m, withinTolerance: m <= 1e-5 });
      await numpy.call({ op: 'free' });
    }
    if (jsResult) agree.maxAbsDiffVsPlainJs = maxAbsDiff(last.corr, jsResult.corr);
    agreement.push(agree);
    log(`agreement D=${D}: ${JSON.stringify(agree)}`);

    const flops = 2 * T * D * D;
    const triangle = T * D * (D + 1);
    const npBest = numpyTimes.length ? Math.min(...numpyTimes) : undefined;
    const row = (impl, seconds, extra = {}) => ({
      impl,
      T,
      D,
      seconds,
      runs: extra.runs,
      gflops: flops / seconds / 1e9,
      fractionOfPeak: peakGflops ? triangle / seconds / 1e9 / peakGflops : undefined,
      numpyRatio: npBest !== undefined ? npBest / seconds : undefined,
      ...extra,
    });
    const nsBest = best('neurosieve correlate');
    rows.push(row('neurosieve correlate (file → float32 D×D)', nsBest, { runs: n, precision: 'float32 in, float64 accumulation' }));
    if (numpy) {
      rows.push(row('numpy.corrcoef (float64)', npBest, {
        runs: numpyTimes.length,
        roundTripSeconds: best('numpy.corrcoef'),
        loadSeconds: npLoad,
        withLoadSeconds: npBest + npLoad,
      }));
    }
    if (jsFull) {
      rows.push(row('plain JS two-pass', best('plain JS'), { runs: jsReps }));
    } else if (plainJs.subsetRows > 0) {
      // Far too slow for the full size: time a subset of rows and scale the row-proportional phases.
      const sub = plainCorrelation(path, { rows: plainJs.subsetRows });
      const s = sub.seconds;
      const est = ((s.means + s.comoments) * T) / sub.rows + s.finish;
      rows.push(row(`plain JS two-pass (extrapolated from ${sub.rows} rows)`, est, { runs: 1, extrapolated: true, subsetRows: sub.rows, subsetSeconds: s }));
      log(`plain JS D=${D}: ${sub.rows} rows in ${(s.means + s.comoments + s.finish).toFixed(1)} s → ~${est.toFixed(0)} s for ${T} rows`);
    }
    last = null;
    jsResult = null;
  }
  return { rows, agreement, suites };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  console.error('run `npm run bench` (bench/run.mjs): it prepares the data, the peers and the peak measurement');
  process.exit(2);
}
