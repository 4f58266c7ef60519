/**
 * linkage and fcluster against stored scipy 1.10 results (test/fixtures/linkage/, made by
 * tools/make-linkage-fixtures.py), and invariants on random correlation distances with planted groups checked
 * against a naive O(n³) recomputation (seeded; NEUROSIEVE_TEST_SEED=n reproduces a run).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fcluster, linkageTree } from '../../src/cluster/fcluster.js';
import { readNpy } from '../../src/io/npy.js';
import { linkage, LINKAGE_METHODS, type LinkageMethod } from '../../src/cluster/linkage.js';
import { root } from '../helpers/cli.js';
import { planted, referenceCorrelation, TEST_SEED } from '../helpers/planted.js';

const dir = join(root, 'test/fixtures/linkage');

interface Case {
  name: string;
  kind: 'corr' | 'grid' | 'euclid' | 'dup';
  n: number;
  seed: number;
  fcluster: Record<string, { distance: { t: number; labels: number[] }[]; maxclust: { t: number; labels: number[] }[] }>;
}
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { scipy: string; cases: Case[] };

const loadD = (c: Case) => readNpy(join(dir, `${c.name}.d.npy`)).data as Float32Array;
const loadZ = (c: Case, m: string) => readNpy(join(dir, `${c.name}.${m}.Z.npy`)).data as Float64Array;

/** Largest relative difference of the heights (column 2). */
function heightRelDiff(a: Float64Array, b: Float64Array): number {
  let worst = 0;
  for (let i = 2; i < a.length; i += 4) {
    const scale = Math.max(Math.abs(b[i]!), 1e-30);
    if (a[i] !== b[i]) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / scale);
  }
  return worst;
}

function idsAndSizes(Z: Float64Array): number[] {
  return Array.from(Z).filter((_, k) => k % 4 !== 2);
}

describe(`linkage vs scipy ${manifest.scipy} fixtures`, () => {
  it('float64 input: Z identical to scipy for every case and method (merge order, ids, sizes, heights bit for bit)', async () => {
    let checked = 0;
    for (const c of manifest.cases) {
      const d = Float64Array.from(loadD(c));
      for (const method of LINKAGE_METHODS) {
        const Z = await linkage(d, { method });
        expect(Z, `${c.name} ${method}`).toEqual(loadZ(c, method));
        checked++;
      }
    }
    expect(checked).toBe(manifest.cases.length * 5);
  });

  it('float32 storage: same merges and heights within 1e-6 where float32 keeps scipy\'s ties', async () => {
    // Float32 storage rounds every Lance-Williams update once. On data without exact ties (corr, euclid) and
    // for the methods whose updates of small integers stay exact in float32 (single, complete, weighted) the
    // merge order is scipy's. On tie-heavy integer data, average and ward updates that tie in float64 can
    // round apart in float32 (e.g. 8/3 reached two ways), so another, equally valid dendrogram comes out.
    for (const c of manifest.cases) {
      const d = loadD(c);
      for (const method of LINKAGE_METHODS) {
        const exactTies = c.kind === 'corr' || c.kind === 'euclid' || ['single', 'complete', 'weighted'].includes(method);
        if (!exactTies) continue;
        const Z = await linkage(d, { method });
        const ref = loadZ(c, method);
        expect(idsAndSizes(Z), `${c.name} ${method}`).toEqual(idsAndSizes(ref));
        expect(heightRelDiff(Z, ref), `${c.name} ${method}`).toBeLessThanOrEqual(1e-6);
      }
    }
  });

  it('fcluster numbers clusters as scipy does, by distance and by maxclust, one or many cuts', () => {
    let cuts = 0;
    for (const c of manifest.cases) {
      for (const [method, f] of Object.entries(c.fcluster)) {
        const Z = loadZ(c, method);
        const tree = linkageTree(Z);
        const many = fcluster(tree, f.distance.map((x) => x.t), 'distance');
        f.distance.forEach((x, i) => {
          expect(Array.from(fcluster(Z, x.t, 'distance')), `${c.name} ${method} t=${x.t}`).toEqual(x.labels);
          expect(Array.from(many[i]!)).toEqual(x.labels);
          cuts++;
        });
        for (const x of f.maxclust) {
          expect(Array.from(fcluster(Z, x.t, 'maxclust')), `${c.name} ${method} maxclust=${x.t}`).toEqual(x.labels);
          cuts++;
        }
      }
    }
    expect(cuts).toBeGreaterThan(300);
  });
});

/** Correlation distances 1 − |r| (condensed, float64) of random activations with planted redundant columns. */
function plantedDistances(n: number, seed: number): Float64Array {
  const p = planted(80, n, seed);
  const { r } = referenceCorrelation(p.x, 80, n);
  const d = new Float64Array((n * (n - 1)) / 2);
  let k = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) d[k++] = 1 - Math.abs(r[i * n + j]!);
  return d;
}

/**
 * Replays Z from scratch: before each row, the distances between all current clusters are recomputed naively
 * (single/complete/average from the member points; weighted and ward, which are defined by their recursion, by
 * Lance–Williams over the clusters merged so far) and the row must merge a closest pair at that height.
 */
function checkGlobalMinima(d: Float64Array, n: number, Z: Float64Array, method: LinkageMethod): void {
  const dist = (i: number, j: number) => (i === j ? 0 : i < j ? d[n * i - (i * (i + 1)) / 2 + (j - i - 1)]! : d[n * j - (j * (j + 1)) / 2 + (i - j - 1)]!);
  const members = new Map<number, number[]>();
  for (let i = 0; i < n; i++) members.set(i, [i]);
  // Recursive (Lance–Williams) distances between live clusters, for weighted and ward.
  const lw = new Map<string, number>();
  const key = (a: number, b: number) => (a < b ? `${a},${b}` : `${b},${a}`);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) lw.set(key(i, j), dist(i, j));
  const naive = (a: number, b: number): number => {
    if (method === 'weighted' || method === 'ward') return lw.get(key(a, b))!;
    const A = members.get(a)!, B = members.get(b)!;
    let acc = method === 'single' ? Infinity : method === 'complete' ? -Infinity : 0;
    for (const i of A) for (const j of B) {
      const v = dist(i, j);
      acc = method === 'single' ? Math.min(acc, v) : method === 'complete' ? Math.max(acc, v) : acc + v;
    }
    return method === 'average' ? acc / (A.length * B.length) : acc;
  };
  for (let row = 0; row < n - 1; row++) {
    const a = Z[4 * row]!, b = Z[4 * row + 1]!, h = Z[4 * row + 2]!;
    const live = [...members.keys()];
    let min = Infinity;
    for (let x = 0; x < live.length; x++) for (let y = x + 1; y < live.length; y++) min = Math.min(min, naive(live[x]!, live[y]!));
    const tol = 1e-12 * Math.max(1, Math.abs(min));
    expect(Math.abs(h - min), `row ${row}: height ${h} but the closest pair is at ${min}`).toBeLessThanOrEqual(tol);
    expect(Math.abs(naive(a, b) - h), `row ${row}: merged pair is at ${naive(a, b)}, not ${h}`).toBeLessThanOrEqual(tol);
    const A = members.get(a)!, B = members.get(b)!;
    expect(Z[4 * row + 3]).toBe(A.length + B.length);
    const id = n + row;
    if (method === 'weighted' || method === 'ward') {
      for (const c of live) {
        if (c === a || c === b) continue;
        const da = lw.get(key(a, c))!, db = lw.get(key(b, c))!, nc = members.get(c)!.length;
        const v =
          method === 'weighted'
            ? (da + db) / 2
            : Math.sqrt(((nc + A.length) * da * da + (nc + B.length) * db * db - nc * h * h) / (A.length + B.length + nc));
        lw.set(key(id, c), v);
      }
    }
    members.delete(a);
    members.delete(b);
    members.set(id, [...A, ...B]);
  }
}

describe(`linkage invariants (seed ${TEST_SEED})`, () => {
  it('every merge is a global minimum, heights are monotone, sizes add up, the input is unchanged', async () => {
    for (const [n, s] of [[2, 1], [3, 2], [17, 3], [40, 4]] as const) {
      const d = plantedDistances(n, TEST_SEED + s);
      const before = d.slice();
      for (const method of LINKAGE_METHODS) {
        const Z = await linkage(d, { method });
        expect(Z.length).toBe(4 * (n - 1));
        for (let i = 1; i < n - 1; i++) expect(Z[4 * i + 2]!).toBeGreaterThanOrEqual(Z[4 * (i - 1) + 2]!);
        expect(Z[4 * (n - 2) + 3]).toBe(n);
        checkGlobalMinima(d, n, Z, method);
        const f32 = Float32Array.from(d);
        const f32before = f32.slice();
        const Z32 = await linkage(f32, { method });
        expect(f32).toEqual(f32before);
        expect(Z32[4 * (n - 2) + 3]).toBe(n);
      }
      expect(d).toEqual(before);
    }
  });

  it('reports progress and can be cancelled', async () => {
    const n = 300;
    const d = plantedDistances(n, TEST_SEED + 9);
    const seen: number[] = [];
    await linkage(d, { onProgress: (p) => seen.push(p.done / p.total) });
    expect(seen.at(-1)).toBe(1);
    const ac = new AbortController();
    ac.abort();
    await expect(linkage(d, { signal: ac.signal })).rejects.toMatchObject({ code: 'E_CANCELLED' });
  });
});

describe('linkage and fcluster: bad input', () => {
  it('rejects NaN distances, n < 2, wrong lengths, unknown methods and options', async () => {
    await expect(linkage(new Float64Array([0.5, Number.NaN, 0.2]))).rejects.toThrow(
      'Expected finite distances but received NaN at index 1 (points 0 and 2)',
    );
    await expect(linkage(new Float32Array([0.5, 0.1, Infinity, 0.3, 0.2, 0.4]))).rejects.toMatchObject({ code: 'E_NONFINITE' });
    await expect(linkage(new Float64Array(0))).rejects.toThrow(
      'Expected a condensed distance vector of length n(n-1)/2 with n >= 2 for distances but received length 0',
    );
    await expect(linkage(new Float64Array(4))).rejects.toMatchObject({ code: 'E_SHAPE' });
    await expect(linkage(new Float64Array(3), { method: 'centroid' as LinkageMethod })).rejects.toThrow(
      "Expected one of 'single', 'complete', 'average', 'weighted', 'ward' for method but received 'centroid'",
    );
    await expect(linkage([0.1] as unknown as Float64Array)).rejects.toThrow('Expected a Float32Array or Float64Array for distances but received [object Array]');
    await expect(linkage(new Float64Array(1), { metric: 'x' } as object)).rejects.toMatchObject({ code: 'E_ARGUMENT' });
    // Ward's update of float32 distances near 3.4e38 overflows the storage type: a clear error, not a crash.
    await expect(linkage(new Float32Array([3e38, 3e38, 1e38, 3e38, 3e38, 3e38]), { method: 'ward' })).rejects.toThrow(
      'a Lance-Williams update overflowed to infinity',
    );
  });

  it('rejects malformed linkage matrices and thresholds', () => {
    expect(() => fcluster(new Float64Array([0, 1, 0.5, 3]), 1)).toThrow('row 0 has size 3 instead of 2');
    expect(() => fcluster(new Float64Array([0, 2, 0.5, 2]), 1)).toThrow('row 0 refers to cluster 2, which does not exist yet');
    expect(() => fcluster(new Float64Array([0, 1, 0.5, 2]), Number.NaN)).toThrow("Expected a finite number for t (criterion 'distance') but received null");
    expect(() => fcluster(new Float64Array([0, 1, 0.5, 2]), 0, 'maxclust')).toThrow("Expected an integer >= 1 for t (criterion 'maxclust') but received 0");
  });
});
