/**
 * Reading one source file into everything extraction needs before the model runs: UTF-8 text, Python tokens,
 * subwords with offsets, the word/statement alignment and the window plan. Files that are not UTF-8 or that Python's
 * tokenizer rejects are reported as skipped, with the reason, instead of failing the run.
 */
import { readFileSync } from 'node:fs';
import { NeurosieveError } from '../core/errors.js';
import { alignTokens, type Alignment } from './labels.js';
import { PythonTokenizeError, tokenizePython } from './python-tokenize.js';
import type { SubwordTokenizer } from './tokenizer.js';

export interface PreparedSource {
  path: string;
  /** Subword ids (no special tokens), possibly truncated by maxTokens. */
  ids: Int32Array;
  /** The normalised text, and each subword's character span in it (what a subword-level .in file shows). */
  text: string;
  subStart: Int32Array;
  subEnd: Int32Array;
  align: Alignment;
  /** Word holding subword s, or -1 (whitespace, a straddling subword, or a word cut by truncation). */
  wordOfSub: Int32Array;
  /** Statement holding subword s, or -1. */
  stmtOfSub: Int32Array;
  /** Words dropped because all their subwords straddle them and a neighbour. */
  droppedWords: number;
  /** Words kept with some of their subwords left out for straddling. */
  partialWords: number;
}

export type PrepareResult = { ok: true; source: PreparedSource } | { ok: false; reason: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes and normalises a source file: strict UTF-8, BOM removed, and newlines translated as Python's open()
 * does (\r\n and \r become \n) — the text Python itself compiles, and the text the bundled model was trained on.
 */
export function readSource(path: string): { ok: true; text: string } | { ok: false; reason: string } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new NeurosieveError('E_IO', `${path}: cannot read source file (${(err as Error).message})`, { cause: err });
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { ok: false, reason: 'not valid UTF-8' };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { ok: true, text: text.replace(/\r\n?/g, '\n') };
}

/** Prepares already-decoded text; `maxTokens` truncates the subword sequence (words cut by it are dropped). */
export function prepareText(path: string, text: string, tokenizer: SubwordTokenizer, maxTokens = Infinity): PrepareResult {
  let py;
  try {
    py = tokenizePython(text);
  } catch (err) {
    if (err instanceof PythonTokenizeError) return { ok: false, reason: `not valid Python: ${err.message}` };
    throw err;
  }
  const bad = py.find((t) => t.type === 'ERRORTOKEN' && t.string.trim() !== '');
  if (bad) return { ok: false, reason: `not valid Python: unexpected ${JSON.stringify(bad.string.slice(0, 20))} (line ${bad.line})` };

  const enc = tokenizer.encode(text);
  let n = enc.ids.length;
  if (n > maxTokens) n = Math.max(0, Math.floor(maxTokens));
  const start = enc.start.subarray(0, n);
  const end = enc.end.subarray(0, n);
  const align = alignTokens(py, start, end);
  let droppedWords = 0;
  let partialWords = 0;
  for (let i = 0; i < align.words.length; i++) {
    if (align.wordFirst[i] === -1) droppedWords++;
    else partialWords += align.partial[i]!;
  }
  // A word or statement whose subwords run past the truncation point is incomplete: forget it.
  if (n < enc.ids.length) {
    for (let i = 0; i < align.words.length; i++) {
      if (align.words[i]!.end > end[n - 1]!) {
        align.wordFirst[i] = -1;
        align.wordLast[i] = -1;
      }
    }
    align.statements = align.statements.filter((s) => s.lastSub < n - 1 || s.tokens[s.tokens.length - 1]!.end <= end[n - 1]!);
  }
  const wordOfSub = new Int32Array(n).fill(-1);
  for (let w = 0; w < align.words.length; w++) {
    if (align.wordFirst[w] === -1) continue;
    for (let s = align.wordFirst[w]!; s <= align.wordLast[w]!; s++) if (!align.straddles[s]) wordOfSub[s] = w;
  }
  const stmtOfSub = new Int32Array(n).fill(-1);
  align.statements.forEach((st, i) => {
    for (let s = st.firstSub; s <= st.lastSub; s++) stmtOfSub[s] = i;
  });
  return { ok: true, source: { path, ids: enc.ids.slice(0, n), text, subStart: Int32Array.from(start), subEnd: Int32Array.from(end), align, wordOfSub, stmtOfSub, droppedWords, partialWords } };
}
