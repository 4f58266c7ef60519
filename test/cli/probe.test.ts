/**
 * `neurosieve probe --mode exact` and `neurosieve evaluate` as a user runs them: a probe file with its sidecar,
 * metrics on a validation set, a subset of columns, ranking the written probe, --json summaries, and bad input
 * (exit code, message, nothing written). Compat mode is tested with its trainer.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readProbe } from '../../src/probe/probe-file.js';
import { filesIn, runCli, tempDir } from '../helpers/cli.js';
import { npyBytes, prng, randn } from '../helpers/formats.js';
import { TEST_SEED } from '../helpers/planted.js';

console.log(`cli-probe.test.ts seed ${TEST_SEED} (set NEUROSIEVE_TEST_SEED to reproduce)`);

/** Neuron 3k+1 shifts by +3 on class k's rows (offset activations); labels as NeuroX .label text. */
function taskFiles(dir: string, name: string, T: number, D: number, seed: number) {
  const rand = prng(seed);
  const noise = randn(T * D, rand);
  const names = ['NAME', 'OP', 'STRING'];
  const ids: number[] = [];
  const x = new Float32Array(T * D);
  for (let t = 0; t < T; t++) {
    const y = Math.floor(rand() * 3);
    ids.push(y);
    for (let j = 0; j < D; j++) x[t * D + j] = 5 + noise[t * D + j]! + (j === 3 * y + 1 ? 3 : 0);
  }
  writeFileSync(join(dir, `${name}.npy`), npyBytes(x, [T, D], 'float32'));
  const lines: string[] = [];
  for (let t = 0; t < T; t += 5) lines.push(ids.slice(t, t + 5).map((i) => names[i]).join(' '));
  writeFileSync(join(dir, `${name}.label`), lines.join('\n') + '\n');
}

describe('neurosieve probe --mode exact', () => {
  const dir = tempDir('cli-probe');
  taskFiles(dir, 'train', 600, 12, TEST_SEED + 31);
  taskFiles(dir, 'dev', 200, 12, TEST_SEED + 32);

  it('writes probe.json + probe.safetensors with metrics and the solver report; evaluate agrees; rank reads it', () => {
    const out = join(dir, 'probe.json');
    const r = runCli(['probe', join(dir, 'train.npy'), '--labels', join(dir, 'train.label'), '--mode', 'exact', '--alpha', '0.8',
      '--validation-activations', join(dir, 'dev.npy'), '--validation-labels', join(dir, 'dev.label'), '--tol', '1e-8', '--threads', '2', '-o', out, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ output: out, mode: 'exact', classes: 3, neurons: 12, rows: 600, converged: true, warning: null });
    expect(summary.validationAccuracy).toBeGreaterThan(0.8);
    expect(existsSync(join(dir, 'probe.safetensors'))).toBe(true);
    const probe = readProbe(out);
    expect(probe.classes).toEqual(['NAME', 'OP', 'STRING']);
    expect(probe.normalization).toBe('zscore');
    expect(probe.options).toMatchObject({ mode: 'exact', alpha: 0.8, tol: 1e-8 });
    expect(probe.solver).toMatchObject({ solver: 'fista', criterion: 'kkt', converged: true, alpha: 0.8 });
    const metrics = probe.metrics as { train: { accuracy: number }; validation: { accuracy: number } };
    expect(summary.validationAccuracy).toBe(metrics.validation.accuracy);

    const mOut = join(dir, 'metrics.json');
    const e = runCli(['evaluate', out, join(dir, 'dev.npy'), '--labels', join(dir, 'dev.label'), '-o', mOut, '--json']);
    expect(e.code).toBe(0);
    expect(JSON.parse(readFileSync(mOut, 'utf8'))).toEqual(metrics.validation);
    expect(JSON.parse(e.stdout).accuracy).toBe(metrics.validation.accuracy);

    const rk = runCli(['rank', out, '--method', 'weights', '--fraction', '0.3', '-o', join(dir, 'ranking.json'), '--json']);
    expect(rk.code).toBe(0);
    const ranking = JSON.parse(readFileSync(join(dir, 'ranking.json'), 'utf8'));
    expect(ranking.perClass.NAME[0]).toBe(1);
    expect(ranking.perClass.OP[0]).toBe(4);
    expect(ranking.perClass.STRING[0]).toBe(7);
  });

  it('--columns trains on a subset and the probe keeps the original ids; --no-zscore stores no statistics', () => {
    const out = join(dir, 'sub.json');
    const r = runCli(['probe', join(dir, 'train.npy'), '--labels', join(dir, 'train.label'), '--mode', 'exact', '--columns', '1', '4', '7', '0',
      '--no-zscore', '-o', out, '-q']);
    expect(r.code).toBe(0);
    const probe = readProbe(out);
    expect(probe.columns).toEqual([1, 4, 7, 0]);
    expect(probe.neurons).toBe(4);
    expect(probe.normalization).toBeUndefined();
    const e = runCli(['evaluate', out, join(dir, 'dev.npy'), '--labels', join(dir, 'dev.label'), '--json']);
    expect(e.code).toBe(0);
    expect(JSON.parse(e.stdout).accuracy).toBeGreaterThan(0.8);
  });

  it('bad input: exit code, message, nothing written', () => {
    const bad = tempDir('cli-probe-bad');
    writeFileSync(join(bad, 'short.json'), JSON.stringify(new Array(10).fill('a')));
    const before = filesIn(bad);
    const r = runCli(['probe', join(dir, 'train.npy'), '--labels', join(bad, 'short.json'), '--mode', 'exact', '-o', join(bad, 'p.json')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join(bad, 'short.json')}: holds 10 labels but the activations have 600 rows; labels must be aligned one per row`);
    expect(filesIn(bad)).toEqual(before);
    const a = runCli(['probe', join(dir, 'train.npy'), '--labels', join(dir, 'train.label'), '--mode', 'exact', '--alpha', '3', '-o', join(bad, 'p.json')]);
    expect(a.code).toBe(2); // E_ARGUMENT: bad usage
    expect(a.stderr).toContain('Expected a number in [0, 1] for alpha but received 3');
    const g = runCli(['probe', join(dir, 'train.npy'), '--labels', join(dir, 'train.label'), '--mode', 'exact', '--epochs', '3', '-o', join(bad, 'p.json')]);
    expect(g.code).toBe(2);
    expect(g.stderr).toContain("Expected no epochs for mode 'exact' but received 3");
    expect(filesIn(bad)).toEqual(before);
  });
});

describe('neurosieve probe --init', () => {
  const dir = tempDir('cli-probe-init');
  taskFiles(dir, 'train', 300, 9, TEST_SEED + 41);

  it('continues from a probe on the same classes and neurons, and refuses one on other neurons', () => {
    const first = join(dir, 'first.json');
    const base = ['probe', join(dir, 'train.npy'), '--labels', join(dir, 'train.label'), '--epochs', '1'];
    expect(runCli([...base, '--columns', '0', '1', '4', '-o', first]).code).toBe(0);
    const next = join(dir, 'next.json');
    const r = runCli([...base, '--columns', '0', '1', '4', '--init', first, '-o', next]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const probe = readProbe(next);
    expect(probe.options).toMatchObject({ init: first });
    expect(probe.solver).toMatchObject({ init: 'given weights (seed unused)' });

    const other = join(dir, 'other.json');
    const bad = runCli([...base, '--columns', '0', '1', '5', '--init', first, '-o', other]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`Expected a probe on the same neurons as this training (3 given columns) for init (${first}) but received one on 3 columns in another order or set`);
    expect(existsSync(other)).toBe(false);
  });
});

/** y = 2·x1 − x4 + 0.5·x7 + 3 + noise (features with offsets); targets as a float64 .npy [rows]. */
function regressionFiles(dir: string, name: string, T: number, D: number, seed: number) {
  const rand = prng(seed);
  const noise = randn(T * D, rand);
  const eps = randn(T, rand, 0.2);
  const x = new Float32Array(T * D);
  const y = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    for (let j = 0; j < D; j++) x[t * D + j] = 4 + noise[t * D + j]!;
    y[t] = 2 * x[t * D + 1]! - x[t * D + 4]! + 0.5 * x[t * D + 7]! + 3 + eps[t]!;
  }
  writeFileSync(join(dir, `${name}.npy`), npyBytes(x, [T, D], 'float32'));
  writeFileSync(join(dir, `${name}-y.npy`), npyBytes(y, [T], 'float64'));
}

describe('neurosieve probe --targets (regression)', () => {
  const dir = tempDir('cli-regression');
  regressionFiles(dir, 'train', 500, 10, TEST_SEED + 41);
  regressionFiles(dir, 'dev', 200, 10, TEST_SEED + 42);

  for (const mode of ['exact', 'compat']) {
    it(`--mode ${mode}: a regression probe file; evaluate --targets agrees; rank reads its weights`, () => {
      const out = join(dir, `${mode}.json`);
      const extra = mode === 'compat' ? ['--zscore', '--lr', '0.05', '--epochs', '30'] : [];
      const r = runCli(['probe', join(dir, 'train.npy'), '--targets', join(dir, 'train-y.npy'), '--mode', mode, '--validation-activations', join(dir, 'dev.npy'), '--validation-targets', join(dir, 'dev-y.npy'), '-o', out, '--json', ...extra]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const summary = JSON.parse(r.stdout);
      expect(summary).toMatchObject({ task: 'regression', outputs: 1, neurons: 10, rows: 500 });
      expect(summary.validationR2).toBeGreaterThan(0.95);
      const probe = readProbe(out);
      expect(probe.task).toBe('regression');
      expect(probe.classes).toEqual(['target']);
      const e = runCli(['evaluate', out, join(dir, 'dev.npy'), '--targets', join(dir, 'dev-y.npy'), '--json']);
      expect(e.code).toBe(0);
      expect(JSON.parse(e.stdout).r2).toBeCloseTo(summary.validationR2, 12);
      const k = runCli(['rank', out, '--method', 'weights', '--selection', 'top', '--fraction', '0.8', '-o', join(dir, `${mode}-rank.json`), '--json']);
      expect(k.code).toBe(0);
      expect(JSON.parse(readFileSync(join(dir, `${mode}-rank.json`), 'utf8')).selected).toEqual(expect.arrayContaining([1, 4]));
    });
  }

  it('bad input: labels and targets together, a classification probe given targets, NaN targets', () => {
    const both = runCli(['probe', join(dir, 'train.npy'), '--targets', join(dir, 'train-y.npy'), '--labels', join(dir, 'train-y.npy'), '-o', join(dir, 'x.json')]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("Expected one of --labels (classification) and --targets (regression) for 'neurosieve probe' but received both");
    const y = new Float64Array(500).fill(1);
    y[123] = NaN;
    writeFileSync(join(dir, 'nan-y.npy'), npyBytes(y, [500], 'float64'));
    const nan = runCli(['probe', join(dir, 'train.npy'), '--targets', join(dir, 'nan-y.npy'), '--mode', 'exact', '-o', join(dir, 'nan.json')]);
    expect(nan.code).not.toBe(0);
    expect(nan.stderr).toContain('nan-y.npy');
    expect(nan.stderr).toContain('row 123');
    expect(existsSync(join(dir, 'nan.json'))).toBe(false);
    const wrong = runCli(['evaluate', join(dir, 'exact.json'), join(dir, 'dev.npy'), '--labels', join(dir, 'dev-y.npy')]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('Expected --targets (and not --labels) for the regression probe');
  });
});
