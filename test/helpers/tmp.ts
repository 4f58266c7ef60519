/**
 * One temporary folder per test file: made when the file is imported (module-level fixtures may use it) and
 * removed after its last test, so runs leave nothing behind in the system's temp folder.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

export interface ScratchDir {
  readonly dir: string;
  /** Writes `content` to <dir>/<name> and returns the path. */
  file(name: string, content: Buffer | string): string;
}

export function scratchDir(name: string): ScratchDir {
  const dir = mkdtempSync(join(tmpdir(), `neurosieve-${name}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    file(fileName, content) {
      const p = join(dir, fileName);
      writeFileSync(p, content);
      return p;
    },
  };
}
