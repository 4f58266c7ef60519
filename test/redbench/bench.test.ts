/**
 * benchRedundancy and `neurosieve bench-redundancy`: built-in methods, an external python3 command that follows
 * the file contract (bench/external/threshold_components.py), a JS function method, a failing command; scores
 * and measurements recorded per run.
 *
 * Recovery claims: T = 5,000 rows, plain groups with noise ≤ 0.5 (pairwise population |r| ≥ 0.8, sample standard
 * error ≤ (1 − 0.64)/√5000 = 0.005) and independent neurons (|r| ~ N(0, 1/T): the largest of ~2,000 pairs is below
 * 0.1), so components of |r| ≥ 0.7 are the planted groups exactly, for any seed.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchRedundancy, type BenchRun } from '../../src/redbench/bench.js';
import type { BenchMethod, MethodInput } from '../../src/redbench/methods.js';
import { BENCH_SETTINGS } from '../../src/redbench/settings.js';
import { root, runCli, tempDir } from '../helpers/cli.js';
import { TEST_SEED } from '../helpers/planted.js';

const seed = TEST_SEED % 2 ** 31;
console.log(`bench.test.ts seed ${seed}`);
const dir = tempDir('redbench');
const script = join(root, 'bench/external/threshold_components.py');

/** The same method as the python script, in JS: components of |r| ≥ rMin, lowest id kept. */
function components(input: MethodInput, rMin: number) {
  const r = input.correlation();
  const n = input.neurons;
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      if (Math.abs(r[i * n + j]!) >= rMin) {
        const a = find(i);
        const b = find(j);
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
  const labels = parent.map((_, i) => find(i));
  return { labels, kept: [...new Set(labels)].sort((a, b) => a - b) };
}

describe('benchRedundancy', async () => {
  const methods: BenchMethod[] = [
    { kind: 'cluster', linkage: 'average', thresholds: [0.3, 0.9], representative: 'central' },
    { kind: 'probeless' },
    { kind: 'command', name: 'components-py', argv: ['python3', script, '{corr}', '{out}', '0.7'] },
    { kind: 'function', name: 'components-js', run: (input) => components(input, 0.7) },
    { kind: 'command', name: 'fails', argv: ['python3', '-c', 'import sys; sys.stderr.write("no luck\\n"); sys.exit(3)', '{out}'] },
    { kind: 'command', name: 'short', argv: ['python3', '-c', 'import sys; open(sys.argv[1], "w").write("[0, 1]")', '{out}'] },
    { kind: 'command', name: 'big', argv: ['python3', '-c', 'import json, sys; b = bytearray(160 << 20); json.dump([0] * int(sys.argv[2]), open(sys.argv[1], "w"))', '{out}', '{neurons}'] },
  ];
  const settings = BENCH_SETTINGS.filter((s) => s.name === 'plain' || s.name === 'concepts');
  const seen: BenchRun[] = [];
  const r = await benchRedundancy({ settings, sizes: [{ tokens: 5000, neurons: 96 }], methods, seeds: [seed], dir: join(dir, 'work'), onRun: (run) => seen.push(run) });
  const run = (setting: string, method: string) => r.runs.find((x) => x.setting === setting && x.method === method)!;

  it('runs every method on every dataset (probeless only where labels are planted)', () => {
    expect(r.datasets.map((d) => d.setting)).toEqual(['plain', 'concepts']);
    expect(r.runs.map((x) => `${x.setting}:${x.method}`)).toEqual([
      ...['average/central', 'components-py', 'components-js', 'fails', 'short', 'big'].map((m) => `plain:${m}`),
      ...['average/central', 'probeless', 'components-py', 'components-js', 'fails', 'short', 'big'].map((m) => `concepts:${m}`),
    ]);
    expect(seen).toEqual(r.runs);
    expect(r.machine.cpu.length).toBeGreaterThan(0);
  });

  it('the external python method is run, read and scored: the planted groups exactly, as its JS twin finds them', () => {
    for (const setting of ['plain', 'concepts']) {
      const py = run(setting, 'components-py');
      const js = run(setting, 'components-js');
      expect(py.error).toBeUndefined();
      expect(py.cuts).toHaveLength(1);
      const cut = py.cuts![0]!;
      expect(cut.threshold).toBe(0.3);
      expect(cut.outcomesByKind.plain!.exact).toBe(cut.planted);
      expect(cut.pairRecall).toBe(1);
      expect(cut.kept!.lost).toBe(0);
      expect(cut.kept!.duplicated).toBe(0);
      const { threshold: _t, ...jsCut } = js.cuts![0]!;
      const { threshold: _p, ...pyCut } = cut;
      expect(pyCut).toEqual(jsCut);
    }
    // plain: nothing but the planted groups is correlated, so the clustering is the truth
    expect(run('plain', 'components-py').cuts![0]!.ari).toBe(1);
  });

  it('built-in methods: every cut scored; probeless finds the concept neurons', () => {
    const avg = run('plain', 'average/central');
    expect(avg.cuts!.map((c) => c.threshold)).toEqual([0.3, 0.9]);
    expect(avg.cuts![0]!.ari).toBe(1);
    expect(avg.cuts![0]!.kept!.redundancyLeft!.max).toBeLessThan(0.2);
    const p = run('concepts', 'probeless');
    expect(p.ranking!.map((k) => [k.k, k.found, k.total])).toEqual([
      [8, 8, 8],
      [16, 8, 8],
    ]);
  });

  it('measures commands (wall, CPU, peak RSS of the command itself) but not in-process functions', () => {
    const py = run('plain', 'components-py');
    expect(py.wallSeconds).toBeGreaterThan(0);
    expect(py.userSeconds).not.toBeNull();
    // A small python process peaks far below Node's own RSS; one that holds 160 MiB peaks above it.
    expect(py.maxRssKiB!).toBeLessThan(40 << 10);
    expect(run('plain', 'big').maxRssKiB!).toBeGreaterThan(160 << 10);
    expect(run('plain', 'components-js').maxRssKiB).toBeNull();
    expect(r.nodeBaselineKiB).toBeGreaterThan(0);
    expect(r.datasets[0]!.corr.maxRssKiB).toBeGreaterThan(0);
  });

  it('a failing command is recorded with its exit code and stderr, an output of the wrong length with the reason', () => {
    expect(run('plain', 'fails').error).toBe('python3: exit code 3: no luck');
    expect(run('plain', 'short').error).toBe('Expected 96 cluster labels (one per neuron) for labels but received 2');
    // 'big' put every neuron in one cluster: every group merged, nothing to gain over chance
    expect(run('plain', 'big').cuts![0]).toMatchObject({ ari: 0, pairRecall: 1, clusters: 1 });
  });

  it('refuses methods that cannot follow the contract, by name', async () => {
    await expect(benchRedundancy({ methods: [{ kind: 'command', name: 'x', argv: ['python3', 'm.py'] }] })).rejects.toThrow(
      'Expected an argv naming {out}, the file the command writes for methods[0].argv but received ["python3","m.py"]',
    );
    await expect(benchRedundancy({ methods: [{ kind: 'command', name: 'x', argv: ['m', '{out}', '{truth}'] }] })).rejects.toThrow("but received '{truth}' in '{truth}'");
    await expect(benchRedundancy({ methods: [{ kind: 'cluster', linkage: 'median' as 'average', thresholds: [0.3], representative: 'random' }] })).rejects.toThrow(
      "Expected one of 'single', 'complete', 'average', 'weighted', 'ward' for methods[0].linkage but received 'median'",
    );
  });
});

describe('neurosieve bench-redundancy', () => {
  it('writes the JSON and prints the table, with an external command method', () => {
    const out = join(dir, 'bench.json');
    const page = join(dir, 'bench.html');
    const r = runCli(['bench-redundancy', '-o', out, '--report', page, '--settings', 'plain', '--sizes', '3000x64', '--linkage', 'complete', '-t', '0.3', '--no-probeless', '--command', `components=python3 '${script}' {corr} {out} 0.7`, '--seeds', String(seed)]);
    expect(r.stderr, r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^machine: .+, \d+ cores, node v/);
    expect(r.stdout).toMatch(/plain\s+3000×64\s+complete\/random\s+0\.3\s+1\.000/);
    expect(r.stdout).toMatch(/plain\s+3000×64\s+components\s+0\.3\s+1\.000/);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    expect(doc.format).toBe('neurosieve-redundancy-bench');
    expect(doc.runs.map((x: BenchRun) => x.method)).toEqual(['complete/random', 'components']);
    expect(readFileSync(page, 'utf8')).toContain('<script type="application/json" id="bench">');
  });

  it('bad flags are exit 2 naming the flag', () => {
    const r = runCli(['bench-redundancy', '-o', join(dir, 'x.json'), '--sizes', '3000'] );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Expected TOKENSxNEURONS (e.g. 10000x256) for --sizes of 'neurosieve bench-redundancy' but received '3000'");
    const s = runCli(['bench-redundancy', '-o', join(dir, 'x.json'), '--settings', 'nope']);
    expect(s.code).toBe(2);
    expect(s.stderr).toContain("for --settings of 'neurosieve bench-redundancy' but received 'nope'");
  });
});
