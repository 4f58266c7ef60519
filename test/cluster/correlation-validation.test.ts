/**
 * A matrix given to `cluster` must be a correlation matrix (issue 17): NaN, |r| > 1 + 1e-6, |r_ij − r_ji| > 1e-6
 * and a diagonal other than 1 (or a constant neuron's 0) are errors naming the input and the first offending
 * (row, column); `repair: true` / `--repair` is NeuroX's repair, counted. Matrices from data pass unchanged.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { correlationClusters } from '../../src/cluster/correlation-clusters.js';
import { writeNpy } from '../../src/io/npy.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { prng } from '../helpers/formats.js';
import { referenceCorrelation, TEST_SEED } from '../helpers/planted.js';

const HINT = " (repair: true, or --repair on the command line, applies NeuroX's repair instead: NaN -> 0, clip to [-1, 1], symmetrise, ignore the diagonal)";

/** Pearson r of random rows with a shared component (no constant neuron, so every r_ij is non-zero). */
function validMatrix(n: number, seed: number): Float64Array {
  const rand = prng(seed);
  const rows = 80;
  const x = new Float32Array(rows * n);
  for (let t = 0; t < rows; t++) {
    const shared = rand() - 0.5;
    for (let c = 0; c < n; c++) x[t * n + c] = shared * (c % 4) + rand() - 0.5;
  }
  return Float64Array.from(referenceCorrelation(x, rows, n).r);
}

describe(`correlation matrix validation (seed ${TEST_SEED})`, () => {
  const n = 12;
  const cases: { name: string; edit: (r: Float64Array) => void; message: string; code: string; repairs: Record<string, number> }[] = [
    { name: 'NaN', edit: (r) => (r[3 * n + 5] = Number.NaN), message: 'Expected a correlation (not NaN) at row 3, column 5 but received NaN', code: 'E_NONFINITE', repairs: { nan: 1, clipped: 0, asymmetric: 1, diagonal: 0 } },
    { name: 'beyond 1', edit: (r) => { r[2 * n + 7] = 1.5; r[7 * n + 2] = 1.5; }, message: 'Expected a correlation in [-1, 1] (within 1e-6) at row 2, column 7 but received 1.5', code: 'E_FORMAT', repairs: { nan: 0, clipped: 2, asymmetric: 0, diagonal: 0 } },
    { name: 'asymmetric', edit: (r) => (r[4 * n + 9] += 0.01), message: 'Expected a symmetric matrix (|r_ij - r_ji| <= 1e-6) at row 4, column 9 but received ', code: 'E_FORMAT', repairs: { nan: 0, clipped: 0, asymmetric: 1, diagonal: 0 } },
    { name: 'diagonal', edit: (r) => (r[6 * n + 6] = 0.5), message: 'Expected 1 on the diagonal (within 1e-6; 0 for a constant neuron whose row is 0) at row 6, column 6 but received 0.5', code: 'E_FORMAT', repairs: { nan: 0, clipped: 0, asymmetric: 0, diagonal: 1 } },
  ];
  for (const c of cases) {
    it(`${c.name}: refused by default (memory, .npy float32 / float64, CLI exit 1), repaired and counted with repair`, async () => {
      const dir = tempDir('cluster-validate');
      const r = validMatrix(n, TEST_SEED + 3);
      c.edit(r);
      await expect(correlationClusters(r, { thresholds: [0.3] })).rejects.toThrow(`correlation matrix: ${c.message}${c.name === 'asymmetric' ? '' : HINT}`);
      await expect(correlationClusters(r, { thresholds: [0.3] })).rejects.toMatchObject({ code: c.code });
      for (const [name, data] of [['r64.npy', r], ['r32.npy', Float32Array.from(r)]] as const) {
        const path = join(dir, name);
        writeNpy(path, data, [n, n]);
        await expect(correlationClusters(path, { thresholds: [0.3], precision: 'float64' })).rejects.toThrow(`${path}: ${c.message}`);
        const before = readFileSync(path);
        const out = join(dir, `${name}.json`);
        const bad = runCli(['cluster', path, '-t', '0.3', '-o', out]);
        expect(bad.code).toBe(1);
        expect(bad.stderr).toContain(`${path}: ${c.message}`);
        expect(existsSync(out)).toBe(false);
        const ok = runCli(['cluster', path, '-t', '0.3', '-o', out, '--repair']);
        expect(ok.code).toBe(0);
        const rep = c.repairs;
        expect(ok.stdout).toContain(`--repair: ${rep.nan} NaN set to 0, ${rep.clipped} values clipped to [-1, 1], ${rep.asymmetric} asymmetric pairs averaged, ${rep.diagonal} diagonal entries ignored`);
        expect(JSON.parse(readFileSync(out, 'utf8')).repairs).toEqual(rep);
        expect(readFileSync(path).equals(before)).toBe(true);
      }
      const res = await correlationClusters(r, { thresholds: [0.3], repair: true });
      expect(res.repairs).toEqual(c.repairs);
    });
  }

  it('valid matrices pass: within-tolerance noise, a constant neuron (row and diagonal 0), and every seed', async () => {
    const rand = prng(TEST_SEED + 8);
    for (let trial = 0; trial < 10; trial++) {
      const r = validMatrix(n, TEST_SEED + 100 + trial);
      const i = Math.floor(rand() * n);
      const j = (i + 1 + Math.floor(rand() * (n - 1))) % n;
      r[i * n + j] += 5e-7 * (rand() - 0.5); // asymmetry within 1e-6
      r[i * n + i] = 1 + 5e-7; // diagonal within 1e-6
      const k = (j + 1) % n === i ? (j + 2) % n : (j + 1) % n;
      for (let t = 0; t < n; t++) r[k * n + t] = r[t * n + k] = 0; // a constant neuron, as NaN -> 0 leaves it
      const res = await correlationClusters(r, { thresholds: [0.3] });
      expect(res.repairs).toBeUndefined();
      const rep = await correlationClusters(r, { thresholds: [0.3], repair: true });
      expect(rep.repairs).toEqual({ nan: 0, clipped: 0, asymmetric: 0, diagonal: 0 });
      expect(rep.linkage).toEqual(res.linkage);
    }
  });

  it('repair must be a boolean; --repair is in --help', async () => {
    await expect(correlationClusters(validMatrix(n, TEST_SEED), { thresholds: [0.3], repair: 'yes' as unknown as boolean })).rejects.toThrow(
      'Expected a boolean for repair but received "yes"',
    );
    const help = runCli(['cluster', '--help']);
    expect(help.stdout).toContain('--repair');
    expect(help.stdout).toContain('NaN -> 0');
  });
});
