/**
 * The probe kernels (shaders/gemm-xwt.wgsl, gemm-gtx.wgsl, softmax-xent.wgsl through src/probe/kernels-webgpu.ts)
 * against float64 references at 1, 7, 63, 257 neurons and 1 and 1,000 rows, 2, 5 and 70 classes (70 > one
 * 64-wide tile), non-zero means; every storage buffer is filled with NaN when handed out (BufferPool
 * poisonOnAcquire), so an unwritten element fails. float16 storage is checked against the same float64 reference
 * on the float16-rounded inputs.
 *
 * Tolerances (u = 2^-24):
 * - logits: a float32 dot product of length D plus the bias: (D + 2)·u·(Σ_d |x_d w_d| + |b|).
 * - Gᵀ·X: float32 sums over panels of 256 rows: (min(rows, 256) + ⌈rows/256⌉ + 2)·u·Σ_t |g_t x_t|.
 * - softmax-xent: WGSL's exp and log have an accuracy of 3 + 2|x| ulp (spec, for |x| here ≤ 30 about 1e-5
 *   relative), so the loss is checked to 1e-4·(1 + |loss_t|) per row and the gradient to 1e-5 per element.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseGpu } from '../../src/gpu/device.js';
import { probeGradWeights, probeLogits, probeLossGradient, uploadActivations, type GpuStorage } from '../../src/probe/kernels-webgpu.js';
import { halfBits } from '../../src/io/float16.js';
import { prng, randn } from '../helpers/formats.js';
import { probeGpu } from '../helpers/gpu.js';
import { TEST_SEED } from '../helpers/planted.js';

console.log(`gpu-probe.test.ts seed ${TEST_SEED} (set NEUROSIEVE_TEST_SEED to reproduce)`);
const U = 2 ** -24;
const { g } = await probeGpu('gpu-probe.test.ts');
beforeAll(() => {
  if (g) g.buffers.poisonOnAcquire = Number.NaN;
});
afterAll(releaseGpu);

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? Number.NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** Activations with per-neuron means in [-3, 3] and unit noise; W, b small; labels uniform. */
function problem(rows: number, D: number, C: number, seed: number) {
  const rand = prng(seed);
  const z = randn(rows * D, rand);
  const x = new Float32Array(rows * D);
  const mean = Array.from({ length: D }, () => (rand() - 0.5) * 6);
  for (let t = 0; t < rows; t++) for (let d = 0; d < D; d++) x[t * D + d] = mean[d]! + z[t * D + d]!;
  const W = Float32Array.from(randn(C * D, rand, 1 / Math.sqrt(D)));
  const b = Float32Array.from(randn(C, rand, 0.5));
  const y = Uint32Array.from({ length: rows }, () => Math.floor(rand() * C));
  return { x, W, b, y };
}

const sizes: [number, number, number][] = [];
for (const D of [1, 7, 63, 257]) for (const rows of [1, 1000]) sizes.push([rows, D, D === 257 ? 70 : D === 7 ? 2 : 5]);

describe.skipIf(!g)('probe kernels vs float64', () => {
  for (const storage of ['f32', 'f16'] as GpuStorage[]) {
    for (const [rows, D, C] of sizes) {
      it(`${storage}: ${rows} rows × ${D} neurons, ${C} classes`, async () => {
        if (storage === 'f16' && !g!.f16) return;
        const { x, W, b, y } = problem(rows, D, C, TEST_SEED + rows + 13 * D + C);
        const xr = storage === 'f16' ? x.map((v) => halfToFloat(halfBits(v))) : x;
        // Pieces of 300 rows: the 1,000-row range spans four device buffers.
        const xs = await uploadActivations(x, rows, D, { storage, labels: y, classes: C, maxBindingBytes: 300 * D * (storage === 'f16' ? 2 : 4) });
        try {
          // Logits.
          const z = await probeLogits(xs, W, b, { r0: 0, rows });
          const zr = new Float64Array(rows * C);
          for (let t = 0; t < rows; t++) {
            for (let c = 0; c < C; c++) {
              let s = b[c]!;
              let abs = Math.abs(b[c]!);
              for (let d = 0; d < D; d++) {
                s += xr[t * D + d]! * W[c * D + d]!;
                abs += Math.abs(xr[t * D + d]! * W[c * D + d]!);
              }
              zr[t * C + c] = s;
              const v = z[t * C + c]!;
              if (!(Math.abs(v - s) <= (D + 2) * U * abs + 1e-30)) expect.fail(`z[${t}][${c}] = ${v}, reference ${s}`);
            }
          }

          // Loss and gradient (mean loss: scale 1/rows), on a sub-range when there are enough rows.
          const r0 = rows > 1 ? 123 : 0;
          const n = rows > 1 ? 700 : 1;
          const scale = 1 / n;
          const lg = await probeLossGradient(xs, W, b, { r0, rows: n, scale });
          let lossRef = 0;
          const G = new Float64Array(n * C);
          const gradB = new Float64Array(C);
          for (let t = 0; t < n; t++) {
            const row = zr.subarray((r0 + t) * C, (r0 + t + 1) * C);
            const m = Math.max(...row);
            let s = 0;
            for (const v of row) s += Math.exp(v - m);
            const yt = y[r0 + t]!;
            lossRef += m + Math.log(s) - row[yt]!;
            for (let c = 0; c < C; c++) {
              G[t * C + c] = scale * (Math.exp(row[c]! - m) / s - (c === yt ? 1 : 0));
              gradB[c]! += G[t * C + c]!;
            }
          }
          expect(Math.abs(lg.loss - lossRef)).toBeLessThanOrEqual(1e-4 * (n + Math.abs(lossRef)));
          for (let c = 0; c < C; c++) expect(Math.abs(lg.gradB[c]! - gradB[c]!)).toBeLessThanOrEqual(1e-5);
          for (let c = 0; c < C; c++) {
            for (let d = 0; d < D; d++) {
              let s = 0;
              let abs = 0;
              for (let t = 0; t < n; t++) {
                s += G[t * C + c]! * xr[(r0 + t) * D + d]!;
                abs += Math.abs(xr[(r0 + t) * D + d]!) * scale;
              }
              const v = lg.gradW[c * D + d]!;
              if (!(Math.abs(v - s) <= 1e-5 * abs + 1e-30)) expect.fail(`gradW[${c}][${d}] = ${v}, reference ${s}`);
            }
          }

          // Gᵀ·X with a given G (exact float32 bound).
          const Gf = Float32Array.from(G, (v) => v * n); // unscaled, O(1) values
          const gw = await probeGradWeights(xs, Gf, C, { r0, rows: n });
          const bound = (Math.min(n, 256) + Math.ceil(n / 256) + 2 + 4) * U; // + pieces added on the host
          for (let c = 0; c < C; c++) {
            for (let d = 0; d < D; d++) {
              let s = 0;
              let abs = 0;
              for (let t = 0; t < n; t++) {
                s += Gf[t * C + c]! * xr[(r0 + t) * D + d]!;
                abs += Math.abs(Gf[t * C + c]! * xr[(r0 + t) * D + d]!);
              }
              const v = gw[c * D + d]!;
              if (!(Math.abs(v - s) <= bound * abs + 1e-30)) expect.fail(`GᵀX[${c}][${d}] = ${v}, reference ${s}, bound ${bound * abs}`);
            }
          }
        } finally {
          xs.destroy();
        }
      });
    }
  }

  it('rejects out-of-range labels and mismatched weights', async () => {
    const { x, W, b, y } = problem(10, 4, 3, TEST_SEED);
    y[5] = 3;
    await expect(uploadActivations(x, 10, 4, { labels: y, classes: 3 })).rejects.toThrow('Expected labels in [0, 2] for labels but received 3 at row 5');
    y[5] = 0;
    const xs = await uploadActivations(x, 10, 4, { labels: y, classes: 3 });
    await expect(probeLogits(xs, W.subarray(1), b, { r0: 0, rows: 10 })).rejects.toThrow('Expected W of classes×cols = 3×4 floats for W but received 11');
    await expect(probeLogits(xs, W, b, { r0: 5, rows: 6 })).rejects.toThrow('Expected a row range within [0, 10) but received [5, 11)');
    xs.destroy();
  });
});
