/**
 * The WebGPU linkage (src/cluster/linkage-webgpu.ts, shaders/rnn-*.wgsl) against the native one on the same float32
 * distances, and against scipy's stored fixtures. Equality means: Z's merged ids and sizes identical (so the
 * merge order and the numbering of new clusters are the same), heights within 1e-6 relative. Why 1e-6: single
 * and complete updates are exact (min, max), so their Z must be bit-identical, which is asserted; weighted,
 * average and ward updates round in f32 (1–5 roundings each, against one on the CPU) and merges are applied in
 * another order, so a height can differ by a few ulp (~1e-7 relative) — and the merge order may only differ
 * when two candidates are that close, which random data at these sizes never has.
 *
 * Inputs: correlation distances of random activations with planted groups (seeded; NEUROSIEVE_TEST_SEED=n
 * reproduces a run) at n = 2, 3, 7, 63, 257 without exact ties; exact ties that cannot change a merge (the
 * device run completes); exact ties that can (quantised distances, constant neurons: the device hands over and
 * the result is still the native Z); the nearest-neighbour kernels alone against a CPU scan on tied rows with
 * retired slots; NaN-poisoned buffers; the matrix split into several bindings; a size beyond the binding limit;
 * no adapter (CLI). Device runs are also compared with the nearest-neighbour cache forced in every round and
 * never used (every slot rescanned every round): same rounds, same Z, same tie decisions.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { releaseGpu } from '../../src/gpu/device.js';
import { costModel, DEAD, gpuLinkage, gpuNearestNeighbours, type GpuLinkageOptions, type GpuLinkageResult } from '../../src/cluster/linkage-webgpu.js';
import { layoutFor, maxPieces, maxPoints, pieceBytes } from '../../src/gpu/programs/condensed-pieces.js';
import { readNpy } from '../../src/io/npy.js';
import { linkage, LINKAGE_METHODS, type LinkageMethod, type LinkageReport } from '../../src/cluster/linkage.js';
import { filesIn, root, runCli, tempDir } from '../helpers/cli.js';
import { prng, randn } from '../helpers/formats.js';
import { probeGpu } from '../helpers/gpu.js';
import { TEST_SEED } from '../helpers/planted.js';
import { writeNpy } from '../../src/io/npy.js';

console.log(`gpu-linkage.test.ts seed ${TEST_SEED} (set NEUROSIEVE_TEST_SEED to reproduce)`);
const { g } = await probeGpu('gpu-linkage.test.ts');
afterAll(releaseGpu);

const METHODS: LinkageMethod[] = ['single', 'complete', 'average', 'weighted', 'ward'];
const EXACT: LinkageMethod[] = ['single', 'complete'];

/** Pearson correlation distances 1 − |r| (condensed) between the columns of x (rows × cols), in float64. */
function correlationDistances(x: Float64Array, rows: number, cols: number): Float64Array {
  const z = new Float64Array(rows * cols);
  for (let c = 0; c < cols; c++) {
    let m = 0;
    for (let r = 0; r < rows; r++) m += x[r * cols + c]!;
    m /= rows;
    let ss = 0;
    for (let r = 0; r < rows; r++) ss += (x[r * cols + c]! - m) ** 2;
    const s = Math.sqrt(ss);
    for (let r = 0; r < rows; r++) z[r * cols + c] = (x[r * cols + c]! - m) / s;
  }
  const d = new Float64Array((cols * (cols - 1)) / 2);
  let k = 0;
  for (let i = 0; i < cols; i++) {
    for (let j = i + 1; j < cols; j++) {
      let r = 0;
      for (let t = 0; t < rows; t++) r += z[t * cols + i]! * z[t * cols + j]!;
      d[k++] = 1 - Math.min(1, Math.abs(r));
    }
  }
  return d;
}

/**
 * Activations with planted groups (noisy copies and sign flips of a group's base neuron, noise levels drawn per
 * neuron, at least `minNoise`) and independent neurons; no constant neuron, so no distance is exactly 1. The
 * rare float32 duplicates are moved up by one ulp, so that no two distances are equal: exact ties, which make
 * the device hand over, are tested on purpose elsewhere.
 */
function plantedDistances(n: number, seed: number, minNoise = 0.05): Float32Array {
  const rows = 48;
  const rand = prng(seed);
  const z = randn(rows * (2 * n), rand);
  const x = new Float64Array(rows * n);
  const groups = Math.max(1, Math.floor(n / 6));
  for (let c = 0; c < n; c++) {
    const grouped = c >= groups && rand() < 0.7;
    const base = Math.floor(rand() * groups);
    const noise = minNoise + 0.6 * rand();
    const sign = rand() < 0.3 ? -1 : 1;
    for (let r = 0; r < rows; r++) {
      const own = z[r * 2 * n + c]!;
      x[r * n + c] = grouped ? sign * z[r * 2 * n + n + base]! + noise * own : own;
    }
  }
  const d = Float32Array.from(correlationDistances(x, rows, n));
  const bits = new Uint32Array(d.buffer);
  const seen = new Set<number>();
  for (let k = 0; k < d.length; k++) {
    while (seen.has(d[k]!)) bits[k]!++;
    seen.add(d[k]!);
  }
  return d;
}

/** Z's ids and sizes (columns 0, 1, 3). */
const idsAndSizes = (Z: Float64Array) => Array.from(Z).filter((_, k) => k % 4 !== 2);

function heightRelDiff(a: Float64Array, b: Float64Array): number {
  let worst = 0;
  for (let i = 2; i < a.length; i += 4) if (a[i] !== b[i]) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(Math.abs(b[i]!), 1e-30));
  return worst;
}

function expectSameZ(Z: Float64Array, ref: Float64Array, method: LinkageMethod, what: string): void {
  expect(idsAndSizes(Z), what).toEqual(idsAndSizes(ref));
  expect(heightRelDiff(Z, ref), what).toBeLessThanOrEqual(1e-6);
  if (EXACT.includes(method)) expect(Z, `${what}: min/max updates are exact`).toEqual(ref);
}

/**
 * The exact-mode device run. Data without planted ties can still hold a float32 coincidence (two merge heights
 * equal to the last bit, e.g. an average landing exactly on an earlier height); the run then hands over, which
 * is right. The invariant checked: the exact run hands over if and only if the 'any' run meets a tie.
 */
async function deviceRun(d: Float32Array, n: number, o: GpuLinkageOptions): Promise<GpuLinkageResult> {
  const r = await gpuLinkage(d, n, o);
  const any = await gpuLinkage(d, n, { ...o, ties: 'any' });
  expect(r.handover !== undefined, `handover ${r.handover} vs ${any.tiedMerges} tied merges`).toBe((any.tiedMerges ?? 0) > 0);
  if (r.handover) console.log(`${o.method}, n = ${n}: a float32 coincidence in this seed's data: ${r.handover}`);
  else expect(any.Z).toEqual(r.Z);
  return r;
}

/** Z through linkage({ backend: 'webgpu' }) (device, or native after a handover) equals the native Z. */
async function expectWebgpuIsNative(d: Float32Array, method: LinkageMethod, what: string): Promise<void> {
  const ref = await linkage(d, { method, backend: 'native' });
  expectSameZ(await linkage(d, { method, backend: 'webgpu' }), ref, method, what);
}

describe.skipIf(!g)('WebGPU linkage = native linkage, data without exact ties', () => {
  for (const n of [2, 3, 7, 63, 257]) {
    it(`planted correlation distances, n = ${n}`, async () => {
      const d = plantedDistances(n, TEST_SEED + 7 * n);
      const rounds: string[] = [];
      for (const method of METHODS) {
        const ref = await linkage(d, { method, backend: 'native' });
        const r = await deviceRun(d, n, { method });
        if (r.Z) {
          expect(r.merges).toBe(n - 1);
          expectSameZ(r.Z, ref, method, `n = ${n} ${method}`);
        }
        // The nearest-neighbour cache forced in every round, and never used: the same rounds, the same Z.
        const always = await gpuLinkage(d, n, { method, nnCache: 'always' });
        const never = await gpuLinkage(d, n, { method, nnCache: 'never' });
        expect([always.rounds, always.handover, always.Z], `${method} with the cache`).toEqual([r.rounds, r.handover, r.Z]);
        expect([never.rounds, never.handover, never.Z], `${method} without the cache`).toEqual([r.rounds, r.handover, r.Z]);
        if (n > 7) expect(always.rescannedSlots).toBeGreaterThan(0);
        if (!r.Z) await expectWebgpuIsNative(d, method, `n = ${n} ${method} after a handover`);
        rounds.push(`${method} ${r.rounds}`);
      }
      console.log(`n = ${n}: rounds ${rounds.join(', ')}`);
    });
  }

  it('through linkage({ backend: "webgpu" }), Float64Array input rounded to float32, report', async () => {
    const n = 63;
    const d64 = Float64Array.from(plantedDistances(n, TEST_SEED + 1));
    for (const v of [0.5, 0.25]) d64[7] = d64[7]! + v * 1e-9; // not representable in float32
    const reports: LinkageReport[] = [];
    const Z = await linkage(d64, { method: 'average', backend: 'webgpu', onReport: (r) => reports.push(r) });
    expect(reports).toHaveLength(1);
    if (!reports[0]!.handover) expect(reports[0]).toMatchObject({ backend: 'webgpu', requested: 'webgpu', deviceMerges: n - 1 });
    else expect(reports[0]).toMatchObject({ backend: 'native', requested: 'webgpu' });
    expectSameZ(Z, await linkage(Float32Array.from(d64), { method: 'average', backend: 'native' }), 'average', 'float64 input');
  });

  it('reports progress per round and stops on abort with E_CANCELLED', async () => {
    const n = 63;
    const d = plantedDistances(n, TEST_SEED + 10);
    const seen: number[] = [];
    await gpuLinkage(d, n, { method: 'average', ties: 'any', onProgress: (p) => seen.push(p.done) });
    expect(seen.at(-1)).toBe(n - 1);
    expect(seen.every((v, i) => i === 0 || v > seen[i - 1]!)).toBe(true);
    const ac = new AbortController();
    await expect(gpuLinkage(d, n, { method: 'average', signal: ac.signal, onProgress: () => ac.abort() })).rejects.toMatchObject({ code: 'E_CANCELLED' });
  });

  it('NaN-poisoned nearest-neighbour buffers before every round change nothing', async () => {
    const n = 63;
    const d = plantedDistances(n, TEST_SEED + 2);
    for (const method of ['complete', 'average'] as const) {
      // With the cache only the first round's outputs are pure outputs; without it, every round's are.
      for (const nnCache of ['always', 'never'] as const) {
        const r = await deviceRun(d, n, { method, poison: Number.NaN, nnCache });
        if (r.Z) expectSameZ(r.Z, await linkage(d, { method, backend: 'native' }), method, `poisoned ${method}`);
      }
    }
  });

  it('distances split over several storage bindings (pieces of whole rows)', async () => {
    const n = 257;
    const bytes = 20_000; // 5,000 floats per piece: 7 pieces for 32,896 distances
    const layout = layoutFor(g!, n, bytes);
    expect(layout.firstRow.length - 1).toBeGreaterThan(4);
    expect(layout.firstRow.length - 1).toBeLessThanOrEqual(maxPieces(g!));
    const d = plantedDistances(n, TEST_SEED + 3);
    for (const method of ['single', 'average'] as const) {
      for (const nnCache of ['always', 'never'] as const) {
        const r = await deviceRun(d, n, { method, maxBindingBytes: bytes, poison: Number.NaN, nnCache });
        // One binding or seven: the same run.
        expect(r).toEqual(await gpuLinkage(d, n, { method, nnCache }));
        if (r.Z) expectSameZ(r.Z, await linkage(d, { method, backend: 'native' }), method, `pieces ${method}`);
      }
    }
  });

  it('a size beyond what the bindings can hold: a clear E_GPU error naming the limit', async () => {
    const bytes = 4096;
    const limit = maxPoints(bytes, maxPieces(g!));
    expect(limit).toBeGreaterThan(2);
    const n = limit + 1;
    const d = plantedDistances(n, TEST_SEED + 4);
    await expect(gpuLinkage(d, n, { method: 'average', maxBindingBytes: bytes })).rejects.toThrow(
      `Expected at most ${limit} points for the WebGPU linkage on this adapter but received ${n}`,
    );
    await expect(gpuLinkage(d.subarray(0, (limit * (limit - 1)) / 2), limit, { method: 'average', maxBindingBytes: bytes, ties: 'any' })).resolves.toMatchObject({ merges: limit - 1 });
    expect(pieceBytes(g!)).toBeLessThanOrEqual(g!.limits.maxStorageBufferBindingSize);
  });
});

describe('nearest-neighbour cache: cost model', () => {
  it('full passes while many clusters merge per round, the cache once few do', () => {
    // n = 9,984 average linkage, measured live counts: round 2 (8,465 live, 1,519 merges, ~4,500 rescans) and late.
    const early = costModel(9984, 8465, 1519, 4500);
    expect(early.full).toBeLessThan(early.cache);
    const late = costModel(9984, 500, 10, 30);
    expect(late.cache).toBeLessThan(late.full);
  });
});

describe.skipIf(!g)('nearest-neighbour kernels vs a CPU scan (ties, retired slots)', () => {
  for (const n of [7, 63, 257]) {
    it(`n = ${n}: lowest index among equal minima, tie flag, retired slots skipped`, async () => {
      const rand = prng(TEST_SEED + 11 * n);
      // Distances on a grid of 1/8: every row has many exact ties, often at its minimum.
      const d = new Float32Array((n * (n - 1)) / 2).map(() => Math.floor(rand() * 8) / 8 + 0.125);
      const sizes = new Int32Array(n).map(() => (rand() < 0.2 ? 0 : 1));
      sizes[0] = 1;
      sizes[n - 1] = 1;
      const at = (i: number, j: number) => n * i - (i * (i + 1)) / 2 + (j - i - 1);
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (!sizes[i] || !sizes[j]) d[at(i, j)] = DEAD;
      const nn = await gpuNearestNeighbours(d, n, { sizes, poison: Number.NaN, maxBindingBytes: n > 63 ? 40_000 : undefined });
      let ties = 0;
      for (let x = 0; x < n; x++) {
        if (!sizes[x]) {
          expect(nn.index[x], `retired ${x}`).toBe(0x7fffffff);
          continue;
        }
        let best = Infinity;
        let arg = -1;
        let count = 0;
        for (let j = 0; j < n; j++) {
          if (j === x || !sizes[j]) continue;
          const v = d[x < j ? at(x, j) : at(j, x)]!;
          if (v < best) [best, arg, count] = [v, j, 1];
          else if (v === best) count++;
        }
        expect([nn.distance[x], nn.index[x], nn.tie[x]], `slot ${x}`).toEqual([best, arg, count > 1 ? 1 : 0]);
        ties += count > 1 ? 1 : 0;
      }
      if (n > 7) expect(ties).toBeGreaterThan(0);
    });
  }
});

describe.skipIf(!g)('exact ties', () => {
  it('ties that cannot change a merge (equal distances away from every minimum): the device run completes', async () => {
    // k pairs (2a, 2a + 1) at distinct small distances; between pairs a and b all four distances are the same
    // value D_ab (distinct per pair of pairs): each row has ties in threes, none at its minimum, and after the
    // first round the clusters' distances are the distinct D_ab.
    const k = 24;
    const n = 2 * k;
    const rand = prng(TEST_SEED + 5);
    const D = new Float32Array(k * k).map(() => 0.5 + 0.5 * rand());
    const bits = new Uint32Array(D.buffer);
    const seen = new Set<number>();
    for (let q = 0; q < D.length; q++) {
      while (seen.has(D[q]!)) bits[q]!++; // distinct values: equal heights would be exact ties on purpose
      seen.add(D[q]!);
    }
    const d = new Float32Array((n * (n - 1)) / 2);
    let e = 0;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const [a, b] = [i >> 1, j >> 1];
        d[e++] = a === b ? 0.01 + 0.001 * a : D[Math.min(a, b) * k + Math.max(a, b)]!;
      }
    }
    let completed = 0;
    for (const method of ['single', 'complete', 'average'] as const) {
      const r = await deviceRun(d, n, { method });
      if (r.Z) {
        completed++;
        expectSameZ(r.Z, await linkage(d, { method, backend: 'native' }), method, `harmless ties ${method}`);
      }
    }
    expect(completed).toBeGreaterThanOrEqual(2); // single and complete heights are the distinct inputs
  });

  it('ties that the NN-chain breaks by its chain (quantised distances, constant neurons): handover, native Z', async () => {
    const n = 63;
    const rand = prng(TEST_SEED + 6);
    const quantised = new Float32Array((n * (n - 1)) / 2).map(() => Math.floor(rand() * 16) / 16);
    // Constant neurons: distance exactly 1 to every other neuron, as zero-variance neurons get.
    const constants = plantedDistances(n, TEST_SEED + 8);
    const at = (i: number, j: number) => n * i - (i * (i + 1)) / 2 + (j - i - 1);
    for (const c of [5, 17, 40]) for (let j = 0; j < n; j++) if (j !== c) constants[c < j ? at(c, j) : at(j, c)] = 1;
    let handovers = 0;
    for (const [name, d] of [['quantised', quantised], ['constant neurons', constants]] as const) {
      for (const method of METHODS) {
        const cached = await gpuLinkage(d, n, { method, nnCache: 'always' });
        const full = await gpuLinkage(d, n, { method, nnCache: 'never' });
        expect([cached.rounds, cached.handover, cached.Z], `${name} ${method}: cache`).toEqual([full.rounds, full.handover, full.Z]);
        const reports: LinkageReport[] = [];
        const Z = await linkage(d, { method, backend: 'webgpu', onReport: (r) => reports.push(r) });
        expect(Z, `${name} ${method}`).toEqual(await linkage(d, { method, backend: 'native' }));
        expect(reports).toHaveLength(1);
        if (reports[0]!.handover) {
          handovers++;
          expect(reports[0]).toMatchObject({ backend: 'native', requested: 'webgpu' });
          expect(reports[0]!.handover).toMatch(/another neighbour at the same distance|two merges at the same height/);
        }
      }
    }
    expect(handovers).toBeGreaterThanOrEqual(METHODS.length); // every quantised run at least
  });
});

/**
 * Replays Z: before each row, the distances between the current clusters are recomputed from the members
 * (single, complete, average; float64 from the float32 input) and the row must merge a closest pair at that
 * height (within 1e-6 relative: the device's float32 updates).
 */
function expectValidDendrogram(d: Float32Array, n: number, Z: Float64Array, method: 'single' | 'complete' | 'average'): void {
  const at = (i: number, j: number) => (i < j ? d[n * i - (i * (i + 1)) / 2 + (j - i - 1)]! : d[n * j - (j * (j + 1)) / 2 + (i - j - 1)]!);
  const members = new Map<number, number[]>();
  for (let i = 0; i < n; i++) members.set(i, [i]);
  const dist = (A: number[], B: number[]) => {
    let acc = method === 'single' ? Infinity : method === 'complete' ? -Infinity : 0;
    for (const i of A) for (const j of B) {
      const v = at(i, j);
      acc = method === 'single' ? Math.min(acc, v) : method === 'complete' ? Math.max(acc, v) : acc + v;
    }
    return method === 'average' ? acc / (A.length * B.length) : acc;
  };
  for (let row = 0; row < n - 1; row++) {
    const [a, b, h, size] = [Z[4 * row]!, Z[4 * row + 1]!, Z[4 * row + 2]!, Z[4 * row + 3]!];
    const live = [...members.values()];
    let min = Infinity;
    for (let x = 0; x < live.length; x++) for (let y = x + 1; y < live.length; y++) min = Math.min(min, dist(live[x]!, live[y]!));
    const A = members.get(a)!;
    const B = members.get(b)!;
    expect(Math.abs(h - min), `row ${row}: height ${h}, closest pair at ${min}`).toBeLessThanOrEqual(1e-6 * Math.max(1, min));
    expect(Math.abs(dist(A, B) - h), `row ${row}`).toBeLessThanOrEqual(1e-6 * Math.max(1, h));
    expect(size).toBe(A.length + B.length);
    members.delete(a);
    members.delete(b);
    members.set(n + row, [...A, ...B]);
  }
}

describe.skipIf(!g)("ties: 'any' (the device breaks ties itself)", () => {
  it('quantised distances: no handover, a valid dendrogram (each row a closest pair), tied merges counted', async () => {
    const n = 40;
    const rand = prng(TEST_SEED + 12);
    const d = new Float32Array((n * (n - 1)) / 2).map(() => Math.floor(rand() * 16) / 16);
    for (const method of ['single', 'complete', 'average'] as const) {
      const reports: LinkageReport[] = [];
      const Z = await linkage(d, { method, backend: 'webgpu', ties: 'any', onReport: (r) => reports.push(r) });
      expect(reports[0]).toMatchObject({ backend: 'webgpu', deviceMerges: n - 1 });
      expect(reports[0]!.tiedMerges).toBeGreaterThan(0);
      expectValidDendrogram(d, n, Z, method);
      // Ties everywhere: the cached neighbours, tie counts included, must equal full rescans round by round.
      const cached = await gpuLinkage(d, n, { method, ties: 'any', nnCache: 'always' });
      const full = await gpuLinkage(d, n, { method, ties: 'any', nnCache: 'never' });
      expect([cached.rounds, cached.tiedMerges, cached.Z]).toEqual([full.rounds, full.tiedMerges, full.Z]);
      expect(cached.Z).toEqual(Z);
    }
  });

  it('without ties it is the exact run', async () => {
    const n = 63;
    const d = plantedDistances(n, TEST_SEED + 13);
    const r = await deviceRun(d, n, { method: 'average' });
    if (r.Z) expect((await gpuLinkage(d, n, { method: 'average', ties: 'any' })).tiedMerges).toBe(0);
  });
});

describe.skipIf(!g)('WebGPU linkage vs scipy fixtures', () => {
  const dir = join(root, 'test/fixtures/linkage');
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { cases: { name: string; kind: string; n: number }[] };
  it('same merges as scipy and heights within 1e-6 wherever float32 keeps scipy\'s ties (as the native float32 run)', async () => {
    let checked = 0;
    for (const c of manifest.cases.filter((x) => x.n <= 130)) {
      const d = readNpy(join(dir, `${c.name}.d.npy`)).data as Float32Array;
      for (const method of LINKAGE_METHODS) {
        // The filter of test/linkage.test.ts: without exact ties, or with updates that stay exact in float32.
        if (!(c.kind === 'corr' || c.kind === 'euclid' || ['single', 'complete', 'weighted'].includes(method))) continue;
        const ref = readNpy(join(dir, `${c.name}.${method}.Z.npy`)).data as Float64Array;
        const Z = await linkage(d, { method, backend: 'webgpu' });
        expect(idsAndSizes(Z), `${c.name} ${method}`).toEqual(idsAndSizes(ref));
        expect(heightRelDiff(Z, ref), `${c.name} ${method}`).toBeLessThanOrEqual(1e-6);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });
});

describe.skipIf(!g)('neurosieve cluster --backend webgpu', () => {
  it('same clusters.json and Z.npy as --backend native', () => {
    const dir = tempDir('gpu-cluster');
    // Noise ≥ 0.3 keeps |r| well below 1: near 1, float32 r would quantise d = 1 − |r| into exact ties.
    const n = 40;
    const d = plantedDistances(n, TEST_SEED + 9, 0.3);
    const corr = new Float32Array(n * n);
    const at = (i: number, j: number) => n * i - (i * (i + 1)) / 2 + (j - i - 1);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) corr[i * n + j] = i === j ? 1 : 1 - d[i < j ? at(i, j) : at(j, i)]!;
    const input = join(dir, 'corr.npy');
    writeNpy(input, corr, [n, n]);
    const out: Record<string, { json: string; z: Float64Array; summary: { backend: string } }> = {};
    for (const backend of ['native', 'webgpu']) {
      const r = runCli(['cluster', input, '-t', '0.2', '0.5', '-o', join(dir, `${backend}.json`), '--linkage-out', join(dir, `${backend}.Z.npy`), '--backend', backend, '--json']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      out[backend] = {
        json: readFileSync(join(dir, `${backend}.json`), 'utf8'),
        z: readNpy(join(dir, `${backend}.Z.npy`)).data as Float64Array,
        summary: JSON.parse(r.stdout),
      };
    }
    expect(out.webgpu!.summary.backend).toBe('webgpu');
    expect(out.native!.summary.backend).toBe('native');
    expect(idsAndSizes(out.webgpu!.z)).toEqual(idsAndSizes(out.native!.z));
    expect(heightRelDiff(out.webgpu!.z, out.native!.z)).toBeLessThanOrEqual(1e-6);
    // Same bytes but for the file names the file records.
    expect(out.webgpu!.json.replaceAll('webgpu.', 'native.')).toBe(out.native!.json);
  });
});

describe('no adapter', () => {
  it('neurosieve cluster --backend webgpu with NEUROSIEVE_ADAPTER naming no adapter: E_GPU, exit 1, no output', () => {
    const dir = tempDir('gpu-cluster-none');
    const n = 5;
    const corr = new Float32Array(n * n).map((_, k) => (k % (n + 1) === 0 ? 1 : 0.1));
    const input = join(dir, 'corr.npy');
    writeNpy(input, corr, [n, n]);
    const r = runCli(['cluster', input, '-t', '0.3', '-o', join(dir, 'c.json'), '--backend', 'webgpu'], { NEUROSIEVE_ADAPTER: 'no-such-adapter' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^neurosieve cluster: error E_GPU: NEUROSIEVE_ADAPTER='no-such-adapter' names no WebGPU adapter/);
    expect(filesIn(dir)).toEqual(['corr.npy']);
  });

  it('bad backend and ties values are refused by name', async () => {
    const d = new Float32Array([0.1, 0.2, 0.3]);
    await expect(linkage(d, { backend: 'cuda' as 'webgpu' })).rejects.toThrow("Expected one of 'auto', 'native', 'webgpu' for backend but received 'cuda'");
    await expect(linkage(d, { ties: 'some' as 'any' })).rejects.toThrow("Expected one of 'exact', 'any' for ties but received 'some'");
  });

  it("float64 precision with backend 'webgpu' is refused", async () => {
    const { correlationClusters } = await import('../../src/cluster/correlation-clusters.js');
    await expect(correlationClusters(new Float32Array([1, 0.5, 0.5, 1]), { thresholds: [0.3], backend: 'webgpu', precision: 'float64' })).rejects.toThrow(
      "Expected precision 'float32' with backend 'webgpu' (WGSL has no float64) but received precision 'float64'",
    );
  });
});
