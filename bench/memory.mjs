// Memory benchmark: correlate() over a 1e9-activation dataset (T = 100,000 tokens × D = 9,984 neurons, float32 on
// disk, ~4 GB) in a child process, which reports its peak resident set (VmHWM from /proc/self/status) at the end
// while still holding the result (the full float32 D×D matrix and the float64 statistics).
//
//   node bench/memory.mjs --child <file.npy>   (the child; run.mjs calls runMemoryBench)
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, statfsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const GiB = 2 ** 30;

/** Fields of /proc/self/status in bytes (VmHWM, VmRSS, RssAnon, RssFile, …). */
function procStatus() {
  const out = {};
  for (const line of readFileSync('/proc/self/status', 'utf8').split('\n')) {
    const m = /^(\w+):\s+(\d+) kB$/.exec(line);
    if (m) out[m[1]] = Number(m[2]) * 1024;
  }
  return out;
}

async function child(path) {
  const api = await import(pathToFileURL(join(root, 'dist/index.js')).href);
  const t0 = performance.now();
  const r = await api.correlate(path);
  const seconds = (performance.now() - t0) / 1e3;
  const s = procStatus();
  process.stdout.write(JSON.stringify({
    seconds,
    count: r.count,
    cols: r.cols,
    corrBytes: r.corr.byteLength,
    peakRssBytes: s.VmHWM,
    rssBytes: s.VmRSS,
    rssAnonBytes: s.RssAnon,
    rssFileBytes: s.RssFile,
  }) + '\n');
}

/** Free bytes for an unprivileged user on the file system holding `dir`. */
export function freeBytes(dir) {
  const s = statfsSync(dir);
  return Number(s.bavail) * Number(s.bsize);
}

/**
 * Generates the dataset in `dir`, runs the child, deletes the data. Returns { skipped } or the child's report plus
 * { T, D, bytesOnDisk, generateSeconds, targetBytes, pass }.
 */
export async function runMemoryBench({ synth, dir, T = 100000, D = 9984, minFreeBytes = 10e9, targetBytes = 1.5 * GiB, log = console.error }) {
  const free = freeBytes(dir);
  if (free < minFreeBytes) {
    const skipped = `only ${(free / 1e9).toFixed(1)} GB free in ${dir} (need ${(minFreeBytes / 1e9).toFixed(0)} GB): 1e9-activation run skipped`;
    log(skipped);
    return { skipped };
  }
  const path = join(dir, `mem-T${T}-D${D}.npy`);
  try {
    let t0 = performance.now();
    log(`generating ${T} × ${D} float32 (${((4 * T * D) / 1e9).toFixed(1)} GB) in ${dir} …`);
    await synth({ out: path, tokens: T, neurons: D, seed: 1e9, offset: 3 });
    const generateSeconds = (performance.now() - t0) / 1e3;
    log(`generated in ${generateSeconds.toFixed(1)} s; correlating in a child process …`);
    const report = await new Promise((res, rej) => {
      const p = spawn(process.execPath, [join(here, 'memory.mjs'), '--child', path], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      p.stdout.on('data', (d) => (out += d));
      p.on('error', rej);
      p.on('exit', (code, signal) => {
        if (code === 0) res(JSON.parse(out));
        else rej(new Error(`memory child failed (code ${code}, signal ${signal})`));
      });
    });
    const result = { T, D, activations: T * D, bytesOnDisk: 4 * T * D, generateSeconds, ...report, targetBytes, pass: report.peakRssBytes <= targetBytes };
    log(`1e9 run: ${report.seconds.toFixed(1)} s, peak RSS ${(report.peakRssBytes / GiB).toFixed(2)} GiB`);
    return result;
  } finally {
    rmSync(path, { force: true });
    rmSync(`${path}.truth.json`, { force: true });
  }
}

if (process.argv[2] === '--child' && process.argv[3]) {
  await child(process.argv[3]);
}
