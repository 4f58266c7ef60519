/**
 * Expanding --source arguments into files: a file as is, a directory as every *.py below it, and a glob
 * (`*`, `?`, `**`, `[...]`) by walking from its fixed prefix. Results are de-duplicated and sorted per argument, so
 * a run is reproducible whatever order the file system lists entries in.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

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

/** A glob as a RegExp over '/'-separated relative paths. */
function globRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // `**/` matches zero or more directories.
        i++;
        if (glob[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 1);
      if (close < 0) re += '\\[';
      else {
        re += `[${glob.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

const isGlob = (s: string) => /[*?[]/.test(s);

/** Expands one --source argument; returns [] when nothing matches. */
export function expandSource(arg: string): string[] {
  if (!isGlob(arg)) {
    if (!existsSync(arg)) return [];
    if (statSync(arg).isDirectory()) {
      const all: string[] = [];
      walk(arg, all);
      return all.filter((f) => f.endsWith('.py')).sort();
    }
    return [arg];
  }
  // Walk from the longest directory prefix without wildcards.
  const parts = arg.split(/[\\/]/);
  const fixed: string[] = [];
  while (parts.length > 1 && !isGlob(parts[0]!)) fixed.push(parts.shift()!);
  const root = fixed.length ? fixed.join('/') || '/' : '.';
  const re = globRegExp(parts.join('/'));
  const all: string[] = [];
  walk(root, all);
  return all
    .filter((f) => re.test(relative(root, f).split(sep).join('/')))
    .map((f) => (fixed.length ? f : relative('.', f)))
    .sort();
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
