/**
 * The edge path through the CLI, as a user runs it: synth → corr --edges (tiles forced by --max-memory) →
 * cluster on the edge file, against corr → cluster --precision float64 on the same data (same partitions at
 * every cut); and the refusals that keep the result exact.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesIn, runCli, tempDir } from '../helpers/cli.js';
import { TEST_SEED } from '../helpers/planted.js';

function samePartition(a: readonly number[], b: readonly number[]): boolean {
  const ab = new Map<number, number>();
  const ba = new Map<number, number>();
  return a.every((x, k) => (ab.get(x) ?? b[k]) === b[k] && (ba.get(b[k]!) ?? x) === x && (ab.set(x, b[k]!), ba.set(b[k]!, x), true));
}

describe(`corr --edges and cluster on edges (seed ${TEST_SEED})`, () => {
  const dir = tempDir('edges');
  const data = join(dir, 'synth.npy');
  const edges = join(dir, 'edges.safetensors');
  const cuts = ['0.2', '0.3', '0.45'];

  it('gives the dense path\'s clusters, and refuses what would not be exact', () => {
    const seed = String(TEST_SEED % 100000);
    expect(runCli(['synth', '-o', data, '--tokens', '1500', '--neurons', '300', '--groups', '12', '--seed', seed]).code).toBe(0);
    const corr = runCli(['corr', data, '--edges', '--max-cut', '0.45', '--max-memory', '300k', '-o', edges, '--json']);
    expect(corr.code, corr.stderr).toBe(0);
    const summary = JSON.parse(corr.stdout) as { minAbsR: number; plan: { jobs: number }; edges: number };
    expect(summary.minAbsR).toBeCloseTo(0.45, 12); // 1 − 0.45 − 0.1
    expect(summary.plan.jobs).toBeGreaterThan(1);
    expect(existsSync(`${edges}.tiles`)).toBe(false);
    expect(runCli(['corr', data, '-o', join(dir, 'corr.npy')]).code).toBe(0);

    for (const linkage of ['average', 'complete', 'single']) {
      const fromEdges = join(dir, `edges-${linkage}.json`);
      const dense = join(dir, `dense-${linkage}.json`);
      const a = runCli(['cluster', edges, '-t', ...cuts, '--linkage', linkage, '-o', fromEdges]);
      expect(a.code, a.stderr).toBe(0);
      expect(runCli(['cluster', join(dir, 'corr.npy'), '-t', ...cuts, '--linkage', linkage, '--precision', 'float64', '-o', dense]).code).toBe(0);
      const got = JSON.parse(readFileSync(fromEdges, 'utf8')) as { cuts: { labels: number[]; clusters: number }[]; edges: { certificate: { passes: number } } };
      const want = JSON.parse(readFileSync(dense, 'utf8')) as { cuts: { labels: number[]; clusters: number }[] };
      for (const [k, t] of cuts.entries()) {
        expect(samePartition(got.cuts[k]!.labels, want.cuts[k]!.labels), `${linkage} t = ${t}`).toBe(true);
        expect(got.cuts[k]!.clusters).toBe(want.cuts[k]!.clusters);
      }
      if (linkage !== 'average') expect(got.edges.certificate.passes).toBe(0);
    }

    const before = filesIn(dir);
    const refuse = (args: string[], message: string) => {
      const r = runCli(args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(message);
      expect(filesIn(dir)).toEqual(before);
    };
    refuse(['cluster', edges, '-t', '0.6', '-o', join(dir, 'x.json')], 'exact only for cuts <= 1 − 0.45');
    refuse(['cluster', edges, '-t', '0.3', '--linkage', 'ward', '-o', join(dir, 'x.json')], '--linkage must be single, complete, average');
    refuse(['cluster', edges, '-t', '0.3', '--representative', 'central', '-o', join(dir, 'x.json')], 'central needs every pair');
    refuse(['corr', data, '--edges', '-o', join(dir, 'e.safetensors')], 'Expected --min-abs-r τ or --max-cut t with --edges');
    refuse(['corr', data, '--edges', '--max-cut', '0.5', '--min-abs-r', '0.6', '-o', join(dir, 'e.safetensors')], 'give --min-abs-r <= 0.5');
    refuse(['corr', data, '--max-cut', '0.5', '-o', join(dir, 'e.npy')], 'only with --edges');
    refuse(['corr', data, '--edges', '--max-cut', '0.5', '--max-memory', 'lots', '-o', join(dir, 'e.safetensors')], "size like 8G");
    refuse(['cluster', join(dir, 'corr.npy'), '-t', '0.3', '--max-cut', '0.4', '-o', join(dir, 'x.json')], 'only with an edge file');
  });
});
