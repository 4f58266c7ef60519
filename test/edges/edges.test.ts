/**
 * Correlation edges and clustering from them, against the dense path on the same data: topics of groups of
 * neurons (neuron = a·topic + b·group + c·noise with random weights), so within-group |r| is high, within-topic
 * |r| spreads across the edge threshold and across topics |r| ≈ 0 — average-linkage merges between groups of
 * one topic then involve pairs below the threshold, which the clustering must recompute. Seed: TEST_SEED.
 *
 * Tolerances: none. The edges are the dense float32 matrix's entries bit for bit (same co-moment arithmetic);
 * flat clusters equal the float64 dense linkage's (scipy's arithmetic) at every cut <= maxCut, compared as
 * partitions (our numbering is by smallest neuron; the map from fcluster's numbers is checked to be one-to-one).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { correlate } from '../../src/correlate/correlate.js';
import { linkage } from '../../src/cluster/linkage.js';
import { fcluster } from '../../src/cluster/fcluster.js';
import { correlationEdges } from '../../src/edges/correlation-edges.js';
import { clusterEdges, EDGE_LINKAGES } from '../../src/edges/cluster-edges.js';
import { planTiles } from '../../src/edges/tile-plan.js';
import { comomentBytes } from '../../src/core/memory.js';
import { npyBytes, prng, randn } from '../helpers/formats.js';
import { TEST_SEED } from '../helpers/planted.js';
import { scratchDir } from '../helpers/tmp.js';
import { root, runCli } from '../helpers/cli.js';

const { dir } = scratchDir('edges');
const ROWS = 600;
const TOPICS = 6;
const GROUPS = 4; // per topic
const SIZE = 8; // neurons per group
// + 10 independent neurons (one of them constant) + a chain of 3: r12 ≈ 0.75, r13 ≈ 0.7, r23 ≈ 0.1, so with
// τ = 0.25 the pair (2, 3) is missing while average linkage joins the chain at ≈ 0.6: one merge that always needs
// a recomputation, whatever the seed draws for the topics.
const D = TOPICS * GROUPS * SIZE + 10 + 3;
const CHAIN = D - 3;

function topicData(seed: number): Float32Array {
  const rand = prng(seed);
  const z = randn(ROWS * (TOPICS + TOPICS * GROUPS + D), rand);
  const topic = (t: number, r: number) => z[r * TOPICS + t]!;
  const group = (g: number, r: number) => z[ROWS * TOPICS + r * TOPICS * GROUPS + g]!;
  const noise = (c: number, r: number) => z[ROWS * (TOPICS + TOPICS * GROUPS) + r * D + c]!;
  const x = new Float32Array(ROWS * D);
  // Columns in a shuffled order, so groups are not contiguous blocks of ids and tiles cut through them.
  const perm = Array.from({ length: D }, (_, i) => i);
  for (let i = D - 1; i > 0; i--) {
    const k = Math.floor(rand() * (i + 1));
    [perm[i], perm[k]] = [perm[k]!, perm[i]!];
  }
  for (let n = 0; n < D; n++) {
    const c = perm[n]!;
    const g = Math.floor(n / SIZE);
    const planted = g < TOPICS * GROUPS;
    const a = planted ? 0.3 + 0.9 * rand() : 0;
    const b = planted ? 0.5 + 1.5 * rand() : 0;
    const s = 0.3 + 1.2 * rand();
    const mean = (rand() - 0.5) * 20;
    const constant = n === CHAIN - 1;
    for (let r = 0; r < ROWS; r++) {
      if (n >= CHAIN) {
        // z1 = the chain's first noise, z2, z3 the others' (independent of every other neuron).
        const [z1, z2, z3] = [noise(perm[CHAIN]!, r), noise(perm[CHAIN + 1]!, r), noise(perm[CHAIN + 2]!, r)];
        x[r * D + c] = n === CHAIN ? z1 : n === CHAIN + 1 ? 0.75 * z1 - 0.57 * z3 + 0.34 * z2 : 0.7 * z1 + 0.714 * z3;
        continue;
      }
      x[r * D + c] = constant ? 3.25 : mean + (planted ? a * topic(Math.floor(g / GROUPS), r) + b * group(g, r) : 0) + s * noise(c, r);
    }
  }
  return x;
}

/** Partitions equal: labels a and b define the same grouping (a bijection between their numbers). */
function samePartition(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  const ab = new Map<number, number>();
  const ba = new Map<number, number>();
  for (let k = 0; k < a.length; k++) {
    if ((ab.get(a[k]!) ?? b[k]!) !== b[k]! || (ba.get(b[k]!) ?? a[k]!) !== a[k]!) return false;
    ab.set(a[k]!, b[k]!);
    ba.set(b[k]!, a[k]!);
  }
  return true;
}

describe(`correlation edges (seed ${TEST_SEED})`, () => {
  const path = join(dir, 'topics.npy');
  writeFileSync(path, npyBytes(topicData(TEST_SEED), [ROWS, D], 'float32'));
  // Memory for blocks of 64 neurons: 4 blocks, 6 jobs, tiles cutting through groups.
  const maxMemory = 2 * comomentBytes(128);

  it('plans blocks from the memory budget and covers every pair once', () => {
    const plan = planTiles(D, maxMemory);
    expect(plan.block).toBe(64);
    expect(plan.blocks.length).toBe(Math.ceil(D / 64));
    const covered = plan.jobs.flatMap((j) => j.diagonals);
    expect(covered.sort()).toEqual(plan.blocks.map((_, k) => k));
    expect(plan.jobs.length).toBe((plan.blocks.length * (plan.blocks.length - 1)) / 2);
    expect(planTiles(D, 1e12).jobs).toEqual([{ a: 0, b: 0, diagonals: [0] }]);
  });

  it('keeps exactly the dense matrix entries with |r| >= tau, bit for bit, and counts every pair', async () => {
    const dense = await correlate(path);
    for (const minAbsR of [0.25, 0.6]) {
      const e = await correlationEdges(path, { minAbsR, maxMemory });
      expect(e.plan.blocks).toBe(4);
      const want: number[] = [];
      for (let i = 0; i < D; i++) for (let j = i + 1; j < D; j++) if (Math.abs(dense.corr[i * D + j]!) >= minAbsR) want.push(i, j, dense.corr[i * D + j]!);
      const got: number[] = [];
      for (let k = 0; k < e.i.length; k++) got.push(e.i[k]!, e.j[k]!, e.r[k]!);
      expect(got).toEqual(want);
      expect(e.histogram.reduce((s, v) => s + v, 0)).toBe((D * (D - 1)) / 2);
      // The histogram's upper bins hold exactly the kept pairs when minAbsR is a bin edge.
      expect(e.histogram.slice(Math.round(minAbsR * 100)).reduce((s, v) => s + v, 0)).toBe(e.i.length);
      expect(Array.from(e.means)).toEqual(Array.from(dense.means));
      expect(Array.from(e.stds)).toEqual(Array.from(dense.stds));
    }
  });

  it('resumes from finished tile jobs and gives the same edges', async () => {
    const workDir = join(dir, 'work');
    const first = await correlationEdges(path, { minAbsR: 0.3, maxMemory, workDir });
    const again = await correlationEdges(path, { minAbsR: 0.3, maxMemory, workDir });
    expect(again.plan.reused).toBe(again.plan.jobs);
    expect(Array.from(again.r)).toEqual(Array.from(first.r));
    // A changed option invalidates the partials.
    const other = await correlationEdges(path, { minAbsR: 0.35, maxMemory, workDir });
    expect(other.plan.reused).toBe(0);
  });

  it.each(EDGE_LINKAGES)('%s linkage: flat clusters equal the dense float64 path at every cut <= maxCut', async (method) => {
    const dense = await correlate(path);
    const condensed = new Float64Array((D * (D - 1)) / 2);
    for (let i = 0, k = 0; i < D; i++) for (let j = i + 1; j < D; j++) condensed[k++] = 1 - Math.abs(dense.corr[i * D + j]!);
    const Z = await linkage(condensed, { method });
    const cuts = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7];
    const e = await correlationEdges(path, { minAbsR: 0.25, maxMemory });
    const got = await clusterEdges(e, { method, thresholds: cuts, maxCut: 0.75, data: path, maxColumns: 64 });
    for (const [k, t] of cuts.entries()) {
      const want = fcluster(Z, t);
      expect(samePartition(got.labels[k]!, want), `cut ${t}`).toBe(true);
    }
    const c = got.certificate;
    expect(c.mergesByBounds + c.mergesAfterRecompute).toBe(got.merges.a.length);
    if (method === 'average') {
      // The chain's last merge needs its missing pair.
      expect(c.mergesAfterRecompute).toBeGreaterThan(0);
      expect(c.passes).toBeGreaterThan(0);
      expect(c.pairsRecomputed).toBeGreaterThanOrEqual(c.clusterPairsRecomputed);
    } else {
      expect(c.passes).toBe(0);
    }
  });
});

describe("correlation edges on the demo model's activations", () => {
  it('average linkage from edges equals the dense float64 path at every cut <= 0.5', async () => {
    const out = join(dir, 'demo-acts');
    const r = runCli(['extract', '--model', join(root, 'models/tiny-code-mlm'), '--source', join(root, 'data/python-sample/_collections_abc.py'), '-o', out, '--max-tokens', '2500', '-q']);
    expect(r.code, r.stderr).toBe(0);
    const acts = join(out, 'tokens/activations-00000.npy');
    const dense = await correlate(acts);
    const n = dense.cols;
    const condensed = new Float64Array((n * (n - 1)) / 2);
    for (let i = 0, k = 0; i < n; i++) for (let j = i + 1; j < n; j++) condensed[k++] = 1 - Math.abs(dense.corr[i * n + j]!);
    const Z = await linkage(condensed, { method: 'average' });
    const cuts = [0.1, 0.2, 0.3, 0.4, 0.5];
    // Blocks of 320 neurons: 4 blocks, tiles along the layers' boundaries and through them.
    const e = await correlationEdges(acts, { minAbsR: 0.4, maxMemory: 2 * comomentBytes(640) });
    expect(e.plan.blocks).toBe(4);
    const got = await clusterEdges(e, { method: 'average', thresholds: cuts, data: acts });
    for (const [k, t] of cuts.entries()) expect(samePartition(got.labels[k]!, fcluster(Z, t)), `cut ${t}`).toBe(true);
    // Seen here: 29,511 edges of 818,560 pairs, 1,031 merges, 20 of them after recomputing 32 cluster pairs in 6 passes.
    const c = got.certificate;
    expect(c.mergesByBounds + c.mergesAfterRecompute).toBe(got.merges.a.length);
  }, 120_000);
});
