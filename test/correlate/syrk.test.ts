/**
 * The SYRK chunk kernel (native/src/core/syrk*.cc) through the syrkChunk test hook: every kernel variant this CPU
 * can run, against a float64 reference computed here, on odd sizes around the tile and panel edges, on centred
 * and uncentred data with planted structure; thread counts 1, 2, 3 must give bit-identical results.
 *
 * Tolerance. For element (i, j) the kernel forms float32 products x_ri·x_rj (fused or not) and sums them in float32
 * over one K-panel of at most kPanelRows = 512 rows, then adds each panel's sum into float64. Standard recursive
 * summation analysis bounds the float32 part by γ_n·Σ_r |x_ri·x_rj| with n = (rows in a panel) + 1 and γ_n ≈ n·u,
 * u = 2⁻²⁴; the float64 additions across panels add ~panels·2⁻⁵³ relative, negligible. The inputs are the same
 * float32 values for both sides, so there is no input rounding. Hence the check
 *     |C_ij − ref_ij| ≤ (min(rows, 512) + 2)·2⁻²⁴·Σ_r |x_ri·x_rj|,
 * a rigorous bound that still catches a lost or doubled row (error ≈ Σ|x_ri·x_rj| / rows ≫ the bound for the
 * sizes here) and any wrong element, and holds for uncentred data (|x| up to ~100), where cancellation makes the
 * error large relative to C_ij itself.
 */
import { describe, expect, it } from 'vitest';
import { native } from '../../src/core/native.js';
import { prng } from '../helpers/formats.js';

const PANEL_ROWS = 512; // kPanelRows in native/src/core/syrk_kernels.h
const U32 = 2 ** -24;

const SEED = Number(process.env.NEUROSIEVE_TEST_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`syrk.test.ts seed ${SEED} (set NEUROSIEVE_TEST_SEED to reproduce)`);

const syrkChunk = (...args: Parameters<ReturnType<typeof native>['syrkChunk']>): Float64Array => native().syrkChunk(...args);

function gaussian(rand: () => number): number {
  const u = 1 - rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/**
 * rows × cols with planted structure: a few latent factors shared by groups of columns (strongly correlated and
 * anti-correlated columns), exact duplicates, a constant column and an all-zero column, plus noise; column means up
 * to ±100 and scales from 0.01 to 10. centred: subtract the float64 column means before rounding to float32, which
 * is what the correlation engine hands the kernel.
 */
function makeData(rand: () => number, rows: number, cols: number, centred: boolean): Float32Array {
  const factors = 3;
  const load = Array.from({ length: cols }, () => Array.from({ length: factors }, () => gaussian(rand)));
  const mean = Array.from({ length: cols }, () => (rand() * 2 - 1) * 100);
  const scale = Array.from({ length: cols }, () => 10 ** (rand() * 3 - 2));
  const x = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const z = Array.from({ length: factors }, () => gaussian(rand));
    for (let c = 0; c < cols; c++) {
      let v: number;
      if (c % 11 === 5 && c > 0) v = x[r * cols + c - 1]; // duplicate of the previous column
      else if (c % 13 === 6) v = mean[c]; // constant
      else if (c % 17 === 7) v = 0; // all zero
      else {
        v = mean[c] + scale[c] * (load[c][0] * z[0] + load[c][1] * z[1] + load[c][2] * z[2] + 0.3 * gaussian(rand));
      }
      x[r * cols + c] = v;
    }
  }
  if (centred) {
    for (let c = 0; c < cols; c++) {
      let s = 0;
      for (let r = 0; r < rows; r++) s += x[r * cols + c];
      const m = s / rows;
      for (let r = 0; r < rows; r++) x[r * cols + c] -= m;
    }
  }
  return Float32Array.from(x);
}

/** float64 XᵀX over the packed upper triangle, and Σ|x_ri·x_rj| for the error bound. */
function reference(x: Float32Array, rows: number, cols: number): { c: Float64Array; abs: Float64Array } {
  const n = (cols * (cols + 1)) / 2;
  const c = new Float64Array(n);
  const abs = new Float64Array(n);
  const row = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < cols; k++) row[k] = x[r * cols + k];
    let off = 0;
    for (let i = 0; i < cols; i++) {
      const xi = row[i];
      if (xi !== 0) {
        for (let j = i; j < cols; j++) {
          const p = xi * row[j];
          c[off + j - i] += p;
          abs[off + j - i] += Math.abs(p);
        }
      }
      off += cols - i;
    }
  }
  return { c, abs };
}

/** Variants this CPU can run: forcing any other one is an E_ARGUMENT error. */
function availableKernels(): string[] {
  const one = new Float32Array([1]);
  return ['generic', 'avx2', 'avx512'].filter((k) => {
    try {
      syrkChunk(one, 1, 1, 1, k);
      return true;
    } catch (err) {
      expect((err as Error).message).toMatch(/^\[E_ARGUMENT\] /);
      return false;
    }
  });
}

const KERNELS = availableKernels();
console.log(`syrk.test.ts kernels on this CPU: ${KERNELS.join(', ')}; default ${native().info().kernel}`);

// Sizes straddle the register tiles (4/8 rows, 12/24/32 columns), the row blocks (128+) and the 512-row K-panels.
const CASES: [rows: number, cols: number][] = [
  [1, 1],
  [2049, 1],
  [3, 2],
  [255, 7],
  [1000, 31],
  [2049, 33],
  [257, 33],
  [1, 257],
  [1000, 257],
  [3, 1000],
  [257, 1000],
];

function expectWithin(got: Float64Array, ref: { c: Float64Array; abs: Float64Array }, rows: number, what: string) {
  expect(got.length).toBe(ref.c.length);
  const factor = (Math.min(rows, PANEL_ROWS) + 2) * U32;
  let worst = -1;
  let worstRatio = 0;
  for (let k = 0; k < got.length; k++) {
    const err = Math.abs(got[k] - ref.c[k]);
    const bound = factor * ref.abs[k];
    const ratio = bound > 0 ? err / bound : err > 0 ? Infinity : 0;
    if (!(ratio <= worstRatio)) {
      worstRatio = ratio;
      worst = k;
    }
  }
  if (worstRatio > 1 || Number.isNaN(worstRatio)) {
    throw new Error(
      `${what}: packed element ${worst}: got ${got[worst]}, reference ${ref.c[worst]}, ` +
        `bound ${factor * ref.abs[worst]} (error/bound ${worstRatio})`,
    );
  }
}

function sameBits(a: Float64Array, b: Float64Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

describe('syrkChunk', () => {
  it('the default kernel is one this CPU runs, and generic is always there', () => {
    expect(KERNELS).toContain('generic');
    expect(KERNELS).toContain(native().info().kernel);
  });

  const rand = prng(SEED);
  for (const centred of [true, false]) {
    for (const [rows, cols] of CASES) {
      it(`${centred ? 'centred' : 'uncentred'} ${rows} x ${cols}: every kernel matches float64, threads 1/2/3 bit-identical`, () => {
        const x = makeData(rand, rows, cols, centred);
        const ref = reference(x, rows, cols);
        for (const kernel of KERNELS) {
          const one = syrkChunk(x, rows, cols, 1, kernel);
          expectWithin(one, ref, rows, `${kernel} ${rows}x${cols}`);
          for (const threads of [2, 3]) {
            const many = syrkChunk(x, rows, cols, threads, kernel);
            expect(sameBits(one, many), `${kernel} ${rows}x${cols}: threads ${threads} vs 1`).toBe(true);
          }
        }
        // The default (dispatched) kernel is one of the above.
        expect(sameBits(syrkChunk(x, rows, cols, 2), syrkChunk(x, rows, cols, 2, native().info().kernel))).toBe(true);
      });
    }
  }

  it('reads rows with the given width from a longer array and handles empty input', () => {
    const x = Float32Array.from({ length: 7 * 5 + 3 }, (_, k) => (k % 9) - 4);
    const ref = reference(x, 7, 5);
    expectWithin(syrkChunk(x, 7, 5, 2), ref, 7, '7x5 in a longer array');
    expect(syrkChunk(x, 0, 5, 1)).toEqual(new Float64Array(15));
    expect(syrkChunk(x, 4, 0, 1).length).toBe(0);
  });

  it('rejects bad arguments with E_ARGUMENT', () => {
    const x = new Float32Array(6);
    const bad: [string, () => unknown][] = [
      ['not a Float32Array', () => syrkChunk(new Float64Array(6) as unknown as Float32Array, 2, 3, 1)],
      ['too short', () => syrkChunk(x, 3, 3, 1)],
      ['negative rows', () => syrkChunk(x, -1, 3, 1)],
      ['fractional cols', () => syrkChunk(x, 2, 1.5, 1)],
      ['threads not a number', () => syrkChunk(x, 2, 3, '2' as unknown as number)],
      ['unknown kernel', () => syrkChunk(x, 2, 3, 1, 'sse9')],
    ];
    for (const [what, call] of bad) expect(call, what).toThrowError(/^\[E_ARGUMENT\] /);
  });
});

describe('info and peak probe', () => {
  it('reports version, kernel and threads', () => {
    const info = native().info();
    expect(info.version).toBe('0.1.0');
    expect(['generic', 'avx2', 'avx512']).toContain(info.kernel);
    expect(info.hardwareThreads).toBeGreaterThanOrEqual(1);
  });

  it('measures a positive FP32 peak and rejects bad arguments', () => {
    const gflops = native().measurePeakGflops(0.05, 1);
    expect(gflops).toBeGreaterThan(1);
    expect(Number.isFinite(gflops)).toBe(true);
    expect(() => native().measurePeakGflops(-1, 1)).toThrowError(/^\[E_ARGUMENT\] /);
    expect(() => native().measurePeakGflops(0.01, -2)).toThrowError(/^\[E_ARGUMENT\] /);
  });
});
