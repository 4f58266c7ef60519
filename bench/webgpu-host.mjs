// Host-side costs of the WebGPU correlation pass per 10^6 rows, before and after device-side accumulation
// (src/correlate/gpu-plan.ts): what the JS thread and the bus do while a GPU computes. Measured pieces on this
// machine, then multiplied by the counts of each plan:
//   merge      one float64 merge of a readback (TileComoments.addTiles over the triangle's tiles + endChunk)
//   readback   copying the accumulators (3·D floats + the triangle's tiles) to a staging buffer and mapping it
//   upload     queue.writeBuffer of one chunk (Dawn's staging copy) until the queue has taken it
//   toHalf     float32 → float16 conversion of one chunk (float16 datasets; native)
// Plans: "before" = one readback and merge per chunk of min(defaultChunkRows(D), binding limit) rows (the CPU
// heuristic, as the pass did); "after" = chunks from the device limits, one readback and merge per flush group.
// On lavapipe the readback and upload are host memcpys; on a discrete GPU they cross PCIe (see shaders/README.md).
//
//   npm run build:ts && node bench/webgpu-host.mjs [--cols 9984] [--repeat 3]
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execSync } from 'node:child_process';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const load = (p) => import(pathToFileURL(resolve(root, 'dist', p)).href);
const { gpu, releaseGpu } = await load('gpu/device.js');
const { native } = await load('core/native.js');
const { defaultFlushRows, gpuChunkRows, maxChunkRows } = await load('correlate/gpu-plan.js');
const { defaultChunkRows } = await load('io/chunk-rows.js');
const { syrkBlocks } = await load('gpu/programs/syrk-centred.js');
const { readback, writeBuffer } = await load('gpu/readback.js');

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const D = arg('cols', 9984);
const repeat = arg('repeat', 3);
const T = 1e6;
const best = async (f) => {
  let m = Infinity;
  for (let i = 0; i < repeat; i++) {
    const t = performance.now();
    await f();
    m = Math.min(m, performance.now() - t);
  }
  return m;
};

const g = await gpu();
const tile = 64;
const nb = Math.ceil(D / tile);
const tiles = (nb * (nb + 1)) / 2;
const blocks = syrkBlocks(D, Math.min(g.limits.maxStorageBufferBindingSize, g.limits.maxBufferSize), tile);
const readBytes = (3 * D + tiles * tile * tile) * 4;

// merge: one readback's worth of tiles into the float64 state (random values; the cost does not depend on them).
const acc = new (native().TileComoments)(D, 1);
const blockTiles = blocks.map((b) => Float32Array.from({ length: b.tiles * tile * tile }, (_, i) => ((i * 2654435761) % 1000) / 1000));
const stats = new Float32Array(3 * D).fill(1);
const mergeMs = await best(() => {
  blocks.forEach((b, i) => acc.addTiles(blockTiles[i], tile, b.bi0, b.bi1));
  acc.endChunk(1000, stats);
});

// readback of the accumulators: copy into staging + map, per block.
const STORAGE = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
const outs = blocks.map((b) => g.buffers.acquire(b.tiles * tile * tile * 4, STORAGE, 'acc'));
const readbackMs = await best(async () => {
  const enc = g.device.createCommandEncoder();
  const reads = blocks.map((b, i) => readback(g, outs[i], 0, b.tiles * tile * tile * 4, enc));
  g.device.queue.submit([enc.finish()]);
  await Promise.all(reads.map((r) => r()));
});

// upload and conversion of one chunk of R rows (R from the device limits), per row.
const R = gpuChunkRows(g, D);
const chunk = Float32Array.from({ length: R * D }, (_, i) => (i % 977) / 97);
const xBuf = g.buffers.acquire(R * D * 4, STORAGE, 'chunk');
const uploadMs = await best(async () => {
  writeBuffer(g, xBuf, chunk);
  await g.device.queue.onSubmittedWorkDone();
});
const half = new Uint16Array(R * D);
const toHalfMs = await best(() => native().toHalf(chunk, half));

const plans = {
  before: { chunkRows: Math.min(defaultChunkRows(D), maxChunkRows(g, D)), perChunk: true },
  after: { chunkRows: R, perChunk: false },
};
const cpu = execSync("lscpu | grep 'Model name' | sed 's/.*: *//'").toString().trim();
console.log(`WebGPU host costs per 1e6 rows at D = ${D}; adapter ${g.adapter.description}; CPU ${cpu}, ${repeat} runs, best`);
console.log(`measured: merge ${mergeMs.toFixed(0)} ms per readback; readback ${readbackMs.toFixed(0)} ms per ${(readBytes / 2 ** 20).toFixed(0)} MiB; ` +
  `upload ${((uploadMs / R) * 1e3).toFixed(1)} µs/row (${((R * D * 4) / (uploadMs / 1e3) / 1e9).toFixed(2)} GB/s); toHalf ${((toHalfMs / R) * 1e3).toFixed(1)} µs/row (${((R * D) / (toHalfMs / 1e3) / 1e6).toFixed(0)} M values/s)`);
for (const [name, p] of Object.entries(plans)) {
  const chunks = Math.ceil(T / p.chunkRows);
  const flushes = p.perChunk ? chunks : Math.ceil(T / defaultFlushRows(p.chunkRows));
  const hostMs = flushes * (mergeMs + readbackMs) + (T / R) * uploadMs;
  console.log(
    `${name.padEnd(6)}: ${p.chunkRows} rows/chunk, ${chunks} chunks, ${flushes} readbacks+merges, ${((flushes * readBytes) / 1e9).toFixed(1)} GB read back; ` +
      `merges ${((flushes * mergeMs) / 1e3).toFixed(1)} s + readbacks ${((flushes * readbackMs) / 1e3).toFixed(1)} s + uploads ${(((T / R) * uploadMs) / 1e3).toFixed(1)} s = ${(hostMs / 1e3).toFixed(1)} s host` +
      ` (+ ${(((T / R) * toHalfMs) / 1e3).toFixed(1)} s float16 conversion for float16 data)`,
  );
}
acc.result();
for (const b of [...outs, xBuf]) g.buffers.release(b);
await releaseGpu();
