/**
 * `neurosieve corr` and `neurosieve stats merge` as a user runs them: outputs, --json, stats round trips, and
 * every bad input of the issue — each a clear message naming the file (and row/neuron where it applies), exit
 * code != 0, and nothing left in the output directory.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpy } from '../../src/io/npy.js';
import { filesIn, runCli, tempDir } from '../helpers/cli.js';
import { neuroxJsonl, npyBytes, safetensorsBytes, safetensorsRaw } from '../helpers/formats.js';
import { maxAbsDiff, planted, referenceCorrelation, TEST_SEED } from '../helpers/planted.js';

function dataDir(rows = 120, cols = 9) {
  const dir = tempDir('cli');
  const p = planted(rows, cols, TEST_SEED + 5);
  const path = join(dir, 'data.npy');
  writeFileSync(path, npyBytes(p.x, [rows, cols], 'float32'));
  return { dir, path, p };
}

describe('neurosieve corr', () => {
  it('writes a float32 D×D .npy and a summary, and --json prints it', () => {
    const { dir, path, p } = dataDir();
    const out = join(dir, 'corr.npy');
    const r = runCli(['corr', path, '-o', out, '--threads', '2', '--chunk-rows', '50', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ count: 120, neurons: 9, zeroVariance: p.constant, nonFinite: 0 });
    const npy = readNpy(out);
    expect(npy.descr).toBe('<f4');
    expect(npy.shape).toEqual([9, 9]);
    expect(maxAbsDiff(npy.data as Float32Array, referenceCorrelation(p.x, 120, 9).r)).toBeLessThan(1e-5);
    expect(filesIn(dir)).toEqual(['corr.npy', 'corr.npy.json', 'data.npy']);
  });

  it('--stats-out then --from-stats gives the same matrix; stats merge of shards gives the same as one pass', () => {
    const { dir, path, p } = dataDir(200, 6);
    expect(runCli(['corr', path, '-o', join(dir, 'a.npy'), '--stats-out', join(dir, 'run.stats'), '-q']).code).toBe(0);
    expect(runCli(['corr', '--from-stats', join(dir, 'run.stats'), '-o', join(dir, 'b.npy'), '-q']).code).toBe(0);
    expect(readNpy(join(dir, 'b.npy')).data).toEqual(readNpy(join(dir, 'a.npy')).data);

    writeFileSync(join(dir, 's1.npy'), npyBytes(p.x.subarray(0, 70 * 6), [70, 6], 'float32'));
    writeFileSync(join(dir, 's2.npy'), npyBytes(p.x.subarray(70 * 6), [130, 6], 'float32'));
    for (const s of ['s1', 's2']) expect(runCli(['corr', join(dir, `${s}.npy`), '-o', join(dir, `${s}.corr.npy`), '--stats-out', join(dir, `${s}.stats`), '-q']).code).toBe(0);
    const m = runCli(['stats', 'merge', join(dir, 's1.stats'), join(dir, 's2.stats'), '-o', join(dir, 'm.stats'), '--json']);
    expect(m.code).toBe(0);
    expect(JSON.parse(m.stdout)).toMatchObject({ count: 200, neurons: 6 });
    expect(runCli(['corr', '--from-stats', join(dir, 'm.stats'), '-o', join(dir, 'm.npy'), '-q']).code).toBe(0);
    expect(maxAbsDiff(readNpy(join(dir, 'm.npy')).data as Float32Array, readNpy(join(dir, 'a.npy')).data as Float32Array)).toBeLessThanOrEqual(1e-6);
  });

  it('reads float16 3-D [layers, tokens, neurons] as layer-major columns, and safetensors per layer', () => {
    const dir = tempDir('cli3d');
    const L = 3, T = 40, H = 4;
    const p = planted(T, L * H, TEST_SEED + 6);
    const lt = new Float32Array(L * T * H); // [layer][token][unit]
    for (let l = 0; l < L; l++) for (let t = 0; t < T; t++) for (let h = 0; h < H; h++) lt[(l * T + t) * H + h] = p.x[t * L * H + l * H + h]!;
    writeFileSync(join(dir, 'x.npy'), npyBytes(lt, [L, T, H], 'float32'));
    const tensors = [0, 1, 2].map((l) => ({ name: `layer.${l}`, shape: [T, H], values: lt.subarray(l * T * H, (l + 1) * T * H), dtype: 'float32' as const }));
    writeFileSync(join(dir, 'x.safetensors'), safetensorsBytes(tensors));
    const a = runCli(['corr', join(dir, 'x.npy'), '-o', join(dir, 'a.npy'), '--json']);
    const b = runCli(['corr', join(dir, 'x.safetensors'), '-o', join(dir, 'b.npy'), '-q']);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect(JSON.parse(a.stdout).layers).toBe(3);
    const ref = referenceCorrelation(p.x, T, L * H).r;
    expect(maxAbsDiff(readNpy(join(dir, 'a.npy')).data as Float32Array, ref)).toBeLessThan(1e-5);
    expect(readNpy(join(dir, 'b.npy')).data).toEqual(readNpy(join(dir, 'a.npy')).data);
  });

  it('--nan zero replaces and counts non-finite values', () => {
    const { dir, p } = dataDir(50, 5);
    const x = p.x.slice();
    x[17 * 5 + 3] = Number.NaN;
    x[30 * 5 + 1] = Number.POSITIVE_INFINITY;
    writeFileSync(join(dir, 'nan.npy'), npyBytes(x, [50, 5], 'float32'));
    const r = runCli(['corr', join(dir, 'nan.npy'), '-o', join(dir, 'c.npy'), '--nan', 'zero', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).nonFinite).toBe(2);
  });
});

describe('bad input: clear error, exit code != 0, nothing left behind', () => {
  const rows = 30, cols = 4;
  const values = planted(rows, cols, TEST_SEED + 7).x;
  const withNaN = values.slice();
  withNaN[21 * cols + 2] = Number.NaN;
  const cases: { name: string; files: Record<string, Buffer | string>; args?: string[]; message: RegExp }[] = [
    { name: 'truncated .npy', files: { 'in.npy': npyBytes(values, [rows, cols], 'float32', { extraBytes: -6 }) }, message: /in\.npy: .*(truncated|size|bytes)/i },
    { name: 'header shape disagrees with the file size', files: { 'in.npy': npyBytes(values, [rows, cols], 'float32', { headerShape: [rows + 5, cols] }) }, message: /in\.npy: .*(size|bytes)/i },
    { name: 'unsupported dtype', files: { 'in.npy': npyBytes(values, [rows, cols], 'float32', { descr: '<i4' }) }, message: /in\.npy: .*<i4/ },
    { name: 'Fortran order', files: { 'in.npy': npyBytes(values, [rows, cols], 'float32', { fortran: true }) }, message: /in\.npy: .*Fortran/i },
    { name: 'NaN without --nan zero', files: { 'in.npy': npyBytes(withNaN, [rows, cols], 'float32') }, message: /in\.npy: NaN at row 21, neuron 2; pass --nan zero/ },
    {
      name: 'shards of different widths',
      files: { 'a.npy': npyBytes(values, [rows, cols], 'float32'), 'b.npy': npyBytes(values, [rows * 2, cols / 2], 'float32') },
      message: /b\.npy: has 2 neurons per row, but .*a\.npy has 4/,
    },
    { name: 'empty input (0 rows)', files: { 'in.npy': npyBytes([], [0, cols], 'float32') }, message: /in\.npy: no rows/ },
    { name: 'corrupt safetensors header', files: { 'in.safetensors': safetensorsRaw('{"x": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]', Buffer.alloc(16)) }, message: /in\.safetensors: .*(JSON|header)/i },
    {
      name: 'malformed JSON line',
      files: { 'in.jsonl': neuroxJsonl([[[1, 2], [3, 4]]], 1).trimEnd() + '\n{"linex_index": 1, "features": [{"token": "x", "layers": [{"index": 0, "values": [1, 2' + '\n' },
      message: /in\.jsonl:2: unexpected end of line/,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const dir = tempDir('bad');
      for (const [name, content] of Object.entries(c.files)) writeFileSync(join(dir, name), content);
      const before = filesIn(dir);
      const inputs = Object.keys(c.files).map((n) => join(dir, n));
      const r = runCli(['corr', ...inputs, '-o', join(dir, 'out.npy'), '--stats-out', join(dir, 'out.stats'), ...(c.args ?? [])]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(c.message);
      expect(r.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
      expect(filesIn(dir)).toEqual(before);
    });
  }

  it('no inputs at all, an empty directory, a missing file, an unknown option', () => {
    const dir = tempDir('none');
    const empty = tempDir('emptydir');
    const out = join(dir, 'o.npy');
    const checks: [string[], RegExp][] = [
      [['corr', '-o', out], /Expected input files/],
      [['corr', empty, '-o', out], /directory holds no activation files/],
      [['corr', join(dir, 'missing.npy'), '-o', out], /missing\.npy: no such file/],
      [['corr', 'x.npy', '-o', out, '--chunk-size', '5'], /Unknown option '--chunk-size'/],
      [['stats', 'merge', join(dir, 'a.stats'), '-o', out], /Expected at least 2 stats files/],
    ];
    for (const [args, message] of checks) {
      const r = runCli(args);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stderr).toMatch(message);
    }
    expect(filesIn(dir)).toEqual([]);
  });

  it('a failed run leaves an existing output untouched', () => {
    const { dir, path } = dataDir(20, 3);
    const out = join(dir, 'corr.npy');
    expect(runCli(['corr', path, '-o', out, '-q']).code).toBe(0);
    const before = readNpy(out).data;
    const bad = join(dir, 'bad.npy');
    writeFileSync(bad, npyBytes(values, [rows, cols], 'float32', { extraBytes: -3 }));
    expect(runCli(['corr', bad, '-o', out]).code).not.toBe(0);
    expect(readNpy(out).data).toEqual(before);
  });
});
