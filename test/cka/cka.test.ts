/**
 * CKA between layers: the estimators' algebra against Kornblith et al.'s code and Song et al.'s formula in float64
 * (exact statistics fed in, 1e-9), the native pass (float32 products: 1e-5), invariances, exact merging of the
 * layer sums, and stats files of version 2. Seed: TEST_SEED (printed in the first test's name).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cka, ckaFromStats } from '../../src/cka/cka.js';
import { unbiasedHsic } from '../../src/cka/estimators.js';
import { computeStats } from '../../src/correlate/correlate.js';
import { mergeStats, readStats, writeStats } from '../../src/correlate/stats.js';
import { prng, randn } from '../helpers/formats.js';
import { npyBytes } from '../helpers/formats.js';
import { writeNpy } from '../../src/io/npy.js';
import { TEST_SEED } from '../helpers/planted.js';
import { scratchDir } from '../helpers/tmp.js';
import { block, exactStats, kornblithCka, randomOrthogonal, songHsic } from './reference.js';

const { dir } = scratchDir('cka');

const N = 160;
const W = 6;
/** Layers: 0 base, 1 rotated base, 2 scaled + shifted base, 3 independent, 4 base + noise, 5 independent + 1e4. */
const L = 6;
const D = L * W;
const OFFSETS = Array.from({ length: L + 1 }, (_, i) => i * W);
/** Constant added to each layer (subtracted again, exactly in float64, before the references' Grams). */
const LAYER_SHIFT = [0, 0, 0, 0, 0, 1e4];

function layered(seed: number, rows = N): Float32Array {
  const rand = prng(seed);
  const z = randn(rows * W * 4, rand);
  const g = randn(W * W * 2, rand);
  let gi = 0;
  const Q = randomOrthogonal(W, () => g[gi++ % g.length]!);
  const x = new Float32Array(rows * D);
  for (let r = 0; r < rows; r++) {
    const base = Array.from({ length: W }, (_, j) => 2 + j + (j + 1) * z[r * W + j]! + 0.5 * z[r * W + ((j + 1) % W)]!);
    const at = (l: number, j: number, v: number) => (x[r * D + l * W + j] = v);
    for (let j = 0; j < W; j++) {
      at(0, j, base[j]!);
      let rot = 0;
      for (let k = 0; k < W; k++) rot += Q[j * W + k]! * base[k]!;
      at(1, j, rot - 1);
      at(2, j, 3.5 * base[j]! - 2);
      at(3, j, 1 + z[rows * W + r * W + j]!);
      at(4, j, base[j]! + 2 * z[2 * rows * W + r * W + j]!);
      at(5, j, LAYER_SHIFT[5]! + 2 * z[3 * rows * W + r * W + j]!);
    }
  }
  return x;
}

/** The references for layers a, b of the float32 values x (float64, Grams formed). */
function referenceMatrix(x: Float32Array, rows: number, f: (xa: Float64Array, xb: Float64Array) => number): number[][] {
  const blocks = OFFSETS.slice(0, L).map((o, a) => block(x, rows, D, o, o + W, LAYER_SHIFT[a]!));
  return blocks.map((xa) => blocks.map((xb) => f(xa, xb)));
}

const maxDiff = (a: (number | null)[][], b: number[][]) => Math.max(...a.flatMap((row, i) => row.map((v, j) => Math.abs((v ?? NaN) - b[i]![j]!))));

describe(`cka (seed ${TEST_SEED})`, () => {
  const x = layered(TEST_SEED);
  // Layer sums about an arbitrary shift (row 7's values): the estimator must move them to the mean itself.
  const shift = Float64Array.from(x.subarray(7 * D, 8 * D));
  const exact = exactStats(x, N, D, OFFSETS, shift);
  const kLinear = referenceMatrix(x, N, (a, b) => kornblithCka(a, b, N, false));
  const kDebiased = referenceMatrix(x, N, (a, b) => kornblithCka(a, b, N, true));

  it('linear CKA from exact statistics equals Kornblith et al.\'s cka(..., debiased=False) to 1e-9', () => {
    const r = ckaFromStats(exact, { layerWidth: W });
    expect(r.layers).toEqual(OFFSETS.slice(0, L).map((_, i) => `layer ${i}`));
    expect(maxDiff(r.matrix, kLinear)).toBeLessThan(1e-9);
  });

  it('debiased CKA from exact statistics equals cka(..., debiased=True) to 1e-9, and each HSIC Song et al.\'s', () => {
    const r = ckaFromStats(exact, { estimator: 'debiased' });
    expect(maxDiff(r.matrix, kDebiased)).toBeLessThan(1e-9);
    const h = unbiasedHsic(exact, exact.layerSums!, 1);
    for (let a = 0; a < L; a++) {
      for (let b = 0; b < L; b++) {
        const xa = block(x, N, D, OFFSETS[a]!, OFFSETS[a + 1]!, LAYER_SHIFT[a]!);
        const xb = block(x, N, D, OFFSETS[b]!, OFFSETS[b + 1]!, LAYER_SHIFT[b]!);
        const scale = Math.sqrt(h[a * L + a]! * h[b * L + b]!);
        expect(Math.abs(h[a * L + b]! - songHsic(xa, xb, N)) / scale).toBeLessThan(1e-9);
      }
    }
  });

  it('identical, rotated and scaled copies give 1; independent layers stay near 0', () => {
    for (const estimator of ['linear', 'debiased'] as const) {
      const m = ckaFromStats(exact, { estimator }).matrix;
      for (let a = 0; a < L; a++) expect(m[a]![a]).toBeCloseTo(1, 12);
      // Copies computed in float64 and stored as float32: equal to 1 up to that rounding.
      expect(Math.abs(m[0]![1]! - 1)).toBeLessThan(1e-5);
      expect(Math.abs(m[0]![2]! - 1)).toBeLessThan(1e-5);
      // Independent Gaussian layers of width w = 6 over n = 160 rows: linear CKA ≈ w/n ≈ 0.04, the debiased one
      // ≈ 0 ± 0.03; bounds at about 5 standard deviations.
      const bound = estimator === 'linear' ? 0.2 : 0.12;
      for (const [a, b] of [[0, 3], [0, 5], [3, 5]] as const) expect(Math.abs(m[a]![b]!)).toBeLessThan(bound);
      expect(m[0]![4]!).toBeGreaterThan(0.5); // the base plus noise of variance 4 (the base's: 1.25 … 36.25)
    }
  });

  it('the native pass: layer sums to 1e-9 of float64 sums about the same shift, CKA within 1e-5 of the references', async () => {
    const path = join(dir, 'x.npy');
    writeFileSync(path, npyBytes(x, [N, D], 'float32'));
    const { stats } = await computeStats(path, { chunkRows: 32 }, { names: OFFSETS.slice(1).map((_, i) => `l${i}`), offsets: OFFSETS });
    const sums = stats.layerSums!;
    const ref = exactStats(x, N, D, OFFSETS, sums.shift).layerSums!;
    const rel = (p: Float64Array, q: Float64Array) => Math.max(...Array.from(p, (v, i) => Math.abs(v - q[i]!) / Math.max(1e-300, Math.max(...Array.from(q, Math.abs)))));
    expect(rel(sums.q, ref.q)).toBeLessThan(1e-9);
    expect(rel(sums.P, ref.P)).toBeLessThan(1e-9);
    expect(rel(sums.R, ref.R)).toBeLessThan(1e-9);
    const lin = await cka(path, { layerWidth: W, chunkRows: 32 });
    expect(lin.rows).toBe(N);
    expect(maxDiff(lin.matrix, kLinear)).toBeLessThan(1e-5);
    const deb = await cka(path, { layerWidth: W, estimator: 'debiased', chunkRows: 32 });
    expect(maxDiff(deb.matrix, kDebiased)).toBeLessThan(1e-5);
  });

  it('merging layer sums is exact: two shards with different shifts equal one pass to 1e-9', () => {
    const cut = 61;
    const a = exactStats(x.subarray(0, cut * D), cut, D, OFFSETS, Float64Array.from(x.subarray(0, D)));
    const b = exactStats(x.subarray(cut * D), N - cut, D, OFFSETS, Float64Array.from(x.subarray((N - 1) * D)));
    const merged = mergeStats(a, b);
    const whole = unbiasedHsic(exact, exact.layerSums!, 1);
    const h = unbiasedHsic(merged, merged.layerSums!, 1);
    for (let i = 0; i < L; i++) {
      for (let j = 0; j < L; j++) {
        expect(Math.abs(h[i * L + j]! - whole[i * L + j]!) / Math.sqrt(whole[i * L + i]! * whole[j * L + j]!)).toBeLessThan(1e-9);
      }
    }
  });

  it('chunked and sharded passes agree with one pass (float32 products: 1e-6)', async () => {
    const all = join(dir, 'all.npy');
    const first = join(dir, 'first.npy');
    const second = join(dir, 'second.npy');
    writeFileSync(all, npyBytes(x, [N, D], 'float32'));
    writeFileSync(first, npyBytes(x.subarray(0, 70 * D), [70, D], 'float32'));
    writeFileSync(second, npyBytes(x.subarray(70 * D), [N - 70, D], 'float32'));
    const layers = { names: OFFSETS.slice(1).map((_, i) => `layer ${i}`), offsets: OFFSETS };
    const one = (await computeStats(all, { chunkRows: 1024 }, layers)).stats;
    const chunked = (await computeStats(all, { chunkRows: 16 }, layers)).stats;
    const sharded = mergeStats((await computeStats(first, { chunkRows: 32 }, layers)).stats, (await computeStats(second, { chunkRows: 32 }, layers)).stats);
    const base = ckaFromStats(one, { estimator: 'debiased' }).matrix as number[][];
    expect(maxDiff(ckaFromStats(chunked, { estimator: 'debiased' }).matrix, base)).toBeLessThan(1e-6);
    expect(maxDiff(ckaFromStats(sharded, { estimator: 'debiased' }).matrix, base)).toBeLessThan(1e-6);
  });

  it('stats files: version 2 keeps the layer sums bit for bit; debiased CKA from a version 1 file is a clear error', () => {
    const v2 = join(dir, 'v2.stats');
    writeStats(v2, exact);
    const back = readStats(v2);
    expect(back.layerSums!.names).toEqual(exact.layerSums!.names);
    expect(back.layerSums!.offsets).toEqual(OFFSETS);
    for (const k of ['shift', 'q', 'P', 'R'] as const) expect(Buffer.from(back.layerSums![k].buffer).equals(Buffer.from(exact.layerSums![k].buffer))).toBe(true);
    const { layerSums: _, ...plain } = exact;
    const v1 = join(dir, 'v1.stats');
    writeStats(v1, plain);
    expect(readStats(v1).layerSums).toBeUndefined();
    expect(ckaFromStats(readStats(v1), { layerWidth: W }).matrix[0]![0]).toBeCloseTo(1, 12);
    expect(() => ckaFromStats(readStats(v1), { estimator: 'debiased', layerWidth: W }, v1)).toThrow(
      `${v1}: Expected stats with layer sums (version 2: layer_q, layer_P, layer_R, layer_shift) for debiased CKA but received statistics without them`,
    );
  });

  it("an extract output directory: every row of the task, the manifest's blocks as layers", async () => {
    const out = join(dir, 'extract');
    mkdirSync(join(out, 'tokens'), { recursive: true });
    writeFileSync(join(out, 'tokens/all.npy'), npyBytes(x, [N, D], 'float32'));
    writeNpy(join(out, 'tokens/labels.npy'), Int32Array.from({ length: N }, (_, i) => i % 2), [N]);
    const blocks = OFFSETS.slice(0, L).map((o, l) => ({ name: `hidden_${l}`, offset: o, width: W }));
    const manifest = { blocks, tokens: { labels: ['A', 'B'], rows: N, shards: [{ file: 'tokens/all.npy', rows: N }], labelsFile: 'tokens/labels.npy' } };
    writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest));
    const r = await cka(out, { estimator: 'debiased' });
    expect(r.layers).toEqual(blocks.map((b) => b.name));
    expect(r.rows).toBe(N);
    expect(maxDiff(r.matrix, kDebiased)).toBeLessThan(1e-5);
  });

  it('a constant layer has no CKA (null), never NaN', () => {
    const y = Float32Array.from(x);
    for (let r = 0; r < N; r++) for (let j = 0; j < W; j++) y[r * D + 3 * W + j] = 2.5;
    const r = ckaFromStats(exactStats(y, N, D, OFFSETS), { estimator: 'debiased' });
    expect(r.matrix[3]).toEqual([null, null, null, null, null, null]);
    expect(r.matrix[0]![3]).toBeNull();
    expect(r.hsic[3]![3]).toBe(0);
  });
});
