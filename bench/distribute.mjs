// Past one machine: what `neurosieve plan` + `run --engine local` costs here, and a projection from it.
//
//   node bench/distribute.mjs [--quick]      (after `npm run build`; writes bench/results/distribute.{json,md})
//
// 1. Shard throughput with 1, 2 and 4 local worker processes (threads per worker = cores / workers, at least 1)
//    on 8 shards of 16,384 × 1,024 float32 rows, against the one-machine pass (computeStats over the same files,
//    all cores) measured in the same run: the ratio is what sharding costs (or gains) on one machine.
// 2. Merge cost vs shard count and D: reading + Chan-merging S partials (one per shard) at D = 1,024 and 4,096.
// 3. The per-shard cost at D = 9,984 (4,096 and 8,192 rows: a fixed part — the D² state, writing the partial —
//    and a per-row part), and from it a PROJECTION for 9,984 neurons × 1e9 rows on N machines like this one.
// Data: random float32 with planted copies (only the time matters here; exactness is tested in test/distribute).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const api = await import(pathToFileURL(join(root, 'dist/index.js')).href);
const { makePlan } = await import(pathToFileURL(join(root, 'dist/distribute/plan.js')).href);
const { runLocal } = await import(pathToFileURL(join(root, 'dist/distribute/engine-local.js')).href);
const { writeTextAtomic } = await import(pathToFileURL(join(root, 'dist/io/atomic.js')).href);
const quick = process.argv.includes('--quick');
const machine = execFileSync('sh', ['-c', "lscpu | grep 'Model name' | sed 's/Model name: *//'"], { encoding: 'utf8' }).trim();
const tmp = mkdtempSync(join(process.env.NEUROSIEVE_BENCH_TMP ?? tmpdir(), 'ns-bench-dist-'));
const load0 = loadavg()[0];

function npy(path, rows, cols, seed) {
  const header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  const h = Buffer.from(`\x93NUMPY\x01\x00` + '  ' + header + ' '.repeat(pad) + '\n', 'latin1');
  h.writeUInt16LE(h.length - 10, 8);
  const x = new Float32Array(rows * cols);
  let s = seed >>> 0;
  for (let i = 0; i < x.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = s / 2 ** 32 - 0.5;
  }
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols / 8; c++) x[r * cols + c + cols / 2] = x[r * cols + c] + 0.01 * x[r * cols + c + 1];
  writeFileSync(path, Buffer.concat([h, Buffer.from(x.buffer)]));
}

const best = async (n, fn) => {
  let t = Infinity;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    t = Math.min(t, (performance.now() - t0) / 1000);
  }
  return t;
};

const results = { machine, cores: cpus().length, quick, loadStart: load0 };
try {
  // 1. Throughput with 1, 2, 4 workers.
  const D = 1024;
  const rows = quick ? 4096 : 16384;
  const S = 8;
  const dir = join(tmp, 'tp');
  mkdirSync(dir);
  const files = [];
  for (let k = 0; k < S; k++) {
    files.push(join(dir, `part-${k}.npy`));
    npy(files[k], rows, D, k + 1);
  }
  const onePass = await best(2, () => api.computeStats(files, { threads: 0 }));
  const workers = [];
  for (const w of [1, 2, 4]) {
    const plan = makePlan(files, { root: dir, output: join(dir, `merged-${w}.stats`), partials: join(dir, `partials-${w}`) });
    const planPath = join(dir, `plan-${w}.json`);
    writeTextAtomic(planPath, JSON.stringify(plan));
    const t = await best(2, async () => {
      rmSync(join(dir, `partials-${w}`), { recursive: true, force: true });
      await runLocal(planPath, { root: dir, workers: w });
    });
    workers.push({ workers: w, threadsPerWorker: Math.max(1, Math.floor(cpus().length / w)), seconds: t, rowsPerSecond: (S * rows) / t, vsOnePass: onePass / t });
  }
  results.throughput = { D, shards: S, rowsPerShard: rows, onePassSeconds: onePass, onePassRowsPerSecond: (S * rows) / onePass, workers };
  rmSync(dir, { recursive: true });

  // 2. Merge cost vs S and D: readStats + mergeStats of S partials (the work of one merge job).
  const merges = [];
  for (const [d, counts] of quick ? [[1024, [4, 16]]] : [[1024, [4, 16, 64]], [4096, [4, 16]]]) {
    const f = join(tmp, `m-${d}.npy`);
    npy(f, 256, d, 7);
    const st = (await api.computeStats(f, { threads: 0 })).stats;
    const p = join(tmp, `m-${d}.stats`);
    api.writeStats(p, st);
    rmSync(f);
    for (const s of counts) {
      const t = await best(2, async () => {
        let m = api.readStats(p);
        for (let i = 1; i < s; i++) m = api.mergeStats(m, api.readStats(p));
      });
      merges.push({ D: d, partials: s, seconds: t, perPartialSeconds: t / s, partialBytes: (d * (d + 1) / 2 + d) * 8 });
    }
    rmSync(p);
  }
  results.merge = merges;

  // 3. Per-shard cost at D = 9,984 and the projection.
  if (!quick) {
    const d = 9984;
    const shard = [];
    for (const r of [4096, 8192]) {
      const dir9 = join(tmp, `s9-${r}`);
      mkdirSync(dir9);
      const f = join(dir9, 'x.npy');
      npy(f, r, d, 3);
      const plan = makePlan([f], { root: dir9, output: join(dir9, 'merged.stats'), partials: join(dir9, 'partials') });
      const planPath = join(dir9, 'plan.json');
      writeTextAtomic(planPath, JSON.stringify(plan));
      // One shard job + the root merge (one input): the whole cost of a shard as a worker pays it.
      const t = await best(1, () => runLocal(planPath, { root: dir9, workers: 1 }));
      shard.push({ rows: r, seconds: t });
      rmSync(dir9, { recursive: true });
    }
    const perRow = (shard[1].seconds - shard[0].seconds) / (shard[1].rows - shard[0].rows);
    const fixed = Math.max(0, shard[0].seconds - perRow * shard[0].rows);
    const m4096 = merges.filter((m) => m.D === 4096);
    const perPartial4096 = m4096.reduce((a, m) => a + m.perPartialSeconds, 0) / m4096.length;
    const perPartial9984 = perPartial4096 * (9984 / 4096) ** 2; // reading + merging is O(D²) per partial
    const totalRows = 1e9;
    const shardRows = 1 << 20; // 1,048,576 rows per shard: 42 GB of float32 each at D = 9,984
    const shards = Math.ceil(totalRows / shardRows);
    const projection = [1, 8, 64, 256].map((N) => {
      const compute = (shards * (fixed + perRow * shardRows)) / N;
      // Fan-in 64 tree: 954 shards → 15 merges of 64 (in parallel on N machines) → 1 root of 15.
      const level1 = Math.ceil(shards / 64);
      const merge = Math.ceil(level1 / N) * 64 * perPartial9984 + level1 * perPartial9984;
      return { machines: N, computeSeconds: compute, mergeSeconds: merge, totalHours: (compute + merge) / 3600 };
    });
    results.d9984 = { shardCost: shard, perRowSeconds: perRow, fixedSeconds: fixed, perPartialMergeSecondsProjected: perPartial9984, shardRows, shards, projection };
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
results.loadEnd = loadavg()[0];

const f = (x, d = 2) => Number(x).toFixed(d);
const lines = [`# Past one machine: local engine, merge cost, projection`, '', `Machine: ${machine}, ${results.cores} cores; load average ${f(load0)} at start, ${f(results.loadEnd)} at end.`, ''];
const tp = results.throughput;
lines.push(`## Shard throughput (${tp.shards} shards × ${tp.rowsPerShard} rows × D = ${tp.D})`, '', '| run | seconds | rows/s | vs one-machine pass |', '|---|---|---|---|', `| one pass (computeStats, all cores) | ${f(tp.onePassSeconds)} | ${Math.round(tp.onePassRowsPerSecond)} | 1.00 |`);
for (const w of tp.workers) lines.push(`| local engine, ${w.workers} worker(s) × ${w.threadsPerWorker} thread(s) | ${f(w.seconds)} | ${Math.round(w.rowsPerSecond)} | ${f(w.vsOnePass)} |`);
lines.push('', '## Merge cost (read + Chan-merge S partials, one merge job)', '', '| D | partials | seconds | per partial | partial size |', '|---|---|---|---|---|');
for (const m of results.merge) lines.push(`| ${m.D} | ${m.partials} | ${f(m.seconds, 3)} | ${f(m.perPartialSeconds, 4)} | ${f(m.partialBytes / 2 ** 20, 1)} MiB |`);
if (results.d9984) {
  const p = results.d9984;
  lines.push('', '## D = 9,984: measured shard cost, and a PROJECTION for 1e9 rows', '', `Shard jobs (one shard + the root merge) measured: ${p.shardCost.map((s) => `${s.rows} rows ${f(s.seconds)} s`).join(', ')} → ${f(p.perRowSeconds * 1e6, 1)} µs per row + ${f(p.fixedSeconds)} s fixed per job.`, '');
  lines.push(`**Projection, not a measurement**: ${p.shards} shards of ${p.shardRows} rows, each at the per-row + fixed cost above on one machine like this one; merges on a fan-in-64 tree at ${f(p.perPartialMergeSecondsProjected, 2)} s per partial (the D = 4,096 measurement scaled by D²); perfect scaling across machines and storage that keeps up (a shard is 42 GB of float32 to read) are assumed.`, '', '| machines | shard compute | merges | total |', '|---|---|---|---|');
  for (const r of p.projection) lines.push(`| ${r.machines} | ${f(r.computeSeconds / 3600)} h | ${f(r.mergeSeconds / 60)} min | ${f(r.totalHours)} h |`);
}
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/distribute.json'), JSON.stringify(results, null, 1) + '\n');
writeFileSync(join(root, 'bench/results/distribute.md'), lines.join('\n') + '\n');
console.log(lines.join('\n'));
