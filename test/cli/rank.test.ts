/**
 * `neurosieve rank` as a user runs it: weight orderings and selections from a probe file, probeless and AP
 * rankings from activation files and labels, --json, and bad input (exit code, message, nothing written).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProbe, type Probe } from '../../src/probe/probe-file.js';
import { filesIn, runCli, tempDir } from '../helpers/cli.js';
import { npyBytes, prng, randn } from '../helpers/formats.js';
import { TEST_SEED } from '../helpers/planted.js';

/** The weights of test/rank.test.ts (eighths): ordering at stride 4 is 0 1 | 2 | 3 4, neuron 5 unranked. */
function probeDir(columns?: number[]) {
  const dir = tempDir('rank');
  const p: Probe = {
    classes: ['a', 'b'],
    neurons: 6,
    ...(columns ? { columns } : {}),
    mode: 'exact',
    options: {},
    weight: Float32Array.from([4, 1, 3, 0, 1, 0, 0, 3, -3, 1, -1, 0], (v) => v / 8),
    bias: new Float32Array(2),
  };
  writeProbe(join(dir, 'probe.json'), p);
  return dir;
}

/** Activations where neuron 3k+1 shifts by +3 on class k's rows; labels as NeuroX .label text (4 per line). */
function taskDir(T = 400, D = 12) {
  const dir = tempDir('rank-task');
  const rand = prng(TEST_SEED + 77);
  const noise = randn(T * D, rand);
  const names = ['NAME', 'OP', 'STRING'];
  const ids: number[] = [];
  const x = new Float32Array(T * D);
  for (let t = 0; t < T; t++) {
    const y = Math.floor(rand() * 3);
    ids.push(y);
    for (let j = 0; j < D; j++) x[t * D + j] = noise[t * D + j]! + (j === 3 * y + 1 ? 3 : 0);
  }
  writeFileSync(join(dir, 'acts.npy'), npyBytes(x, [T, D], 'float32'));
  const lines: string[] = [];
  for (let t = 0; t < T; t += 4) lines.push(ids.slice(t, t + 4).map((i) => names[i]).join(' '));
  writeFileSync(join(dir, 'labels.label'), lines.join('\n') + '\n');
  return { dir, x, ids };
}

describe('neurosieve rank', () => {
  it('--method weights: the NeuroX ordering with cutoffs, unranked neurons, a --json summary', () => {
    const dir = probeDir();
    const out = join(dir, 'ranking.json');
    const r = runCli(['rank', join(dir, 'probe.json'), '--method', 'weights', '--stride', '4', '-o', out, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ output: out, method: 'weights', selection: 'ordering', neurons: 6, ranked: 5, unranked: 1, top: [0, 1, 2, 3, 4] });
    const ranking = JSON.parse(readFileSync(out, 'utf8'));
    expect(ranking).toMatchObject({ format: 'neurosieve-ranking', version: 1, ordering: [0, 1, 2, 3, 4], cutoffs: [2, 2, 3, 3, 5], unranked: [5], classes: ['a', 'b'], options: { stride: 4 } });
    expect(filesIn(dir)).toEqual(['probe.json', 'probe.safetensors', 'ranking.json']);
  });

  it('--fraction selects the top weight mass; original ids for a subset probe; human summary', () => {
    const dir = probeDir([60, 10, 50, 20, 40, 30]);
    const out = join(dir, 'top.json');
    const r = runCli(['rank', join(dir, 'probe.json'), '--fraction', '0.5', '-o', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`weights top: 3 of 6 neurons selected -> ${out}`);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ selection: 'top', selected: [10, 50, 60], perClass: { a: [60, 50], b: [10, 50] }, columns: [60, 10, 50, 20, 40, 30] });
    const t = runCli(['rank', join(dir, 'probe.json'), '--selection', 'threshold', '--divisor', '2', '-o', join(dir, 't.json'), '-q']);
    expect(t.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 't.json'), 'utf8')).selected).toEqual([10, 50, 60]);
  });

  it('--method probeless and iou rank the planted neurons first from .npy activations and .label text', () => {
    const { dir } = taskDir();
    for (const method of ['probeless', 'iou']) {
      const out = join(dir, `${method}.json`);
      const r = runCli(['rank', '--method', method, '--activations', join(dir, 'acts.npy'), '--labels', join(dir, 'labels.label'), '-o', out, '--threads', '1', '--json']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const ranking = JSON.parse(readFileSync(out, 'utf8'));
      expect(ranking.ordering.slice(0, 3).sort((a: number, b: number) => a - b), method).toEqual([1, 4, 7]);
      expect(ranking.classes).toEqual(['NAME', 'OP', 'STRING']);
      expect(ranking.perClass.OP[0]).toBe(4);
      expect(ranking.scores.length).toBe(12);
    }
    // Same bytes for any thread count.
    const two = join(dir, 'iou-2.json');
    expect(runCli(['rank', '--method', 'iou', '--activations', join(dir, 'acts.npy'), '--labels', join(dir, 'labels.label'), '-o', two, '--threads', '2', '-q']).code).toBe(0);
    expect(readFileSync(two, 'utf8')).toBe(readFileSync(join(dir, 'iou.json'), 'utf8'));
    const c = runCli(['rank', '--method', 'iou', '--class', 'STRING', '--activations', join(dir, 'acts.npy'), '--labels', join(dir, 'labels.label'), '-o', join(dir, 'c.json'), '--json']);
    expect(c.code).toBe(0);
    expect(JSON.parse(c.stdout).top[0]).toBe(7);
  });

  it('--method gaussian selects the planted neurons first, reports information and accuracy, same bytes on 1 and 2 threads', () => {
    const { dir } = taskDir();
    const outs = ['1', '2'].map((threads) => {
      const out = join(dir, `gaussian-${threads}.json`);
      const r = runCli(['rank', '--method', 'gaussian', '--select', '4', '--activations', join(dir, 'acts.npy'), '--labels', join(dir, 'labels.label'), '-o', out, '--threads', threads]);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/gaussian: 4 of 12 neurons ranked/);
      expect(r.stdout).toMatch(/train mutual information [0-9.]+ of 1\.[0-9]+ bits, accuracy [0-9.]+ with 4 neurons/);
      return out;
    });
    expect(readFileSync(outs[1]!, 'utf8')).toBe(readFileSync(outs[0]!, 'utf8'));
    const ranking = JSON.parse(readFileSync(outs[0]!, 'utf8'));
    expect(ranking.ordering.slice(0, 3).sort((a: number, b: number) => a - b)).toEqual([1, 4, 7]);
    expect(ranking.gaussian.informationBits).toHaveLength(4);
    expect(ranking.gaussian.accuracy[2]).toBeGreaterThan(0.9);
    expect(ranking.options).toEqual({ select: 4 });
    const bad = runCli(['rank', '--method', 'gaussian', '--zero-below', '0.1', '--activations', join(dir, 'acts.npy'), '--labels', join(dir, 'labels.label'), '-o', join(dir, 'no.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("Expected no zeroBelow for method 'gaussian'");
  });

  it('bad input: a clear message, a nonzero exit, nothing written', () => {
    const { dir, x } = taskDir(40, 6);
    const probe = probeDir();
    const out = join(dir, 'r.json');
    const before = filesIn(dir);
    const cases: [string[], number, string][] = [
      [['rank', '--method', 'weights', '-o', out], 2, "error E_ARGUMENT: Expected a probe file for neurosieve rank --method weights but received none"],
      [['rank', '--method', 'probeless', '--activations', join(dir, 'acts.npy'), '-o', out], 2, 'error E_ARGUMENT: Expected --activations and --labels for neurosieve rank --method probeless but received no --labels'],
      [['rank', join(probe, 'probe.json'), '--stride', '0', '-o', out], 2, 'error E_ARGUMENT: Expected an integer in [1, 10000000] for stride but received 0'],
      [['rank', join(probe, 'probe.json'), '--fraction', '0.5', '--stride', '10', '-o', out], 2, "error E_ARGUMENT: Expected no stride for selection 'top' but received 10"],
      [['rank', '--method', 'probeless', '--fraction', '0.2', '--activations', join(dir, 'acts.npy'), '--labels', join(dir, 'labels.label'), '-o', out], 2, "error E_ARGUMENT: Expected no fraction for method 'probeless' but received 0.2"],
      [['rank', join(probe, 'probe.json'), '--strid', '4', '-o', out], 2, "Unknown option '--strid' for 'neurosieve rank'"],
      [['rank', join(dir, 'missing.json'), '-o', out], 1, `error E_IO: ${join(dir, 'missing.json')}: cannot read probe`],
    ];
    for (const [args, code, msg] of cases) {
      const r = runCli(args);
      expect(r.code, args.join(' ')).toBe(code);
      expect(r.stderr, args.join(' ')).toContain(msg);
    }
    // labels count != rows
    writeFileSync(join(dir, 'short.json'), JSON.stringify([0, 1, 0]));
    const s = runCli(['rank', '--method', 'iou', '--activations', join(dir, 'acts.npy'), '--labels', join(dir, 'short.json'), '-o', out]);
    expect(s.code).toBe(1);
    expect(s.stderr).toContain(`error E_SHAPE: ${join(dir, 'short.json')}: holds 3 labels but the activations have 40 rows`);
    // NaN in the activations names file, row and neuron
    const bad = x.slice();
    bad[5 * 6 + 2] = NaN;
    writeFileSync(join(dir, 'nan.npy'), npyBytes(bad, [40, 6], 'float32'));
    const n = runCli(['rank', '--method', 'probeless', '--activations', join(dir, 'nan.npy'), '--labels', join(dir, 'labels.label'), '-o', out]);
    expect(n.code).toBe(1);
    expect(n.stderr).toContain(`error E_NONFINITE: ${join(dir, 'nan.npy')}: NaN at row 5, neuron 2;`);
    expect(filesIn(dir)).toEqual([...before, 'nan.npy', 'short.json'].sort());
  });
});
