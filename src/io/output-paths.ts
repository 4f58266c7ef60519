/**
 * checkOutputs: the one check every writing command makes before any work, so that no output can replace an
 * input (an atomic rename over an input would leave exit 0 and the input gone), two outputs of one run cannot
 * name the same file, and an empty or directory path, or one whose directory does not exist, is refused as bad
 * usage (exit 2) rather than failing at the final rename after all the work is done.
 *
 * Paths are compared by where they land, not by how they are spelled: an existing path by its realpath (links
 * and `..` resolved), a path that does not exist yet by its parent's realpath plus its own name (the rename
 * creates that entry, so a link elsewhere in the parent chain is what matters). An existing output is also
 * compared by device and inode, so a hard link to an input (another name for the same file) is refused too.
 */
import { realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, isAbsolute, sep } from 'node:path';
import { NeurosieveError } from '../core/errors.js';
import { resolveInputs } from './dataset.js';

export interface OutputCheck {
  /** For messages: 'neurosieve corr'. */
  command: string;
  /**
   * Output files by the flag that named them ('-o', '--stats-out'). A file written beside another (corr's
   * <output>.json, a probe's weights) is keyed 'flag|what' ('-o|.json summary'), so messages name both.
   */
  outputs?: Record<string, string | undefined>;
  /** Output directories (split, extract) by flag: they may exist, but must hold no input. */
  directories?: Record<string, string | undefined>;
  /** Inputs as the user gave them: files, directories or globs (expanded as the command would read them). */
  inputs: readonly (string | undefined)[];
}

/** Where a path lands: the realpath of what exists, else the parent's realpath + the name (or resolve()). */
export function landingPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    // Not there yet (or a dangling link, which the rename replaces itself): the entry in the resolved parent.
  }
  try {
    return join(realpathSync(dirname(resolve(path))), basename(path));
  } catch {
    return resolve(path); // the parent is missing too: the write will fail on its own, nothing to protect
  }
}

/**
 * The files an input argument stands for. A directory or glob is expanded as the commands' readers expand them
 * (resolveInputs); an input that cannot be expanded (missing, empty directory) stands for itself, so the
 * command's own reader reports it with its own message.
 */
function inputFiles(input: string): string[] {
  let expanded: string[];
  try {
    expanded = resolveInputs([input]);
  } catch {
    expanded = [input];
  }
  return expanded;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function usage(message: string): never {
  throw new NeurosieveError('E_ARGUMENT', message);
}

function flagName(key: string): string {
  return key.split('|')[0]!;
}

/** How a message shows an output: the path given, or for a sidecar the path given and the file beside it. */
function shown(key: string, path: string, outputs: Record<string, string | undefined>): string {
  const [flag, what] = key.split('|');
  return what === undefined ? `'${path}'` : `'${outputs[flag!] ?? ''}', whose ${what} is '${path}'`;
}

/** `dev:ino` of an existing file (the identity hard links share), else undefined. */
function fileId(path: string): string | undefined {
  try {
    const s = statSync(path, { bigint: true });
    return `${s.dev}:${s.ino}`;
  } catch {
    return undefined;
  }
}

/** Throws E_ARGUMENT (exit 2) naming the flag when an output is empty, a directory, an input, or another output. */
export function checkOutputs(check: OutputCheck): void {
  const where = (flag: string) => `${flagName(flag)} of '${check.command}'`;
  const inputs = new Map<string, string>(); // landing path → the input as given
  const inputIds = new Map<string, string>(); // dev:ino → the input as given
  for (const input of check.inputs) {
    if (input === undefined || input === '') continue;
    for (const file of inputFiles(input)) {
      const landing = landingPath(file);
      if (!inputs.has(landing)) inputs.set(landing, file);
      const id = fileId(file);
      if (id !== undefined && !inputIds.has(id)) inputIds.set(id, file);
    }
  }
  const seen = new Map<string, string>(); // landing path → flag
  const outputs = check.outputs ?? {};
  for (const [flag, path] of Object.entries(outputs)) {
    if (path === undefined) continue;
    if (path.trim() === '') usage(`Expected a file path for ${where(flag)} but received '${path}'`);
    if (path.endsWith('/') || path.endsWith(sep) || isDirectory(path)) {
      usage(`Expected a file path for ${where(flag)} but received '${path}', which is a directory`);
    }
    // A missing parent would only fail at the final write, after all the work: refuse it now.
    const parent = dirname(resolve(path));
    if (!isDirectory(parent)) usage(`Expected an output in an existing directory for ${where(flag)} but received '${path}': '${parent}' is not a directory`);
    const landing = landingPath(path);
    const input = inputs.get(landing);
    if (input !== undefined) {
      const same = input !== path ? ` (the same file as input '${input}')` : flag.includes('|') ? ', an input' : '';
      usage(`Expected an output that is not an input for ${where(flag)} but received ${shown(flag, path, outputs)}${same}`);
    }
    const id = fileId(path);
    const linked = id !== undefined ? inputIds.get(id) : undefined;
    if (linked !== undefined) {
      usage(`Expected an output that is not an input for ${where(flag)} but received ${shown(flag, path, outputs)} (a hard link to input '${linked}')`);
    }
    const other = seen.get(landing);
    if (other !== undefined) {
      usage(`Expected different files for ${flagName(other)} and ${where(flag)} but received ${other.includes('|') || flag.includes('|') ? `${shown(other, path, outputs)} and ${shown(flag, path, outputs)}` : `'${path}' for both`}`);
    }
    seen.set(landing, flag);
  }
  for (const [flag, dir] of Object.entries(check.directories ?? {})) {
    if (dir === undefined) continue;
    if (dir.trim() === '') usage(`Expected a directory path for ${where(flag)} but received '${dir}'`);
    const landing = landingPath(dir);
    for (const [file, input] of inputs) {
      const rel = relative(landing, file);
      // The directory is replaced as a whole (--overwrite), so an input anywhere below it would be lost.
      if (rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel))) {
        usage(`Expected an output directory that holds no input for ${where(flag)} but received '${dir}', which holds input '${input}'`);
      }
    }
  }
}
