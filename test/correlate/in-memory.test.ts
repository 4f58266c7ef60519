/**
 * Correlation of a matrix already in memory (native comoments op, used by `analyze`): the statistics equal the
 * file pass's on the same rows and chunking, and the Pearson matrix built over the co-moment's own buffer
 * (stats/comoments.h correlation_in_place) has the bytes of correlationFromComoments' separate one — for odd and
 * even widths, zero-variance neurons and large means (planted data). Against a float64 reference: 2e-6, the
 * float32 rounding of r plus the one-pass-per-chunk SYRK error stated in test/correlate/correlate.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { native } from '../../src/core/native.js';
import { runJob } from '../../src/core/native-job.js';
import { maxAbsDiff, planted, referenceCorrelation, TEST_SEED } from '../helpers/planted.js';

console.log(`in-memory.test.ts seed ${TEST_SEED} (set NEUROSIEVE_TEST_SEED to reproduce)`);

describe('in-memory correlation', () => {
  for (const [rows, cols, chunk] of [[500, 1, 64], [700, 2, 128], [900, 33, 100], [1200, 64, 1200], [640, 129, 97]] as const) {
    it(`${rows} × ${cols}, chunks of ${chunk}: in place = separate, bit for bit; float64 reference within 2e-6`, async () => {
      const { x } = planted(rows, cols, TEST_SEED + cols);
      if (cols > 2) for (let t = 0; t < rows; t++) x[t * cols + 1] = 7; // a constant neuron
      const s = await runJob(() => native().comoments(x, rows, cols, chunk, 2));
      const separate = native().correlationFromComoments(s.comoment, cols, 2);
      const inPlace = await runJob(() => native().comoments(x, rows, cols, chunk, 1, true));
      expect(inPlace.count).toBe(rows);
      expect(inPlace.corr.length).toBe(cols * cols);
      expect(Buffer.from(inPlace.corr.buffer, inPlace.corr.byteOffset, inPlace.corr.byteLength).equals(Buffer.from(separate.buffer))).toBe(true);
      const zero: number[] = [];
      for (let i = 0; i < cols; i++) if (!(s.comoment[(i * (2 * cols - i + 1)) / 2]! > 0)) zero.push(i);
      expect(Array.from(inPlace.zeroVariance)).toEqual(zero);
      if (cols > 2) expect(zero).toContain(1);
      const ref = referenceCorrelation(x, rows, cols).r;
      for (const i of zero) for (let j = 0; j < cols; j++) ref[i * cols + j] = ref[j * cols + i] = i === j ? 1 : 0;
      expect(maxAbsDiff(inPlace.corr, ref)).toBeLessThan(2e-6);
    });
  }
});
