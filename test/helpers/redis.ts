/**
 * A real Redis for the BullMQ tests, started by the project's script (scripts/engines/redis.sh: Debian's
 * redis-server on a free loopback port, append-only file in a scratch directory). Without redis-server the suite
 * is skipped with a note — except under CI=true, where that is a failure (.ci/run installs it).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { root } from './cli.js';

export interface TestRedis {
  url: string;
  port: number;
  stop(): void;
  /** Starts it again on the same port and directory (the append-only file brings the queue back). */
  start(): void;
}

const script = join(root, 'scripts/engines/redis.sh');

export function startRedis(dir: string, suite: string): TestRedis | undefined {
  const has = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).status === 0;
  if (!has) {
    const reason = 'redis-server is not installed (scripts/engines/redis.sh installs it; .ci/run does)';
    if (process.env.CI === 'true') throw new Error(`${suite}: CI=true requires a Redis server, but ${reason}`);
    console.warn(`${suite}: skipped: ${reason}`);
    return undefined;
  }
  const url = execFileSync(script, ['start', dir], { encoding: 'utf8' }).trim();
  const port = Number(new URL(url).port);
  return {
    url,
    port,
    stop: () => execFileSync(script, ['stop', dir]),
    start: () => void execFileSync(script, ['start', dir, String(port)]),
  };
}
