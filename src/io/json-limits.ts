/**
 * Limits for the JSON files neurosieve reads (labels, probes, rankings, clusters, analysis results, configs,
 * manifests): a file nested deeper than MAX_JSON_DEPTH, or larger than MAX_JSON_BYTES, is refused naming the file
 * before it is parsed. Without them a 5,000-deep labels file ended in "RangeError: Maximum call stack size
 * exceeded" from the first recursive walk over the parsed value, and a file past V8's string limit in an
 * internal error. No file we write or read legitimately nests beyond a dozen levels.
 */
import { readFileSync, statSync } from 'node:fs';
import { NeurosieveError } from '../core/errors.js';

export const MAX_JSON_DEPTH = 64;
/** Below V8's longest string (2^29 − 24 characters), so the text can always be held. */
export const MAX_JSON_BYTES = 500_000_000;

/** The deepest nesting of [ and { in a JSON text (strings skipped), stopping early past `limit`. */
export function jsonDepth(text: string, limit = Infinity): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/** Throws E_FORMAT naming `path` when `text` nests deeper than MAX_JSON_DEPTH. */
export function checkJsonDepth(text: string, path: string, what: string): void {
  if (jsonDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    throw new NeurosieveError('E_FORMAT', `${path}: cannot read ${what} (JSON nested more than ${MAX_JSON_DEPTH} levels deep; no ${what} nests that deep)`);
  }
}

/**
 * Reads a JSON file's text within the limits: E_FORMAT naming the file when it is larger than MAX_JSON_BYTES or
 * nested deeper than MAX_JSON_DEPTH; E_IO when it cannot be read. The caller parses (keeping its own messages).
 */
export function readJsonText(path: string, what: string): string {
  let text: string;
  try {
    const size = statSync(path).size;
    if (size > MAX_JSON_BYTES) {
      throw new NeurosieveError('E_FORMAT', `${path}: cannot read ${what} (${size} bytes of JSON; at most ${MAX_JSON_BYTES} are read)`);
    }
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof NeurosieveError) throw err;
    throw new NeurosieveError('E_IO', `${path}: cannot read ${what} (${(err as Error).message})`, { cause: err });
  }
  checkJsonDepth(text, path, what);
  return text;
}
