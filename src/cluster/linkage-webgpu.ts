/// <reference types="@webgpu/types" />
/**
 * Agglomerative clustering on a WebGPU device by reciprocal nearest neighbours (RNN: de Rham 1980, Murtagh 1983
 * "A survey of recent advances in hierarchical clustering algorithms"; all reciprocal pairs of a round merged at
 * once, Lance & Williams 1967 for the updates): each round the device holds every live cluster's nearest neighbour
 * (first round: shaders/rnn-row-min.wgsl + rnn-col-min.wgsl over the whole triangle), the host reads back those n
 * (distance, index, tie) triples, collects the reciprocal pairs, uploads them, and the device applies all their
 * Lance–Williams updates at once (rnn-lance-williams.wgsl), retires the absorbed slots (rnn-retire.wgsl), keeps
 * the cached neighbours of the untouched slots exact (rnn-refresh.wgsl, around the update) and rescans in full
 * only the new clusters and the slots whose neighbour merged (rnn-rescan.wgsl) — the CPU NN-chain's exact
 * cache, in parallel — or, when that moves more bytes (costModel), scans everything again. The unsorted merges then go through the native relabelling step
 * (native/src/cluster/label.h) that also finishes the CPU's NN-chain.
 *
 * Why this gives the CPU's Z. For a reducible linkage (single, complete, average, weighted, ward), a pair x, y
 * that are each other's *unique* nearest neighbour is merged, at d(x, y), by every algorithm that only merges
 * reciprocal nearest neighbours — the NN-chain included —, whatever it merges elsewhere first: another merge
 * (i, j) makes d(ij, x) ≥ min(d(i, x), d(j, x)) > d(x, y) (reducibility), so x and y stay unique mutual
 * neighbours until they merge. By induction over the rounds, if every merged pair of every round is strict in
 * this sense, the dendrogram is the NN-chain's; if moreover no two merges share a height, the stable sort of
 * the relabelling step orders them the same way, so Z is identical (merge order, ids, sizes).
 *
 * Where the two can differ, and what happens then:
 * - Exact ties. The NN-chain breaks a tie by its chain (the previous chain element wins, then the lowest
 *   slot) and orders equal-height merges by when its chain finds them; neither can be reproduced by a parallel
 *   round. So when a reciprocal pair has a tied minimum on either side, or a merge height repeats an earlier
 *   one, the device run stops and reports `handover` (src/cluster/linkage.ts then runs the native NN-chain on the same
 *   float32 distances: the result is always the CPU's Z). Ties elsewhere (a non-merging cluster with two
 *   nearest neighbours, equal distances above the minima) are harmless and do not stop the run. With
 *   `ties: 'any'` the device keeps going instead: tied pairs merge by the lowest-slot rule and equal heights
 *   keep the round-then-slot order — a valid dendrogram of the reducible linkage, which can differ from the
 *   CPU's exactly where ties are (and in float32, distinct values closer than rounding collide into ties).
 * - Rounding. Single and complete updates are exact (min/max); one weighted update is bit-identical to the
 *   CPU's (double from the stored floats, rounded once), average and ward round 3–5 times in f32; and merges
 *   happen in another order than the chain's, which rounds weighted, average and ward differently again, so a
 *   later distance can differ by a few ulp (~2e-7 relative). That changes
 *   the merge order only when two candidate distances are closer than that: the same near-ties within float32
 *   rounding that already separate the CPU's float32 run from scipy's float64 run. Heights agree within 1e-6.
 *
 * Rounds: each round merges at least the globally closest pair; on data with cluster structure most clusters
 * find a reciprocal partner and the live count shrinks geometrically (~15% per round measured at n = 9,984: 56
 * rounds; shaders/README.md), but a chain of increasing distances (points on a line at growing gaps) needs
 * n − 1 rounds; single linkage chains a lot.
 */
import { callNativeSync, NeurosieveError } from '../core/errors.js';
import { native } from '../core/native.js';
import type { ClusterProgress, LinkageMethod } from './linkage.js';
import { checked, gpu, type Gpu } from '../gpu/device.js';
import { layoutFor, piecesParams, piecesPrelude, type DevicePieces, type PieceLayout } from '../gpu/programs/condensed-pieces.js';
import { encodeRnnColMin } from '../gpu/programs/rnn-col-min.js';
import { encodeRnnLanceWilliams, MERGE_WORDS } from '../gpu/programs/rnn-lance-williams.js';
import { encodeRnnRefresh } from '../gpu/programs/rnn-refresh.js';
import { encodeRnnRescan } from '../gpu/programs/rnn-rescan.js';
import { encodeRnnRetire } from '../gpu/programs/rnn-retire.js';
import { encodeRnnRowMin } from '../gpu/programs/rnn-row-min.js';
import { poison as poisonBuffer, readback, writeBuffer } from '../gpu/readback.js';

/** The largest f32, the distance of retired slots (DEAD in the shaders). */
export const DEAD = 3.4028234663852886e38;
const NONE = 0x7fffffff;

export interface GpuLinkageOptions {
  method: LinkageMethod;
  onProgress?: (p: ClusterProgress) => void;
  signal?: AbortSignal;
  /** Caps each piece's binding below the device limit (tests: several pieces at small n, or an n too large). */
  maxBindingBytes?: number;
  /** Fill the nearest-neighbour buffers with this value before every round (tests: NaN, so a slot a kernel forgets shows). */
  poison?: number;
  /** 'exact' (default): stop at a tie the NN-chain may break differently (`handover`); 'any': go on (see the header). */
  ties?: 'exact' | 'any';
  /**
   * The nearest-neighbour cache (rnn-refresh keeps untouched slots' neighbours exact through a round, rnn-rescan
   * scans only the new clusters and the slots whose neighbour merged, as the CPU's NN-chain does) against full
   * row and column passes every round. Both give the same neighbours (the tests run both). 'auto' (default)
   * picks, round by round, the one that moves fewer bytes on a GPU (see costModel); 'always' and 'never' force.
   */
  nnCache?: 'auto' | 'always' | 'never';
}

/**
 * Bytes one round of each strategy moves, counting a scattered 4-byte access as a 32-byte sector (what a GPU
 * fetches): full passes read the live rows (n/2 words each on average, coalesced) and the live triangle of the
 * column pass; the cache rescans `rescans` slots (half of each scan coalesced, half a scattered column walk) and
 * the refresh reads 3 scattered words per (live slot, merge).
 */
export function costModel(n: number, live: number, merges: number, rescans: number): { full: number; cache: number } {
  return { full: 4 * (live * (n / 2) + (live * live) / 2), cache: 4 * n * rescans * 4.5 + 96 * merges * live };
}

export interface GpuLinkageResult {
  /** scipy's Z, when the device run completed. */
  Z?: Float64Array;
  /** Nearest-neighbour rounds run on the device. */
  rounds: number;
  /** Merges found on the device. */
  merges: number;
  /** Why the run stopped before the end (an exact tie the NN-chain may break differently); Z is then absent. */
  handover?: string;
  /** ties 'any': merges of the run that met a tie (tied pair or repeated height), where Z may differ from the CPU's. */
  tiedMerges?: number;
  /** Slots scanned in full by rnn-rescan (rounds that used the cache). */
  rescannedSlots: number;
}

const STORAGE = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

/** Runs the RNN agglomeration of n points (condensed float32 distances, validated by the caller). */
export async function gpuLinkage(distances: Float32Array, n: number, o: GpuLinkageOptions): Promise<GpuLinkageResult> {
  const g = await gpu();
  const layout = layoutFor(g, n, o.maxBindingBytes);
  if (Math.floor(n / 2) > g.limits.maxComputeWorkgroupsPerDimension) {
    throw new NeurosieveError('E_GPU', `Expected at most ${2 * g.limits.maxComputeWorkgroupsPerDimension} points for the WebGPU linkage on this adapter but received ${n}`);
  }
  const held: GPUBuffer[] = [];
  try {
    return await checked(g, `WebGPU ${o.method} linkage of ${n} points`, async () => {
      const b = roundBuffers(g, distances, n, layout, held);
      return run(g, n, o, b);
    });
  } finally {
    for (const b of held) g.buffers.release(b);
    g.buffers.trim();
  }
}

export interface NearestNeighbours {
  distance: Float32Array;
  /** Lowest slot at the minimal distance (0x7fffffff: none, e.g. a retired slot). */
  index: Int32Array;
  /** 1 when the minimum is attained by more than one slot. */
  tie: Uint8Array;
}

/**
 * One nearest-neighbour pass (rnn-row-min + rnn-col-min) over condensed distances, slots of size 0 retired
 * (their distances must be DEAD, as rnn-retire leaves them): the building block of a round, for tests.
 */
export async function gpuNearestNeighbours(
  distances: Float32Array,
  n: number,
  o: { sizes?: Int32Array; maxBindingBytes?: number; poison?: number } = {},
): Promise<NearestNeighbours> {
  const g = await gpu();
  const layout = layoutFor(g, n, o.maxBindingBytes);
  const held: GPUBuffer[] = [];
  try {
    return await checked(g, `WebGPU nearest neighbours of ${n} points`, async () => {
      const b = roundBuffers(g, distances, n, layout, held);
      const words = new Int32Array(2 * n);
      for (let i = 0; i < n; i++) {
        words[2 * i] = o.sizes ? o.sizes[i]! : 1;
        words[2 * i + 1] = -1;
      }
      writeBuffer(g, b.slots, words);
      if (o.poison !== undefined) {
        poisonBuffer(g, b.nn, o.poison);
        poisonBuffer(g, b.rowbest, o.poison);
      }
      const enc = g.device.createCommandEncoder();
      const transient = [...(await encodeRnnRowMin(g, enc, b.pieces, b.slots, b.rowbest)), ...(await encodeRnnColMin(g, enc, b.pieces, b.slots, b.rowbest, b.nn, b.count))];
      const read = readback(g, b.nn, 0, 8 * n, enc);
      g.device.queue.submit([enc.finish()]);
      const raw = await read();
      for (const t of transient) g.buffers.release(t);
      const u = new Uint32Array(raw);
      const f = new Float32Array(raw);
      const out: NearestNeighbours = { distance: new Float32Array(n), index: new Int32Array(n), tie: new Uint8Array(n) };
      for (let i = 0; i < n; i++) {
        out.distance[i] = f[2 * i]!;
        out.index[i] = u[2 * i + 1]! & NONE;
        out.tie[i] = u[2 * i + 1]! >>> 31;
      }
      return out;
    });
  } finally {
    for (const b of held) g.buffers.release(b);
  }
}

/** Uploads the distances into their pieces and allocates the per-round buffers (all appended to `held`). */
function roundBuffers(g: Gpu, distances: Float32Array, n: number, layout: PieceLayout, held: GPUBuffer[]): RoundBuffers {
  const take = (b: GPUBuffer) => (held.push(b), b);
  const pieces: DevicePieces = {
    layout,
    buffers: layout.firstRow.slice(0, -1).map((_, p) => {
      const a = layout.offsets[p]!;
      const e = layout.offsets[p + 1]!;
      const buf = take(g.buffers.acquire(Math.max(4, (e - a) * 4), STORAGE(), `distances piece ${p}`));
      writeBuffer(g, buf, distances.subarray(a, e));
      return buf;
    }),
    params: take(piecesParams(g, layout)),
    prelude: piecesPrelude(layout.firstRow.length - 1),
  };
  return {
    pieces,
    slots: take(g.buffers.acquire(8 * n, STORAGE(), 'rnn slots')),
    rowbest: take(g.buffers.acquire(16 * n, STORAGE(), 'rnn rowbest')),
    nn: take(g.buffers.acquire(8 * n, STORAGE(), 'rnn nn')),
    count: take(g.buffers.acquire(4 * n, STORAGE(), 'rnn count')),
    list: take(g.buffers.acquire(4 * n, STORAGE(), 'rnn rescan list')),
    mergeBuf: take(g.buffers.acquire(4 * MERGE_WORDS * Math.max(1, Math.floor(n / 2)), STORAGE(), 'rnn merges')),
  };
}

interface RoundBuffers {
  pieces: DevicePieces;
  slots: GPUBuffer;
  rowbest: GPUBuffer;
  nn: GPUBuffer;
  count: GPUBuffer;
  list: GPUBuffer;
  mergeBuf: GPUBuffer;
}

async function run(g: Gpu, n: number, o: GpuLinkageOptions, b: RoundBuffers): Promise<GpuLinkageResult> {
  const pieces = b.pieces;
  const size = new Int32Array(n).fill(1);
  const slotWords = new Int32Array(2 * n); // (size, role) per slot
  for (let i = 0; i < n; i++) slotWords[2 * i + 1] = -1;
  let live = Int32Array.from({ length: n }, (_, i) => i);
  let liveCount = n;
  const mergeA = new Int32Array(n - 1);
  const mergeB = new Int32Array(n - 1);
  const heights = new Float64Array(n - 1);
  const seenHeights = new Set<number>();
  const record = new ArrayBuffer(4 * MERGE_WORDS * Math.max(1, Math.floor(n / 2)));
  const recordU = new Uint32Array(record);
  const recordF = new Float32Array(record);
  let done = 0;
  let rounds = 0;
  let tied = 0;
  let pendingMerges = 0; // merges of the previous round, whose updates go into this round's command buffer
  const mode = o.nnCache ?? 'auto';
  let fullScan = true; // this round: row and column passes over every live slot (always in the first)
  const rescan = new Uint32Array(n); // slots to scan in full next round when the cache is used
  let rescanLength = 0;
  let rescanned = 0;

  const fillSlots = () => {
    for (let i = 0; i < n; i++) slotWords[2 * i] = size[i]!;
    writeBuffer(g, b.slots, slotWords);
  };
  fillSlots();

  while (liveCount > 1) {
    if (o.signal?.aborted) throw new NeurosieveError('E_CANCELLED', 'linkage cancelled');
    // With the cache, nn and count carry state between rounds: only full-scan rounds' outputs can be poisoned.
    if (o.poison !== undefined && fullScan) {
      poisonBuffer(g, b.rowbest, o.poison);
      poisonBuffer(g, b.nn, o.poison);
      poisonBuffer(g, b.count, o.poison);
    }
    const enc = g.device.createCommandEncoder({ label: `rnn round ${rounds}` });
    const transient: GPUBuffer[] = [];
    if (pendingMerges > 0 && !fullScan) {
      transient.push(...(await encodeRnnRefresh(g, enc, pieces, 0, b.slots, b.mergeBuf, pendingMerges, b.nn, b.count)));
    }
    if (pendingMerges > 0) {
      transient.push(...(await encodeRnnLanceWilliams(g, enc, pieces, o.method, b.slots, b.mergeBuf, pendingMerges)));
      transient.push(...(await encodeRnnRetire(g, enc, pieces, b.mergeBuf, pendingMerges)));
    }
    if (fullScan) {
      transient.push(...(await encodeRnnRowMin(g, enc, pieces, b.slots, b.rowbest)));
      transient.push(...(await encodeRnnColMin(g, enc, pieces, b.slots, b.rowbest, b.nn, b.count)));
    } else {
      transient.push(...(await encodeRnnRefresh(g, enc, pieces, 1, b.slots, b.mergeBuf, pendingMerges, b.nn, b.count)));
      transient.push(...(await encodeRnnRescan(g, enc, pieces, b.list, rescanLength, b.nn, b.count)));
    }
    const read = readback(g, b.nn, 0, 8 * n, enc);
    g.device.queue.submit([enc.finish()]);
    const raw = await read();
    for (const t of transient) g.buffers.release(t);
    rounds++;
    const u = new Uint32Array(raw);
    const f = new Float32Array(raw);

    // Reciprocal pairs x < y, in slot order (the order their updates are applied in on the device).
    let m = 0;
    for (let q = 0; q < liveCount; q++) {
      const x = live[q]!;
      const w = u[2 * x + 1]!;
      const y = w & NONE;
      const d = f[2 * x]!;
      if (y >= n || y === x || size[y] === 0) {
        throw new NeurosieveError('E_INTERNAL', `WebGPU linkage round ${rounds}: slot ${x} got an invalid nearest neighbour (${y === NONE ? 'none' : y}, distance ${d})`);
      }
      if (!(d < DEAD)) {
        throw new NeurosieveError('E_NONFINITE', `Expected distances below ${DEAD} (the largest float32) for the WebGPU linkage but received ${d} between clusters in slots ${x} and ${y}`);
      }
      if (y < x || (u[2 * y + 1]! & NONE) !== x) continue;
      const nx = size[x]!;
      const ny = size[y]!;
      const exact = o.ties !== 'any';
      if (exact && (w >>> 31 || u[2 * y + 1]! >>> 31)) {
        return { rounds, merges: done, rescannedSlots: rescanned, handover: `round ${rounds}: the reciprocal nearest neighbours in slots ${x} and ${y} (distance ${d}) have another neighbour at the same distance` };
      }
      if (exact && seenHeights.has(d)) {
        return { rounds, merges: done, rescannedSlots: rescanned, handover: `round ${rounds}: two merges at the same height ${d}, which the NN-chain orders by discovery` };
      }
      if (w >>> 31 || u[2 * y + 1]! >>> 31 || seenHeights.has(d)) tied++;
      seenHeights.add(d);
      const r = MERGE_WORDS * m;
      recordU[r] = x;
      recordU[r + 1] = y;
      recordU[r + 2] = nx;
      recordU[r + 3] = ny;
      recordF[r + 4] = d;
      mergeA[done] = x;
      mergeB[done] = y;
      heights[done] = d;
      done++;
      m++;
    }
    if (m === 0) throw new NeurosieveError('E_INTERNAL', `WebGPU linkage round ${rounds}: no reciprocal pair among ${liveCount} clusters`);
    // Sizes after the round and each merged slot's role (its merge's index) for the update kernel.
    for (let k = 0; k < m; k++) {
      const x = recordU[MERGE_WORDS * k]!;
      const y = recordU[MERGE_WORDS * k + 1]!;
      size[y] = size[x]! + size[y]!;
      size[x] = 0;
      slotWords[2 * x + 1] = k;
      slotWords[2 * y + 1] = k;
    }
    fillSlots();
    writeBuffer(g, b.mergeBuf, new Uint32Array(record, 0, MERGE_WORDS * m));
    fullScan = true;
    if (mode !== 'never') {
      // Full scans next round: the new clusters, and every other live slot whose cached neighbour just merged.
      rescanLength = 0;
      for (let k = 0; k < m; k++) rescan[rescanLength++] = recordU[MERGE_WORDS * k + 1]!;
      for (let q = 0; q < liveCount; q++) {
        const i = live[q]!;
        if (size[i] === 0 || slotWords[2 * i + 1]! >= 0) continue;
        if (slotWords[2 * (u[2 * i + 1]! & NONE) + 1]! >= 0) rescan[rescanLength++] = i;
      }
      const cost = costModel(n, liveCount - m, m, rescanLength);
      fullScan = mode === 'auto' && cost.full <= cost.cache;
      if (!fullScan) {
        writeBuffer(g, b.list, rescan.subarray(0, rescanLength));
        if (liveCount - m > 1) rescanned += rescanLength;
      }
    }
    for (let k = 0; k < m; k++) {
      slotWords[2 * recordU[MERGE_WORDS * k]! + 1] = -1;
      slotWords[2 * recordU[MERGE_WORDS * k + 1]! + 1] = -1;
    }
    pendingMerges = m;
    let w = 0;
    for (let q = 0; q < liveCount; q++) if (size[live[q]!]! > 0) live[w++] = live[q]!;
    liveCount = w;
    live = live.subarray(0, w);
    try {
      o.onProgress?.({ phase: 'linkage', done, total: n - 1 });
    } catch {
      /* a failing progress callback must not kill the job */
    }
  }
  return { Z: callNativeSync(() => native().labelMerges(mergeA, mergeB, heights, n)), rounds, merges: done, tiedMerges: tied, rescannedSlots: rescanned };
}
