/**
 * run --engine slurm on a real single-node SLURM (Debian's slurmctld + slurmd + munge, started by
 * scripts/engines/slurm.sh): the shard arrays and the afterok merge give the local engine's bytes; a shard task
 * that fails leaves the merge cancelled and the run fails naming the shard.
 */
import { readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runLocal } from '../../src/distribute/engine-local.js';
import { runSlurm } from '../../src/distribute/engine-slurm.js';
import { TEST_SEED } from '../helpers/planted.js';
import { startSlurm } from '../helpers/slurm.js';
import { scratchDir } from '../helpers/tmp.js';
import { planFixture, writeFixture } from './fixture.js';

const scratch = scratchDir('distribute-slurm-real');
const slurm = startSlurm(join(scratch.dir, 'cluster'), 'SLURM engine');
if (slurm) process.env.SLURM_CONF = slurm.conf;
afterAll(() => slurm?.stop());

describe.skipIf(!slurm)('run --engine slurm (real slurmctld + slurmd)', () => {
  it('shard arrays + afterok merge: the same bytes as the local engine', async () => {
    const f = writeFixture(join(scratch.dir, 'ok'), TEST_SEED);
    const { path } = planFixture(f, { shardRows: 400 }); // 5 shards: 384 + 316, 384 + 116, JSON lines
    await runLocal(path, { root: f.root, workers: 2, threads: 1 });
    const expected = readFileSync(join(f.root, 'merged.stats'));
    rmSync(join(f.root, 'partials'), { recursive: true });
    rmSync(join(f.root, 'merged.stats'));
    const done: number[] = [];
    await runSlurm(path, { root: f.root, throttle: 2, cpus: 1, pollMs: 300, onEvent: (e) => e.type === 'done' && done.push(e.job.id) });
    expect(readFileSync(join(f.root, 'merged.stats')).equals(expected)).toBe(true);
    expect(done.sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('a failed shard task: the merge is cancelled and the run fails naming the shard', async () => {
    const f = writeFixture(join(scratch.dir, 'bad'), TEST_SEED);
    const { path } = planFixture(f, { shardRows: 400 });
    const a = join(f.root, 'acts/a.npy');
    writeFileSync(a, readFileSync(a).subarray(0, 2000));
    await expect(runSlurm(path, { root: f.root, cpus: 1, pollMs: 300 })).rejects.toThrow(
      /SLURM merge job \d+ ended CANCELLED: a shard task failed: shard [01] \(acts\/a\.npy rows \d+–\d+\): .*a\.npy changed since the plan was made \(size 2000 bytes.*; nothing was merged without it/,
    );
    expect(existsSync(join(f.root, 'merged.stats'))).toBe(false);
  });
});
