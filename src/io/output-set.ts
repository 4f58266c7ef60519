/**
 * Output sets: the files of one result (corr's matrix + summary + stats, a probe's JSON + weights, analyze's
 * results + report, synth's array + truth) appear together or not at all, and two runs writing one target
 * never leave a mix of both.
 *
 * POSIX renames one file at a time, so a set is committed with a journal:
 *   1. every file is written to a unique temp name beside its target (`<target>.<pid>.<8 hex>.tmp`) and fsynced;
 *   2. a lock is taken on every target, in sorted order (`<target>.neurosieve-lock`, created whole by link(2),
 *      so it either does not exist or holds the complete journal: our pid, a nonce and every temp → target);
 *   3. the temps are renamed onto their targets, the directories fsynced, and the locks removed.
 * A run killed in 3 leaves locks whose pid is dead: the next run to any of those targets (or any write through
 * writeWithAtomic) first rolls that journal forward — renames the temps still there — so the killed run's set is
 * completed, never half-replaced. A run killed in 1 or 2 leaves only temps: removed by that next run as well.
 * Only files of this tool are touched: the names above, with a pid that is not running.
 *
 * A second run committing to a target whose lock is held waits (a commit is a few renames) and then commits its
 * own set, so the last run to commit wins whole. Between a kill and the next run, readers see the killed run's
 * half set; the pair is tied by content (corr's .npy.json and probe.json hold the sha256 of the file beside
 * them, output-tie.ts), so a reader refuses a mismatched pair rather than pairing one run's matrix with another
 * run's summary.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  linkSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { NeurosieveError } from '../core/errors.js';

const LOCK_SUFFIX = '.neurosieve-lock';
/** How long a commit waits for another run's commit to the same target (each is a few renames). */
const LOCK_WAIT_MS = 30_000;

/** A unique temp name beside `path`; the pattern is what stale-temp cleanup recognises as ours. */
export function tempName(path: string): string {
  return `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Our temp files for target `base` (and for its lock): the pid is group 1. */
function tempPattern(base: string): RegExp {
  return new RegExp(`^${escapeRegExp(base)}(?:${escapeRegExp(LOCK_SUFFIX)})?\\.(\\d+)\\.[0-9a-f]{8}\\.tmp$`);
}

/** True while a process with this pid exists (EPERM: it exists but is another user's). */
export function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

interface Journal {
  tool: 'neurosieve';
  pid: number;
  nonce: string;
  /** [temp, target] in commit order. */
  renames: [string, string][];
}

function readJournal(lock: string): Journal | undefined | 'foreign' {
  let text: string;
  try {
    text = readFileSync(lock, 'utf8');
  } catch {
    return undefined; // gone meanwhile
  }
  try {
    const j = JSON.parse(text) as Journal;
    if (j?.tool === 'neurosieve' && Number.isSafeInteger(j.pid) && typeof j.nonce === 'string' && Array.isArray(j.renames)) return j;
  } catch {
    /* not ours */
  }
  return 'foreign';
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* some file systems refuse fsync on a directory; the renames are still atomic */
  }
}

/** Completes a dead run's commit: every temp of its journal still there is renamed onto its target. */
function rollForward(j: Journal): void {
  for (const [tmp, target] of j.renames) {
    try {
      renameSync(tmp, target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err; // ENOENT: renamed before the kill
    }
  }
  for (const [, target] of j.renames) {
    const lock = target + LOCK_SUFFIX;
    const other = readJournal(lock);
    if (typeof other === 'object' && other.nonce === j.nonce) rmSync(lock, { force: true });
  }
}

/**
 * Takes over the lock of a dead run: moves it aside (one taker wins the rename), checks it is the dead one it
 * read (not a live lock created meanwhile, which is put back), and rolls its journal forward.
 */
function recoverDeadLock(lock: string, dead: Journal): void {
  const aside = tempName(lock);
  try {
    renameSync(lock, aside);
  } catch {
    return; // another run took it first
  }
  const got = readJournal(aside);
  if (typeof got === 'object' && got.nonce === dead.nonce) {
    rollForward(dead);
  } else {
    try {
      linkSync(aside, lock);
    } catch {
      /* a third run holds the name now: it owns the target */
    }
  }
  rmSync(aside, { force: true });
}

/**
 * What the next run to `target` does before writing it: completes a dead run's interrupted commit, then removes
 * temps of this tool left by runs that are no longer running. Another live run's files are left alone.
 */
export function recoverTarget(target: string): void {
  const lock = target + LOCK_SUFFIX;
  const j = readJournal(lock);
  if (typeof j === 'object' && !pidAlive(j.pid)) recoverDeadLock(lock, j);
  const dir = dirname(target);
  const pattern = tempPattern(basename(target));
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const m = pattern.exec(name);
    if (m && !pidAlive(Number(m[1]))) rmSync(join(dir, name), { force: true, recursive: true });
  }
}

/**
 * Fault injection for the tests of output sets only (test/cli/output-sets.test.ts), read from
 * NEUROSIEVE_TEST_FAULT: `commit:<n>` SIGKILLs the process after n renames of a commit (0: locks taken and the
 * journal written, nothing renamed); `slow-commit:<ms>` sleeps before the last rename, widening the window in
 * which another run could slip in between.
 */
function faultAfter(renamed: number, total: number): void {
  const fault = process.env.NEUROSIEVE_TEST_FAULT;
  if (!fault) return;
  const slow = /^slow-commit:(\d+)$/.exec(fault);
  if (slow && renamed === total - 1) sleepMs(Number(slow[1]));
  const kill = /^commit:(\d+)$/.exec(fault);
  if (kill && Number(kill[1]) === renamed) process.kill(process.pid, 'SIGKILL');
}

function ioError(path: string, what: string, err: unknown): NeurosieveError {
  if (err instanceof NeurosieveError) return err;
  return new NeurosieveError('E_IO', `${path}: cannot ${what} (${(err as Error).message})`, { cause: err });
}

/** Writes `fill`'s chunks to a new file at `tmp`, fsynced; returns the bytes' sha256 when asked. */
export function writeTemp(tmp: string, target: string, fill: (write: (chunk: ArrayBufferView) => void) => void, hash: boolean): string | undefined {
  let fd: number;
  try {
    fd = openSync(tmp, 'wx');
  } catch (err) {
    throw ioError(target, 'create output file', err);
  }
  const h = hash ? createHash('sha256') : undefined;
  try {
    fill((chunk) => {
      const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      h?.update(bytes);
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    });
    fsyncSync(fd);
    closeSync(fd);
  } catch (err) {
    try {
      closeSync(fd);
    } catch {
      /* already closed */
    }
    rmSync(tmp, { force: true });
    throw ioError(target, 'write output file', err);
  }
  return h?.digest('hex');
}

/**
 * One result's files. `add` writes a file to its temp name at once (returning its sha256, for a file that
 * names it); `commit` puts them all in place; `discard` (also after a failed commit) removes the temps. Use:
 *   const set = new OutputSet(); try { …add…; set.commit(); } finally { set.discard(); }
 */
export class OutputSet {
  /** [temp, target], absolute (the journal is read by runs with another working directory), and as given. */
  private readonly files: [string, string][] = [];
  private readonly shown = new Map<string, string>();
  private committed = false;

  /** Writes `path`'s content to a temp file now; the file appears at `path` on commit. Returns its sha256. */
  add(path: string, fill: (write: (chunk: ArrayBufferView) => void) => void): string {
    if (this.committed) throw new NeurosieveError('E_INTERNAL', `OutputSet: ${path} added after commit`);
    recoverTarget(path);
    const tmp = tempName(path);
    const digest = writeTemp(tmp, path, fill, true)!;
    this.files.push([resolve(tmp), resolve(path)]);
    this.shown.set(resolve(path), path);
    return digest;
  }

  addText(path: string, text: string): string {
    return this.add(path, (write) => write(Buffer.from(text, 'utf8')));
  }

  /**
   * Adopts a temp file written elsewhere (synth's native writer) as the file for `path`. It must have been
   * named by tempName(path).
   */
  adopt(tmp: string, path: string): void {
    this.files.push([resolve(tmp), resolve(path)]);
    this.shown.set(resolve(path), path);
  }

  /** Locks every target, renames every temp onto its target, unlocks. */
  commit(): void {
    if (this.committed) return;
    commitRenames(this.files, this.shown);
    this.committed = true;
  }

  /** Removes the temps of a set that was not committed (no-op after commit). */
  discard(): void {
    if (this.committed) return;
    for (const [tmp] of this.files) rmSync(tmp, { force: true });
    this.files.length = 0;
  }
}

/**
 * The commit of a set: locks every target (in one global order, absolute paths, so two runs with overlapping
 * sets cannot deadlock), journals `renames` in the locks, renames, fsyncs the directories, unlocks. A rename
 * whose source is missing is skipped (moveIntoPlace journals moving an old directory aside that may not exist).
 */
export function commitRenames(renames: [string, string][], shown: ReadonlyMap<string, string> = new Map()): void {
  const journal: Journal = { tool: 'neurosieve', pid: process.pid, nonce: randomBytes(8).toString('hex'), renames };
  const targets = [...new Set(renames.map(([, t]) => t))].sort();
  const held: string[] = [];
  try {
    for (const t of targets) {
      lock(t, shown.get(t) ?? t, journal);
      held.push(t + LOCK_SUFFIX);
    }
    let renamed = 0;
    faultAfter(renamed, renames.length);
    for (const [tmp, target] of renames) {
      try {
        renameSync(tmp, target);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || !renames.some(([, t]) => t === tmp)) {
          throw ioError(shown.get(target) ?? target, 'write output file', err);
        }
      }
      faultAfter(++renamed, renames.length);
    }
    for (const dir of new Set(renames.map(([, t]) => dirname(t)))) fsyncDir(dir);
  } finally {
    for (const l of held) {
      const j = readJournal(l);
      if (typeof j === 'object' && j.nonce === journal.nonce) rmSync(l, { force: true });
    }
  }
}

/** Takes `<target>.neurosieve-lock` for `journal`, waiting for a live holder and recovering a dead one. */
function lock(target: string, shown: string, journal: Journal): void {
  const lockPath = target + LOCK_SUFFIX;
  const staged = tempName(lockPath);
  try {
    writeTemp(staged, shown, (write) => write(Buffer.from(JSON.stringify(journal), 'utf8')), false);
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        linkSync(staged, lockPath); // atomic: fails with EEXIST while another run holds it
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError(shown, 'lock output file', err);
      }
      const holder = readJournal(lockPath);
      if (holder === 'foreign') {
        throw new NeurosieveError('E_IO', `${shown}: cannot write: '${lockPath}' exists and is not a lock of this tool (remove it if nothing else uses it)`);
      }
      if (holder !== undefined && !pidAlive(holder.pid)) {
        recoverDeadLock(lockPath, holder);
        continue;
      }
      if (Date.now() > deadline) {
        throw new NeurosieveError('E_IO', `${shown}: another neurosieve run (pid ${holder?.pid ?? '?'}) has been writing it for ${LOCK_WAIT_MS / 1000} s; try again when it is done`);
      }
      sleepMs(10);
    }
  } finally {
    rmSync(staged, { force: true });
  }
}
