/**
 * `neurosieve analyze` as a user runs it: on an output directory laid out as `extract` writes it (manifest task,
 * blocks, split files with their row index into the words of the .in file), on activation files with labels, and
 * with bad input (exit code 2, or 1 for data that do not fit; a message naming the problem; nothing written). The results document round-trips
 * through readAnalysis.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAnalysis } from '../../src/analyze/results.js';
import { writeNpy } from '../../src/io/npy.js';
import { unpack } from '../../src/io/packed-array.js';
import { filesIn, runCli, tempDir } from '../helpers/cli.js';
import { npyBytes } from '../helpers/formats.js';
import { TEST_SEED } from '../helpers/planted.js';
import { plantedTask } from '../helpers/planted-task.js';

console.log(`cli-analyze.test.ts seed ${TEST_SEED} (set NEUROSIEVE_TEST_SEED to reproduce)`);

const task = plantedTask(2400, TEST_SEED, { L: 3, H: 8 });
const rowsOf = (from: number, to: number) => {
  const D = task.D;
  return { x: task.x.subarray(from * D, to * D), y: task.y.subarray(from, to), n: to - from };
};
// Quick settings: the point here is the command, not the analysis (test/analyze/ checks the numbers).
const quick = ['--seeds', '1', '--epochs', '20', '--thresholds', '-1', '0.3', '--deltas', '3:1', '--no-compare-exact'];

/** An `extract`-style directory: manifest.json with blocks and a tokens task, split files, the .in words. */
function outputDirectory(): string {
  const dir = tempDir('analyze-extract');
  mkdirSync(join(dir, 'tokens'));
  const splits: Record<string, unknown> = {};
  for (const [name, from, to] of [['train', 0, 1600], ['dev', 1600, 2000], ['test', 2000, 2400]] as const) {
    const part = rowsOf(from, to);
    writeFileSync(join(dir, `tokens/${name}.npy`), npyBytes(part.x, [part.n, task.D], 'float32'));
    writeNpy(join(dir, `tokens/${name}-labels.npy`), Int32Array.from(part.y), [part.n]);
    writeNpy(join(dir, `tokens/${name}-index.npy`), Int32Array.from({ length: part.n }, (_, i) => from + i), [part.n]);
    splits[name] = { activations: `tokens/${name}.npy`, labels: `tokens/${name}-labels.npy`, index: `tokens/${name}-index.npy`, rows: part.n };
  }
  // Five words per line of the .in file: rows are words in order.
  const lines: string[] = [];
  for (let t = 0; t < task.rows; t += 5) lines.push(task.words.slice(t, t + 5).join(' '));
  writeFileSync(join(dir, 'tokens/tokens.in'), lines.join('\n') + '\n');
  // Row positions as extract records them: every sentence on its own line of one source file.
  const positions = new Int32Array(task.rows * 5);
  for (let t = 0; t < task.rows; t++) positions.set([0, Math.floor(t / 5) + 1, 2 * (t % 5), Math.floor(t / 5) + 1, 2 * (t % 5) + 1], t * 5);
  writeNpy(join(dir, 'tokens/positions.npy'), positions, [task.rows, 5]);
  const blocks = Array.from({ length: task.L }, (_, l) => ({ name: `hidden_${l}`, offset: l * task.H, width: task.H }));
  writeFileSync(
    join(dir, 'manifest.json'),
    JSON.stringify({ format: 'neurosieve-activations', version: 1, blocks, sources: [{ path: 'a.py' }], tokens: { labels: task.classes, rows: task.rows, shards: [], labelsFile: 'tokens/labels.npy', neurox: { in: 'tokens/tokens.in' }, positions: 'tokens/positions.npy', splits } }),
  );
  return dir;
}

describe('neurosieve analyze', () => {
  it('an extract output directory: the table on stdout, the results file, layer names and words from the manifest', () => {
    const dir = outputDirectory();
    const out = join(dir, 'analysis.json');
    const r = runCli(['analyze', dir, ...quick, '-o', out]);
    expect(r.stderr).not.toMatch(/error/); // warnings (small sets) may appear
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\s+neurons\s+reduction\s+dev accuracy\s+test accuracy\s+setting$/m);
    for (const row of ['Oracle', 'LS', 'CC', 'LCA', 'LS+CC+LCA']) expect(r.stdout).toMatch(new RegExp(`^${row.replace(/\+/g, '\\+')}\\s+\\d+\\s+\\d+\\.\\d%`, 'm'));
    const results = readAnalysis(out);
    expect(results.data.rows).toEqual({ train: 1600, dev: 400, test: 400 });
    expect(results.data.layers.map((l) => l.name)).toEqual(['hidden_0', 'hidden_1', 'hidden_2']);
    expect(results.data.split).toEqual({ kind: 'given' });
    expect(results.inputs).toMatchObject({ task: 'tokens', splits: 'manifest' });
    const top = results.concepts.perClass.one![0]!;
    expect(top.layer).toBe('hidden_1');
    expect(top.topWords![0]!.word.startsWith('w1_')).toBe(true);
    // The report's context: top rows are task rows of the train split, in their sentence, with its source line.
    const v = results.views!;
    const rows = unpack(v.neurons!.top!.row);
    expect(rows.every((r) => r >= 0 && r < 1600)).toBe(true);
    for (const sentence of v.text!.sentences) {
      expect(sentence.source).toBe(`a.py:${sentence.index + 1}`);
      expect(sentence.words.map((w) => v.text!.vocabulary[w]).join(' ')).toBe(task.words.slice(5 * sentence.index, 5 * sentence.index + 5).join(' '));
    }
    // A written document reads back equal, and its JSON is what the file holds.
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(results);
  });

  it('activation files with labels, --json', () => {
    const dir = tempDir('analyze-files');
    const part = rowsOf(0, 2000);
    writeFileSync(join(dir, 'x.npy'), npyBytes(part.x, [part.n, task.D], 'float32'));
    writeFileSync(join(dir, 'y.json'), JSON.stringify({ labels: Array.from(part.y), classes: task.classes }));
    const out = join(dir, 'analysis.json');
    const r = runCli(['analyze', join(dir, 'x.npy'), '--labels', join(dir, 'y.json'), '--neurons-per-layer', String(task.H), ...quick, '-o', out, '--json']);
    expect(r.stderr).not.toMatch(/error/); // warnings (small sets) may appear
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.output).toBe(out);
    expect(summary.summary.map((s: { row: string }) => s.row)).toEqual(['Oracle', 'LS', 'CC', 'LCA', 'LS+CC+LCA']);
    const results = readAnalysis(out);
    expect(results.data.split).toEqual({ kind: 'compat', seed: 7361, trainFraction: 0.9 });
    expect(results.data.rows).toEqual({ train: 1800, dev: 200 });
  });

  it('bad input: exit code 2 (or 1 for data), the problem named, nothing written', () => {
    const dir = tempDir('analyze-bad');
    const part = rowsOf(0, 500);
    writeFileSync(join(dir, 'x.npy'), npyBytes(part.x, [part.n, task.D], 'float32'));
    writeFileSync(join(dir, 'y.json'), JSON.stringify({ labels: Array.from(part.y), classes: task.classes }));
    const before = filesIn(dir);
    const x = join(dir, 'x.npy');
    const y = join(dir, 'y.json');
    // Exit code 2 for a wrong command line, 1 for data that do not fit (src/cli.ts).
    const cases: Array<[string[], string, number?]> = [
      [['analyze', x, '-o', join(dir, 'a.json')], "Expected --labels with activation files for 'neurosieve analyze'"],
      [['analyze', x, '--labels', y, '-o', x], "Expected an output that is not an input for -o of 'neurosieve analyze' but received"],
      [['analyze', x, '--labels', y, '--deltas', '3', '-o', join(dir, 'a.json')], "Expected δ_L:δ_N pairs in percent (e.g. 3:1) for --deltas of 'neurosieve analyze' but received '3'"],
      [['analyze', x, '--labels', y, '--dev-activations', x, '-o', join(dir, 'a.json')], "Expected --dev-activations and --dev-labels together for 'neurosieve analyze' but received only one"],
      [['analyze', x, '--labels', y, '--neurons-per-layer', '5', '-o', join(dir, 'a.json')], `Expected neurons per layer dividing the ${task.D} columns for layers but received 5`, 1],
      [['analyze', x, '--labels', y, '--seeds', '0', '-o', join(dir, 'a.json')], 'Expected an integer in [1, 100] for seeds but received 0'],
    ];
    for (const [args, message, code = 2] of cases) {
      const r = runCli(args);
      expect(r.code, args.join(' ')).toBe(code);
      expect(r.stderr).toContain(message);
    }
    expect(filesIn(dir)).toEqual(before);
    expect(existsSync(join(dir, 'a.json'))).toBe(false);
  });
});
