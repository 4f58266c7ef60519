/**
 * Gaussian ranking (src/rank/gaussian.ts, native/src/rank/gaussian.cc) against a float64 reference that evaluates
 * the paper's formulas directly — the MAP covariance of every class from its scatter matrix, one Cholesky
 * factorisation per candidate set, the posterior and the mutual information — on fresh planted data; degenerate and
 * dependent neurons; thread-count independence; refusals.
 */
import { describe, expect, it } from 'vitest';
import { gaussianRanking } from '../../src/rank/gaussian.js';
import { prng, randn } from '../helpers/formats.js';
import { TEST_SEED } from '../helpers/planted.js';

console.log(`gaussian.test.ts seed ${TEST_SEED} (set NEUROSIEVE_TEST_SEED to reproduce)`);

interface Data {
  x: Float32Array;
  rows: number;
  cols: number;
  ids: Int32Array;
  classes: string[];
}

/** The MAP covariances Σ_c = (diag(S_c)/(N_c − 1) + S_c) / (N_c + 2D + 4) and class means, directly. */
function classModels(d: Data) {
  const { rows: T, cols: D } = d;
  const C = d.classes.length;
  return Array.from({ length: C }, (_, c) => {
    const rows = [...Array(T).keys()].filter((t) => d.ids[t] === c);
    const N = rows.length;
    const mean = Array.from({ length: D }, (_, j) => rows.reduce((a, t) => a + d.x[t * D + j]!, 0) / N);
    const S = Array.from({ length: D }, (_, i) => Array.from({ length: D }, (_, j) => rows.reduce((a, t) => a + (d.x[t * D + i]! - mean[i]!) * (d.x[t * D + j]! - mean[j]!), 0)));
    const sigma = S.map((row, i) => row.map((v, j) => (v + (i === j ? v / (N - 1) : 0)) / (N + 2 * D + 4)));
    return { N, mean, sigma, logPrior: Math.log(N / T) };
  });
}

/** Cholesky of a small SPD matrix; null when not positive definite. */
function cholesky(a: number[][]): number[][] | null {
  const n = a.length;
  const L = a.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i]![j]!;
      for (let k = 0; k < j; k++) s -= L[i]![k]! * L[j]![k]!;
      if (i === j) {
        if (!(s > 1e-12 * a[i]![i]!)) return null;
        L[i]![i] = Math.sqrt(s);
      } else L[i]![j] = s / L[j]![j]!;
    }
  }
  return L;
}

/** I(S; class) in bits and the accuracy of the Gaussian classifier on S, or null if some Σ_c,SS is singular. */
function score(d: Data, models: ReturnType<typeof classModels>, S: number[]): { info: number; accuracy: number } | null {
  const { rows: T, cols: D } = d;
  const k = S.length;
  const parts = [];
  for (const m of models) {
    const L = cholesky(S.map((i) => S.map((j) => m.sigma[i]![j]!)));
    if (!L) return null;
    const logdet = 2 * L.reduce((a, row, i) => a + Math.log(row[i]!), 0);
    parts.push({ m, L, logdet });
  }
  let ll = 0;
  let hits = 0;
  for (let t = 0; t < T; t++) {
    const lp = parts.map(({ m, L, logdet }) => {
      // Forward substitution: z = L⁻¹(x_S − μ_S); log N = −½(k log 2π + log det + ‖z‖²).
      const z: number[] = [];
      for (let i = 0; i < k; i++) {
        let v = d.x[t * D + S[i]!]! - m.mean[S[i]!]!;
        for (let q = 0; q < i; q++) v -= L[i]![q]! * z[q]!;
        z.push(v / L[i]![i]!);
      }
      return m.logPrior - 0.5 * (k * Math.log(2 * Math.PI) + logdet + z.reduce((a, v) => a + v * v, 0));
    });
    const top = Math.max(...lp);
    const lse = top + Math.log(lp.reduce((a, v) => a + Math.exp(v - top), 0));
    ll += lp[d.ids[t]!]! - lse;
    if (lp.indexOf(top) === d.ids[t]) hits++;
  }
  const H = -models.reduce((a, m) => a + (m.N / T) * Math.log(m.N / T), 0);
  return { info: (H + ll / T) / Math.LN2, accuracy: hits / T };
}

/** The greedy selection of the paper, by brute force: every candidate set scored from scratch. */
function referenceGreedy(d: Data, select: number) {
  const models = classModels(d);
  const S: number[] = [];
  const info: number[] = [];
  const accuracy: number[] = [];
  for (let step = 0; step < select; step++) {
    let best = -1;
    let bestScore: { info: number; accuracy: number } | null = null;
    for (let j = 0; j < d.cols; j++) {
      if (S.includes(j)) continue;
      const s = score(d, models, [...S, j]);
      if (s && (!bestScore || s.info > bestScore.info)) {
        best = j;
        bestScore = s;
      }
    }
    if (best < 0) break;
    S.push(best);
    info.push(bestScore!.info);
    accuracy.push(bestScore!.accuracy);
  }
  return { ordering: S, info, accuracy };
}

/**
 * 3 classes; neuron 2 shifts strongly with the class, neuron 5 weakly, neuron 6 follows neuron 2 with noise,
 * neuron 4 = 2·neuron 0 + 1, neuron 7 is constant (degenerate), the rest noise.
 */
function planted(T: number, seed: number): Data {
  const D = 8;
  const rand = prng(seed);
  const noise = randn(T * D, rand);
  const ids = new Int32Array(T);
  const x = new Float32Array(T * D);
  for (let t = 0; t < T; t++) {
    ids[t] = t % 3;
    const row = (j: number) => noise[t * D + j]!;
    x[t * D + 0] = row(0);
    x[t * D + 1] = 3 + row(1);
    x[t * D + 2] = 1.5 * ids[t]! + row(2);
    x[t * D + 3] = row(3);
    x[t * D + 5] = 0.4 * ids[t]! + row(5);
    x[t * D + 6] = x[t * D + 2]! + 0.5 * row(6);
    x[t * D + 7] = 2;
  }
  for (let t = 0; t < T; t++) x[t * D + 4] = 2 * x[t * D + 0]! + 1;
  return { x, rows: T, cols: D, ids, classes: ['a', 'b', 'c'] };
}

describe('Gaussian ranking (Torroba Hennigen et al. 2020; NeuroX gaussian_probe)', () => {
  it(`selects what the brute-force float64 reference selects, with the same information and accuracy (seed ${TEST_SEED})`, async () => {
    const d = planted(240, TEST_SEED);
    const r = await gaussianRanking({ x: d.x, rows: d.rows, cols: d.cols }, { ids: d.ids, classes: d.classes }, { select: 6 });
    const ref = referenceGreedy(d, 6);
    expect(r.ordering).toEqual(ref.ordering);
    // Incremental Cholesky vs factorisation from scratch, float64: 1e-9 bits absolute on values of ~0.1–1.5.
    r.scores.forEach((v, i) => expect(Math.abs(v - ref.info[i]!)).toBeLessThan(1e-9));
    expect(r.accuracy).toEqual(ref.accuracy);
    expect(r.entropy).toBeCloseTo(Math.log2(3), 12);
    expect([2, 6]).toContain(r.ordering[0]); // a strongly class-dependent neuron first (6 carries 2's signal + noise)
    expect(r.degenerate).toEqual([7]);
    // Information never exceeds H(class). (It need not grow at every step: the fitted Gaussians are not the true
    // distributions, so a neuron the greedy step must add can lower the train log-likelihood.)
    for (const v of r.scores) expect(v).toBeLessThanOrEqual(r.entropy + 1e-12);
  });

  it('a neuron that is an affine function of another stays a candidate: the prior keeps every Σ_c positive definite', async () => {
    // Λ0 = diag(S_c)/(N_c − 1) is added to S_c, so even x4 = 2·x0 + 1 leaves a conditional variance of ~1/N_c of
    // its variance given x0 (not a singular matrix, unlike a plain sample covariance); only the constant neuron 7
    // is never chosen.
    const d = planted(150, TEST_SEED + 1);
    const r = await gaussianRanking({ x: d.x, rows: d.rows, cols: d.cols }, { ids: d.ids, classes: d.classes }, { select: 7 });
    expect(r.ordering).toHaveLength(7);
    expect(r.ordering).not.toContain(7);
    expect(r.dependentSkips).toBe(0);
    const ref = referenceGreedy(d, 7);
    expect(r.ordering).toEqual(ref.ordering);
    r.scores.forEach((v, i) => expect(Math.abs(v - ref.info[i]!)).toBeLessThan(1e-9));
  });

  it('the same bytes for any thread count', async () => {
    const T = 900;
    const D = 70;
    const rand = prng(TEST_SEED + 2);
    const noise = randn(T * D, rand);
    const ids = Int32Array.from({ length: T }, (_, t) => t % 4);
    const x = Float32Array.from(noise, (v, i) => v + (i % D < 5 ? ids[Math.floor(i / D)]! * (0.5 + 0.3 * (i % D)) : 0));
    const run = (threads: number) => gaussianRanking({ x, rows: T, cols: D }, { ids, classes: ['a', 'b', 'c', 'd'] }, { select: 5, threads });
    const a = await run(1);
    const b = await run(2);
    expect(a.ordering).toEqual(b.ordering);
    expect(Buffer.from(Float64Array.from(a.scores).buffer).equals(Buffer.from(Float64Array.from(b.scores).buffer))).toBe(true);
    // The strongest planted neurons come first (shifts of 1.1–1.7 per class step against unit noise).
    expect(a.ordering.slice(0, 3).every((j) => j < 5)).toBe(true);
  });

  it('refuses a class with one row, too many neurons, and non-finite activations', async () => {
    const d = planted(30, 5);
    const ids = Int32Array.from(d.ids);
    ids[0] = 3;
    await expect(gaussianRanking({ x: d.x, rows: 30, cols: 8 }, { ids, classes: ['a', 'b', 'c', 'lonely'] })).rejects.toThrow("Expected at least 2 rows of every class for the Gaussian ranking (a class covariance needs them) but class 'lonely' has 1");
    await expect(gaussianRanking({ x: d.x, rows: 30, cols: 8 }, { ids: d.ids, classes: d.classes }, { select: 9 })).rejects.toThrow(/select/);
    const x = Float32Array.from(d.x);
    x[17] = NaN;
    await expect(gaussianRanking({ x, rows: 30, cols: 8 }, { ids: d.ids, classes: d.classes })).rejects.toThrow('non-finite value at row 2, neuron 1');
  });
});
