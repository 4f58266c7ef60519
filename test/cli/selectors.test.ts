/**
 * Neuron selectors through the CLI, as the seed pipeline's glue used them (issue 13): a probe on layers, a probe on
 * a ranking's first k, corr and cluster on a subset with clusters.json naming original ids, a probe on a cut's
 * kept neurons, and `neurosieve ablate`. Planted (seeded): 12 neurons in 3 layers of 4; class k shifts neuron 3k+1
 * (neurons 1, 4, 7), and neuron 9 is a noisy copy of neuron 1, so a cluster cut at 0.3 joins them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readProbe } from '../../src/probe/probe-file.js';
import { filesIn, runCli, tempDir } from '../helpers/cli.js';
import { npyBytes, prng, randn } from '../helpers/formats.js';
import { TEST_SEED } from '../helpers/planted.js';

console.log(`cli-selectors.test.ts seed ${TEST_SEED} (set NEUROSIEVE_TEST_SEED to reproduce)`);

function taskFiles(dir: string, name: string, T: number, seed: number): void {
  const D = 12;
  const rand = prng(seed);
  const noise = randn(T * D, rand);
  const ids: number[] = [];
  const x = new Float32Array(T * D);
  for (let t = 0; t < T; t++) {
    const y = Math.floor(rand() * 3);
    ids.push(y);
    for (let j = 0; j < D; j++) x[t * D + j] = 5 + noise[t * D + j]! + (j === 3 * y + 1 ? 2 : 0);
    x[t * D + 9] = x[t * D + 1]! + 0.05 * noise[t * D + 9]!;
  }
  writeFileSync(join(dir, `${name}.npy`), npyBytes(x, [T, D], 'float32'));
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(ids.map((i) => ['NAME', 'OP', 'STRING'][i])));
}

describe('selectors in the CLI', () => {
  const dir = tempDir('cli-selectors');
  taskFiles(dir, 'train', 600, TEST_SEED + 41);
  taskFiles(dir, 'dev', 200, TEST_SEED + 42);
  const train = join(dir, 'train.npy');
  const trainLabels = join(dir, 'train.json');
  const probe = (out: string, ...columns: string[]) =>
    runCli(['probe', train, '--labels', trainLabels, '--mode', 'exact', '--neurons-per-layer', '4', '--columns', ...columns, '-o', join(dir, out), '-q']);

  it('probe on layers, on a ranking\'s first k, and rank restricted to ids', () => {
    const r = probe('layers.json', 'layers:0-1', '11');
    expect(r.stderr).toBe('');
    expect(readProbe(join(dir, 'layers.json')).columns).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 11]);
    const rk = runCli(['rank', join(dir, 'layers.json'), '--columns', '0-7', '-o', join(dir, 'ranking.json'), '-q']);
    expect(rk.stderr).toBe('');
    const ranking = JSON.parse(readFileSync(join(dir, 'ranking.json'), 'utf8'));
    expect(ranking.columns).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(ranking.ordering.slice(0, 2).sort()).toEqual([1, 4]); // the planted neurons of layers 0-1 lead
    const k = probe('top2.json', `${join(dir, 'ranking.json')}#2`);
    expect(k.stderr).toBe('');
    expect(readProbe(join(dir, 'top2.json')).columns).toEqual(ranking.ordering.slice(0, 2));
  });

  it('corr and cluster on a subset; clusters.json names original ids; a probe on a cut', () => {
    const corr = join(dir, 'corr.npy');
    const c = runCli(['corr', train, '--columns', 'layer:2', '1', '--neurons-per-layer', '4', '-o', join(dir, 'sub-corr.npy'), '-q']);
    expect(c.stderr).toBe('');
    expect(JSON.parse(readFileSync(join(dir, 'sub-corr.npy.json'), 'utf8'))).toMatchObject({ neurons: 5, columns: [8, 9, 10, 11, 1] });
    expect(runCli(['corr', train, '-o', corr, '-q']).code).toBe(0);
    const clusters = join(dir, 'clusters.json');
    const k = runCli(['cluster', corr, '--columns', '9,1,2,5', '-t', '0.3', '0.9', '-o', clusters, '-q']);
    expect(k.stderr).toBe('');
    const file = JSON.parse(readFileSync(clusters, 'utf8'));
    expect(file).toMatchObject({ format: 'neurosieve-clusters', version: 1, neurons: 4, columns: [9, 1, 2, 5] });
    const cut = file.cuts[0];
    expect(cut.clusters).toBe(3); // {9, 1} join; 2 and 5 stay alone
    expect(cut.keptNeurons.filter((n: number) => n === 1 || n === 9)).toHaveLength(1);
    expect(cut.keptNeurons).toEqual(expect.arrayContaining([2, 5]));
    const p = probe('cut.json', `${clusters}@0.3`);
    expect(p.stderr).toBe('');
    expect(readProbe(join(dir, 'cut.json')).columns).toEqual(cut.keptNeurons);
    const bad = runCli(['probe', train, '--labels', trainLabels, '--columns', clusters, '-o', join(dir, 'x.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`Expected a threshold suffix (one of @0.3, @0.9) for --columns but received '${clusters}'`);
  });

  it('ablate: --remove and --keep with selectors, --zero, metrics before and after', () => {
    expect(probe('all.json', '0-11').code).toBe(0);
    const all = join(dir, 'all.json');
    const out = join(dir, 'ablation.json');
    const dev = [join(dir, 'dev.npy'), '--labels', join(dir, 'dev.json')];
    const r = runCli(['ablate', all, ...dev, '--remove', '4', '7', '-o', out, '--json']);
    expect(r.stderr).toBe('');
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ mode: 'filter', neurons: 12, kept: 10, removed: 2 });
    expect(summary.before.accuracy).toBeGreaterThan(0.8);
    expect(summary.after.accuracy).toBeLessThan(summary.before.accuracy - 0.2);
    const file = JSON.parse(readFileSync(out, 'utf8'));
    expect(file).toMatchObject({ format: 'neurosieve-ablation', version: 1, mode: 'filter', keptCount: 10, removedCount: 2, removed: [4, 7] });
    const e = runCli(['evaluate', all, ...dev, '--json']);
    expect(JSON.parse(e.stdout).accuracy).toBe(file.before.accuracy);

    const keep = runCli(['ablate', all, ...dev, '--keep', 'layer:0', '--neurons-per-layer', '4', '--zero', '-o', out, '--json']);
    expect(keep.stderr).toBe('');
    expect(JSON.parse(keep.stdout)).toMatchObject({ mode: 'zero', kept: 4, removed: 8 });

    const before = filesIn(dir);
    const both = runCli(['ablate', all, ...dev, '--keep', '1', '--remove', '2', '-o', join(dir, 'no.json')]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("Expected exactly one of --remove and --keep for 'neurosieve ablate' but received both");
    const range = runCli(['ablate', all, ...dev, '--remove', '10-12', '-o', join(dir, 'no.json')]);
    expect(range.code).toBe(2);
    expect(range.stderr).toContain("Expected neuron ids in [0, 11] (width 12) for --remove but received 12 in '10-12'");
    const unseen = runCli(['ablate', join(dir, 'top2.json'), ...dev, '--remove', '0', '-o', join(dir, 'no.json')]);
    expect(unseen.code).toBe(2);
    expect(unseen.stderr).toContain("Expected neuron ids among the probe's 2 inputs (its columns) for --remove but received 0");
    const h = runCli(['ablate', all, ...dev, '--remove', 'layer:1', '--neurons-per-layer', '5', '-o', join(dir, 'no.json')]);
    expect(h.code).toBe(2);
    expect(h.stderr).toContain('Expected neurons per layer dividing the width 12 for --neurons-per-layer but received 5');
    const none = runCli(['ablate', all, ...dev, '--remove', 'layer:1', '-o', join(dir, 'no.json')]);
    expect(none.stderr).toContain("Expected a layer layout (an extract output's manifest.json, or neurons per layer: --neurons-per-layer H) for --remove but received 'layer:1' with none known");
    expect(filesIn(dir)).toEqual(before);
  });
});
