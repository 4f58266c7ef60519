/**
 * `neurosieve cka` as a user runs it: the JSON document, stats round trips (version 2 for --debiased), and bad
 * input — a clear message, exit code 2 for usage (1 otherwise), and no output written.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesIn, runCli, tempDir } from '../helpers/cli.js';
import { npyBytes } from '../helpers/formats.js';
import { planted, TEST_SEED } from '../helpers/planted.js';

function dataDir(rows = 80, cols = 12) {
  const dir = tempDir('cli-cka');
  const p = planted(rows, cols, TEST_SEED + 11);
  const path = join(dir, 'data.npy');
  writeFileSync(path, npyBytes(p.x, [rows, cols], 'float32'));
  return { dir, path };
}

const read = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

describe('neurosieve cka', () => {
  it('writes { format, version, estimator, layers, matrix, hsic, rows }; the v2 stats file gives the same matrix', () => {
    const { dir, path } = dataDir();
    const out = join(dir, 'cka.json');
    const r = runCli(['cka', path, '--layer-width', '4', '--debiased', '-o', out, '--stats-out', join(dir, 'run.stats'), '--threads', '2', '-q']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = read(out);
    expect(doc).toMatchObject({ format: 'neurosieve-cka', version: 1, estimator: 'debiased', layers: ['layer 0', 'layer 1', 'layer 2'], rows: 80 });
    expect(doc.matrix).toHaveLength(3);
    expect(doc.hsic).toHaveLength(3);
    const again = join(dir, 'again.json');
    expect(runCli(['cka', join(dir, 'run.stats'), '--debiased', '-o', again, '-q']).code).toBe(0);
    expect(read(again).matrix).toEqual(doc.matrix);
    expect(filesIn(dir)).toEqual(['again.json', 'cka.json', 'data.npy', 'run.stats']);
  });

  it('stats merge of version 2 shards keeps the layer sums: debiased CKA as from one pass (1e-6)', () => {
    const { dir } = dataDir();
    const p = planted(80, 12, TEST_SEED + 11);
    writeFileSync(join(dir, 's1.npy'), npyBytes(p.x.subarray(0, 30 * 12), [30, 12], 'float32'));
    writeFileSync(join(dir, 's2.npy'), npyBytes(p.x.subarray(30 * 12), [50, 12], 'float32'));
    for (const s of ['s1', 's2']) {
      expect(runCli(['cka', join(dir, `${s}.npy`), '--layer-width', '4', '--debiased', '-o', join(dir, `${s}.json`), '--stats-out', join(dir, `${s}.stats`), '-q']).code).toBe(0);
    }
    expect(runCli(['stats', 'merge', join(dir, 's1.stats'), join(dir, 's2.stats'), '-o', join(dir, 'm.stats'), '-q']).code).toBe(0);
    expect(runCli(['cka', join(dir, 'm.stats'), '--debiased', '-o', join(dir, 'm.json'), '-q']).code).toBe(0);
    expect(runCli(['cka', join(dir, 'data.npy'), '--layer-width', '4', '--debiased', '-o', join(dir, 'one.json'), '-q']).code).toBe(0);
    const [m, one] = [read(join(dir, 'm.json')), read(join(dir, 'one.json'))];
    expect(m.rows).toBe(80);
    (one.matrix as number[][]).forEach((row, i) => row.forEach((v, j) => expect(Math.abs(m.matrix[i][j] - v)).toBeLessThan(1e-6)));
  });

  it('linear CKA from a version 1 stats file (corr --stats-out)', () => {
    const { dir, path } = dataDir();
    expect(runCli(['corr', path, '-o', join(dir, 'c.npy'), '--stats-out', join(dir, 'v1.stats'), '-q']).code).toBe(0);
    expect(runCli(['cka', path, '--layer-width', '6', '-o', join(dir, 'a.json'), '-q']).code).toBe(0);
    expect(runCli(['cka', join(dir, 'v1.stats'), '--layer-width', '6', '-o', join(dir, 'b.json'), '-q']).code).toBe(0);
    const a = read(join(dir, 'a.json')).matrix as (number | null)[][];
    const b = read(join(dir, 'b.json')).matrix as (number | null)[][];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) expect(Math.abs((a[i]![j] ?? NaN) - (b[i]![j] ?? NaN))).toBeLessThan(1e-12);
  });

  it('--minibatch records its batches; --debiased with it, or --stats-out with it, is bad usage', () => {
    const { dir, path } = dataDir();
    const out = join(dir, 'mb.json');
    expect(runCli(['cka', path, '--layer-width', '4', '--minibatch', '--batches', '2', '--batch-size', '30', '--seed', '3', '-o', out, '-q']).code).toBe(0);
    expect(read(out)).toMatchObject({ estimator: 'minibatch', rows: 80, minibatch: { batches: 2, batchSize: 30, seed: 3 } });
    const both = runCli(['cka', path, '--layer-width', '4', '--minibatch', '--debiased', '-o', join(dir, 'x.json')]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('Expected one of --debiased and --minibatch for neurosieve cka but received both');
    expect(runCli(['cka', path, '--layer-width', '4', '--minibatch', '--stats-out', join(dir, 's.stats'), '-o', join(dir, 'x.json')]).code).toBe(2);
    const few = runCli(['cka', path, '--layer-width', '4', '--minibatch', '-o', join(dir, 'x.json')]);
    expect(few.code).toBe(2);
    expect(few.stderr).toContain('Expected at least 25000 rows for 5 minibatches of 5000 rows but received 80');
    expect(filesIn(dir)).toEqual(['data.npy', 'mb.json']);
  });

  it('--other: CKA between two models over the same rows, rows × columns = first × other layers', () => {
    const { dir, path } = dataDir();
    const out = join(dir, 'ab.json');
    const r = runCli(['cka', path, '--layer-width', '6', '--other', path, '--other-layer-width', '4', '--debiased', '-o', out, '-q']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = read(out);
    expect(doc).toMatchObject({ estimator: 'debiased', layers: ['layer 0', 'layer 1'], otherLayers: ['layer 0', 'layer 1', 'layer 2'], rows: 80 });
    expect(doc.matrix).toHaveLength(2);
    expect(doc.matrix[0]).toHaveLength(3);
    expect(doc.hsicSelf).toHaveLength(2);
    const stats = runCli(['corr', path, '-o', join(dir, 'c.npy'), '--stats-out', join(dir, 'v1.stats'), '-q']);
    expect(stats.code).toBe(0);
    const bad = runCli(['cka', path, '--layer-width', '6', '--other', join(dir, 'v1.stats'), '-o', join(dir, 'x.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("v1.stats: Expected activations for CKA between two models (a stats file holds no products with the other model's neurons) but received a stats file");
    expect(filesIn(dir)).toEqual(['ab.json', 'c.npy', 'c.npy.json', 'data.npy', 'v1.stats']);
  });

  describe('bad input: clear error, exit code, nothing written', () => {
    it('debiased CKA from a version 1 stats file names the missing sums', () => {
      const { dir, path } = dataDir();
      expect(runCli(['corr', path, '-o', join(dir, 'c.npy'), '--stats-out', join(dir, 'v1.stats'), '-q']).code).toBe(0);
      const before = filesIn(dir);
      const r = runCli(['cka', join(dir, 'v1.stats'), '--layer-width', '6', '--debiased', '-o', join(dir, 'out.json')]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('v1.stats: Expected stats with layer sums (version 2: layer_q, layer_P, layer_R, layer_shift) for debiased CKA');
      expect(filesIn(dir)).toEqual(before);
    });

    it('a layer width that does not divide the neurons', () => {
      const { dir, path } = dataDir();
      const r = runCli(['cka', path, '--layer-width', '5', '-o', join(dir, 'out.json'), '--stats-out', join(dir, 's.stats')]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('Expected a layerWidth dividing the 12 neurons but received 5');
      expect(filesIn(dir)).toEqual(['data.npy']);
    });

    it('no layers at all', () => {
      const { dir, path } = dataDir();
      const r = runCli(['cka', path, '-o', join(dir, 'out.json')]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('Expected layer blocks for cka');
      expect(filesIn(dir)).toEqual(['data.npy']);
    });

    it('a stats file among other inputs, and an output over an input', () => {
      const { dir, path } = dataDir();
      expect(runCli(['cka', path, '--layer-width', '6', '--debiased', '-o', join(dir, 'a.json'), '--stats-out', join(dir, 'run.stats'), '-q']).code).toBe(0);
      const before = filesIn(dir);
      const mixed = runCli(['cka', join(dir, 'run.stats'), path, '-o', join(dir, 'out.json')]);
      expect(mixed.code).toBe(2);
      expect(mixed.stderr).toContain('Expected one stats file or activation inputs for neurosieve cka');
      const over = runCli(['cka', path, '--layer-width', '6', '-o', path]);
      expect(over.code).toBe(2);
      expect(filesIn(dir)).toEqual(before);
    });

    it('a missing input file', () => {
      const { dir } = dataDir();
      const r = runCli(['cka', join(dir, 'nope.npy'), '--layer-width', '6', '-o', join(dir, 'out.json')]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('nope.npy');
      expect(filesIn(dir)).toEqual(['data.npy']);
    });
  });
});
