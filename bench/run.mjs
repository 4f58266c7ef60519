// `npm run bench`: neurosieve's benchmark suite. Writes bench/results/*.json and bench/results/summary.md, and
// prints the summary. See bench/README.md for what each column means.
//
//   node bench/run.mjs [--quick] [--skip-1e9] [--no-numpy] [--no-js] [--no-extract] [--no-webgpu] [--no-clustering] [--clustering-50k]
//                      [--no-probe-compat] [--no-probe] [--no-analyze]
//
//   --quick       D = 1,024 only: skips D = 9,984 and the 1e9-activation memory run (NEUROSIEVE_BENCH_QUICK=1)
//   --skip-1e9    skips the 1e9-activation memory run only (NEUROSIEVE_BENCH_SKIP_1E9=1)
//   --no-numpy    skips the numpy.corrcoef peer;  --no-js: the plain JS peer;  --no-extract: bench/extract.mjs
//   --no-webgpu   skips bench/webgpu.mjs (WebGPU vs native vs gpu.js)
//   --no-clustering   skips bench/clustering.mjs (average linkage vs scipy at n = 4,096 and 9,984; 4,096 with --quick)
//   --clustering-50k  adds the n = 50,000 peak-RSS run (10 GB of temporary input, several minutes)
//   --no-probe-compat skips bench/probe-compat.mjs (compatible probe trainer vs a numpy Adam loop; T = 4,000, D = 1,024 with --quick)
//   --no-probe    skips bench/probe.mjs (exact probe vs scikit-learn saga; T = 20,000, D = 1,024; 4,000 × 256 with --quick)
//   --no-analyze  skips bench/analyze.mjs (`neurosieve analyze` at the demo size and at 9,984 × 20,000 vs a reference-style
//                 numpy/scipy/torch peer; with --quick: synthetic 6,000 × 1,280 only)
// Temporary data go to $NEUROSIEVE_BENCH_TMP or the OS temp directory and are deleted at the end.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, release, tmpdir, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runCorrelationBench, startNumpyPeer, pythonPath } from './correlation.mjs';
import { runMemoryBench } from './memory.mjs';
import { runSyrkKernelBench } from './syrk-kernel.mjs';
import { runClusteringBench } from './clustering.mjs';
import { runProbeCompatBench } from './probe-compat.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const resultsDir = join(here, 'results');
const GiB = 2 ** 30;

const FLAGS = ['--quick', '--skip-1e9', '--no-numpy', '--no-js', '--no-extract', '--no-webgpu', '--no-clustering', '--clustering-50k', '--no-probe-compat', '--no-probe', '--no-analyze', '--help'];
const args = process.argv.slice(2);
for (const a of args) {
  if (!FLAGS.includes(a)) {
    console.error(`Expected one of ${FLAGS.join(', ')} but received '${a}'`);
    process.exit(2);
  }
}
if (args.includes('--help')) {
  console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\nimport ')[0].replace(/^\/\/ ?/gm, ''));
  process.exit(0);
}
const env = (k) => ['1', 'true', 'yes'].includes((process.env[k] ?? '').toLowerCase());
const quick = args.includes('--quick') || env('NEUROSIEVE_BENCH_QUICK');
const skip1e9 = quick || args.includes('--skip-1e9') || env('NEUROSIEVE_BENCH_SKIP_1E9');
const log = (m) => console.error(m);

// ---- the compiled API -------------------------------------------------------------------------------------------
function ensureBuilt() {
  if (!existsSync(join(root, 'native/build/Release/neurosieve.node')) && !process.env.NEUROSIEVE_ADDON) {
    console.error('native/build/Release/neurosieve.node is missing: run `npm run build:native` first');
    process.exit(1);
  }
  if (existsSync(join(root, 'dist/index.js')) && existsSync(join(root, 'dist/synth/synth.js'))) return;
  log('dist/ is missing: compiling the TypeScript API (npm run build:ts) …');
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json')], { stdio: 'inherit' });
  if (r.status !== 0 || !existsSync(join(root, 'dist/index.js'))) {
    console.error('could not compile the API: run `npm run build:ts` and try again');
    process.exit(1);
  }
}
ensureBuilt();
const api = await import(pathToFileURL(join(root, 'dist/index.js')).href);
const { synth } = await import(pathToFileURL(join(root, 'dist/synth/synth.js')).href);
const { native } = await import(pathToFileURL(join(root, 'dist/core/native.js')).href);

// ---- machine ----------------------------------------------------------------------------------------------------
function machineInfo() {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const field = (name) => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(cpuinfo)?.[1]?.trim();
  const flags = ` ${field('flags') ?? ''} `;
  const k = api.kernelInfo();
  return {
    cpu: field('model name') ?? 'unknown CPU',
    cpuFamily: field('cpu family'),
    cpuModel: field('model'),
    simd: ['avx512f', 'avx2', 'fma'].filter((f) => flags.includes(` ${f} `)),
    hardwareThreads: availableParallelism(),
    coresPerSocket: Number(field('cpu cores')) || undefined,
    memoryGiB: totalmem() / GiB,
    neurosieve: k.version,
    kernel: k.kernel,
    node: process.version,
    linux: release(),
    date: new Date().toISOString(),
    loadAverageAtStart: loadavg(),
  };
}

const fmt = (v, d = 1) => (v === undefined || v === null || Number.isNaN(v) ? '–' : v.toFixed(d));
const pct = (v) => (v === undefined ? '–' : `${(100 * v).toFixed(1)}%`);
const passMiss = (ok) => (ok === undefined ? 'n/a' : ok ? 'pass' : '**miss**');
const save = (name, data) => writeFileSync(join(resultsDir, `${name}.json`), JSON.stringify(data, null, 2) + '\n');

// ---- run --------------------------------------------------------------------------------------------------------
mkdirSync(resultsDir, { recursive: true });
const tmpBase = process.env.NEUROSIEVE_BENCH_TMP || tmpdir();
mkdirSync(tmpBase, { recursive: true });
const dir = mkdtempSync(join(tmpBase, 'neurosieve-bench-'));
let numpy = null;
const cleanup = () => rmSync(dir, { recursive: true, force: true });
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    cleanup();
    process.exit(130);
  });
}

try {
  const machine = machineInfo();
  log(`machine: ${machine.cpu}, ${machine.hardwareThreads} hardware threads, kernel ${machine.kernel}, Node ${machine.node}` +
    ` — load average ${machine.loadAverageAtStart.map((x) => x.toFixed(2)).join(' ')}${quick ? ' (quick run)' : ''}`);
  const sizes = quick ? [1024] : [1024, 9984];

  // 1. FP32 peak and the SYRK chunk kernel (bench/syrk-kernel.mjs).
  log('\n== FP32 peak and SYRK kernel ==');
  const syrk = runSyrkKernelBench({ sizes, log });
  save('syrk-kernel', { machine, ...syrk });
  const allThreads = syrk.hardwareThreads;
  // Reference for the correlation rows: the larger of syrk-kernel.mjs's peak on all threads and one more sample of the
  // same probe taken after the correlation suites (other load can only lower a peak measurement).
  const peakSamples = [syrk.peak[allThreads]];
  let peakGflops = peakSamples[0];

  // 2. Correlation against numpy and plain JS.
  log('\n== correlation ==');
  let numpyNote;
  if (!args.includes('--no-numpy')) {
    const peer = await startNumpyPeer();
    if (peer.skipped) {
      numpyNote = `numpy peer skipped: ${peer.skipped} — run scripts/install-bench-peers.sh to install it`;
      console.log(numpyNote);
    } else numpy = peer;
  } else numpyNote = 'numpy peer skipped (--no-numpy)';
  const corr = await runCorrelationBench({
    api,
    synth,
    dir,
    sizes,
    numpy,
    plainJs: args.includes('--no-js') ? { fullUpTo: 0, subsetRows: 0 } : { fullUpTo: 2048, subsetRows: 32 },
    peakGflops,
    resultsDir,
    log,
  });
  const numpyInfo = numpy ? numpy.info : { skipped: numpyNote };
  peakSamples.push(native().measurePeakGflops(2, allThreads));
  log(`peak on ${allThreads} thread(s), second sample: ${fmt(peakSamples[1])} GFLOP/s`);
  if (peakSamples[1] > peakGflops) {
    peakGflops = peakSamples[1];
    for (const r of corr.rows) r.fractionOfPeak = (r.T * r.D * (r.D + 1)) / r.seconds / 1e9 / peakGflops;
  }
  save('correlation', { machine, peakGflops, peakSamples, peakThreads: allThreads, numpy: numpyInfo, rows: corr.rows, agreement: corr.agreement });
  if (numpy) await numpy.stop();
  numpy = null;

  // 3. 1e9 activations: peak RSS.
  let memory = { skipped: quick ? 'quick run' : 'skipped (--skip-1e9)' };
  if (!skip1e9) {
    log('\n== memory: 1e9 activations ==');
    memory = await runMemoryBench({ synth, dir, log });
  }
  save('memory-1e9', { machine, ...memory });

  // 4. Extraction throughput (bench/extract.mjs, when present).
  let extract = { skipped: 'bench/extract.mjs not present' };
  if (args.includes('--no-extract')) extract = { skipped: '--no-extract' };
  else if (existsSync(join(here, 'extract.mjs'))) {
    log('\n== extraction ==');
    try {
      const m = await import(pathToFileURL(join(here, 'extract.mjs')).href);
      if (typeof m.runExtractBench !== 'function') throw new Error('bench/extract.mjs does not export runExtractBench()');
      extract = await m.runExtractBench();
    } catch (err) {
      extract = { skipped: `bench/extract.mjs failed: ${err.message}` };
      log(extract.skipped);
    }
  }
  save('extract', { machine, ...extract });

  // 5. WebGPU backend vs native vs gpu.js (bench/webgpu.mjs).
  let webgpu = { skipped: '--no-webgpu' };
  if (!args.includes('--no-webgpu')) {
    log('\n== WebGPU ==');
    const { runWebgpuBench } = await import(pathToFileURL(join(here, 'webgpu.mjs')).href);
    webgpu = await runWebgpuBench({ api, quick, log });
  }
  save('webgpu', { machine, ...webgpu });
  // 6. Hierarchical clustering against scipy (bench/clustering.mjs).
  let clustering = { skipped: '--no-clustering' };
  if (!args.includes('--no-clustering')) {
    log('\n== clustering ==');
    clustering = await runClusteringBench({ api, dir, sizes: quick ? [4096] : [4096, 9984], with50k: args.includes('--clustering-50k'), log });
  }
  save('clustering', { machine, ...clustering });
  // 7. The compatible probe trainer against a numpy Adam loop (bench/probe-compat.mjs).
  let probeCompat = { skipped: '--no-probe-compat' };
  if (!args.includes('--no-probe-compat')) {
    log('\n== compatible probe trainer ==');
    probeCompat = await runProbeCompatBench({ quick, numpy: !args.includes('--no-numpy'), plainJs: !args.includes('--no-js'), log, dir });
    writeFileSync(join(resultsDir, 'probe-compat.md'), `# Compatible probe trainer\n\n${probeCompat.markdown}\n`);
  }
  save('probe-compat', { machine, ...probeCompat, markdown: undefined });

  // 8. Exact probe solver against scikit-learn's saga (bench/probe.mjs).
  let probe = { skipped: '--no-probe' };
  if (!args.includes('--no-probe')) {
    log('\n== probe ==');
    const { runProbeBench } = await import(pathToFileURL(join(here, 'probe.mjs')).href);
    probe = await runProbeBench({ quick, log });
    writeFileSync(join(resultsDir, 'probe.md'), probe.markdown + '\n');
  }
  save('probe', { machine, ...probe });

  // 9. The whole analysis (neurosieve analyze) against a reference-style peer (bench/analyze.mjs).
  let analyzeBench = { skipped: '--no-analyze' };
  if (!args.includes('--no-analyze')) {
    log('\n== analyze ==');
    const { runAnalyzeBench } = await import(pathToFileURL(join(here, 'analyze.mjs')).href);
    analyzeBench = await runAnalyzeBench({ quick, peer: !args.includes('--no-numpy'), log, dir });
    writeFileSync(join(resultsDir, 'analyze.md'), `# analyze\n\n${analyzeBench.markdown}\n`);
  }
  save('analyze', { machine, ...analyzeBench, markdown: undefined });
  machine.loadAverageAtEnd = loadavg();

  // ---- summary ----------------------------------------------------------------------------------------------------
  const ns = (D) => corr.rows.find((r) => r.D === D && r.impl.startsWith('neurosieve'));
  const kernelRow = (D) => syrk.rows.find((r) => r.D === D && r.threads === allThreads);
  const targets = [];
  for (const D of sizes) {
    // Against the reference peak (the larger sample), not only the one syrk-kernel.mjs took just before.
    const k = kernelRow(D);
    const f = k ? k.triangleGflops / Math.max(peakGflops, k.peakGflops) : undefined;
    targets.push({ target: `SYRK kernel ≥ 70% of FP32 peak (triangle), D = ${D}, ${allThreads} threads`, measured: `${pct(f)} of ${fmt(Math.max(peakGflops, k?.peakGflops ?? 0))} GFLOP/s`, pass: k ? f >= 0.7 : undefined });
  }
  for (const [D, want] of [[1024, 6], [9984, 3]]) {
    if (!sizes.includes(D)) continue;
    const r = ns(D)?.numpyRatio;
    targets.push({ target: `correlate ≥ ${want}× faster than numpy.corrcoef, D = ${D}`, measured: r === undefined ? 'numpy skipped' : `${fmt(r, 2)}×`, pass: r === undefined ? undefined : r >= want });
  }
  for (const a of corr.agreement) {
    if (a.maxAbsDiffVsNumpy !== undefined) {
      targets.push({ target: `max \\|Δr\\| vs numpy ≤ 1e-5, D = ${a.D} (${a.numpyPairs} entries)`, measured: a.maxAbsDiffVsNumpy.toExponential(2), pass: a.withinTolerance });
    }
  }
  for (const t of clustering.targets ?? []) targets.push(t);
  for (const t of probeCompat.targets ?? []) targets.push(t);
  for (const t of probe.targets ?? []) targets.push({ target: `${t.what}: ${t.target}`, measured: t.measured, pass: t.met });
  for (const t of analyzeBench.targets ?? []) targets.push(t);
  if (!memory.skipped) {
    targets.push({ target: '1e9 activations (T = 100,000, D = 9,984) in ≤ 1.5 GiB peak RSS', measured: `${fmt(memory.peakRssBytes / GiB, 2)} GiB`, pass: memory.pass });
  }

  const np = numpyInfo.numpy ? numpyInfo : null;
  const la = (v) => v.map((x) => x.toFixed(2)).join(' / ');
  const md = [
    '# neurosieve benchmark',
    '',
    `**Machine:** ${machine.cpu} (family ${machine.cpuFamily}, model ${machine.cpuModel}; ${machine.simd.join(', ')}), ` +
      `${machine.hardwareThreads} hardware threads, ${fmt(machine.memoryGiB, 1)} GiB RAM · neurosieve ${machine.neurosieve}, ` +
      `kernel \`${machine.kernel}\` · Node ${machine.node} · Linux ${machine.linux} · ${machine.date}` +
      (quick ? ' · **quick run** (D = 1,024 only, no 1e9 run)' : ''),
    '',
    `Load average (1/5/15 min) at start ${la(machine.loadAverageAtStart)}, at end ${la(machine.loadAverageAtEnd)} ` +
      `on ${machine.hardwareThreads} hardware threads: anything above ~0.5 means other processes shared the CPU and the times are noisy.`,
    '',
    np
      ? `**numpy peer:** numpy ${np.numpy} (Python ${np.python}, ${np.executable}) on ${np.openblas.config ?? 'unknown BLAS'}, ` +
        `core \`${np.openblas.corename ?? '?'}\`, ${np.openblas.threads ?? '?'} threads; OPENBLAS_CORETYPE=${np.env.OPENBLAS_CORETYPE ?? '(unset)'}, ` +
        `OPENBLAS_NUM_THREADS=${np.env.OPENBLAS_NUM_THREADS ?? '(unset)'}.`
      : `**numpy peer:** ${numpyInfo.skipped}.`,
    '',
    '## FP32 peak and SYRK chunk kernel',
    '',
    syrk.markdown,
    '',
    ...(syrk.rows.some((r) => r.fractionOfPeak > 1)
      ? ['', '_A fraction above 100% means the peak measurement itself was slowed by other load on the machine._']
      : []),
    '',
    '## Correlation, file → full float32 matrix (T = 20,000)',
    '',
    `Best of N runs. GFLOP/s uses the full-matrix convention 2·T·D²/time. "of peak" counts only the triangle ` +
      `(T·D(D+1) flops) against the measured FP32 peak on ${allThreads} threads (${fmt(peakGflops)} GFLOP/s: the larger of ` +
      `${peakSamples.map((p) => fmt(p)).join(' and ')}, measured before the kernel bench and after these suites). ` +
      '"numpy / this" = numpy.corrcoef time ÷ this row\'s time (> 1: faster than numpy).',
    '',
    '| implementation | T | D | time (s) | runs | GFLOP/s (2·T·D²) | of FP32 peak (triangle) | numpy / this |',
    '|---|---|---|---|---|---|---|---|',
    ...corr.rows.map((r) =>
      `| ${r.impl} | ${r.T} | ${r.D} | ${fmt(r.seconds, r.seconds < 10 ? 3 : r.seconds < 100 ? 1 : 0)}${r.extrapolated ? ' (est.)' : ''} | ${r.runs} | ` +
      `${fmt(r.gflops, r.gflops < 10 ? 2 : 1)} | ${pct(r.fractionOfPeak)} | ${r.numpyRatio === undefined ? '–' : fmt(r.numpyRatio, 2) + '×'} |`),
    '',
    ...(corr.rows.some((r) => r.fractionOfPeak > 1)
      ? ['_A fraction above 100% means the peak measurements were slowed by other load on the machine._', '']
      : []),
    ...corr.rows.filter((r) => r.loadSeconds !== undefined).map((r) =>
      `- numpy D = ${r.D}: np.corrcoef alone ${fmt(r.seconds, 3)} s; with np.load of the .npy (page cache) ${fmt(r.withLoadSeconds, 3)} s; ` +
      `JS→Python round trip ${fmt(r.roundTripSeconds, 3)} s.`),
    ...corr.agreement.map((a) =>
      `- Agreement D = ${a.D}: ` +
      (a.maxAbsDiffVsNumpy !== undefined ? `max \\|Δr\\| vs numpy ${a.maxAbsDiffVsNumpy.toExponential(2)} over ${a.numpyPairs} entries (all planted-group pairs, random pairs, diagonal)` : 'numpy not run') +
      (a.maxAbsDiffVsPlainJs !== undefined ? `; vs plain JS ${a.maxAbsDiffVsPlainJs.toExponential(2)} over the whole matrix` : '') +
      `; ${a.zeroVarianceNeurons} zero-variance neurons left out (numpy gives NaN, neurosieve r = 0).`),
    '',
    '## Targets (issue 2)',
    '',
    '| target | measured | result |',
    '|---|---|---|',
    ...targets.map((t) => `| ${t.target} | ${t.measured} | ${passMiss(t.pass)} |`),
    '',
    ...corr.rows.filter((r) => r.impl.startsWith('numpy')).map((r) => {
      const floor = (r.T * r.D * (r.D + 1)) / (peakGflops * 1e9);
      return `- Ceiling, D = ${r.D}: at 100% of the measured peak the triangle alone takes ${fmt(floor, 3)} s, so no ` +
        `kernel-bound implementation can be more than ${fmt(r.seconds / floor, 2)}× faster than this numpy run (${fmt(r.seconds, 3)} s).`;
    }),
    '',
    '## Memory: 1e9 activations',
    '',
    memory.skipped
      ? `Not run: ${memory.skipped}.`
      : [
          '| T | D | on disk | correlate time (s) | peak RSS (VmHWM) | RSS anon / file at end | target | result |',
          '|---|---|---|---|---|---|---|---|',
          `| ${memory.T} | ${memory.D} | ${fmt(memory.bytesOnDisk / 1e9, 2)} GB float32 | ${fmt(memory.seconds, 1)} | ` +
            `${fmt(memory.peakRssBytes / GiB, 2)} GiB | ${fmt(memory.rssAnonBytes / GiB, 2)} / ${fmt(memory.rssFileBytes / GiB, 2)} GiB | 1.50 GiB | ${passMiss(memory.pass)} |`,
          '',
          `The child process still holds the result (float32 D×D matrix ${fmt(memory.corrBytes / GiB, 2)} GiB and float64 statistics) ` +
            `when it reads its peak. Data generated in ${fmt(memory.generateSeconds, 1)} s and read from the page cache.`,
        ].join('\n'),
    '',
    '## Activation extraction',
    '',
    extract.skipped ? `Not run: ${extract.skipped}.` : extract.markdown ?? '```json\n' + JSON.stringify(extract, null, 2) + '\n```',
    '',
    '## WebGPU backend (issue 3)',
    '',
    webgpu.skipped ? `Not run: ${webgpu.skipped}.` : webgpu.markdown,
    '',
    '## Hierarchical clustering (average linkage, correlation .npy → Z)',
    '',
    clustering.skipped ? `Not run: ${clustering.skipped}.` : clustering.markdown,
    '',
    '## Compatible probe trainer (NeuroX loop, 10 epochs, batch 32)',
    '',
    probeCompat.skipped ? `Not run: ${probeCompat.skipped}.` : probeCompat.markdown,
    '',
    '## Exact probe (elastic net) vs scikit-learn saga',
    '',
    probe.skipped ? `Not run: ${probe.skipped}.` : probe.markdown,
    '',
    '## The whole analysis (`neurosieve analyze`) vs a reference-style peer',
    '',
    analyzeBench.skipped ? `Not run: ${analyzeBench.skipped}.` : analyzeBench.markdown,
    '',
  ].join('\n');
  save('summary', { machine, quick, syrk: { kernel: syrk.kernel, peak: syrk.peak, rows: syrk.rows }, numpy: numpyInfo, correlation: corr.rows, agreement: corr.agreement, memory, extract, clustering, probeCompat: { ...probeCompat, markdown: undefined }, probe, analyze: { ...analyzeBench, markdown: undefined }, targets });
  writeFileSync(join(resultsDir, 'summary.md'), md);
  console.log('\n' + md);
  log(`results in ${relative(process.cwd(), resultsDir) || '.'}/ (summary.md, *.json)`);
} finally {
  if (numpy) await numpy.stop();
  cleanup();
}
