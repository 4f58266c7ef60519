/**
 * Expanding --source arguments into files: a file as is, a directory as every *.py below it, and a glob
 * (`*`, `?`, `**`, `[...]`, src/io/glob.ts). Results are de-duplicated and sorted per argument, so
 * a run is reproducible whatever order the file system lists entries in.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NeurosieveError } from '../core/errors.js';
import { expandGlob, hasGlobMagic } from '../io/glob.js';

function walk(dir: string, out: string[]): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile()) out.push(p);
  }
}

/** Expands one --source argument; returns [] when nothing matches. */
export function expandSource(arg: string): string[] {
  if (!hasGlobMagic(arg)) {
    if (!existsSync(arg)) return [];
    if (statSync(arg).isDirectory()) {
      const all: string[] = [];
      walk(arg, all);
      return all.filter((f) => f.endsWith('.py')).sort();
    }
    return [arg];
  }
  return expandGlob(arg).filter((f) => statSync(f).isFile());
}

/** Expands every argument, keeping first occurrences; `missing` lists arguments that matched nothing. */
export function expandSources(args: readonly string[]): { files: string[]; missing: string[] } {
  const seen = new Set<string>();
  const files: string[] = [];
  const missing: string[] = [];
  for (const a of args) {
    const found = expandSource(a);
    if (found.length === 0) missing.push(a);
    for (const f of found) {
      const key = resolve(f);
      if (!seen.has(key)) {
        seen.add(key);
        files.push(f);
      }
    }
  }
  return { files, missing };
}

/**
 * The files of extraction's --source arguments. A named file or directory that does not exist is an error (a
 * typo); a glob matching nothing only warns, as long as some argument matched something.
 */
export function resolveSourceFiles(sources: readonly string[], warn: (message: string) => void): string[] {
  if (sources.length === 0) throw new NeurosieveError('E_EMPTY', 'Expected at least one source file or glob for --source but received none');
  const { files, missing } = expandSources(sources);
  for (const m of missing) {
    if (!/[*?[]/.test(m)) throw new NeurosieveError('E_IO', `Expected a source file, directory or glob but '${m}' does not exist`);
    warn(`no file matches '${m}'`);
  }
  if (files.length === 0) throw new NeurosieveError('E_EMPTY', `Expected source files but ${sources.map((s) => `'${s}'`).join(', ')} matched none`);
  return files;
}
