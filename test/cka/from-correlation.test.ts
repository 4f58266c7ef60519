/**
 * Linear CKA from a float32 Pearson matrix and stds (what `analyze` holds) equals linear CKA from the exact
 * co-moment, to float32 rounding of r; a constant column contributes nothing. Seed: TEST_SEED.
 */
import { describe, expect, it } from 'vitest';
import { linearCka } from '../../src/cka/estimators.js';
import { linearCkaFromCorrelation } from '../../src/cka/from-correlation.js';
import { planted, referenceCorrelation, TEST_SEED } from '../helpers/planted.js';
import { exactStats } from './reference.js';

describe(`linear CKA from a correlation matrix (seed ${TEST_SEED})`, () => {
  it('equals linear CKA from the co-moment within 1e-6', () => {
    const rows = 120, D = 24;
    const p = planted(rows, D, TEST_SEED); // copies, flips, 1e4 offsets and constant columns
    const offsets = [0, 5, 12, 18, 24];
    const ref = referenceCorrelation(p.x, rows, D);
    const std = Float64Array.from({ length: D }, (_, i) => Math.sqrt(ref.M[i * D + i]! / rows));
    const got = linearCkaFromCorrelation(Float32Array.from(ref.r), D, std, offsets).matrix;
    const want = linearCka(exactStats(p.x, rows, D), offsets, 1).matrix;
    got.forEach((row, a) => row.forEach((v, b) => (want[a]![b] === null ? expect(v).toBeNull() : expect(Math.abs(v! - want[a]![b]!)).toBeLessThan(1e-6))));
  });
});
