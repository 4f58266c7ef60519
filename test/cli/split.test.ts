/**
 * `neurosieve split` as a user runs it: the compat split of an .npy with NeuroX .label labels, a seeded balanced
 * split with --json, and bad input (exit code, message, no output directory).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpy } from '../../src/io/npy.js';
import { compatSplit } from '../../src/split/split-rows.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { npyBytes } from '../helpers/formats.js';

/** 40 rows × 2 neurons, row t = [t, −t]; labels A/B in NeuroX .label text, 4 per line. */
function taskDir() {
  const dir = tempDir('split');
  const T = 40;
  const x = Float32Array.from({ length: T * 2 }, (_, i) => (i % 2 ? -1 : 1) * Math.floor(i / 2));
  writeFileSync(join(dir, 'acts.npy'), npyBytes(x, [T, 2], 'float32'));
  const names = Array.from({ length: T }, (_, t) => (t % 3 === 0 ? 'B' : 'A'));
  const lines: string[] = [];
  for (let t = 0; t < T; t += 4) lines.push(names.slice(t, t + 4).join(' '));
  writeFileSync(join(dir, 'train.label'), lines.join('\n') + '\n');
  return { dir, T, names };
}

describe('neurosieve split', () => {
  it('compat by default: seed 7361, 90% train, and a summary', () => {
    const { dir, T } = taskDir();
    const out = join(dir, 'out');
    const r = runCli(['split', join(dir, 'acts.npy'), '--labels', join(dir, 'train.label'), '-o', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`compat split (seed 7361) of ${T} rows`);
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(m.labels).toEqual(['A', 'B']);
    expect(m.splits.train.rows).toBe(36);
    expect([...(readNpy(join(out, 'train-index.npy')).data as Int32Array)]).toEqual([...compatSplit(T).train]);
  });

  it('--seed --train --dev --test --balance --json: a balanced three-way split', () => {
    const { dir } = taskDir();
    const out = join(dir, 'out');
    const r = runCli(['split', join(dir, 'acts.npy'), '-l', join(dir, 'train.label'), '-o', out, '--seed', '5', '--train', '0.5', '--dev', '0.25', '--test', '0.25', '--balance', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ mode: 'seeded', seed: 5, balanced: true });
    for (const part of ['train', 'dev', 'test']) expect(j.parts[part].counts[0], part).toBe(j.parts[part].counts[1]);
  });

  it('rejects --test with the compat split and mismatched labels, leaving no output', () => {
    const { dir } = taskDir();
    const out = join(dir, 'out');
    let r = runCli(['split', join(dir, 'acts.npy'), '-l', join(dir, 'train.label'), '-o', out, '--compat', '--test', '0.1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Expected no --test with the compat split (train/dev only; give --seed without --compat for train/dev/test) but received --test 0.1');
    writeFileSync(join(dir, 'short.label'), 'A B\n');
    r = runCli(['split', join(dir, 'acts.npy'), '-l', join(dir, 'short.label'), '-o', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('short.label: holds 2 labels but the activations have 40 rows; labels must be aligned one per row');
    r = runCli(['split', join(dir, 'acts.npy'), '-l', join(dir, 'train.label'), '-o', out, '--seed', '1', '--train', '0.9', '--dev', '0.2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Expected fractions summing to 1 for fractions but received a sum of 1.1');
    expect(existsSync(out)).toBe(false);
  });
});
