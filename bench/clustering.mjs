// Clustering benchmark (issue 4): average linkage from a float32 D×D correlation .npy (what `neurosieve corr`
// writes) to the linkage matrix Z, neurosieve against scipy (Debian python3-scipy, the NeuroX pipeline:
// bench/peers/scipy_linkage.py) on the same file. Each side runs in its own child process, so the peak RSS
// (VmHWM / ru_maxrss) is its own; times are wall clock from the file to Z (neurosieve: streamed distance build +
// NN-chain; scipy: np.load + float64 preprocessing + squareform + linkage; scipy's linkage() alone is reported
// too). The Z of both are compared: merge order (ids and sizes) and heights.
//
// Input: a synthetic low-rank correlation matrix (24 latent factors; one neuron in 10 has 1–3 near-copies),
// generated in row blocks straight to disk, so n = 50,000 (10 GB) never needs the matrix in memory.
// n = 50,000 is opt-in (disk, ~1.5 minutes to generate, several minutes to cluster; scipy is not run there: it
// would need ~40 GB).
//
//   node bench/clustering.mjs [--sizes 4096,9984] [--with-50k] [--no-scipy]       (standalone; writes bench/results/clustering.{json,md})
//   node bench/clustering.mjs --child <corr.npy> <method> <Z.npy>                  (the neurosieve child)
// bench/run.mjs calls runClusteringBench().
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statfsSync, writeFileSync, writeSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gauss, prng } from './random.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const GiB = 2 ** 30;
const { npyHeader } = await import(pathToFileURL(join(root, 'dist/io/npy.js')).href);

/** Fields of /proc/self/status in bytes. */
function procStatus() {
  const out = {};
  for (const line of readFileSync('/proc/self/status', 'utf8').split('\n')) {
    const m = /^(\w+):\s+(\d+) kB$/.exec(line);
    if (m) out[m[1]] = Number(m[2]) * 1024;
  }
  return out;
}

/** Free bytes for an unprivileged user on the file system holding `dir` (as bench/memory.mjs; not imported from
 *  there, since importing it in a --child process would run its own child). */
function freeBytes(dir) {
  const s = statfsSync(dir);
  return Number(s.bavail) * Number(s.bsize);
}

/** A seeded standard normal stream. */
function normals(seed) {
  const rand = prng(seed);
  return () => gauss(rand);
}

/**
 * Writes a float32 n × n correlation matrix r = UᵀU (unit columns u_i in 24 dimensions) to `path` in blocks of
 * rows. Neuron i with i % 10 = 0 gets 1–3 followers u_{i+k} = u_i + small noise.
 */
export function writeLowRankCorrelation(path, n, seed = 1) {
  const k = 24;
  const g = normals(seed);
  const U = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const lead = i - (i % 10);
    const follower = i % 10 > 0 && i % 10 <= 1 + (lead % 3);
    for (let c = 0; c < k; c++) U[i * k + c] = follower ? U[lead * k + c] + 0.15 * g() : g();
    let q = 0;
    for (let c = 0; c < k; c++) q += U[i * k + c] ** 2;
    q = 1 / Math.sqrt(q);
    for (let c = 0; c < k; c++) U[i * k + c] *= q;
  }
  const fd = openSync(path, 'w');
  try {
    const header = npyHeader('<f4', [n, n]);
    writeSync(fd, header);
    const rows = Math.max(1, Math.floor((32 << 20) / (4 * n)));
    const block = new Float32Array(rows * n);
    for (let i0 = 0; i0 < n; i0 += rows) {
      const i1 = Math.min(n, i0 + rows);
      for (let i = i0; i < i1; i++) {
        const ui = i * k;
        const out = (i - i0) * n;
        for (let j = 0; j < n; j++) {
          const uj = j * k;
          let s = 0;
          for (let c = 0; c < k; c++) s += U[ui + c] * U[uj + c];
          block[out + j] = i === j ? 1 : s;
        }
      }
      const bytes = new Uint8Array(block.buffer, 0, (i1 - i0) * n * 4);
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    }
  } finally {
    closeSync(fd);
  }
}

async function child(path, method, zOut) {
  const api = await import(pathToFileURL(join(root, 'dist/index.js')).href);
  const t0 = performance.now();
  let tLinkage;
  const r = await api.correlationClusters(path, {
    thresholds: [0.3],
    linkage: method,
    onProgress: (p) => {
      if (p.phase === 'linkage' && tLinkage === undefined) tLinkage = performance.now();
    },
  });
  const t1 = performance.now();
  const s = procStatus();
  api.writeNpy(zOut, r.linkage, [r.neurons - 1, 4]);
  process.stdout.write(JSON.stringify({
    seconds: (t1 - t0) / 1e3,
    distanceSeconds: ((tLinkage ?? t1) - t0) / 1e3,
    linkageSeconds: (t1 - (tLinkage ?? t1)) / 1e3,
    clustersAt03: r.cuts[0].clusters,
    peakRssBytes: s.VmHWM,
  }) + '\n');
}

function runChild(cmd, args, env = {}) {
  return new Promise((res, rej) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('error', rej);
    p.on('exit', (code, signal) => {
      if (code === 0) res(JSON.parse(out.trim().split('\n').at(-1)));
      else rej(new Error(`${cmd} ${args.join(' ')} failed (code ${code}, signal ${signal})`));
    });
  });
}

/** Merge order and heights of two Z (Float64Array, (n − 1) × 4). */
function compareZ(a, b) {
  let sameRows = 0;
  let maxRel = 0;
  const rows = a.length / 4;
  for (let i = 0; i < rows; i++) {
    if (a[4 * i] === b[4 * i] && a[4 * i + 1] === b[4 * i + 1] && a[4 * i + 3] === b[4 * i + 3]) sameRows++;
    const h = b[4 * i + 2];
    if (a[4 * i + 2] !== h) maxRel = Math.max(maxRel, Math.abs(a[4 * i + 2] - h) / Math.max(Math.abs(h), 1e-12));
  }
  return { rows, sameRows, sameMergeOrder: sameRows === rows, maxRelHeightDiff: maxRel };
}

export const pythonPath = () => process.env.NEUROSIEVE_BENCH_PYTHON || '/usr/bin/python3';

/**
 * Runs every size: generate the matrix, neurosieve child, scipy child (unless skipped or n > 20,000), compare, delete.
 * Returns { rows, markdown, targets }.
 */
export async function runClusteringBench({ api, dir, sizes = [4096, 9984], with50k = false, scipy = true, method = 'average', log = console.error }) {
  const rows = [];
  const all = with50k ? [...sizes, 50000] : sizes;
  let scipyNote;
  if (scipy && !existsSync(pythonPath())) scipyNote = `${pythonPath()} not found`;
  for (const n of all) {
    const need = 4 * n * n + (1 << 30);
    if (freeBytes(dir) < need) {
      const skipped = `n = ${n} skipped: needs ${(need / 1e9).toFixed(1)} GB free in ${dir} for the input matrix`;
      log(skipped);
      rows.push({ n, method, skipped });
      continue;
    }
    const path = join(dir, `corr-${n}.npy`);
    const zOurs = join(dir, `Z-ours-${n}.npy`);
    const zScipy = join(dir, `Z-scipy-${n}.npy`);
    try {
      let t0 = performance.now();
      log(`generating a ${n} × ${n} float32 correlation matrix (${((4 * n * n) / 1e9).toFixed(2)} GB) …`);
      writeLowRankCorrelation(path, n);
      log(`  ${((performance.now() - t0) / 1e3).toFixed(1)} s; neurosieve ${method} linkage …`);
      const ours = await runChild(process.execPath, [join(here, 'clustering.mjs'), '--child', path, method, zOurs]);
      log(`  neurosieve: ${ours.seconds.toFixed(3)} s (distances ${ours.distanceSeconds.toFixed(3)} s, linkage ${ours.linkageSeconds.toFixed(3)} s), peak RSS ${(ours.peakRssBytes / 2 ** 20).toFixed(0)} MiB`);
      const row = { n, method, ours };
      if (scipy && !scipyNote && n <= 20000) {
        try {
          row.scipy = await runChild(pythonPath(), [join(here, 'peers/scipy_linkage.py'), path, method, zScipy]);
          log(`  scipy: ${row.scipy.seconds.toFixed(3)} s (linkage() ${row.scipy.linkageSeconds.toFixed(3)} s), peak RSS ${(row.scipy.peakRssBytes / 2 ** 20).toFixed(0)} MiB`);
          row.agreement = compareZ(api.readNpy(zOurs).data, api.readNpy(zScipy).data);
          row.speedup = row.scipy.seconds / ours.seconds;
          row.linkageSpeedup = row.scipy.linkageSeconds / ours.linkageSeconds;
          row.rssRatio = ours.peakRssBytes / row.scipy.peakRssBytes;
        } catch (err) {
          scipyNote = `scipy peer failed: ${err.message} (scripts/install-bench-peers.sh installs it)`;
          log(scipyNote);
        }
      }
      rows.push(row);
    } finally {
      for (const f of [path, zOurs, zScipy]) rmSync(f, { force: true });
    }
  }
  const f = (v, d = 3) => (v === undefined ? '–' : v.toFixed(d));
  const mib = (b) => (b === undefined ? '–' : `${(b / 2 ** 20).toFixed(0)} MiB`);
  const targets = [];
  for (const r of rows) {
    if (r.skipped) {
      targets.push({ target: `${method} linkage n = ${r.n}`, measured: r.skipped, pass: undefined });
      continue;
    }
    if (r.n <= 20000 && r.scipy) {
      targets.push({ target: `${method} linkage n = ${r.n}: ≥ 2× faster than scipy (file → Z)`, measured: `${f(r.speedup, 2)}× (linkage alone ${f(r.linkageSpeedup, 2)}×)`, pass: r.speedup >= 2 });
      targets.push({ target: `${method} linkage n = ${r.n}: ≤ half of scipy's peak RSS`, measured: `${f(r.rssRatio, 2)} (${mib(r.ours.peakRssBytes)} vs ${mib(r.scipy.peakRssBytes)})`, pass: r.rssRatio <= 0.5 });
    }
    if (r.n === 50000) targets.push({ target: `${method} linkage n = 50,000 within 6 GiB RSS`, measured: `${f(r.ours.peakRssBytes / GiB, 2)} GiB in ${f(r.ours.seconds, 0)} s`, pass: r.ours.peakRssBytes <= 6 * GiB });
  }
  const markdown = [
    '| n | neurosieve (s) | distances / linkage + cut (s) | peak RSS | scipy (s) | scipy linkage() (s) | scipy peak RSS | speed-up | RSS ratio | same merge order | max rel. Δheight |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.filter((r) => !r.skipped).map((r) =>
      `| ${r.n} | ${f(r.ours.seconds)} | ${f(r.ours.distanceSeconds)} / ${f(r.ours.linkageSeconds)} | ${mib(r.ours.peakRssBytes)} | ${f(r.scipy?.seconds)} | ` +
      `${f(r.scipy?.linkageSeconds)} | ${mib(r.scipy?.peakRssBytes)} | ${r.speedup ? f(r.speedup, 2) + '×' : '–'} | ${f(r.rssRatio, 2)} | ` +
      `${r.agreement ? (r.agreement.sameMergeOrder ? 'yes' : `${r.agreement.sameRows}/${r.agreement.rows} rows`) : '–'} | ${r.agreement ? r.agreement.maxRelHeightDiff.toExponential(1) : '–'} |`),
    '',
    `neurosieve stores the distances in float32 (scipy: float64 twice, plus the float64 square); heights are compared ` +
      `with scipy's float64 run on the same float32 matrix.${scipyNote ? ` ${scipyNote}.` : ''}`,
  ].join('\n');
  return { method, rows, targets, markdown, scipyNote };
}

if (process.argv[2] === '--child') {
  await child(process.argv[3], process.argv[4], process.argv[5]);
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const sizesArg = args.find((a) => a.startsWith('--sizes='))?.slice(8) ?? (args.includes('--sizes') ? args[args.indexOf('--sizes') + 1] : undefined);
  const sizes = sizesArg ? sizesArg.split(',').map(Number) : [4096, 9984];
  const api = await import(pathToFileURL(join(root, 'dist/index.js')).href);
  const dir = mkdtempSync(join(process.env.NEUROSIEVE_BENCH_TMP || tmpdir(), 'neurosieve-clustering-'));
  try {
    const loadAtStart = loadavg();
    const r = await runClusteringBench({ api, dir, sizes, with50k: args.includes('--with-50k'), scipy: !args.includes('--no-scipy') });
    const targetLines = r.targets.map((t) => `- ${t.target}: ${t.measured} — ${t.pass === undefined ? 'not run' : t.pass ? 'pass' : 'miss'}`);
    const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} hardware threads; load average (1 min) ${loadAtStart[0].toFixed(2)} at start, ${loadavg()[0].toFixed(2)} at end`;
    const markdown = [`Machine: ${machine}. ${new Date().toISOString()}`, '', r.markdown, '', ...targetLines].join('\n');
    console.log(markdown);
    // Run directly, the results are kept like the other suites': bench/results/clustering.{json,md}.
    const results = join(root, 'bench/results');
    mkdirSync(results, { recursive: true });
    writeFileSync(join(results, 'clustering.json'), JSON.stringify({ date: new Date().toISOString(), machine, loadAverageAtStart: loadAtStart, loadAverageAtEnd: loadavg(), rows: r.rows, targets: r.targets }, null, 2) + '\n');
    writeFileSync(join(results, 'clustering.md'), markdown + '\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
