/**
 * run --engine bullmq against a real redis-server on loopback (scripts/engines/redis.sh), with real worker
 * processes (neurosieve worker): the same bytes as the local engine; a worker killed mid-shard (its job taken over
 * by another worker); Redis restarted during a run (the run resumes) or gone (the run fails naming it); a changed
 * file fails the run naming the shard, nothing merged.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionOf, runBullmq } from '../../src/distribute/engine-bullmq.js';
import { runLocal } from '../../src/distribute/engine-local.js';
import { root as repo } from '../helpers/cli.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import { TEST_SEED } from '../helpers/planted.js';
import { scratchDir } from '../helpers/tmp.js';
import { npyBytes } from '../helpers/formats.js';
import { makePlan } from '../../src/distribute/plan.js';
import { writeTextAtomic } from '../../src/io/atomic.js';
import { planFixture, writeFixture } from './fixture.js';

const scratch = scratchDir('distribute-bullmq');
const redis: TestRedis | undefined = startRedis(join(scratch.dir, 'redis'), 'bullmq engine');
const workers: ChildProcess[] = [];
let n = 0;

function worker(queue: string, name: string): ChildProcess {
  const w = spawn(process.execPath, [join(repo, 'dist/cli.js'), 'worker', '--redis', redis!.url, '--queue', queue, '--threads', '1', '--lock-ms', '1000', '--name', name, '--quiet'], { stdio: 'ignore' });
  workers.push(w);
  return w;
}

afterAll(() => {
  for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
  redis?.stop();
});

/** The merged bytes of the fixture's plan by the local engine, then the partials and output removed. */
async function localBytes(root: string, path: string): Promise<Buffer> {
  await runLocal(path, { root, workers: 2, threads: 1 });
  const b = readFileSync(join(root, 'merged.stats'));
  rmSync(join(root, 'partials'), { recursive: true });
  rmSync(join(root, 'merged.stats'));
  return b;
}

describe.skipIf(!redis)('run --engine bullmq (real redis-server)', () => {
  beforeAll(() => {
    expect(redis!.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
  });

  it('the same bytes as the local engine, with the manifest', async () => {
    const f = writeFixture(join(scratch.dir, `d${n++}`), TEST_SEED);
    const { path } = planFixture(f);
    const expected = await localBytes(f.root, path);
    worker('q1', 'a');
    worker('q1', 'b');
    const done: string[] = [];
    const s = await runBullmq(path, { redis: redis!.url, queue: 'q1', root: f.root, pollMs: 100, onEvent: (e) => e.type === 'done' && done.push(`${e.job.kind}${e.job.id}`) });
    expect(readFileSync(join(f.root, 'merged.stats')).equals(expected)).toBe(true);
    expect(existsSync(join(f.root, 'merged.stats.manifest.json'))).toBe(true);
    expect(s.jobs).toBe(12);
    expect(new Set(done).size).toBe(12);
    // Submitting the finished plan again adds nothing and returns at once.
    const again = await runBullmq(path, { redis: redis!.url, queue: 'q1', root: f.root, pollMs: 100 });
    expect(again.jobs).toBe(12);
  });

  it('a worker killed mid-shard: another worker takes the job over and the result is the same bytes', async () => {
    // Shards big enough (4096 × 256, ~0.1 s each on one thread) that a kill on the "active" event lands mid-job.
    const root = join(scratch.dir, `d${n++}`);
    const rows = 16384;
    const cols = 256;
    const x = new Float32Array(rows * cols);
    let s = TEST_SEED >>> 0;
    for (let i = 0; i < x.length; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      x[i] = (s / 2 ** 32 - 0.5) * 4 + (i % cols < 8 ? x[i - (i % cols) + 8] ?? 0 : 0);
    }
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, 'big.npy'), npyBytes(x, [rows, cols], 'float32'));
    const plan = makePlan([join(root, 'big.npy')], { root, output: join(root, 'merged.stats'), partials: join(root, 'partials'), shardRows: 4096, chunkRows: 512 });
    const path = join(root, 'plan.json');
    writeTextAtomic(path, JSON.stringify(plan));
    const expected = await localBytes(root, path);
    const byName = new Map([['k1', worker('q2', 'k1')], ['k2', worker('q2', 'k2')]]);
    const connection = connectionOf(redis!.url);
    const events = new QueueEvents('q2', { connection });
    const queue = new Queue('q2', { connection });
    await events.waitUntilReady();
    let killed: string | undefined;
    events.on('active', async ({ jobId }) => {
      if (killed || !jobId.endsWith('-s1')) return;
      const job = await queue.getJob(jobId);
      const name = job?.processedBy?.split(':')[0] ?? '';
      const w = byName.get(name) ?? [...byName.values()][0]!;
      killed = jobId;
      w.kill('SIGKILL');
    });
    try {
      await runBullmq(path, { redis: redis!.url, queue: 'q2', root, pollMs: 100 });
      expect(killed).toBeDefined();
      const job = await queue.getJob(killed!);
      expect(job!.attemptsStarted).toBeGreaterThanOrEqual(2); // it ran again after the kill
      expect(readFileSync(join(root, 'merged.stats')).equals(expected)).toBe(true);
    } finally {
      await events.close();
      await queue.close();
    }
  });

  it('Redis restarted during a run: the run resumes and gives the same bytes', async () => {
    const f = writeFixture(join(scratch.dir, `d${n++}`), TEST_SEED + 1);
    const { path } = planFixture(f);
    const expected = await localBytes(f.root, path);
    worker('q3', 'r1');
    worker('q3', 'r2');
    let restarted = false;
    await runBullmq(path, {
      redis: redis!.url,
      queue: 'q3',
      root: f.root,
      pollMs: 100,
      onEvent: (e) => {
        if (restarted || e.type !== 'done') return;
        restarted = true;
        redis!.stop();
        setTimeout(() => redis!.start(), 300);
      },
    });
    expect(restarted).toBe(true);
    expect(readFileSync(join(f.root, 'merged.stats')).equals(expected)).toBe(true);
  });

  it('a changed file fails the run naming the shard; nothing is merged', async () => {
    const f = writeFixture(join(scratch.dir, `d${n++}`), TEST_SEED + 2);
    const { path } = planFixture(f);
    writeFileSync(join(f.root, 'acts/a.npy'), readFileSync(join(f.root, 'acts/a.npy')).subarray(0, 1000));
    worker('q4', 'c1');
    await expect(runBullmq(path, { redis: redis!.url, queue: 'q4', root: f.root, pollMs: 100 })).rejects.toThrow(
      /failed: shard \d \(acts\/a\.npy rows \d+–\d+\): .*a\.npy changed since the plan was made \(size 1000 bytes, planned \d+/,
    );
    expect(existsSync(join(f.root, 'merged.stats'))).toBe(false);
  });

  it('Redis gone for good: the run fails naming the URL after the timeout', async () => {
    const f = writeFixture(join(scratch.dir, `d${n++}`), TEST_SEED + 3);
    const { path } = planFixture(f);
    redis!.stop();
    try {
      await expect(runBullmq(path, { redis: redis!.url, queue: 'q5', root: f.root, redisTimeoutMs: 1500 })).rejects.toThrow(
        new RegExp(`Redis at ${redis!.url.replace(/[/.]/g, '\\$&')} did not answer for 2 s while connecting \\(last error: .*ECONNREFUSED.*\\); the plan's jobs stay queued: run again to resume`),
      );
    } finally {
      redis!.start();
    }
  });
});
