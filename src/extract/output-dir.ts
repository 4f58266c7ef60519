/**
 * The output directory, written atomically: everything goes into a temporary directory next to it, which is
 * renamed into place only when the whole run succeeded, so an error or Ctrl-C leaves nothing behind. The final
 * renames are one locked, journaled commit (io/output-set.ts), so two runs to one directory leave one run's
 * directory whole, and temporary directories of killed runs are removed by the next run to that directory.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { NeurosieveError } from '../core/errors.js';
import { commitRenames, pidAlive, recoverTarget } from '../io/output-set.js';

/** Removes temporary directories of `out` (`.<name>.<pid>.<8 hex>.tmp[.old]`) left by runs no longer running. */
function removeStaleTempDirs(out: string): void {
  recoverTarget(out); // an interrupted commit to `out` is completed first
  const base = basename(out).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`^\\.${base}\\.(\\d+)\\.[0-9a-f]{8}\\.tmp(?:\\.old)?$`);
  let names: string[];
  try {
    names = readdirSync(dirname(out));
  } catch {
    return;
  }
  for (const name of names) {
    const m = pattern.exec(name);
    if (m && !pidAlive(Number(m[1]))) rmSync(join(dirname(out), name), { recursive: true, force: true });
  }
}

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
    removeStaleTempDirs(out);
    mkdirSync(tmp);
  } catch (err) {
    throw new NeurosieveError('E_IO', `${out}: cannot create the output directory (${(err as Error).message})`, { cause: err });
  }
  return tmp;
}

/** Renames `tmp` to `out`; an existing `out` is moved aside first and removed only once the new one is in place. */
export function moveIntoPlace(tmp: string, out: string): void {
  // Journaled under the lock on `out`: moving the old directory aside is skipped when there is none.
  const old = `${tmp}.old`;
  commitRenames(
    [
      [resolve(out), resolve(old)],
      [resolve(tmp), resolve(out)],
    ],
    new Map([[resolve(out), out]]),
  );
  rmSync(old, { recursive: true, force: true });
}

export function discardTempDir(tmp: string): void {
  rmSync(tmp, { recursive: true, force: true });
}
