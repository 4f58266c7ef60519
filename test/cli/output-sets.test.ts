/**
 * Output sets (src/io/output-set.ts) with real processes: a run SIGKILLed between the renames of its files (the
 * NEUROSIEVE_TEST_FAULT hook) leaves a pair that readers refuse by name, which the next run to that target
 * completes or replaces, removing the killed run's temps and lock; runs killed before their first rename leave
 * the earlier files byte-identical; concurrent runs to one -o always leave one run's pair, whole.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { filesIn, root, runCli, tempDir } from '../helpers/cli.js';
import { npyBytes, prng } from '../helpers/formats.js';
import { TEST_SEED } from '../helpers/planted.js';

console.log(`output-sets.test.ts seed ${TEST_SEED} (set NEUROSIEVE_TEST_SEED to reproduce)`);

const T = 50;
const D = 5;
let a: string; // two different activation files: their corr outputs differ in every file of the set
let b: string;

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

beforeAll(() => {
  const d = tempDir('sets-inputs');
  const rand = prng(TEST_SEED);
  a = join(d, 'a.npy');
  b = join(d, 'b.npy');
  writeFileSync(a, npyBytes(Float32Array.from({ length: T * D }, () => rand() * 2 - 1), [T, D], 'float32'));
  writeFileSync(b, npyBytes(Float32Array.from({ length: T * D }, () => rand() * 2 - 1), [T, D], 'float32'));
});

/** corr's summary names its input in sources and records the matrix's sha256: a pair is one run's when both hold. */
function pairOf(out: string): { input: string; tied: boolean } {
  const summary = JSON.parse(readFileSync(`${out}.json`, 'utf8')) as { sources: { path: string }[]; matrixSha256: string };
  return { input: summary.sources[0]!.path, tied: summary.matrixSha256 === sha(out) };
}

function corr(input: string, out: string, fault?: string) {
  return runCli(['corr', input, '-o', out, '--stats-out', `${out}.stats`, '--quiet'], fault ? { NEUROSIEVE_TEST_FAULT: fault } : {});
}

describe('an interrupted commit', () => {
  it('killed after the first rename: the half pair is refused by cluster naming both files; the next run completes the set and cleans up', () => {
    const d = tempDir('sets-kill');
    const out = join(d, 'c.npy');
    expect(corr(b, out).code).toBe(0);
    // Files rename in the order added (stats, matrix, summary). One rename: the stats file is a's; matrix and
    // summary are still b's, a whole pair.
    expect(corr(a, out, 'commit:1').stderr).toContain('[killed by SIGKILL]');
    expect(pairOf(out)).toEqual({ input: b, tied: true });
    // The next run first completes that set (a's summary appears), then is killed after two renames of its own:
    // the matrix is b's, its summary a's. cluster refuses the pair, naming both files.
    expect(corr(b, out, 'commit:2').stderr).toContain('[killed by SIGKILL]');
    expect(pairOf(out).tied).toBe(false);
    const c = runCli(['cluster', out, '-t', '0.5', '-o', join(d, 'clusters.json')]);
    expect(c.code).toBe(1);
    expect(c.stderr).toContain(`${out}: is not the file its companion ${out}.json was written with`);
    expect(filesIn(d).some((f) => f.endsWith('.neurosieve-lock'))).toBe(true);
    expect(filesIn(d).some((f) => f.endsWith('.tmp'))).toBe(true);
    // The next run to the target completes the killed run's set (b's summary appears) before its own commit.
    expect(corr(a, out, 'commit:0').stderr).toContain('[killed by SIGKILL]');
    expect(pairOf(out)).toEqual({ input: b, tied: true });
    expect(runCli(['cluster', out, '-t', '0.5', '-o', join(d, 'clusters.json'), '--quiet']).code).toBe(0);
    // A clean run completes the last killed set, commits its own, and leaves only the outputs.
    expect(corr(a, out).code).toBe(0);
    expect(pairOf(out)).toEqual({ input: a, tied: true });
    expect(filesIn(d)).toEqual(['c.npy', 'c.npy.json', 'c.npy.stats', 'clusters.json']);
  });

  it('killed before the first rename: every earlier file byte-identical until the next run to that target, which cleans up', () => {
    const d = tempDir('sets-kill0');
    const out = join(d, 'c.npy');
    expect(corr(b, out).code).toBe(0);
    const before = [out, `${out}.json`, `${out}.stats`].map(sha);
    expect(corr(a, out, 'commit:0').stderr).toContain('[killed by SIGKILL]');
    expect([out, `${out}.json`, `${out}.stats`].map(sha)).toEqual(before);
    expect(filesIn(d).length).toBeGreaterThan(3);
    // A run to another target leaves them alone (they are not its files).
    expect(corr(a, join(d, 'other.npy')).code).toBe(0);
    expect(filesIn(d).filter((f) => f.startsWith('c.npy.')).length).toBeGreaterThan(2);
    // The killed run had journaled its commit (locks taken), so the next run to c.npy completes it, then
    // commits its own set.
    expect(corr(b, join(d, 'c.npy')).code).toBe(0);
    expect(filesIn(d)).toEqual(['c.npy', 'c.npy.json', 'c.npy.stats', 'other.npy', 'other.npy.json', 'other.npy.stats']);
    expect(pairOf(out)).toEqual({ input: b, tied: true });
  });

  it('a probe whose weights come from another run is refused by evaluate, naming both files', () => {
    const d = tempDir('sets-probe');
    const labels = join(d, 'labels.json');
    writeFileSync(labels, JSON.stringify(Array.from({ length: T }, (_, i) => (i % 2 ? 'x' : 'y'))));
    const probe = (input: string, fault?: string) =>
      runCli(['probe', input, '--labels', labels, '-o', join(d, 'p.json'), '--quiet'], fault ? { NEUROSIEVE_TEST_FAULT: fault } : {});
    expect(probe(b).code).toBe(0);
    expect(probe(a, 'commit:1').stderr).toContain('[killed by SIGKILL]'); // weights are a's, p.json b's
    const e = runCli(['evaluate', join(d, 'p.json'), a, '--labels', labels]);
    expect(e.code).toBe(1);
    expect(e.stderr).toContain(`${join(d, 'p.safetensors')}: is not the file its companion ${join(d, 'p.json')} was written with`);
    expect(probe(b).code).toBe(0);
    expect(runCli(['evaluate', join(d, 'p.json'), a, '--labels', labels, '--quiet']).code).toBe(0);
    expect(filesIn(d)).toEqual(['labels.json', 'p.json', 'p.safetensors']);
  });
});

describe('an output directory (split, extract)', () => {
  it('killed after the old directory was moved aside: the next run puts the killed run\'s directory in place first, then its own, and removes every temp', () => {
    const d = tempDir('sets-dir');
    const labels = join(d, 'labels.json');
    writeFileSync(labels, JSON.stringify(Array.from({ length: T }, (_, i) => (i % 2 ? 'x' : 'y'))));
    const out = join(d, 'parts');
    const split = (seed: string, to: string, fault?: string) =>
      runCli(['split', a, '--labels', labels, '--seed', seed, '-o', to, '--overwrite', '--quiet'], fault ? { NEUROSIEVE_TEST_FAULT: fault } : {});
    const index = (dir: string) => sha(join(dir, 'train-index.npy'));
    // Same seed, same bytes: seed 2's directory, made elsewhere, to recognise it.
    expect(split('2', join(d, 'ref')).code).toBe(0);
    expect(split('1', out).code).toBe(0);
    expect(index(out)).not.toBe(index(join(d, 'ref')));
    expect(split('2', out, 'commit:1').stderr).toContain('[killed by SIGKILL]');
    // The old directory is aside and the new one not yet in place: the output is missing, nothing is lost.
    expect(existsSync(out)).toBe(false);
    expect(filesIn(d).filter((f) => f.startsWith('.parts.')).length).toBeGreaterThanOrEqual(2);
    // The next run completes the killed run's commit (seed 2's directory appears) before its own (killed here).
    expect(split('3', out, 'commit:0').stderr).toContain('[killed by SIGKILL]');
    expect(index(out)).toBe(index(join(d, 'ref')));
    expect(split('3', out).code).toBe(0);
    expect(index(out)).not.toBe(index(join(d, 'ref')));
    expect(filesIn(d)).toEqual(['labels.json', 'parts', 'ref']);
  });
});

/** Runs the CLI without waiting, resolving to its exit code. */
function start(args: string[], env: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [join(root, 'dist/cli.js'), ...args], { env: { ...process.env, ...env }, stdio: 'ignore' });
    p.on('error', reject);
    p.on('exit', (code, signal) => resolve(code ?? (signal ? -1 : -2)));
  });
}

describe('concurrent runs to one target', () => {
  // A slow run (1.5 s before its last rename) is overtaken by a fast run started once the slow run's matrix is
  // in place: without the lock the fast run's matrix would sit beside the slow run's summary (checked: with the
  // lock disabled this test fails); with it, the fast run waits and its set replaces the slow one whole.
  it('a run that starts while another is committing waits for it, and its set replaces the other whole', async () => {
    const d = tempDir('sets-race');
    const out = join(d, 'c.npy');
    for (const [slowInput, fastInput] of [[a, b], [b, a]] as const) {
      rmSync(out, { force: true });
      const slow = start(['corr', slowInput, '-o', out, '--stats-out', `${out}.stats`, '--quiet'], { NEUROSIEVE_TEST_FAULT: 'slow-commit:1500' });
      const t0 = Date.now();
      while (!existsSync(out) && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 5));
      const fast = start(['corr', fastInput, '-o', out, '--stats-out', `${out}.stats`, '--quiet'], {});
      expect(await Promise.all([slow, fast])).toEqual([0, 0]);
      expect(pairOf(out)).toEqual({ input: fastInput, tied: true });
      // The stats file is the same run's too: corr --from-stats reproduces the matrix byte for byte.
      const again = join(d, 'again.npy');
      expect(runCli(['corr', '--from-stats', `${out}.stats`, '-o', again, '--quiet']).code).toBe(0);
      expect(sha(again)).toBe(sha(out));
      expect(filesIn(d)).toEqual(['again.npy', 'again.npy.json', 'c.npy', 'c.npy.json', 'c.npy.stats']);
    }
  }, 120_000);

  it('four runs started together leave one run\'s set, whole', async () => {
    const d = tempDir('sets-race4');
    const out = join(d, 'c.npy');
    const runs = [a, b, a, b].map((input, i) =>
      start(['corr', input, '-o', out, '--stats-out', `${out}.stats`, '--quiet'], { NEUROSIEVE_TEST_FAULT: `slow-commit:${[300, 0, 100, 30][i]}` }),
    );
    expect(await Promise.all(runs)).toEqual([0, 0, 0, 0]);
    expect(pairOf(out).tied).toBe(true);
    expect(filesIn(d)).toEqual(['c.npy', 'c.npy.json', 'c.npy.stats']);
}, 120_000);
});
