/**
 * Atomic output: every file neurosieve writes goes to `<path>.<pid>.<random>.tmp` in the same directory and is
 * renamed over the target only once complete, so a failure or Ctrl-C never leaves a half-written output behind.
 * Before writing, temps left by killed runs of this tool are removed and an interrupted commit of a set is
 * completed (output-set.ts). The files of one result go through an OutputSet, passed as `into`: they are written
 * to temps here and appear together when the set commits.
 */
import { renameSync, rmSync } from 'node:fs';
import { NeurosieveError } from '../core/errors.js';
import { recoverTarget, tempName, writeTemp, type OutputSet } from './output-set.js';

/** Writes the given chunks in order to `path`, atomically. Returns the sha256 of the bytes when `into` is given. */
export function writeFileAtomic(path: string, chunks: readonly ArrayBufferView[], into?: OutputSet): string | undefined {
  return writeWithAtomic(
    path,
    (write) => {
      for (const c of chunks) write(c);
    },
    into,
  );
}

/**
 * Opens a temp file, lets `fill` write to it in as many pieces as it likes (so big outputs never need one
 * contiguous buffer), then renames it onto `path` (or, with `into`, leaves it to the set's commit and returns the
 * bytes' sha256). If `fill` throws, the temp file is removed and the error propagates.
 */
export function writeWithAtomic(path: string, fill: (write: (chunk: ArrayBufferView) => void) => void, into?: OutputSet): string | undefined {
  if (into) return into.add(path, fill);
  recoverTarget(path);
  const tmp = tempName(path);
  writeTemp(tmp, path, fill, false);
  try {
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new NeurosieveError('E_IO', `${path}: cannot write output file (${(err as Error).message})`, { cause: err });
  }
  return undefined;
}

/** Writes a UTF-8 text file atomically (into a set when `into` is given; then returns its sha256). */
export function writeTextAtomic(path: string, text: string, into?: OutputSet): string | undefined {
  return writeFileAtomic(path, [Buffer.from(text, 'utf8')], into);
}
