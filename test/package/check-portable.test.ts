/**
 * scripts/check-portable.mjs, the check that the prebuilt addon runs on any x86-64 CPU, on a library made to fail
 * it: an inline function used by a baseline object and by an object compiled with -mavx2 is emitted in both (a
 * weak symbol), and the linker keeps the first copy it sees. Linked with the AVX2 object first, baseline code calls
 * AVX2 instructions: the check must name that function. Linked the other way round, the same objects pass (and the
 * AVX2 kernel itself is allowed). The real prebuilt is checked by `npm pack` (scripts/prebuilt.mjs) and
 * test/package/run.mjs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const script = resolve(import.meta.dirname, '../../scripts/check-portable.mjs');
const tool = (name: string) => spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
const canRun = process.arch === 'x64' && ['g++', 'objdump', 'nm'].every(tool);
if (!canRun && process.env.CI === 'true') throw new Error('check-portable.test.ts needs x86-64, g++ and binutils under CI');

const dir = mkdtempSync(join(tmpdir(), 'check-portable-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function build(): void {
  const obj = join(dir, 'obj');
  mkdirSync(obj, { recursive: true });
  writeFileSync(join(dir, 'shared.h'), '#include <vector>\ninline float total(const std::vector<float>& v) { float s = 0; for (float x : v) s += x * 1.5f; return s; }\n');
  writeFileSync(join(dir, 'k_avx2.cc'), '#include "shared.h"\nfloat kernel_avx2(const std::vector<float>& v) { return total(v) * 2; }\n');
  writeFileSync(join(dir, 'base.cc'), '#include "shared.h"\nfloat base_fn(const std::vector<float>& v) { return total(v) + 1; }\n');
  // -fno-inline keeps `total` out of line in both objects, as a larger function would be.
  execFileSync('g++', ['-O3', '-fPIC', '-fno-inline', '-mavx2', '-mfma', '-c', join(dir, 'k_avx2.cc'), '-o', join(obj, 'k_avx2.cc.o')]);
  execFileSync('g++', ['-O3', '-fPIC', '-fno-inline', '-c', join(dir, 'base.cc'), '-o', join(obj, 'base.cc.o')]);
  execFileSync('g++', ['-shared', join(obj, 'k_avx2.cc.o'), join(obj, 'base.cc.o'), '-o', join(dir, 'avx-first.so')]);
  execFileSync('g++', ['-shared', join(obj, 'base.cc.o'), join(obj, 'k_avx2.cc.o'), '-o', join(dir, 'base-first.so')]);
}

const check = (lib: string) => spawnSync(process.execPath, [script, join(dir, lib), join(dir, 'obj')], { encoding: 'utf8' });

describe.skipIf(!canRun)('check-portable.mjs', () => {
  beforeAll(build);

  it('names an inline function whose AVX2 copy the linker kept for baseline code', () => {
    const bad = check('avx-first.so');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/_Z5totalRKSt6vectorIfSaIfEE: v\w+/);
    expect(bad.stdout).toMatch(/1 others go beyond x86-64 SSE2/);
  });

  it('passes the same objects linked with the baseline copy first; the AVX2 kernel itself is allowed', () => {
    const good = check('base-first.so');
    expect(good.stderr).toBe('');
    expect(good.status).toBe(0);
    expect(good.stdout).toMatch(/\(1 of them use AVX2\/AVX-512\); 0 others go beyond/);
  });

  it('refuses an object directory without ISA kernels (a wrong path must not pass)', () => {
    mkdirSync(join(dir, 'empty'), { recursive: true });
    const r = spawnSync(process.execPath, [script, join(dir, 'base-first.so'), join(dir, 'empty')], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no \*_avx2\/\*_avx512 objects/);
  });
});
