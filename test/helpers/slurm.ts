/**
 * A real single-node SLURM for the SLURM engine tests, started by the project's script (scripts/engines/slurm.sh:
 * Debian's slurmctld + slurmd + munge on loopback, without systemd, state in a scratch directory). Without those
 * packages (or without root, which slurmd needs) the suite is skipped with a note — except under CI=true, where
 * that is a failure (.ci/run installs them).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { root } from './cli.js';

const script = join(root, 'scripts/engines/slurm.sh');

export function startSlurm(dir: string, suite: string): { conf: string; stop(): void } | undefined {
  const has = spawnSync('sh', ['-c', 'command -v slurmctld && command -v slurmd && command -v sbatch && command -v munged'], { encoding: 'utf8' }).status === 0;
  const reason = !has ? 'slurmctld, slurmd, slurm-client or munge is not installed (scripts/engines/slurm.sh installs them; .ci/run does)' : process.getuid?.() !== 0 ? 'slurmd must run as root' : undefined;
  if (reason) {
    if (process.env.CI === 'true') throw new Error(`${suite}: CI=true requires a SLURM cluster, but ${reason}`);
    console.warn(`${suite}: skipped: ${reason}`);
    return undefined;
  }
  const conf = execFileSync(script, ['start', dir], { encoding: 'utf8' }).trim();
  return { conf, stop: () => void execFileSync(script, ['stop', dir]) };
}
