/**
 * Aligning Python tokens with subwords by character offsets. A "word" is one Python token that has text
 * (NAME, KEYWORD, NUMBER, STRING, OP, COMMENT); its subwords are the subwords overlapping its span. A subword that
 * overlaps two words (byte-level BPE merges punctuation runs, so `("` or `"),` are single subwords) straddles
 * them: it is flagged and left out of both words, which are represented by their remaining (clean) subwords; a word
 * with no clean subword (the `(` of `("`) is dropped from the token task. Subwords of pure whitespace overlap no
 * word and belong to none. Statements (for the sentence task) are the logical lines, as NEWLINE ends them.
 */
import type { PyToken, PyTokenType } from './python-tokenize.js';
import { classifyStatement, type StatementLabel } from './statements.js';

/** Python token types that become words of the token task, in class-id order. */
export const TOKEN_LABELS = ['NAME', 'KEYWORD', 'NUMBER', 'STRING', 'OP', 'COMMENT'] as const;
export type TokenLabel = (typeof TOKEN_LABELS)[number];
const WORD_TYPES: ReadonlySet<PyTokenType> = new Set(TOKEN_LABELS);

export interface Alignment {
  /** Python tokens that are words, in order. */
  words: PyToken[];
  /** First and last clean subword of word w (the word's clean subwords lie between them), -1 if it has none. */
  wordFirst: Int32Array;
  wordLast: Int32Array;
  /** 1 when some subword of the word also covers another word (the word keeps its other subwords). */
  partial: Uint8Array;
  /** 1 for a subword that overlaps two or more words. */
  straddles: Uint8Array;
  /** Number of subwords that overlap two or more words. */
  straddlingSubwords: number;
  /** Line group of each word, for NeuroX .in/.label files: one group per logical line or comment line. */
  wordGroup: Int32Array;
  statements: Statement[];
}

export interface Statement {
  label: StatementLabel;
  /** The statement's code tokens joined with single spaces (for the .in file). */
  tokens: PyToken[];
  /** Subword range [firstSub, lastSub] (inclusive) overlapping the statement's text. */
  firstSub: number;
  lastSub: number;
  line: number;
}

/** Subwords are given by their UTF-16 spans [subStart[i], subEnd[i]) in text order (as SubwordEncoding). */
export function alignTokens(pyTokens: readonly PyToken[], subStart: Int32Array, subEnd: Int32Array): Alignment {
  const words = pyTokens.filter((t) => WORD_TYPES.has(t.type) && t.end > t.start);
  const nw = words.length;
  const ns = subStart.length;
  const wordFirst = new Int32Array(nw).fill(-1);
  const wordLast = new Int32Array(nw).fill(-1);
  const partial = new Uint8Array(nw);
  const straddles = new Uint8Array(ns);
  let straddlingSubwords = 0;
  // Sweep subwords and words together: both are sorted and words do not overlap one another.
  let w0 = 0;
  for (let s = 0; s < ns; s++) {
    const ss = subStart[s]!;
    const se = subEnd[s]!;
    while (w0 < nw && words[w0]!.end <= ss) w0++;
    let w = w0;
    while (w < nw && words[w]!.start < se) w++;
    if (w - w0 > 1) {
      straddles[s] = 1;
      straddlingSubwords++;
      for (let k = w0; k < w; k++) partial[k] = 1;
    } else if (w - w0 === 1) {
      if (wordFirst[w0] === -1) wordFirst[w0] = s;
      wordLast[w0] = s;
    }
  }

  // Line groups: a new group after each NEWLINE, and after an NL that ends a line holding only comments.
  const wordGroup = new Int32Array(nw);
  const statements: Statement[] = [];
  let group = 0;
  let groupHasWords = false;
  let wi = 0;
  let stmt: PyToken[] = [];
  const flushStatement = () => {
    if (stmt.length === 0) return;
    const a = stmt[0]!.start;
    const b = stmt[stmt.length - 1]!.end;
    // Subwords overlapping [a, b): binary search for the first subword ending after a.
    let lo = 0;
    let hi = ns;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (subEnd[mid]! <= a) lo = mid + 1;
      else hi = mid;
    }
    let last = lo;
    while (last + 1 < ns && subStart[last + 1]! < b) last++;
    if (lo < ns && subStart[lo]! < b) {
      statements.push({ label: classifyStatement(stmt), tokens: stmt, firstSub: lo, lastSub: last, line: stmt[0]!.line });
    }
    stmt = [];
  };
  for (const t of pyTokens) {
    if (WORD_TYPES.has(t.type) && t.end > t.start) {
      wordGroup[wi++] = group;
      groupHasWords = true;
      if (t.type !== 'COMMENT') stmt.push(t);
    } else if (t.type === 'NEWLINE') {
      flushStatement();
      if (groupHasWords) group++;
      groupHasWords = false;
    } else if (t.type === 'NL' && stmt.length === 0) {
      if (groupHasWords) group++;
      groupHasWords = false;
    }
  }
  flushStatement();
  return { words, wordFirst, wordLast, partial, straddles, straddlingSubwords, wordGroup, statements };
}
