/**
 * Ties between the files of one output set (output-set.ts): a summary written beside a file holds the sha256 of
 * that file's bytes, and a reader of the pair checks it. A matrix whose summary comes from another run (a run
 * killed between the two renames and not yet completed by a next run, or files copied from two runs) is refused
 * with both names rather than read as one result. The hash is of content, so the same inputs still give the same
 * bytes in every file.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { NeurosieveError } from '../core/errors.js';

/** sha256 of a whole file, read in 16 MiB pieces. */
export function fileSha256(path: string): string {
  const h = createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(16 << 20);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}

/** The message for a pair whose tie does not hold. */
export function tieMismatch(path: string, companion: string, expected: string, actual: string): NeurosieveError {
  return new NeurosieveError(
    'E_FORMAT',
    `${path}: is not the file its companion ${companion} was written with (sha256 ${actual.slice(0, 12)}…, the companion records ${expected.slice(0, 12)}…): the two come from different runs (an interrupted or concurrent write, or a copy); run the command again`,
  );
}

/**
 * When `companion` exists and records `key` (a sha256), checks `path` has that content. A missing companion, or
 * one written before ties existed, is no evidence either way and is accepted.
 */
export function checkTie(path: string, companion: string, key: string): void {
  let expected: unknown;
  try {
    const text = readFileSync(companion, 'utf8');
    if (text.length > 256 << 20) return;
    expected = (JSON.parse(text) as Record<string, unknown> | null)?.[key];
  } catch {
    return;
  }
  if (typeof expected !== 'string') return;
  const actual = fileSha256(path);
  if (actual !== expected) throw tieMismatch(path, companion, expected, actual);
}
