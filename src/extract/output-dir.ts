/**
 * The output directory, written atomically: everything goes into a temporary directory next to it, which is
 * renamed into place only when the whole run succeeded, so an error or Ctrl-C leaves nothing behind.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { NeurosieveError } from '../core/errors.js';

/** Ensures `out` can receive the results: new, empty, or replaceable with `overwrite`. */
export function checkOutputDir(out: string, overwrite: boolean): void {
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory()) throw new NeurosieveError('E_IO', `Expected a directory for the output but '${out}' is a file`);
  if (readdirSync(out).length > 0 && !overwrite) {
    throw new NeurosieveError('E_IO', `Expected an empty or new output directory but '${out}' holds files (use --overwrite to replace it)`);
  }
}

/** Creates the temporary directory beside `out` (same file system, so the final rename is atomic). */
export function createTempDir(out: string): string {
  const tmp = join(dirname(out), `.${basename(out)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    mkdirSync(dirname(out), { recursive: true });
    mkdirSync(tmp);
  } catch (err) {
    throw new NeurosieveError('E_IO', `${out}: cannot create the output directory (${(err as Error).message})`, { cause: err });
  }
  return tmp;
}

/** Renames `tmp` to `out`; an existing `out` is moved aside first and removed only once the new one is in place. */
export function moveIntoPlace(tmp: string, out: string): void {
  let old: string | undefined;
  if (existsSync(out)) {
    old = `${tmp}.old`;
    renameSync(out, old);
  }
  renameSync(tmp, out);
  if (old) rmSync(old, { recursive: true, force: true });
}

export function discardTempDir(tmp: string): void {
  rmSync(tmp, { recursive: true, force: true });
}
