/** Runs the compiled CLI (dist/cli.js) as a user would and captures its exit code and output. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scratchDir } from './tmp.js';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, [join(root, 'dist/cli.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 64 << 20,
  });
  // A signal (status null) shows in stderr, so a crash is told apart from an exit code in a failure message.
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.signal ? `${r.stderr}\n[killed by ${r.signal}]` : r.stderr };
}

// Every folder a CLI test makes lives in this file's scratch folder, removed after the test file's last test.
const scratch = scratchDir('cli');

export function tempDir(prefix: string): string {
  return mkdtempSync(join(scratch.dir, `${prefix}-`));
}

/** Files in dir, to check that a failed command left nothing (no output, no *.tmp) behind. */
export function filesIn(dir: string): string[] {
  return readdirSync(dir).sort();
}
