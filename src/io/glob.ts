/**
 * Input expansion for datasets: a path, a directory (its activation files), or a glob with *, ? and **.
 * Matches are ordered naturally (shard-2 before shard-10), so shards are read in the order they were written.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { NeurosieveError } from '../core/errors.js';
import { join } from 'node:path';

export const ACTIVATION_EXTENSIONS = ['.npy', '.safetensors', '.jsonl', '.json', '.hdf5', '.h5', '.arrow', '.arrows', '.feather'];

// Created on first use: building an ICU collator takes ~10 ms, which every CLI start would otherwise pay.
let collator: Intl.Collator | undefined;
export const naturalCompare = (a: string, b: string): number => (collator ??= new Intl.Collator('en', { numeric: true })).compare(a, b);

export function hasGlobMagic(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

function segmentRegex(segment: string): RegExp {
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i]!;
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '[') {
      const end = segment.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${segment.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += ch.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Expands a glob pattern into existing paths (files and directories), naturally sorted. */
export function expandGlob(pattern: string): string[] {
  // Every segment, fixed or not, is matched by the same walk; path.join keeps results free of a leading "./".
  const parts = pattern.split(/[\\/]+/).filter((p) => p.length > 0);
  const results: string[] = [];
  const walk = (base: string, k: number): void => {
    if (k === parts.length) {
      results.push(base);
      return;
    }
    const part = parts[k]!;
    if (part === '**') {
      walk(base, k + 1); // ** matches zero directories
      for (const e of safeReaddir(base)) if (!e.startsWith('.') && isDir(join(base, e))) walk(join(base, e), k);
      return;
    }
    if (!hasGlobMagic(part)) {
      const next = join(base, part);
      if (k + 1 === parts.length ? exists(next) : isDir(next)) walk(next, k + 1);
      return;
    }
    const re = segmentRegex(part);
    for (const e of safeReaddir(base)) if (re.test(e) && (!e.startsWith('.') || part.startsWith('.'))) walk(join(base, e), k + 1);
  };
  walk(pattern.startsWith('/') ? '/' : '.', 0);
  // "a/**/**/b" can reach one path twice.
  return [...new Set(results)].sort(naturalCompare);
}

function exists(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * The activation files directly inside a directory, naturally sorted: .npy, .safetensors, .jsonl, .hdf5/.h5 and Arrow files; plain
 * .json files (NeuroX's extractor writes its JSON lines as .json) only when there is nothing else, and never
 * neurosieve's own manifest.json or *.truth.json.
 */
export function activationFilesIn(dir: string): string[] {
  const shards = huggingFaceShards(dir);
  if (shards) return shards;
  const entries = readdirSync(dir)
    .filter((e) => !e.startsWith('.') && !isDir(join(dir, e)))
    .sort(naturalCompare);
  const lower = (e: string) => e.toLowerCase();
  const primary = entries.filter((e) => ['.npy', '.safetensors', '.jsonl', '.hdf5', '.h5', '.arrow', '.arrows', '.feather'].some((x) => lower(e).endsWith(x)));
  const json = entries.filter((e) => lower(e).endsWith('.json') && lower(e) !== 'manifest.json' && !lower(e).endsWith('.truth.json'));
  return (primary.length > 0 ? primary : json).map((e) => join(dir, e));
}

/**
 * A Hugging Face `datasets` save_to_disk directory: state.json's _data_files name its Arrow shards in order (what
 * load_from_disk reads; other .arrow files there, such as cache-*.arrow, are not the dataset). Undefined when the
 * directory has no state.json; a state.json that is not such a listing is an error naming it.
 */
function huggingFaceShards(dir: string): string[] | undefined {
  const statePath = join(dir, 'state.json');
  let text: string;
  try {
    text = readFileSync(statePath, 'utf8');
  } catch {
    return undefined;
  }
  let files: unknown;
  try {
    files = (JSON.parse(text) as { _data_files?: unknown })._data_files;
  } catch {
    throw new NeurosieveError('E_FORMAT', `${statePath}: not JSON (a Hugging Face datasets directory's state.json lists its shards)`);
  }
  if (!Array.isArray(files) || files.length === 0 || !files.every((f) => typeof f?.filename === 'string' && !/[\\/]/.test(f.filename) && f.filename !== '..')) {
    throw new NeurosieveError('E_FORMAT', `${statePath}: expected "_data_files": [{ "filename": "data-00000-of-00001.arrow" }, …] (file names beside it)`);
  }
  return files.map((f: { filename: string }) => join(dir, f.filename));
}

