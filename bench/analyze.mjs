// `neurosieve analyze` benchmark (issue 13): the seed paper's whole experiment (method.md §5: oracle over 5 seeds + the
// exact oracle, layer probes, LS for 3 deltas, CC at 10 thresholds (−1 and 9 cuts), the LCA grid, CC-only and LCA-only
// rows, concept neurons) with analyze's defaults, each run in its own child process under /usr/bin/time -v (wall time
// and the run's own peak RSS), against a peer written the way the reference scripts do it
// (bench/peers/analyze_reference.py: numpy/scipy + a NeuroX-style Adam probe in torch from Debian, else numpy).
//
//   1. demo size: the bundled model's activations (extract --max-tokens 60000 → 19,708 word rows × 1,280 = 5 × 256
//      neurons, 6 classes; `analyze <dir> --splits compat`: 17,737 train + 1,971 dev rows); without the model, synthetic
//      data of that shape. Target: under 20 s.
//   2. paper size: synthetic 20,000 rows × 9,984 neurons (13 × 768), 6 classes, planted structure (informative neurons
//      per class spread over the layers, redundant groups of noisy / scaled / sign-flipped copies across layers).
//      Targets: under 60 s, peak RSS ≤ 1.2 · (X in float32 + one D×D float32), X = rows × D × 4 bytes (train + dev).
//   3. the peer at both sizes, in the same run: fully at the demo size; at the paper size with probes trained for
//      `--measure-epochs` epochs and one corrcoef + linkage per column set, projected to the full step count:
//        projected = measured + probeLoop · (10 / E − 1) + (cluster calls − computations) · t(corrcoef + linkage)
//
//   node bench/analyze.mjs [--quick] [--no-peer]      writes bench/results/analyze.{json,md}
//   --quick: synthetic 6,000 rows × 1,280 only (peer at 2 epochs, one clustering per column set, projected).
//   bench/run.mjs calls runAnalyzeBench() (skip with --no-analyze).
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const python = process.env.NEUROSIEVE_BENCH_PYTHON || '/usr/bin/python3';
const TIME = '/usr/bin/time';
const MiB = 2 ** 20;

// ---- synthetic data with planted structure ----------------------------------------------------------------------
/** Writes a .npy header for a C-order float32 / int32 array. */
function npyHeader(descr, shape) {
  let h = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const pad = 64 - ((10 + h.length + 1) % 64);
  h += ' '.repeat(pad % 64) + '\n';
  const b = Buffer.alloc(10 + h.length);
  b.write('\x93NUMPY', 0, 'latin1');
  b[6] = 1;
  b[7] = 0;
  b.writeUInt16LE(h.length, 8);
  b.write(h, 10, 'latin1');
  return b;
}

/**
 * rows × (layers · H) float32, row-major, and int32 labels in 0 … C−1. Every neuron is uniform noise in [−1, 1); per
 * class, `informative` neurons spread over the layers get +1.2 on the rows of that class; a quarter of the neurons
 * are copies of another neuron (in another layer) — x = s · x_base + σ · noise, s ∈ {1, −1, 2}, σ ∈ [0.05, 0.6] — so
 * the clustering thresholds collapse them; informative neurons are bases of such groups too. Deterministic (xorshift).
 */
export function writeSynthetic(dir, { rows, layers, H, C = 6, informative = 4, seed = 0x9e3779b9 }) {
  const D = layers * H;
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  // Informative neurons: class c, i-th → layer (1 + c + 2i) mod layers, unit 11·c + i (distinct).
  const info = [];
  for (let c = 0; c < C; c++) for (let i = 0; i < informative; i++) info.push({ c, neuron: ((1 + c + 2 * i) % layers) * H + ((11 * c + 3 * i) % H) });
  const used = new Uint8Array(D);
  for (const f of info) used[f.neuron] = 1;
  // Copies: a quarter of the neurons, bases drawn among the others (informative ones first), copies in other layers.
  const copies = [];
  const nCopies = Math.floor(D / 4);
  const free = [];
  for (let j = 0; j < D; j++) if (!used[j]) free.push(j);
  for (let j = free.length - 1; j > 0; j--) {
    const k = Math.floor(next() * (j + 1));
    [free[j], free[k]] = [free[k], free[j]];
  }
  const copyIds = free.slice(0, nCopies);
  const bases = [...info.map((f) => f.neuron), ...free.slice(nCopies, nCopies + Math.ceil(nCopies / 3))];
  for (const [i, copy] of copyIds.entries()) {
    let base = bases[i % bases.length];
    if (Math.floor(base / H) === Math.floor(copy / H)) base = bases[(i + 1) % bases.length];
    const r = next();
    copies.push({ copy, base, scale: r < 0.5 ? 1 : r < 0.8 ? -1 : 2, noise: 0.05 + 0.55 * next() });
  }
  const y = new Int32Array(rows);
  for (let t = 0; t < rows; t++) y[t] = Math.floor(next() * C);
  const xPath = join(dir, 'x.npy');
  const yPath = join(dir, 'y.npy');
  const fd = openSync(xPath, 'w');
  writeSync(fd, npyHeader('<f4', [rows, D]));
  const block = Math.max(1, Math.floor((64 * MiB) / (4 * D)));
  const buf = new Float32Array(block * D);
  for (let t0 = 0; t0 < rows; t0 += block) {
    const n = Math.min(block, rows - t0);
    for (let r = 0; r < n; r++) {
      const o = r * D;
      for (let j = 0; j < D; j++) buf[o + j] = 2 * next() - 1;
      const c = y[t0 + r];
      for (const f of info) if (f.c === c) buf[o + f.neuron] += 1.2;
      for (const k of copies) buf[o + k.copy] = k.scale * buf[o + k.base] + k.noise * (2 * next() - 1);
    }
    writeSync(fd, new Uint8Array(buf.buffer, 0, n * D * 4));
  }
  closeSync(fd);
  const yfd = openSync(yPath, 'w');
  writeSync(yfd, npyHeader('<i4', [rows]));
  writeSync(yfd, new Uint8Array(y.buffer));
  closeSync(yfd);
  return { x: xPath, y: yPath, rows, D, H, layers, C, informative: info.length, copies: copies.length };
}

// ---- child processes under /usr/bin/time -v -------------------------------------------------------------------------
function timed(cmd, args, env = process.env) {
  const haveTime = existsSync(TIME);
  const t0 = performance.now();
  const r = haveTime
    ? spawnSync(TIME, ['-v', cmd, ...args], { encoding: 'utf8', env, maxBuffer: 1 << 26 })
    : spawnSync(cmd, args, { encoding: 'utf8', env, maxBuffer: 1 << 26 });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${(r.stderr ?? '').slice(-2000)}`);
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr ?? '');
  return { wall, peakRssBytes: m ? Number(m[1]) * 1024 : undefined, stdout: r.stdout, stderr: r.stderr };
}

function runNeurosieve(inputArgs, out, log) {
  const r = timed(process.execPath, [join(root, 'dist/cli.js'), 'analyze', ...inputArgs, '-o', out, '-q']);
  const res = JSON.parse(readFileSync(out, 'utf8'));
  const sumK = (lists) => lists.reduce((a, l) => a + l, 0);
  const row = {
    impl: 'neurosieve analyze (CLI, child process)',
    wall: r.wall,
    peakRssBytes: r.peakRssBytes,
    analyzeSeconds: res.timings.seconds.total,
    steps: res.timings.seconds,
    probes: res.timings.probes,
    probeSeconds: res.timings.probeSeconds,
    rows: res.data.rows,
    D: res.data.neurons,
    layers: res.data.layers.length,
    oracle: res.oracle.dev,
    ls: res.ls.map((l) => l.layer),
    ccOnly: res.ccOnly.map((c) => c.neurons.length),
    lcaOnly: res.lcaOnly.map((m) => m.neurons.length),
    pipelineLca: res.pipeline.map((e) => e.lca.neurons.length),
    lcaCandidates: sumK(res.pipeline.map((e) => e.lca.curve.length)) + sumK(res.lcaOnly.map((m) => m.curve.length)),
    concepts: res.concepts.neurons.length,
  };
  log(`  neurosieve: ${row.wall.toFixed(2)} s wall (analyze ${row.analyzeSeconds.toFixed(2)} s: ${Object.entries(row.steps).map(([k, v]) => `${k} ${v}`).join(', ')}), ` +
    `${row.probes} probes, peak RSS ${(row.peakRssBytes / MiB).toFixed(0)} MiB; LS layers ${row.ls.join(',')}, oracle dev ${row.oracle.toFixed(4)}`);
  return row;
}

function runPeer(x, y, H, out, extra, log, label) {
  const env = { ...process.env };
  const r = timed(python, [join(here, 'peers/analyze_reference.py'), x, y, String(H), out, ...extra], env);
  const p = JSON.parse(readFileSync(out, 'utf8'));
  const row = {
    impl: label,
    wall: r.wall,
    peakRssBytes: r.peakRssBytes ?? p.peakRssBytes,
    measuredSeconds: p.measuredSeconds,
    projectedSeconds: p.projectedSeconds,
    projected: p.projected,
    measuredEpochs: p.measuredEpochs,
    epochs: p.epochs,
    clusterOnce: p.clusterOnce,
    clusterCalls: p.clusterCalls,
    clusterComputations: p.clusterComputations,
    skippedClusterSeconds: p.skippedClusterSeconds,
    probeLoopSeconds: p.probeLoopSeconds,
    projectedProbeLoopSeconds: p.projectedProbeLoopSeconds,
    steps: p.seconds,
    probes: p.probes,
    oracle: p.oracle.dev,
    ls: p.ls,
    ccOnly: p.ccOnly.map((c) => c.neurons),
    lcaOnly: [p.lcaOnly.neurons],
    pipelineLca: p.pipeline.map((e) => e.lca),
    info: p.info,
  };
  log(`  ${label}: measured ${row.measuredSeconds.toFixed(1)} s (process ${row.wall.toFixed(1)} s)` +
    (row.projected ? `, projected ${row.projectedSeconds.toFixed(1)} s` : '') +
    `, ${row.probes} probes, peak RSS ${(row.peakRssBytes / MiB).toFixed(0)} MiB; LS layers ${row.ls.join(',')}, oracle dev ${row.oracle.toFixed(4)}`);
  return row;
}

function peerAvailable() {
  if (!existsSync(python)) return { ok: false, why: `${python} not found` };
  const r = spawnSync(python, ['-c', 'import numpy, scipy\ntry:\n import torch; print("torch", torch.__version__)\nexcept ImportError: print("numpy")'], { encoding: 'utf8' });
  if (r.status !== 0) return { ok: false, why: `${python} cannot import numpy and scipy` };
  return { ok: true, backend: r.stdout.trim() };
}

/** CPU as lscpu names it (model name, family / model, threads), for the results. */
export function cpuInfo() {
  const r = spawnSync('lscpu', [], { encoding: 'utf8' });
  const field = (name) => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(r.stdout ?? '')?.[1]?.trim();
  return { model: field('Model name') ?? 'unknown', family: field('CPU family'), cpuModel: field('Model'), threads: Number(field('CPU\\(s\\)')) || undefined, threadsPerCore: Number(field('Thread\\(s\\) per core')) || undefined };
}

// ---- the suite ------------------------------------------------------------------------------------------------------
export async function runAnalyzeBench({ quick = false, peer = true, log = console.error, dir } = {}) {
  const tmp = mkdtempSync(join(dir ?? process.env.NEUROSIEVE_BENCH_TMP ?? tmpdir(), 'neurosieve-analyze-'));
  const loadStart = loadavg();
  const cpu = cpuInfo();
  const avail = peer ? peerAvailable() : { ok: false, why: '--no-peer' };
  if (!avail.ok) log(`analyze: peer skipped: ${avail.why}`);
  const cases = [];
  try {
    // Node's own footprint: the CLI's `--help` (imports the entry, no data).
    const baseline = timed(process.execPath, [join(root, 'dist/cli.js'), 'analyze', '--help']);
    const sizes = [];
    // 1. Demo size.
    const model = join(root, 'models/tiny-code-mlm');
    if (!quick && existsSync(join(model, 'model.fp16.onnx')) && existsSync(join(root, 'data/python-sample'))) {
      const out = join(tmp, 'demo-extract');
      log('analyze: extracting the demo activations (tiny-code-mlm, 60,000 tokens; not timed in the results) …');
      const e = timed(process.execPath, [join(root, 'dist/cli.js'), 'extract', '--model', 'models/tiny-code-mlm', '--source', 'data/python-sample', '-o', out, '--max-tokens', '60000', '-q']);
      const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
      const task = manifest.tokens;
      sizes.push({
        name: 'demo', data: `bundled tiny-code-mlm activations (extract --max-tokens 60000: ${task.rows} word rows, ${task.labels.length} classes), analyze --splits compat`,
        rows: task.rows, D: manifest.columns, H: manifest.neuronsPerLayer, C: task.labels.length, extractSeconds: e.wall,
        nsArgs: [out, '--splits', 'compat'],
        peerX: join(out, task.shards[0].file), peerY: join(out, task.labelsFile), peerWords: join(out, task.neurox.in),
        peerRuns: [{ label: 'peer (torch probe)', extra: [] }, { label: 'peer (numpy probe)', extra: ['--backend', 'numpy'] }],
        target: 20,
      });
    } else {
      const rows = quick ? 6000 : 20000;
      const d = join(tmp, 'demo');
      mkdirSync(d);
      const g = writeSynthetic(d, { rows, layers: 5, H: 256 });
      sizes.push({
        name: quick ? 'demo shape (quick)' : 'demo shape', data: `synthetic ${rows} rows × 1,280 (5 × 256), 6 classes, planted`, rows, D: g.D, H: 256, C: 6,
        nsArgs: [g.x, '--labels', g.y, '--neurons-per-layer', '256'], peerX: g.x, peerY: g.y,
        peerRuns: [{ label: 'peer (torch probe)', extra: quick ? ['--measure-epochs', '2', '--cluster-once'] : [] }],
        target: quick ? undefined : 20,
      });
    }
    // 2. Paper size.
    if (!quick) {
      const d = join(tmp, 'paper');
      mkdirSync(d);
      const t0 = performance.now();
      const g = writeSynthetic(d, { rows: 20000, layers: 13, H: 768 });
      log(`analyze: synthetic 20,000 × 9,984 written in ${((performance.now() - t0) / 1000).toFixed(1)} s (${g.informative} informative neurons, ${g.copies} copies)`);
      const measureEpochs = Number(process.env.NEUROSIEVE_BENCH_ANALYZE_PEER_EPOCHS ?? 1);
      sizes.push({
        name: 'paper', data: 'synthetic 20,000 rows × 9,984 (13 × 768), 6 classes, planted', rows: 20000, D: g.D, H: 768, C: 6,
        nsArgs: [g.x, '--labels', g.y, '--neurons-per-layer', '768', '--thresholds', '-1', '0.1', '0.2', '0.3', '0.4', '0.5', '0.6', '0.7', '0.8', '0.9'],
        peerX: g.x, peerY: g.y,
        peerRuns: [{ label: `peer (torch probe; ${measureEpochs} of 10 epochs, one clustering per column set; projected)`, extra: ['--measure-epochs', String(measureEpochs), '--cluster-once'] }],
        target: 60, memoryBound: true,
      });
    }

    for (const s of sizes) {
      log(`analyze: ${s.name} — ${s.data}`);
      const ns = runNeurosieve(s.nsArgs, join(tmp, `${s.name.replace(/\W+/g, '-')}-ns.json`), log);
      const c = { size: s.name, data: s.data, rows: s.rows, D: s.D, H: s.H, C: s.C, extractSeconds: s.extractSeconds, target: s.target, neurosieve: ns, peers: [] };
      const X = s.rows * s.D * 4;
      const DD = s.D * s.D * 4;
      c.memory = { xBytes: X, corrBytes: DD, boundBytes: 1.2 * (X + DD), peakRssBytes: ns.peakRssBytes, nodeBaselineRssBytes: baseline.peakRssBytes, pass: ns.peakRssBytes !== undefined ? ns.peakRssBytes <= 1.2 * (X + DD) : undefined, checked: !!s.memoryBound };
      if (avail.ok) {
        for (const pr of s.peerRuns) {
          const extra = [...pr.extra, ...(s.peerWords ? ['--words', s.peerWords] : [])];
          try {
            const p = runPeer(s.peerX, s.peerY, s.H, join(tmp, `${s.name.replace(/\W+/g, '-')}-peer.json`), extra, log, pr.label);
            p.ratio = p.projectedSeconds / ns.wall;
            c.peers.push(p);
          } catch (err) {
            log(`  ${pr.label} failed: ${err.message}`);
            c.peers.push({ impl: pr.label, skipped: err.message.slice(0, 300) });
          }
        }
      }
      cases.push(c);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const loadEnd = loadavg();
  const targets = [];
  for (const c of cases) {
    if (c.target) targets.push({ target: `analyze, ${c.size} (${c.D.toLocaleString('en')} neurons × ${c.rows.toLocaleString('en')} rows), defaults, in < ${c.target} s`, measured: `${c.neurosieve.wall.toFixed(1)} s`, pass: c.neurosieve.wall < c.target });
    if (c.memory.checked) targets.push({ target: `analyze, ${c.size}: peak RSS ≤ 1.2 · (X + D×D float32) = ${(c.memory.boundBytes / MiB).toFixed(0)} MiB`, measured: `${(c.memory.peakRssBytes / MiB).toFixed(0)} MiB`, pass: c.memory.pass });
  }
  const md = markdown(cases, targets, loadStart, loadEnd, avail, cpu);
  return { cpu, loadAverageAtStart: loadStart, loadAverageAtEnd: loadEnd, peer: avail, cases, targets, markdown: md };
}

function markdown(cases, targets, loadStart, loadEnd, avail, cpu) {
  const f = (v, d = 1) => (v === undefined || v === null ? '–' : v.toFixed(d));
  const mib = (b) => (b === undefined ? '–' : `${(b / MiB).toFixed(0)} MiB`);
  const lines = [
    `CPU (lscpu): ${cpu.model} (family ${cpu.family}, model ${cpu.cpuModel}), ${cpu.threads} hardware threads (${cpu.threadsPerCore} per core). ` +
    `Each run is its own child process under \`/usr/bin/time -v\` (wall time and peak RSS of that process). neurosieve: \`neurosieve analyze\` ` +
      'with its defaults (compat probes, 5 oracle seeds + the exact oracle, thresholds −1, 0.1 … 0.9, deltas 3:1 2:1 1:1, the 27-point LCA grid, ' +
      'concept neurons), the whole CLI call. Peer: `bench/peers/analyze_reference.py`, the same steps as the reference scripts write them ' +
      '(np.corrcoef + scipy average linkage + fcluster once per threshold, NeuroX Adam probe, get_neuron_ordering with stride 1000, no memoisation). ' +
      'Projected peer time = measured + probe loop · (10 / E − 1) + (clustering calls − computations) · t(corrcoef + linkage) for its column set. ' +
      `Load average (1/5/15 min) at start ${loadStart.map((v) => v.toFixed(2)).join(' / ')}, at end ${loadEnd.map((v) => v.toFixed(2)).join(' / ')}.`,
    '',
    '| size | implementation | time (s) | peak RSS | probes | steps (s) | peer / neurosieve |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const c of cases) {
    const n = c.neurosieve;
    lines.push(`| ${c.size}: ${c.D.toLocaleString('en')} × ${c.rows.toLocaleString('en')} rows | neurosieve analyze | ${f(n.wall, 2)} (analyze() ${f(n.analyzeSeconds, 2)}) | ${mib(n.peakRssBytes)} | ${n.probes} | ` +
      `${Object.entries(n.steps).filter(([k]) => k !== 'total').map(([k, v]) => `${k} ${f(v, 2)}`).join(', ')} | 1.00× |`);
    for (const p of c.peers) {
      if (p.skipped) {
        lines.push(`| | ${p.impl} | failed | | | ${p.skipped} | |`);
        continue;
      }
      const time = p.projected ? `${f(p.projectedSeconds)} (est.; measured ${f(p.measuredSeconds)} at ${p.measuredEpochs} epoch${p.measuredEpochs > 1 ? 's' : ''}${p.clusterOnce ? `, ${p.clusterComputations} of ${p.clusterCalls} clusterings` : ''})` : f(p.measuredSeconds);
      lines.push(`| | ${p.impl} | ${time} | ${mib(p.peakRssBytes)} | ${p.probes} | ${Object.entries(p.steps).map(([k, v]) => `${k} ${f(v, 2)}`).join(', ')} | ${f(p.ratio, 2)}× |`);
    }
  }
  lines.push('');
  for (const c of cases) {
    const n = c.neurosieve;
    lines.push(`- **${c.size}** (${c.data}): LS layers for δ_L 3/2/1 %: neurosieve ${n.ls.join(', ')}` + c.peers.filter((p) => !p.skipped).map((p) => `; ${p.impl.split(';')[0].replace(/\)$/, '')}) ${p.ls.join(', ')}`).join('') +
      `. CC-only neurons per threshold: neurosieve ${n.ccOnly.join(' / ')}` + c.peers.filter((p) => !p.skipped).slice(0, 1).map((p) => `; peer ${p.ccOnly.join(' / ')}`).join('') +
      `. LCA-only: neurosieve ${n.lcaOnly.join(', ')} neurons` + c.peers.filter((p) => !p.skipped).slice(0, 1).map((p) => `, peer ${p.lcaOnly.join(', ')}`).join('') + '.' +
      (c.extractSeconds ? ` (Extraction of the activations, not counted: ${f(c.extractSeconds)} s.)` : ''));
    const m = c.memory;
    lines.push(`  Memory: X = ${mib(m.xBytes)} float32 (train + dev), D×D float32 ${mib(m.corrBytes)}, bound 1.2 · (X + D×D) = ${mib(m.boundBytes)}; ` +
      `neurosieve peak ${mib(m.peakRssBytes)} (${f((100 * m.peakRssBytes) / m.boundBytes, 0)} % of the bound; Node + addon alone: ${mib(m.nodeBaselineRssBytes)})` +
      (m.checked ? '' : ' — not a target at this size, where Node\'s own footprint dominates') + '.');
  }
  const p0 = cases.flatMap((c) => c.peers).find((p) => p.info);
  if (p0) lines.push(`- Peer: Python ${p0.info.python}, numpy ${p0.info.numpy}, scipy ${p0.info.scipy}` + (p0.info.torch ? `, torch ${p0.info.torch} (${p0.info.torchThreads} intra-op thread(s), its default here)` : '') + '.');
  if (!avail.ok) lines.push(`- Peer not run: ${avail.why}.`);
  lines.push('', '| target | measured | result |', '|---|---|---|', ...targets.map((t) => `| ${t.target} | ${t.measured} | ${t.pass ? 'pass' : '**miss**'} |`));
  return lines.join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  for (const a of args) {
    if (!['--quick', '--no-peer'].includes(a)) {
      console.error(`Expected one of --quick, --no-peer but received '${a}'`);
      process.exit(2);
    }
  }
  if (!existsSync(join(root, 'dist/cli.js'))) {
    console.error('dist/ is missing: run `npm run build:ts` first');
    process.exit(1);
  }
  const result = await runAnalyzeBench({ quick: args.includes('--quick'), peer: !args.includes('--no-peer') });
  const resultsDir = join(here, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const { markdown: md, ...json } = result;
  writeFileSync(join(resultsDir, 'analyze.json'), JSON.stringify({ date: new Date().toISOString(), ...json }, null, 2) + '\n');
  writeFileSync(join(resultsDir, 'analyze.md'), `# analyze\n\n${md}\n`);
  // Standalone runs also refresh this suite's section of summary.md / summary.json (bench/run.mjs writes them whole).
  const heading = '## The whole analysis (`neurosieve analyze`) vs a reference-style peer';
  const summaryMd = join(resultsDir, 'summary.md');
  if (existsSync(summaryMd)) {
    const text = readFileSync(summaryMd, 'utf8');
    const at = text.indexOf(heading);
    const section = `${heading}\n\n_Standalone run of \`node bench/analyze.mjs\`, ${new Date().toISOString()}._\n\n${md}\n`;
    if (at < 0) writeFileSync(summaryMd, `${text.replace(/\n*$/, '\n\n')}${section}`);
    else {
      const next = text.indexOf('\n## ', at + heading.length);
      writeFileSync(summaryMd, text.slice(0, at) + section + (next < 0 ? '' : text.slice(next)));
    }
    const summaryJson = join(resultsDir, 'summary.json');
    if (existsSync(summaryJson)) {
      const sj = JSON.parse(readFileSync(summaryJson, 'utf8'));
      sj.analyze = json;
      sj.targets = [...(sj.targets ?? []).filter((t) => !String(t.target).startsWith('analyze,')), ...json.targets];
      writeFileSync(summaryJson, JSON.stringify(sj, null, 2) + '\n');
    }
  }
  console.log(md);
}
