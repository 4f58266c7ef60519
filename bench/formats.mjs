// Read throughput of each activation reader on the same rows (bench/README.md, "Readers"):
//   .npy (the reference), NeuroX HDF5 float32 and float16 (libhdf5, one hyperslab per sentence chunk), the Arrow
//   directory `neurosieve convert --to arrow` writes (fixed_size_list<float32>), safetensors;
//   peers: h5py reading the HDF5 file as NeuroX's loader does, numpy loading the .npy.
// Every reader streams the file through openRowStream in 16 MiB chunks into one buffer (what corr does). Files
// are read 3 times and the best time kept: they sit in the page cache, so this measures the reader, not the disk.
//
//   node bench/formats.mjs [--sentences 800] [--layers 4] [--hidden 768]
// Needs Debian's python3-h5py (the writer of the HDF5 file and the h5py peer). Writes bench/results/formats.{json,md}.
import { spawnSync } from 'node:child_process';
import { execSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const { openRowStream, convertActivations } = await import(pathToFileURL(join(root, 'dist/index.js')).href);
const python = process.env.NEUROSIEVE_BENCH_PYTHON || '/usr/bin/python3';
const peer = join(here, 'peers/h5py_read.py');

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const sentences = arg('sentences', 800), layers = arg('layers', 4), hidden = arg('hidden', 768);
const REPEATS = 3;
const cpu = execSync("lscpu | grep 'Model name' | sed 's/Model name: *//'", { encoding: 'utf8' }).trim();

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

async function readAll(input) {
  let best = Infinity, rows = 0;
  for (let k = 0; k < REPEATS; k++) {
    const t = performance.now();
    const s = openRowStream(input);
    const chunk = Math.max(1, Math.floor((16 << 20) / (4 * s.cols)));
    const buf = new Float32Array(chunk * s.cols);
    rows = 0;
    for (let n; (n = await s.read(buf, chunk)) > 0; ) rows += n;
    s.close();
    best = Math.min(best, (performance.now() - t) / 1000);
  }
  return { seconds: best, rows };
}

const dir = mkdtempSync(join(process.env.NEUROSIEVE_BENCH_TMP || tmpdir(), 'neurosieve-formats-'));
try {
  const h5 = join(dir, 'acts.hdf5'), h5half = join(dir, 'acts-f16.hdf5');
  const { rows } = run(python, [peer, 'write', h5, String(sentences), String(layers), String(hidden), 'float32', '1']);
  run(python, [peer, 'write', h5half, String(sentences), String(layers), String(hidden), 'float16', '1']);
  // The same rows in the other formats, written by neurosieve convert.
  await convertActivations(h5, { out: join(dir, 'npy'), to: 'npy' });
  await convertActivations(h5, { out: join(dir, 'arrow'), to: 'arrow' });
  await convertActivations(h5, { out: join(dir, 'st'), to: 'safetensors' });
  const npy = join(dir, 'npy/activations.npy');
  const inputs = [
    ['npy', npy],
    ['safetensors', join(dir, 'st/activations.safetensors')],
    ['NeuroX HDF5 float32', h5],
    ['NeuroX HDF5 float16', h5half],
    ['Arrow (HF datasets dir)', join(dir, 'arrow')],
  ];
  const cols = layers * hidden;
  const results = [];
  for (const [name, input] of inputs) {
    const r = await readAll(input);
    if (r.rows !== rows) throw new Error(`${name}: read ${r.rows} rows, expected ${rows}`);
    const file = statSync(input).isDirectory() ? statSync(join(input, 'data-00000-of-00001.arrow')).size : statSync(input).size;
    results.push({ reader: name, seconds: r.seconds, rowsPerSecond: rows / r.seconds, outMBps: (rows * cols * 4) / 1e6 / r.seconds, fileMB: file / 1e6 });
  }
  const p = run(python, [peer, 'read', h5, npy, String(REPEATS)]);
  results.push({ reader: `h5py ${p.h5py_version} (NeuroX loader's way)`, seconds: p.h5py, rowsPerSecond: rows / p.h5py, outMBps: (rows * cols * 4) / 1e6 / p.h5py, fileMB: statSync(h5).size / 1e6 });
  results.push({ reader: `numpy ${p.numpy_version} np.load`, seconds: p.numpy, rowsPerSecond: rows / p.numpy, outMBps: (rows * cols * 4) / 1e6 / p.numpy, fileMB: statSync(npy).size / 1e6 });
  const base = results[0].seconds;
  const lines = [
    `# Readers: throughput on the same ${rows} rows × ${cols} neurons (${sentences} sentences, ${layers} layers × ${hidden})`,
    '',
    `Machine: ${cpu}; best of ${REPEATS} reads from the page cache; MB/s counts float32 rows delivered.`,
    '',
    '| reader | seconds | rows/s | MB/s | file MB | time vs .npy |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...results.map((r) => `| ${r.reader} | ${r.seconds.toFixed(3)} | ${Math.round(r.rowsPerSecond).toLocaleString('en')} | ${Math.round(r.outMBps)} | ${r.fileMB.toFixed(0)} | ${(r.seconds / base).toFixed(2)}× |`),
  ];
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(join(here, 'results/formats.json'), JSON.stringify({ machine: cpu, rows, cols, sentences, layers, hidden, repeats: REPEATS, results }, null, 2) + '\n');
  writeFileSync(join(here, 'results/formats.md'), lines.join('\n') + '\n');
  console.log(lines.join('\n'));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
