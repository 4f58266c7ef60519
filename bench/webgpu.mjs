// WebGPU benchmark: neurosieve's WebGPU backend against the native engine and against gpu.js (a peer installed
// in bench/ only: `cd bench && npm install --omit=optional`, see bench/package.json), for the correlation pass
// for a GEMM (the probe's X·Wᵀ), for the exact probe solver (WebGPU path + native polish against the native path)
// and for average linkage (reciprocal-nearest-neighbour rounds, src/cluster/linkage-webgpu.ts,
// against the native NN-chain on the same float32 distances). Run through `npm run bench` (bench/run.mjs) or alone:
//
//   node bench/webgpu.mjs [--quick]
//
// On a CPU adapter (Mesa lavapipe: adapter.fallback) the numbers are labelled "software adapter: correctness
// only": they prove the shaders run and agree, and say nothing about a GPU. Sizes are chosen for lavapipe
// (~1–2 GFLOP/s); on a real GPU pass NEUROSIEVE_BENCH_GPU_SCALE=8 to multiply T (and the GEMM size by 2).
//
// Timing: best of N runs of the whole call (upload, kernels, readback, float64 merge on the host), after one
// warm-up run that compiles the pipelines. FLOPs: correlation 2·T·D² (full-matrix convention of the other
// benches; the kernel computes the triangle), GEMM 2·M·N·K.
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { prng } from './random.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');

/** T×D activations: groups of 4 correlated neurons around a shared factor, means in [−20, 20]. */
function activations(T, D, seed) {
  const rand = prng(seed);
  const x = new Float32Array(T * D);
  const mean = Float64Array.from({ length: D }, () => (rand() - 0.5) * 40);
  for (let t = 0; t < T; t++) {
    let f = 0;
    for (let d = 0; d < D; d++) {
      if (d % 4 === 0) f = rand() - 0.5;
      x[t * D + d] = mean[d] + f + 0.3 * (rand() - 0.5);
    }
  }
  return x;
}

async function best(runs, fn) {
  await fn(); // warm-up: pipeline compilation, buffer pool
  let s = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    s = Math.min(s, (performance.now() - t0) / 1000);
  }
  return s;
}

const maxAbsDiff = (a, b) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

/** gpu.js on the same Dawn (webgpu@0.6.2) as neurosieve, or { skipped } when bench/node_modules lacks it. */
async function loadGpuJs(navigatorGpu) {
  if (!existsSync(join(here, 'node_modules/gpu.js'))) return { skipped: 'gpu.js not installed (cd bench && npm install --omit=optional)' };
  try {
    globalThis.navigator ??= {};
    if (!globalThis.navigator.gpu) Object.defineProperty(globalThis.navigator, 'gpu', { value: navigatorGpu, configurable: true });
    const { GPU } = createRequire(import.meta.url)('gpu.js');
    return { gpu: new GPU({ mode: 'webgpu' }) };
  } catch (err) {
    return { skipped: `gpu.js failed to load: ${err.message}` };
  }
}

const settle = async (v) => (v && typeof v.then === 'function' ? await v : v);
const rowsOf = (flat, n, m) => Array.from({ length: n }, (_, i) => flat.subarray(i * m, (i + 1) * m));

export async function runWebgpuBench({ api, quick = false, log = console.error, runs = 3 } = {}) {
  const scale = Number(process.env.NEUROSIEVE_BENCH_GPU_SCALE || 1);
  let g;
  try {
    g = await api.gpu();
  } catch (err) {
    log(`webgpu bench skipped: ${err.message}`);
    return { skipped: err.message, rows: [] };
  }
  const label = g.adapter.fallback ? 'software adapter: correctness only' : 'GPU';
  log(`adapter: ${g.adapter.backend} ${g.adapter.description || g.adapter.device} (${label})`);
  // The create() object gpu.js needs as navigator.gpu: neurosieve's own instance list is private, so gpu.js gets
  // a fresh one from the same package (held by the peer for the run).
  const { create } = await import(pathToFileURL(join(root, 'node_modules/webgpu/index.js')).href);
  const navGpu = create([]);
  const peer = await loadGpuJs(navGpu);
  if (peer.skipped) log(peer.skipped);
  const rows = [];
  const dir = mkdtempSync(join(process.env.NEUROSIEVE_BENCH_TMP || tmpdir(), 'neurosieve-webgpu-bench-'));
  try {
    // ---- correlation: file -> full float32 matrix --------------------------------------------------------------
    const corrSizes = quick ? [[2048, 256]] : [[4096, 512], [2048, 1024]];
    for (const [T0, D] of corrSizes) {
      const T = T0 * scale;
      const x = activations(T, D, T + D);
      const path = join(dir, `x-${T}x${D}.npy`);
      api.writeNpy(path, x, [T, D]);
      const flops = 2 * T * D * D;
      let nat, gpuR;
      const tn = await best(runs, async () => (nat = await api.correlate(path, { backend: 'native' })));
      rows.push({ kind: 'correlation', impl: 'neurosieve native', T, D, seconds: tn, gflops: flops / tn / 1e9 });
      const tw = await best(runs, async () => (gpuR = await api.correlate(path, { backend: 'webgpu' })));
      rows.push({ kind: 'correlation', impl: 'neurosieve webgpu', T, D, seconds: tw, gflops: flops / tw / 1e9, maxAbsDiffVsNative: maxAbsDiff(gpuR.corr, nat.corr), note: label });
      log(`correlation T=${T} D=${D}: native ${tn.toFixed(3)} s, webgpu ${tw.toFixed(3)} s (max |Δr| ${rows.at(-1).maxAbsDiffVsNative.toExponential(1)})`);
      if (peer.gpu && D <= 512) {
        // gpu.js (~0.25 GFLOP/s on lavapipe: only the smaller problem): centred XᵀX as one kernel over the full matrix; means and r on the host (as a user would).
        const mean = nat.means;
        const k = peer.gpu.createKernel(function (a, mu) {
          let s = 0;
          for (let t = 0; t < this.constants.T; t++) s += (a[t][this.thread.y] - mu[this.thread.y]) * (a[t][this.thread.x] - mu[this.thread.x]);
          return s;
        }, { constants: { T }, output: [D, D] });
        const a2 = rowsOf(x, T, D);
        const mu = Float32Array.from(mean);
        let r;
        const tj = await best(runs, async () => {
          const M = await settle(k(a2, mu));
          r = new Float32Array(D * D);
          for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) r[i * D + j] = i === j ? 1 : M[i][j] / Math.sqrt(M[i][i] * M[j][j]);
        });
        rows.push({ kind: 'correlation', impl: 'gpu.js (webgpu mode)', T, D, seconds: tj, gflops: flops / tj / 1e9, maxAbsDiffVsNative: maxAbsDiff(r, nat.corr), note: label });
        log(`  gpu.js ${tj.toFixed(3)} s (max |Δr| ${rows.at(-1).maxAbsDiffVsNative.toExponential(1)})`);
      }
    }

    // ---- GEMM: logits X·Wᵀ (M = T rows, N = C classes, K = D) ---------------------------------------------------
    const n = (quick ? 256 : 512) * Math.min(2, scale);
    const x = activations(n, n, 7);
    const W = activations(n, n, 8);
    const b = new Float32Array(n);
    const flops = 2 * n * n * n;
    const xs = await api.uploadActivations(x, n, n);
    let z;
    const tw = await best(runs, async () => (z = await api.probeLogits(xs, W, b, { r0: 0, rows: n })));
    xs.destroy();
    // float64 reference on a sample of rows
    let worst = 0;
    for (let t = 0; t < n; t += 37) {
      for (let c = 0; c < n; c++) {
        let s = 0;
        let abs = 0;
        for (let d = 0; d < n; d++) {
          s += x[t * n + d] * W[c * n + d];
          abs += Math.abs(x[t * n + d] * W[c * n + d]);
        }
        worst = Math.max(worst, Math.abs(z[t * n + c] - s) / abs);
      }
    }
    rows.push({ kind: 'gemm', impl: 'neurosieve webgpu (gemm-xwt)', M: n, N: n, K: n, seconds: tw, gflops: flops / tw / 1e9, maxRelError: worst, note: label });
    log(`GEMM ${n}³: webgpu ${tw.toFixed(3)} s (max relative error ${worst.toExponential(1)})`);
    if (peer.gpu) {
      const k = peer.gpu.createKernel(function (a, w) {
        let s = 0;
        for (let d = 0; d < this.constants.K; d++) s += a[this.thread.y][d] * w[this.thread.x][d];
        return s;
      }, { constants: { K: n }, output: [n, n] });
      const a2 = rowsOf(x, n, n);
      const w2 = rowsOf(W, n, n);
      let out;
      const tj = await best(runs, async () => (out = await settle(k(a2, w2))));
      let diff = 0;
      for (let t = 0; t < n; t += 37) for (let c = 0; c < n; c++) diff = Math.max(diff, Math.abs(out[t][c] - z[t * n + c]) / (Math.abs(z[t * n + c]) + 1));
      rows.push({ kind: 'gemm', impl: 'gpu.js (webgpu mode)', M: n, N: n, K: n, seconds: tj, gflops: flops / tj / 1e9, maxRelDiffVsWebgpu: diff, note: label });
      log(`  gpu.js ${tj.toFixed(3)} s`);
    }
    // ---- exact probe solve: native FISTA path vs WebGPU path + native polish (same objective to tol) --------------
    {
      // Small on lavapipe: gemm-xwt/gemm-gtx tile 64 classes, so C = 4 computes 16× the useful FLOPs there.
      const T = (quick ? 500 : 2000) * scale;
      const D = 32;
      const C = 4;
      const rand = prng(11);
      const xp = new Float32Array(T * D);
      const y = new Int32Array(T);
      for (let t = 0; t < T; t++) {
        y[t] = t < C ? t : Math.floor(rand() * C);
        for (let d = 0; d < D; d++) xp[t * D + d] = rand() - 0.5 + (d === y[t] ? 0.4 : 0);
      }
      const data = { x: xp, rows: T, cols: D, y };
      const options = { alpha: 0.5, tol: 1e-6 };
      let nat, dev;
      const tn = await best(1, async () => (nat = await api.trainExact(data, C, options, { backend: 'native' })));
      rows.push({ kind: 'probe-exact', impl: 'neurosieve native', T, D, seconds: tn, iterations: nat.solver.iterations });
      const tw = await best(1, async () => (dev = await api.trainExact(data, C, options, { backend: 'webgpu' })));
      const objRelDiff = Math.abs(dev.solver.objective - nat.solver.objective) / nat.solver.objective;
      rows.push({ kind: 'probe-exact', impl: 'neurosieve webgpu + native polish', T, D, seconds: tw, objRelDiff, gpuIterations: dev.solver.gpu.iterations, polishIterations: dev.solver.polish.iterations, note: label });
      log(`exact probe T=${T} D=${D} C=${C}: native ${tn.toFixed(3)} s (${nat.solver.iterations} it), webgpu ${tw.toFixed(3)} s (${dev.solver.gpu.iterations} on the device + ${dev.solver.polish.iterations} polish), objective rel. diff ${objRelDiff.toExponential(1)}`);
    }

    // ---- average linkage: float32 condensed distances 1 − |r| -> Z ---------------------------------------------
    // The correlation of grouped activations (groups of 4 around a shared factor), as `neurosieve cluster` sees it.
    for (const nPts of quick ? [512] : [512, 2048]) {
      const T = 2048;
      const path = join(dir, `l-${nPts}.npy`);
      api.writeNpy(path, activations(T, nPts, nPts + 1), [T, nPts]);
      const { corr } = await api.correlate(path, { backend: 'native' });
      const d = new Float32Array((nPts * (nPts - 1)) / 2);
      let e = 0;
      for (let i = 0; i < nPts; i++) for (let j = i + 1; j < nPts; j++) d[e++] = 1 - Math.abs(corr[i * nPts + j]);
      let zn, zw, report;
      const tn = await best(runs, async () => (zn = await api.linkage(d, { method: 'average', backend: 'native' })));
      rows.push({ kind: 'linkage', impl: 'neurosieve native (NN-chain)', n: nPts, seconds: tn });
      for (const ties of ['exact', 'any']) {
        const tw = await best(runs, async () => (zw = await api.linkage(d, { method: 'average', backend: 'webgpu', ties, onReport: (r) => (report = r) })));
        let sameMerges = true;
        let heightRel = 0;
        for (let k = 0; k < zn.length; k++) {
          if (k % 4 !== 2) sameMerges &&= zn[k] === zw[k];
          else heightRel = Math.max(heightRel, Math.abs(zn[k] - zw[k]) / Math.max(zn[k], 1e-30));
        }
        rows.push({ kind: 'linkage', impl: `neurosieve webgpu (RNN rounds, ties '${ties}')`, n: nPts, seconds: tw, rounds: report.rounds, handover: report.handover ?? null, tiedMerges: report.tiedMerges ?? null, sameMerges, heightRel, note: label });
        log(`average linkage n=${nPts}, ties '${ties}': native ${tn.toFixed(3)} s, webgpu ${tw.toFixed(3)} s, ${report.rounds} rounds${report.handover ? ` (handed over: ${report.handover})` : ''}${report.tiedMerges ? `, ${report.tiedMerges} tied merges` : ''}, same merges: ${sameMerges}, max height rel. diff ${heightRel.toExponential(1)}`);
      }
    }

    // Plain JS (one thread, row-major i-k-j loop): the CPU baseline a JS user starts from.
    const tp = await best(1, async () => {
      const o = new Float32Array(n * n);
      for (let t = 0; t < n; t++) for (let c = 0; c < n; c++) {
        let s = 0;
        for (let d = 0; d < n; d++) s += x[t * n + d] * W[c * n + d];
        o[t * n + c] = s;
      }
    });
    rows.push({ kind: 'gemm', impl: 'plain JS (1 thread)', M: n, N: n, K: n, seconds: tp, gflops: flops / tp / 1e9 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const adapter = { backend: g.adapter.backend, description: g.adapter.description, device: g.adapter.device, fallback: g.adapter.fallback };
  await api.releaseGpu();
  return { adapter, label, gpuJs: peer.skipped ?? 'gpu.js 2.24.1, webgpu mode', rows, markdown: markdown(rows, label, adapter) };
}

function markdown(rows, label, adapter) {
  const f = (v, d) => (v === undefined ? '–' : v.toFixed(d));
  return [
    `Adapter: ${adapter.backend} ${adapter.description || adapter.device}${adapter.fallback ? ' — **software adapter: correctness only**' : ''}.`,
    '',
    '| task | implementation | size | time (s) | GFLOP/s | agreement |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) =>
      `| ${r.kind} | ${r.impl}${r.note && r.impl !== 'neurosieve native' ? ` (${r.note})` : ''} | ${r.kind === 'gemm' ? `${r.M}×${r.K}·${r.K}×${r.N}` : r.kind === 'linkage' ? `n=${r.n}` : `T=${r.T}, D=${r.D}`} | ${f(r.seconds, 3)} | ${f(r.gflops, 2)} | ` +
      (r.objRelDiff !== undefined ? `${r.gpuIterations} device + ${r.polishIterations} native iterations; objective rel. diff vs native ${r.objRelDiff.toExponential(1)}` : r.iterations !== undefined ? `${r.iterations} iterations` : r.sameMerges !== undefined ? `${r.rounds} rounds; ${r.handover ? 'handed over to native (tie)' : r.sameMerges ? 'same merges as native' : `merges differ (${r.tiedMerges ?? '?'} tied merges)`}, max height rel. diff ${r.heightRel.toExponential(1)}` : r.maxAbsDiffVsNative !== undefined ? `max \\|Δr\\| vs native ${r.maxAbsDiffVsNative.toExponential(1)}` : r.maxRelError !== undefined ? `max rel. error vs float64 ${r.maxRelError.toExponential(1)}` : r.maxRelDiffVsWebgpu !== undefined ? `max rel. diff vs webgpu ${r.maxRelDiffVsWebgpu.toExponential(1)}` : '–') + ' |'),
  ].join('\n');
}

// Stand-alone run.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const api = await import(pathToFileURL(join(root, 'dist/index.js')).href);
  const r = await runWebgpuBench({ api, quick: process.argv.includes('--quick') });
  console.log(r.markdown ?? r.skipped);
  process.exit(0);
}
