/**
 * Atomic output: every file neurosieve writes goes to `<path>.<pid>.<random>.tmp` in the same directory and is
 * renamed over the target only once complete, so a failure or Ctrl-C never leaves a half-written output behind.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { NeurosieveError } from '../core/errors.js';

function tempName(path: string): string {
  return `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
}

/** Writes the given chunks in order to `path`, atomically. */
export function writeFileAtomic(path: string, chunks: readonly ArrayBufferView[]): void {
  writeWithAtomic(path, (write) => {
    for (const c of chunks) write(c);
  });
}

/**
 * Opens a temp file, lets `fill` write to it in as many pieces as it likes (so big outputs never need one
 * contiguous buffer), then renames it onto `path`. If `fill` throws, the temp file is removed and the error
 * propagates.
 */
export function writeWithAtomic(path: string, fill: (write: (chunk: ArrayBufferView) => void) => void): void {
  const tmp = tempName(path);
  let fd: number;
  try {
    fd = openSync(tmp, 'wx');
  } catch (err) {
    throw new NeurosieveError('E_IO', `${path}: cannot create output file (${(err as Error).message})`, { cause: err });
  }
  try {
    fill((chunk) => {
      let off = 0;
      const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    });
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, path);
  } catch (err) {
    try {
      closeSync(fd);
    } catch {
      /* already closed */
    }
    rmSync(tmp, { force: true });
    if (err instanceof NeurosieveError) throw err;
    throw new NeurosieveError('E_IO', `${path}: cannot write output file (${(err as Error).message})`, { cause: err });
  }
}

/** Writes a UTF-8 text file atomically. */
export function writeTextAtomic(path: string, text: string): void {
  writeFileAtomic(path, [Buffer.from(text, 'utf8')]);
}
