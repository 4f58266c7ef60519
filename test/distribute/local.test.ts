/**
 * plan + the local engine: the merged statistics equal the plan-free computation bit for bit (same chunks, same
 * merge order) and the one-machine pass / a float64 two-pass reference within float64 rounding; worker count,
 * killed workers and concurrent runs change no byte; a changed or vanished file, a missing partial and a
 * tampered plan are refused naming what is wrong.
 */
import { cpSync, existsSync, readFileSync, readdirSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeStats, correlationFromStats, readStats } from '../../src/index.js';
import { runLocal } from '../../src/distribute/engine-local.js';
import { runMerge, runShard } from '../../src/distribute/jobs.js';
import { readPlan } from '../../src/distribute/plan.js';
import { native } from '../../src/core/native.js';
import { runJob } from '../../src/core/native-job.js';
import { maxAbsDiff, referenceCorrelation, TEST_SEED } from '../helpers/planted.js';
import { scratchDir } from '../helpers/tmp.js';
import { runCli } from '../helpers/cli.js';
import { COLS, foldedReference, planFixture, writeFixture, type Fixture } from './fixture.js';

const scratch = scratchDir('distribute-local');
let n = 0;
const fresh = (seed = TEST_SEED): Fixture => writeFixture(join(scratch.dir, `d${n++}`), seed);
const bytes = (p: string) => readFileSync(p);
const U = 2 ** -24;
const sameBits = (a: Float64Array, b: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('plan and run --engine local', () => {
  it('equals the plan-free fold bit for bit, and the one-machine pass and a float64 reference within rounding', async () => {
    const f = fresh();
    const { plan, path } = planFixture(f);
    // 200 rows round down to 3 chunks of 64: 700 → 4 ranges, 500 → 3, JSON lines whole: 8 shards, fan-in 3.
    expect(plan.shards.map((s) => s.rows)).toEqual([192, 192, 192, 124, 192, 192, 116, -1]);
    expect(plan.merges.length).toBe(4);
    const summary = await runLocal(path, { root: f.root, workers: 2, threads: 1 });
    expect(summary).toMatchObject({ rows: f.rows, jobs: 12, cached: 0, retried: 0 });
    const merged = readStats(join(f.root, 'merged.stats'));
    const folded = await foldedReference(f, plan, join(f.root, 'ref'));
    expect(merged.count).toBe(f.rows);
    expect(sameBits(merged.mean, folded.mean)).toBe(true);
    expect(sameBits(merged.comoment, folded.comoment)).toBe(true);
    // One pass over the three files: the same chunks (ranges start at multiples of the chunk rows, and a pass's
    // chunks restart at each file), grouped otherwise: float64 rounding only, 1e-12 of the largest co-moment, as
    // for `stats merge`.
    const whole = (await computeStats(f.inputs, { chunkRows: 64 })).stats;
    let scale = 0;
    for (const v of whole.comoment) scale = Math.max(scale, Math.abs(v));
    expect(maxAbsDiff(merged.comoment, whole.comoment)).toBeLessThanOrEqual(1e-12 * scale);
    expect(maxAbsDiff(merged.mean, whole.mean)).toBeLessThanOrEqual(1e-12 * 1e4);
    // Two-pass float64 reference on the float32 values: r within the chunk kernel's float32-product bound (as in
    // test/correlate/correlate.test.ts), means to float64 rounding.
    const ref = referenceCorrelation(f.x, f.rows, COLS);
    expect(maxAbsDiff(correlationFromStats(merged).corr, ref.r)).toBeLessThanOrEqual(3 * (Math.min(f.rows, 512) + 2) * U + U);
    for (let c = 0; c < COLS; c++) expect(Math.abs(merged.mean[c]! - ref.mean[c]!)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(ref.mean[c]!)));
    // The manifest names every shard merged, with its rows and partial.
    const manifest = JSON.parse(readFileSync(join(f.root, 'merged.stats.manifest.json'), 'utf8'));
    expect(manifest.shards.map((s: { partial: string }) => s.partial)).toEqual(plan.shards.map((s) => s.partial));
    expect(manifest.plan).toBe(readPlan(path).sha256);
    expect(manifest.count).toBe(f.rows);
    // A second run finds every job done and rewrites the same bytes.
    const before = bytes(join(f.root, 'merged.stats'));
    const again = await runLocal(path, { root: f.root, workers: 1, threads: 1 });
    expect(again.cached).toBe(11); // every shard and inner merge; the root merge always writes
    expect(bytes(join(f.root, 'merged.stats')).equals(before)).toBe(true);
  });

  it('a killed worker: its job runs again and the result is the same bytes; 1 worker = 3 workers', async () => {
    const f = fresh();
    const { path } = planFixture(f);
    await runLocal(path, { root: f.root, workers: 1, threads: 1 });
    const clean = bytes(join(f.root, 'merged.stats'));
    rmSync(join(f.root, 'partials'), { recursive: true });
    rmSync(join(f.root, 'merged.stats'));
    const events: string[] = [];
    const summary = await runLocal(path, {
      root: f.root,
      workers: 3,
      threads: 1,
      onEvent: (e) => {
        if (e.type === 'start' && e.job.kind === 'shard' && e.job.id === 2 && e.attempt === 1) process.kill(e.pid, 'SIGKILL');
        if (e.type === 'start' && e.job.kind === 'merge' && e.attempt === 1 && e.job.id === 3) process.kill(e.pid, 'SIGKILL');
        if (e.type === 'retry') events.push(`${e.job.kind} ${e.job.id} ${e.signal}`);
      },
    });
    expect(events).toEqual(['shard 2 SIGKILL', 'merge 3 SIGKILL']);
    expect(summary.retried).toBe(2);
    expect(bytes(join(f.root, 'merged.stats')).equals(clean)).toBe(true);
  });

  it('a job killed more often than the retries allow fails the run naming it, and nothing is merged', async () => {
    const f = fresh();
    const { path } = planFixture(f);
    const run = runLocal(path, { root: f.root, workers: 2, threads: 1, retries: 1, onEvent: (e) => e.type === 'start' && e.job.kind === 'shard' && e.job.id === 5 && process.kill(e.pid, 'SIGKILL') });
    await expect(run).rejects.toThrow(/shard 5 \(acts\/b\.safetensors rows 192–384\) failed: its worker was killed \(SIGKILL\) 2 times; nothing was merged without it/);
    expect(existsSync(join(f.root, 'merged.stats'))).toBe(false);
  });

  it('two runs of one plan at once share partials and write the same bytes', async () => {
    const f = fresh();
    const { path } = planFixture(f);
    await Promise.all([runLocal(path, { root: f.root, workers: 2, threads: 1 }), runLocal(path, { root: f.root, workers: 2, threads: 1 })]);
    const both = bytes(join(f.root, 'merged.stats'));
    rmSync(join(f.root, 'partials'), { recursive: true });
    await runLocal(path, { root: f.root, workers: 2, threads: 1 });
    expect(bytes(join(f.root, 'merged.stats')).equals(both)).toBe(true);
    expect(readdirSync(join(f.root, 'partials')).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('the root maps differently on another machine: same plan, moved data, --root, same bytes', async () => {
    const f = fresh();
    const { path } = planFixture(f);
    await runLocal(path, { root: f.root, workers: 2, threads: 1 });
    const first = bytes(join(f.root, 'merged.stats'));
    const moved = `${f.root}-elsewhere`;
    renameSync(f.root, moved); // a rename keeps mtimes: the identity still holds
    rmSync(join(moved, 'partials'), { recursive: true });
    await runLocal(join(moved, 'plan.json'), { root: moved, workers: 2, threads: 1 });
    expect(bytes(join(moved, 'merged.stats')).equals(first)).toBe(true);
  });

  it('a file changed or gone since the plan: refused naming the shard and the file, nothing merged', async () => {
    const f = fresh();
    const b = join(f.root, 'acts/b.safetensors');
    const when = new Date('2026-01-02T03:04:05.000Z'); // whole milliseconds: utimes restores it exactly
    utimesSync(b, when, when);
    const { path } = planFixture(f);
    const original = readFileSync(b);
    const changed = Buffer.from(original);
    changed[changed.length - 5]! ^= 0x40; // one byte of the last row, same size
    writeFileSync(b, changed);
    utimesSync(b, when, when); // same size and mtime: only the sampled content tells
    // Both shards of b.safetensors (4: rows 0–192, 5: rows 192–384) see the change; with 2 workers either may fail first.
    await expect(runLocal(path, { root: f.root, workers: 2, threads: 1 })).rejects.toThrow(
      /shard ([45]) \(acts\/b\.safetensors rows (0–192|192–384)\) failed: shard \1 \(acts\/b\.safetensors rows \2\): .*b\.safetensors changed since the plan was made \(sampled content sha256/,
    );
    expect(existsSync(join(f.root, 'merged.stats'))).toBe(false);
    writeFileSync(b, original); // same bytes, but a new mtime: a changed file for sampled identity
    await expect(runLocal(path, { root: f.root, workers: 1, threads: 1 })).rejects.toThrow(/changed since the plan was made \(modified .*, planned /);
    rmSync(b);
    await expect(runLocal(path, { root: f.root, workers: 1, threads: 1 })).rejects.toThrow(/shard 4 \(acts\/b\.safetensors rows 0–192\).*b\.safetensors: cannot open shard file \(ENOENT\)/);
    expect(existsSync(join(f.root, 'merged.stats'))).toBe(false);
  });

  it('a merge missing a partial is refused naming the shard; a partial of other rows is refused', async () => {
    const f = fresh();
    const { plan, path } = planFixture(f);
    const { sha256 } = readPlan(path);
    const o = { root: f.root, threads: 1, planSha256: sha256 };
    for (const s of plan.shards) await runShard(plan, s.id, o);
    rmSync(join(f.root, 'partials', plan.shards[1]!.partial));
    await expect(runMerge(plan, 0, o)).rejects.toThrow(/merge 0: refusing to merge without 1 of its 3 inputs \(shard 1 \(acts\/a\.npy rows 192–384\): .*; run their jobs first \(neurosieve job <plan> --shard 1\)/);
    // A partial at a shard's name holding another shard's rows (a copy by hand) is refused, not merged.
    cpSync(join(f.root, 'partials', plan.shards[3]!.partial), join(f.root, 'partials', plan.shards[1]!.partial));
    await expect(runMerge(plan, 0, o)).rejects.toThrow(/shard 1 \(acts\/a\.npy rows 192–384\): its partial .* holds 124 rows of 24 neurons, but the plan says 192 of 24/);
    // The CLI says the same with exit 1.
    const r = runCli(['job', path, '--merge', '3', '--root', f.root]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/merge 3: refusing to merge without 3 of its 3 inputs \(merge 0: .*; merge 1: .*; merge 2: /);
  });

  it('a tampered plan is refused naming the entry; a row range beyond a file is refused by the reader', async () => {
    const f = fresh();
    const { plan } = planFixture(f);
    const bad = (mut: (p: typeof plan) => void, re: RegExp) => {
      const copy = JSON.parse(JSON.stringify(plan));
      mut(copy);
      const p = scratch.file(`bad-${n++}.json`, JSON.stringify(copy));
      expect(() => readPlan(p)).toThrow(re);
    };
    bad((p) => (p.files[0]!.path = '../../etc/passwd'), /files\[0\]\.path: "\.\.\/\.\.\/etc\/passwd" is not a path inside the root/);
    bad((p) => (p.shards[2]!.partial = '../x.stats'), /not a neurosieve plan \(shards\[2\]\)/);
    bad((p) => p.merges[3]!.inputs.pop(), /the merge tree does not take every shard and merge exactly once/);
    bad((p) => (p.shards[0]!.rowEnd = 900), /shards\[0\]: row range/);
    const file = f.inputs[0]!;
    const range = (rowBegin: number, rowEnd: number) => runJob(() => native().correlate({ files: [{ path: file, format: 'npy', rowBegin, rowEnd }], threads: 1, chunkRows: 64, nan: 'error' }, () => {}));
    await expect(range(650, 800)).rejects.toThrow(/a\.npy: has 700 rows, fewer than the 800 its row range needs/);
    await expect(range(750, 800)).rejects.toThrow(/a\.npy: has 700 rows, fewer than the 750 its row range needs/);
    expect((await range(650, 700)).count).toBe(50);
    // JSON lines skip by reading (no row offsets in the file): the same rows as a file of those rows alone.
    const jl = f.inputs[2]!;
    const part = await runJob(() => native().correlate({ files: [{ path: jl, format: 'neurox-jsonl', rowBegin: 10, rowEnd: 75 }], threads: 1, chunkRows: 64, nan: 'error' }, () => {}));
    const ref = referenceCorrelation(f.x.subarray((1200 + 10) * COLS, (1200 + 75) * COLS), 65, COLS);
    expect(part.count).toBe(65);
    expect(maxAbsDiff(part.mean, ref.mean)).toBeLessThanOrEqual(1e-12 * 1e4);
  });
});
