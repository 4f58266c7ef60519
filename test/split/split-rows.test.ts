/**
 * Row splits and balancing against numpy's legacy RandomState: stored outputs (test/fixtures/split/generate.py,
 * numpy 2.4 from Debian) must match bit for bit, and, when python3 with numpy is on the machine, a fresh case drawn
 * from the printed test seed is compared live. Invariants (partition, counts, determinism) run on random sizes.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { balance, compatSplit, seededSplit } from '../../src/split/split-rows.js';
import { LegacyRandomState } from '../../src/split/mt19937.js';
import { root } from '../helpers/cli.js';
import { TEST_SEED } from '../helpers/planted.js';
import { prng } from '../../src/core/random.js';

interface Fixture {
  numpy: string;
  shuffle: { n: number; seed: number; trainFraction: number; train: number[]; dev: number[] }[];
  large: { n: number; seed: number; head: number[]; sha256: string }[];
  balance: { classes: number; seed: number; labels: number[]; kept: number[] }[];
}

const fx = JSON.parse(readFileSync(join(root, 'test/fixtures/split/numpy-legacy.json'), 'utf8')) as Fixture;
const sha256 = (a: Uint32Array) => createHash('sha256').update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest('hex');
console.log(`split-rows tests: NEUROSIEVE_TEST_SEED=${TEST_SEED}`);

/** python3 with numpy, or undefined when the machine has none (the live comparisons are then skipped). */
function python(code: string): string | undefined {
  const r = spawnSync('python3', ['-c', code], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return r.status === 0 ? r.stdout : undefined;
}
const hasNumpy = python('import numpy') !== undefined;

describe('MT19937 (numpy legacy seeding)', () => {
  it('gives the reference outputs of init_genrand(5489)', () => {
    // The first outputs of mt19937ar.c's default seed, also RandomState(5489).randint(2**32, dtype=np.uint64)[:3].
    const rs = new LegacyRandomState(5489);
    expect([rs.nextUint32(), rs.nextUint32(), rs.nextUint32()]).toEqual([3499211612, 581869302, 3890346734]);
  });
});

describe('compatSplit against numpy', () => {
  it('reproduces np.random.seed(s); np.random.shuffle(arange(n)); int(n*f) train for every stored case', () => {
    for (const c of fx.shuffle) {
      const r = compatSplit(c.n, { seed: c.seed, trainFraction: c.trainFraction });
      expect([...r.train], `n=${c.n} seed=${c.seed} f=${c.trainFraction} train`).toEqual(c.train);
      expect([...r.dev], `n=${c.n} seed=${c.seed} f=${c.trainFraction} dev`).toEqual(c.dev);
    }
  });

  it('reproduces large permutations (sha256 of the uint32 bytes)', () => {
    for (const c of fx.large) {
      const r = compatSplit(c.n, { seed: c.seed, trainFraction: 1 });
      expect([...r.train.subarray(0, 8)]).toEqual(c.head);
      expect(sha256(r.train), `n=${c.n} seed=${c.seed}`).toBe(c.sha256);
    }
  });

  it('defaults to seed 7361 and 90% train', () => {
    const a = compatSplit(10);
    const b = compatSplit(10, { seed: 7361, trainFraction: 0.9 });
    expect(a.train.length).toBe(9);
    expect([...a.train]).toEqual([...b.train]);
    expect([...a.dev]).toEqual(fx.shuffle.find((c) => c.n === 10 && c.seed === 7361 && c.trainFraction === 0.9)!.dev);
  });

  it.skipIf(!hasNumpy)('matches numpy live on a size and seed drawn from the test seed', () => {
    const rand = prng(TEST_SEED);
    const n = 1 + Math.floor(rand() * 50000);
    const seed = Math.floor(rand() * 2 ** 32);
    const out = python(`import numpy as np, hashlib
np.random.seed(${seed}); a = np.arange(${n}); np.random.shuffle(a)
print(hashlib.sha256(a.astype('<u4').tobytes()).hexdigest(), int(${n} * 0.9))`)!;
    const [hash, nTrain] = out.trim().split(' ');
    const r = compatSplit(n, { seed });
    expect(r.train.length, `n=${n} seed=${seed}`).toBe(Number(nTrain));
    const all = new Uint32Array(n);
    all.set(r.train);
    all.set(r.dev, r.train.length);
    expect(sha256(all), `n=${n} seed=${seed}`).toBe(hash);
  });

  it('rejects bad arguments with exact messages', () => {
    expect(() => compatSplit(-1)).toThrow('Expected an integer in [0, 4294967295] for rows but received -1');
    expect(() => compatSplit(2.5)).toThrow('Expected an integer in [0, 4294967295] for rows but received 2.5');
    expect(() => compatSplit(10, { seed: 2 ** 32 })).toThrow('Expected an integer in [0, 4294967295] for seed but received 4294967296');
    expect(() => compatSplit(10, { trainFraction: 1.5 })).toThrow('Expected a number in [0, 1] for trainFraction but received 1.5');
    expect(() => compatSplit(10, { sed: 1 } as never)).toThrow('Expected one of the options seed, trainFraction for compatSplit but received \'sed\'');
  });
});

describe('balance against imbalanced-learn RandomUnderSampler(random_state=seed)', () => {
  it('keeps the stored rows for every case (ties for the minority included)', () => {
    for (const c of fx.balance) {
      expect([...balance(Int32Array.from(c.labels), c.classes, { seed: c.seed })], `seed ${c.seed}`).toEqual(c.kept);
    }
  });

  it.skipIf(!hasNumpy)('matches numpy live on labels drawn from the test seed', () => {
    const rand = prng(TEST_SEED ^ 0x5bd1e995);
    const classes = 2 + Math.floor(rand() * 5);
    const n = classes + Math.floor(rand() * 3000);
    const labels = Int32Array.from({ length: n }, () => Math.floor(rand() ** 2 * classes));
    const seed = Math.floor(rand() * 2 ** 32);
    const script = readFileSync(join(root, 'test/fixtures/split/generate.py'), 'utf8').replace(/\nif __name__ == "__main__":[\s\S]*$/, '\n');
    const out = python(`${script}
y = np.array(${JSON.stringify([...labels])}, dtype=np.int32)
print(json.dumps(under_sample(y, ${seed}).tolist()) if np.unique(y).size > 1 else 'null')`)!;
    const want = JSON.parse(out) as number[] | null;
    if (want === null) return; // one class only: nothing to compare
    expect([...balance(labels, classes, { seed })], `classes=${classes} n=${n} seed=${seed}`).toEqual(want);
  });

  it('keeps the smallest class count of every present class, ascending, the same for the same seed', () => {
    const rand = prng(TEST_SEED);
    const classes = 2 + Math.floor(rand() * 6);
    const n = 50 + Math.floor(rand() * 5000);
    const labels = Int32Array.from({ length: n }, () => Math.floor(rand() * rand() * classes));
    const counts = new Array<number>(classes).fill(0);
    for (const c of labels) counts[c]!++;
    const present = counts.filter((c) => c > 0);
    if (present.length < 2) return;
    const nMin = Math.min(...present);
    const kept = balance(labels, classes, { seed: 3 });
    expect(kept.length, `seed ${TEST_SEED}`).toBe(nMin * present.length);
    for (let i = 1; i < kept.length; i++) expect(kept[i]!).toBeGreaterThan(kept[i - 1]!);
    const keptCounts = new Array<number>(classes).fill(0);
    for (const r of kept) keptCounts[labels[r]!]!++;
    expect(keptCounts).toEqual(counts.map((c) => (c > 0 ? nMin : 0)));
    expect([...balance(labels, classes, { seed: 3 })]).toEqual([...kept]);
  });

  it('rejects bad arguments with exact messages', () => {
    const y = Int32Array.of(0, 1, 1);
    expect(() => balance([0, 1] as never, 2, { seed: 1 })).toThrow('Expected an Int32Array for labels but received [object Array]');
    expect(() => balance(Int32Array.of(0, 3), 2, { seed: 1 })).toThrow('Expected class ids in [0, 1] for labels but received 3 at row 1');
    expect(() => balance(Int32Array.of(1, 1), 2, { seed: 1 })).toThrow('Expected labels of at least 2 classes for balance but received 1 class');
    expect(() => balance(y, 2, { seed: -1 })).toThrow('Expected an integer in [0, 4294967295] for seed but received -1');
    expect(() => balance(y, 0, { seed: 1 })).toThrow('Expected an integer in [1, 2147483647] for classes but received 0');
  });
});

describe('seededSplit', () => {
  it('partitions the rows with the asked sizes, the same for the same seed', () => {
    const rand = prng(TEST_SEED);
    const rows = Math.floor(rand() * 20000);
    const seed = Math.floor(rand() * 2 ** 32);
    const s = seededSplit(rows, { seed, fractions: { train: 0.8, dev: 0.1, test: 0.1 } });
    expect(s.train.length, `rows ${rows} seed ${seed}`).toBe(Math.round(rows * 0.8));
    expect(s.dev.length).toBe(Math.min(rows - s.train.length, Math.round(rows * 0.1)));
    const seen = new Uint8Array(rows);
    for (const part of [s.train, s.dev, s.test]) for (const i of part) seen[i]!++;
    expect(seen.every((v) => v === 1)).toBe(true);
    const again = seededSplit(rows, { seed, fractions: { train: 0.8, dev: 0.1, test: 0.1 } });
    expect([...again.train]).toEqual([...s.train]);
    expect([...again.test]).toEqual([...s.test]);
    const two = seededSplit(rows, { seed, fractions: { train: 0.7, dev: 0.3 } });
    expect(two.test.length).toBe(0);
    expect(two.train.length + two.dev.length).toBe(rows);
  });

  it('rejects bad fractions with exact messages', () => {
    expect(() => seededSplit(10, { seed: 1, fractions: { train: 0.8, dev: 0.1 } })).toThrow('Expected fractions summing to 1 for fractions but received a sum of 0.9');
    expect(() => seededSplit(10, { seed: 1, fractions: { train: 1.2, dev: 0 } })).toThrow('Expected a number in [0, 1] for fractions.train but received 1.2');
    expect(() => seededSplit(10, { seed: 1, fractions: { train: 1, dev: 0, tset: 0 } as never })).toThrow('Expected one of the options train, dev, test for fractions but received \'tset\'');
    expect(() => seededSplit(10, { seed: 1 } as never)).toThrow('Expected an object { train, dev, test? } for fractions but received undefined');
  });
});
