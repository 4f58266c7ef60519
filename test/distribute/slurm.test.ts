/**
 * neurosieve slurm: the sbatch scripts' text (arrays split at maxArray with offsets, %K throttle, afterok merge),
 * a shell syntax check (bash -n), and the scripts run end to end through a stand-in `sbatch` (below: it runs each
 * array task with SLURM_ARRAY_TASK_ID set, and a job with --dependency=afterok only when those jobs succeeded —
 * not SLURM, but it runs our scripts' own arithmetic, quoting and commands): the same bytes as the local engine,
 * and a failed shard task leaves the merge never started with its log naming the shard.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runLocal } from '../../src/distribute/engine-local.js';
import { slurmScripts } from '../../src/distribute/slurm.js';
import { runCli } from '../helpers/cli.js';
import { TEST_SEED } from '../helpers/planted.js';
import { scratchDir } from '../helpers/tmp.js';
import { planFixture, writeFixture } from './fixture.js';

const scratch = scratchDir('distribute-slurm');

const FAKE_SBATCH = `#!/bin/bash
# Stand-in for sbatch: runs the job at once, in this shell, and records its status.
set -u
state="$FAKE_SLURM_DIR"
dep=""; script=""
for a in "$@"; do case "$a" in --dependency=afterok:*) dep="\${a#--dependency=afterok:}";; --*) ;; *) script="$a";; esac; done
echo "$*" >> "$state/calls"
id=$(( $(cat "$state/next" 2>/dev/null || echo 100) + 1 )); echo "$id" > "$state/next"
for d in \${dep//:/ }; do
  if [ "$(cat "$state/$d.status")" != 0 ]; then echo cancelled > "$state/$id.status"; echo "$id;cluster"; exit 0; fi
done
# Like sbatch, directives count only above the first command (a line that is neither blank nor a comment).
range="$(awk '!/^#/ && !/^[[:space:]]*$/ {exit} /^#SBATCH --array=/ {sub(/^#SBATCH --array=/, ""); split($0, a, /[-%]/); print a[1], a[2]}' "$script")"
status=0
if [ -n "$range" ]; then
  set -- $range
  for t in $(seq "$1" "$2"); do SLURM_ARRAY_TASK_ID=$t bash "$script" > "$state/$id-$t.log" 2>&1 || status=1; done
else
  bash "$script" > "$state/$id.log" 2>&1 || status=1
fi
echo "$status" > "$state/$id.status"
echo "$id;cluster"
`;

describe('neurosieve slurm', () => {
  it('writes arrays of at most --max-array tasks with offsets, the %K throttle and an afterok merge; bash -n accepts them', () => {
    const f = writeFixture(join(scratch.dir, 'text'), TEST_SEED);
    const { plan } = planFixture(f);
    const s = slurmScripts(plan, { planPath: '/shared/my plan.json', root: '/shared/root', cli: 'neurosieve', logDir: '/shared/logs', throttle: 2, cpus: 4, maxArray: 3, tag: 'abcd1234', sbatchArgs: ['--partition=cpu', '--time=1:00:00'] });
    expect(s.arrays).toEqual([
      { file: 'shards-0.sbatch', offset: 0, tasks: 3 },
      { file: 'shards-1.sbatch', offset: 3, tasks: 3 },
      { file: 'shards-2.sbatch', offset: 6, tasks: 2 },
    ]);
    const a2 = s.files['shards-2.sbatch']!;
    expect(a2).toContain('#SBATCH --array=0-1%2\nset -euo pipefail\n'); // directives above the first command
    expect(a2).toContain('#SBATCH --cpus-per-task=4\n#SBATCH --partition=cpu\n#SBATCH --time=1:00:00\n');
    expect(a2).toContain(`exec neurosieve job '/shared/my plan.json' --root /shared/root --threads "\${SLURM_CPUS_PER_TASK:-0}" --shard "$((6 + SLURM_ARRAY_TASK_ID))"\n`);
    expect(s.files['merge.sbatch']).toContain('--all-merges\n');
    expect(s.files['submit.sh']).toContain('sbatch --parsable --dependency="$dep" --kill-on-invalid-dep=yes merge.sbatch');
    const dir = join(scratch.dir, 'text-out');
    mkdirSync(dir);
    for (const [name, text] of Object.entries(s.files)) {
      writeFileSync(join(dir, name), text);
      const r = spawnSync('bash', ['-n', join(dir, name)], { encoding: 'utf8' });
      expect(r.stderr, name).toBe('');
      expect(r.status, name).toBe(0);
    }
    expect(() => slurmScripts(plan, { planPath: 'p', root: 'r', cli: 'c', logDir: 'l', tag: 't', sbatchArgs: ['rm -rf /'] })).toThrow(/Expected sbatch options like --partition=cpu but received "rm -rf \/"/);
  });

  it('run through a stand-in sbatch: the same bytes as the local engine; a failed shard task leaves the merge unstarted', async () => {
    const f = writeFixture(join(scratch.dir, 'run'), TEST_SEED);
    const { path } = planFixture(f);
    await runLocal(path, { root: f.root, workers: 2, threads: 1 });
    const expected = readFileSync(join(f.root, 'merged.stats'));
    rmSync(join(f.root, 'partials'), { recursive: true });
    rmSync(join(f.root, 'merged.stats'));
    const bin = join(scratch.dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'sbatch'), FAKE_SBATCH);
    chmodSync(join(bin, 'sbatch'), 0o755);
    const submit = (out: string) => {
      const state = join(scratch.dir, `state-${out}`);
      mkdirSync(state);
      const r = runCli(['slurm', path, '-o', join(f.root, out), '--max-array', '3', '--throttle', '2']);
      expect(r.code, r.stderr).toBe(0);
      const text = execFileSync('bash', [join(f.root, out, 'submit.sh')], { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, FAKE_SLURM_DIR: state } });
      return { state, text };
    };
    const ok = submit('slurm');
    expect(ok.text).toMatch(/^shard arrays: 101 102 103 \(8 tasks\); merge: 104 \(after every shard task succeeded\)$/m);
    expect(readFileSync(join(ok.state, 'calls'), 'utf8')).toContain('--dependency=afterok:101:102:103 --kill-on-invalid-dep=yes merge.sbatch');
    expect(readFileSync(join(ok.state, '104.status'), 'utf8').trim()).toBe('0');
    expect(readFileSync(join(f.root, 'merged.stats')).equals(expected)).toBe(true);
    // A shard file truncated: its task fails, naming the shard; the merge is never started.
    rmSync(join(f.root, 'partials'), { recursive: true });
    rmSync(join(f.root, 'merged.stats'));
    const b = join(f.root, 'acts/b.safetensors');
    writeFileSync(b, readFileSync(b).subarray(0, 4000));
    const bad = submit('slurm-bad');
    expect(readFileSync(join(bad.state, '104.status'), 'utf8').trim()).toBe('cancelled');
    expect(existsSync(join(f.root, 'merged.stats'))).toBe(false);
    const logs = readdirSync(bad.state).filter((n) => n.endsWith('.log')).map((n) => readFileSync(join(bad.state, n), 'utf8')).join('\n');
    expect(logs).toMatch(/error E_FORMAT: shard 4 \(acts\/b\.safetensors rows 0–192\): .*b\.safetensors changed since the plan was made \(size 4000 bytes/);
  });
});
