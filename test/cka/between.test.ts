/**
 * CKA between two models' layers over the same rows: the lockstep joint pass (shards cut at different rows, small
 * chunks, so reads and merges interleave) against Kornblith et al.'s code transcribed in float64. Seed: TEST_SEED.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ckaBetween } from '../../src/cka/cka.js';
import { npyBytes, prng, randn } from '../helpers/formats.js';
import { TEST_SEED } from '../helpers/planted.js';
import { scratchDir } from '../helpers/tmp.js';
import { block, kornblithCka } from './reference.js';

const { dir } = scratchDir('cka-between');
const N = 120;
const DA = 8; // model A: 2 layers of 4
const DB = 9; // model B: 3 layers of 3

describe(`cka between two models (seed ${TEST_SEED})`, () => {
  const rand = prng(TEST_SEED);
  const z = randn(N * (DA + DB), rand);
  const xa = new Float32Array(N * DA).map((_, i) => 3 + (1 + (i % DA)) * z[i]!);
  // B's layer 0: 3 columns of A's layer 0 scaled; layer 1: noise; layer 2: A's layer 1 (3 columns) + noise.
  const xb = new Float32Array(N * DB);
  for (let r = 0; r < N; r++) {
    for (let j = 0; j < 3; j++) {
      xb[r * DB + j] = 2 * xa[r * DA + j]! - 7;
      xb[r * DB + 3 + j] = z[N * DA + r * DB + j]!;
      xb[r * DB + 6 + j] = xa[r * DA + 4 + j]! + 0.5 * z[N * DA + r * DB + 3 + j]!;
    }
  }
  const a1 = join(dir, 'a1.npy');
  const a2 = join(dir, 'a2.npy');
  const b = join(dir, 'b.npy');
  writeFileSync(a1, npyBytes(xa.subarray(0, 37 * DA), [37, DA], 'float32'));
  writeFileSync(a2, npyBytes(xa.subarray(37 * DA), [N - 37, DA], 'float32'));
  writeFileSync(b, npyBytes(xb, [N, DB], 'float32'));
  const blocksA = [0, 4].map((o) => block(xa, N, DA, o, o + 4));
  const blocksB = [0, 3, 6].map((o) => block(xb, N, DB, o, o + 3));

  for (const estimator of ['linear', 'debiased'] as const) {
    it(`${estimator}: the cross block equals the reference within 1e-5`, async () => {
      const r = await ckaBetween([a1, a2], b, { estimator, layerWidth: 4, otherLayerWidth: 3, chunkRows: 16 });
      expect(r.layers).toEqual(['layer 0', 'layer 1']);
      expect(r.otherLayers).toEqual(['layer 0', 'layer 1', 'layer 2']);
      expect(r.rows).toBe(N);
      for (let i = 0; i < 2; i++) {
        for (let j = 0; j < 3; j++) expect(Math.abs(r.matrix[i]![j]! - kornblithCka(blocksA[i]!, blocksB[j]!, N, estimator === 'debiased'))).toBeLessThan(1e-5);
      }
    });
  }

  it('different row counts are a clear error', async () => {
    const short = join(dir, 'short.npy');
    writeFileSync(short, npyBytes(xb.subarray(0, 100 * DB), [100, DB], 'float32'));
    await expect(ckaBetween([a1, a2], short, { layerWidth: 4, otherLayerWidth: 3, chunkRows: 16 })).rejects.toThrow(/Expected the same rows in both models for CKA between them but .*short\.npy ends after 100 rows/);
  });
});
