// SYRK chunk-kernel benchmark: the FP32 peak of this machine (measurePeakGflops) against the production kernel
// (syrkChunk) at T = 20000 rows, D in {1024, 9984}, on 1 thread and on all hardware threads.
//
//   node bench/syrk-kernel.mjs            (NEUROSIEVE_ADDON=/path/to/neurosieve.node to use another build)
//
// Conventions: "GFLOP/s" = 2·T·D²/time (the full-matrix number BLAS benchmarks quote for AᵀA); "triangle GFLOP/s"
// = T·D·(D+1)/time, the flops the kernel really does (upper triangle only); "of peak" = triangle GFLOP/s over the
// measured peak on the same number of threads. D = 9984 needs ~1.2 GB (X 800 MB + C 400 MB).
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function loadAddon() {
  const candidates = [
    process.env.NEUROSIEVE_ADDON && resolve(process.env.NEUROSIEVE_ADDON),
    resolve(root, 'native/build/Release/neurosieve.node'),
  ].filter(Boolean);
  const file = candidates.find((f) => existsSync(f));
  if (!file) throw new Error(`neurosieve addon not found (tried ${candidates.join(', ')}); run npm run build:native`);
  return createRequire(import.meta.url)(file);
}

// Deterministic, roughly centred data: a few shared factors plus noise, so the kernel sees realistic values.
function makeData(rows, cols, seed = 12345) {
  let a = seed >>> 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
  const x = new Float32Array(rows * cols);
  const load = Float32Array.from({ length: cols }, rand);
  for (let r = 0; r < rows; r++) {
    const z = rand();
    const o = r * cols;
    for (let c = 0; c < cols; c++) x[o + c] = load[c] * z + rand();
  }
  return x;
}

const fmt = (v, d = 1) => v.toFixed(d);

/**
 * Runs the benchmark and returns { kernel, hardwareThreads, peak: {threads: GFLOP/s}, rows: [...], markdown }.
 * Each row: { T, D, threads, seconds, gflops, triangleGflops, peakGflops, fractionOfPeak }.
 */
export function runSyrkKernelBench({
  T = 20000,
  sizes = [1024, 9984],
  threads,
  peakSeconds = 2,
  reps = (D) => (D <= 2048 ? 5 : 1),
  log = () => {},
} = {}) {
  const addon = loadAddon();
  const info = addon.info();
  const threadCounts = threads ?? [...new Set([1, info.hardwareThreads])];
  const peak = {};
  for (const n of threadCounts) {
    peak[n] = addon.measurePeakGflops(peakSeconds, n);
    log(`peak on ${n} thread(s): ${fmt(peak[n])} GFLOP/s`);
  }
  const rows = [];
  for (const D of sizes) {
    const x = makeData(T, D);
    addon.syrkChunk(x.subarray(0, Math.min(T, 512) * D), Math.min(T, 512), D, info.hardwareThreads); // warm-up
    for (const n of threadCounts) {
      let best = Infinity;
      const count = typeof reps === 'function' ? reps(D) : reps;
      for (let k = 0; k < count; k++) {
        const t0 = process.hrtime.bigint();
        addon.syrkChunk(x, T, D, n);
        best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
      }
      const gflops = (2 * T * D * D) / best / 1e9;
      const triangleGflops = (T * D * (D + 1)) / best / 1e9;
      const row = { T, D, threads: n, seconds: best, gflops, triangleGflops, peakGflops: peak[n], fractionOfPeak: triangleGflops / peak[n] };
      rows.push(row);
      log(`T=${T} D=${D} threads=${n}: ${fmt(best, 3)} s, ${fmt(triangleGflops)} triangle GFLOP/s`);
    }
  }
  const markdown = [
    `SYRK kernel \`${info.kernel}\`, ${info.hardwareThreads} hardware threads; peak (FMA loop): ` +
      threadCounts.map((n) => `${fmt(peak[n])} GFLOP/s on ${n} thread(s)`).join(', '),
    '',
    '| T | D | threads | time (s) | GFLOP/s (2·T·D²) | triangle GFLOP/s (T·D(D+1)) | of peak (triangle) |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.T} | ${r.D} | ${r.threads} | ${fmt(r.seconds, 3)} | ${fmt(r.gflops)} | ${fmt(r.triangleGflops)} | ` +
        `${fmt(100 * r.fractionOfPeak)}% |`,
    ),
  ].join('\n');
  return { kernel: info.kernel, hardwareThreads: info.hardwareThreads, peak, rows, markdown };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const result = runSyrkKernelBench({ log: (m) => console.error(m) });
  console.log(result.markdown);
}
