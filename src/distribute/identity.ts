/**
 * Content identity of a shard's file: what a plan records so that a worker, maybe days later on another machine,
 * can tell that it reads the bytes the plan was made from.
 *
 * An identity is (size, mtime, sha256 of sampled blocks) by default: the first and last 1 MiB and 62 evenly spaced
 * 64 KiB blocks, ~6 MiB read per file whatever its size. Why not the full sha256 always: a 7B model over 10M tokens
 * is terabytes of activations, and hashing them at plan time (and again in every worker) costs a full extra read
 * of the dataset. The sample catches what actually happens to shared storage — a file replaced, regenerated,
 * truncated, appended to — because any of those changes the size or the sampled bytes; the mtime catches an
 * in-place edit between samples (rewriting a file updates it, also on NFS and Lustre). A copy made without
 * preserving times (plain `cp`) therefore reads as changed: refused with the reason, never silently accepted.
 * `--identity full` hashes every byte for those who want it (and the mtime is then not compared: the bytes are).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { NeurosieveError } from '../core/errors.js';

export const IDENTITY_MODES = ['sampled', 'full'] as const;
export type IdentityMode = (typeof IDENTITY_MODES)[number];

export interface FileIdentity {
  size: number;
  /** Modification time in whole milliseconds (sampled mode only compares it). */
  mtimeMs: number;
  /** sha256 (hex) of the sampled blocks, or of every byte. */
  sha256: string;
  mode: IdentityMode;
}

const EDGE = 1 << 20;
const BLOCK = 64 << 10;
const MIDDLE_BLOCKS = 62;

/** The byte ranges hashed in sampled mode: [offset, length], in increasing order, non-overlapping. */
export function sampledRanges(size: number): [number, number][] {
  if (size <= 2 * EDGE + MIDDLE_BLOCKS * BLOCK) return [[0, size]];
  const out: [number, number][] = [[0, EDGE]];
  const span = size - 2 * EDGE - BLOCK;
  for (let k = 0; k < MIDDLE_BLOCKS; k++) out.push([EDGE + Math.floor((span * k) / (MIDDLE_BLOCKS - 1)), BLOCK]);
  out.push([size - EDGE, EDGE]);
  return out;
}

/** The identity of the file at `path` (E_IO naming it when it cannot be read). */
export function fileIdentity(path: string, mode: IdentityMode): FileIdentity {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new NeurosieveError('E_IO', `${path}: cannot open shard file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
  }
  try {
    const st = fstatSync(fd);
    const hash = createHash('sha256');
    const buf = Buffer.alloc(4 << 20);
    const ranges: [number, number][] = mode === 'full' ? [[0, st.size]] : sampledRanges(st.size);
    for (const [offset, length] of ranges) {
      for (let done = 0; done < length; ) {
        const n = readSync(fd, buf, 0, Math.min(buf.length, length - done), offset + done);
        if (n === 0) throw new NeurosieveError('E_IO', `${path}: file shrank while its identity was read (at byte ${offset + done} of ${st.size})`);
        hash.update(buf.subarray(0, n));
        done += n;
      }
    }
    return { size: st.size, mtimeMs: Math.floor(st.mtimeMs), sha256: hash.digest('hex'), mode };
  } finally {
    closeSync(fd);
  }
}

/**
 * Throws unless the file at `path` still has the identity `planned` records: E_IO when it is gone, E_FORMAT
 * naming what differs (size, modification time or content) otherwise. `what` names the shard in the message.
 */
export function expectIdentity(path: string, planned: FileIdentity, what: string): void {
  let now: FileIdentity;
  try {
    now = fileIdentity(path, planned.mode);
  } catch (err) {
    throw new NeurosieveError('E_IO', `${what}: ${(err as Error).message}; the plan was made from a file of ${planned.size} bytes there`, { cause: err });
  }
  const diffs: string[] = [];
  if (now.size !== planned.size) diffs.push(`size ${now.size} bytes, planned ${planned.size}`);
  if (planned.mode === 'sampled' && now.mtimeMs !== planned.mtimeMs) {
    diffs.push(`modified ${new Date(now.mtimeMs).toISOString()}, planned ${new Date(planned.mtimeMs).toISOString()}`);
  }
  if (now.sha256 !== planned.sha256) diffs.push(`${planned.mode === 'full' ? 'content' : 'sampled content'} sha256 ${now.sha256.slice(0, 12)}…, planned ${planned.sha256.slice(0, 12)}…`);
  if (diffs.length > 0) {
    throw new NeurosieveError('E_FORMAT', `${what}: ${path} changed since the plan was made (${diffs.join('; ')}); make a new plan for the new data (neurosieve plan)`);
  }
}
