/**
 * Sentence lengths of NeuroX JSON lines activations: the number of tokens (rows) on each non-blank line, read
 * without parsing the numbers. The native reader (native/src/io/neurox_jsonl_source.cc) turns each line into one
 * row per element of its "features" array and skips blank lines; this scanner counts exactly those elements: the
 * values of the top-level key "features", by tracking strings, escapes and nesting across chunk boundaries. It is
 * run only to check a NeuroX `.label` file's per-sentence counts against the activations (probe/labels.ts), since
 * flattening both would let a label file that is off by one token in a sentence pass with every later label
 * shifted onto the wrong row.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { NeurosieveError } from '../core/errors.js';

/** Tokens per non-blank line of a NeuroX JSON lines file, in order. */
export function neuroxSentenceLengths(path: string): number[] {
  const lengths: number[] = [];
  let depth = 0; // nesting of { and [ on the current line
  let inString = false;
  let escaped = false;
  let key = ''; // the last complete string at depth 1 (a candidate key)
  let current = ''; // the string being read, at depth 1 only
  let inFeatures = false; // inside the top-level "features" array (depth 2)
  let afterColonKey = ''; // the key whose value comes next at depth 1
  let tokens = 0;
  let blank = true;
  const endLine = () => {
    if (!blank) lengths.push(tokens);
    depth = 0;
    inString = false;
    escaped = false;
    inFeatures = false;
    afterColonKey = '';
    tokens = 0;
    blank = true;
  };
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new NeurosieveError('E_IO', `${path}: cannot read (${(err as Error).message})`, { cause: err });
  }
  try {
    const buf = Buffer.allocUnsafe(1 << 22);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      for (let i = 0; i < n; i++) {
        const c = buf[i]!;
        if (c === 0x0a) {
          endLine();
          continue;
        }
        if (c !== 0x20 && c !== 0x09 && c !== 0x0d) blank = false;
        if (inString) {
          if (escaped) escaped = false;
          else if (c === 0x5c) escaped = true;
          else if (c === 0x22) {
            inString = false;
            if (depth === 1) key = current;
          } else if (depth === 1 && current.length < 16) current += String.fromCharCode(c);
          continue;
        }
        switch (c) {
          case 0x22:
            inString = true;
            current = '';
            break;
          case 0x3a: // ':' at depth 1: the value of `key` follows
            if (depth === 1) afterColonKey = key;
            break;
          case 0x2c:
            if (depth === 1) afterColonKey = '';
            break;
          case 0x5b: // '['
          case 0x7b: // '{'
            depth++;
            if (depth === 2 && c === 0x5b && afterColonKey === 'features') inFeatures = true;
            else if (depth === 3 && inFeatures) tokens++; // one element of "features": one token
            break;
          case 0x5d:
          case 0x7d:
            if (depth === 2) inFeatures = false;
            depth--;
            break;
          default:
        }
      }
    }
    endLine();
  } finally {
    closeSync(fd);
  }
  return lengths;
}
