/**
 * Where each row of a task comes from in its source file, so a report can show a row (a top-activating word, say)
 * in its context: `<task>/positions.npy`, int32 [rows, 5], one line per row in row order.
 *
 * Columns (POSITION_COLUMNS): the source's index into the manifest's `sources`, then the span as Python's
 * tokenize reports it: 1-based start line, 0-based start column, 1-based end line, 0-based end column
 * (exclusive). Like Python's, columns count code points (not UTF-16 units or bytes) in the text Python reads
 * (UTF-8, BOM dropped, \r\n and \r read as \n), so `lines[startLine - 1][startCol:endCol]` in Python (or
 * `[...line].slice(startCol, endCol)` in JS) is the row's text for a one-line span. A multi-line span (a
 * triple-quoted string, a statement spread over lines) ends on its end line.
 *
 * - Token task, unit word: the span of the Python token.
 * - Token task, unit subword: the subword's own span (the tokenizer's offsets; a byte-level subword may include
 *   the space before its word, as the .in file shows with ␣). A subword holding part of a multi-byte character
 *   spans that whole character.
 * - Sentence task: from the start of the statement's first code token to the end of its last (comments and the
 *   NEWLINE left out, as in the .in file).
 */
import { join } from 'node:path';
import { NeurosieveError } from '../core/errors.js';
import { writeNpy } from '../io/npy.js';
import type { RowNumbering } from './plan.js';
import type { PreparedSource } from './prepare.js';

export const POSITION_COLUMNS = ['source', 'startLine', 'startCol', 'endLine', 'endCol'] as const;
const WIDTH = POSITION_COLUMNS.length;

/** UTF-16 offsets of a text → (1-based line, 0-based code-point column). */
export class SourceLines {
  /** UTF-16 offset of the start of each line (lines end after '\n', as the tokenizer splits them). */
  private readonly starts: number[] = [0];
  /** Astral characters (surrogate pairs) in text[0, i), only when the text has any: they count once as a column. */
  private readonly pairsBefore: Int32Array | undefined;

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
    if (/[\uD800-\uDBFF][\uDC00-\uDFFF]/.test(text)) {
      const pairs = new Int32Array(text.length + 1);
      for (let i = 0; i < text.length; i++) {
        const low = i > 0 && isLowSurrogate(text.charCodeAt(i)) && isHighSurrogate(text.charCodeAt(i - 1));
        pairs[i + 1] = pairs[i]! + (low ? 1 : 0);
      }
      this.pairsBefore = pairs;
    }
  }

  /** The line holding `offset` (the last line starting at or before it) and the column there. */
  locate(offset: number): { line: number; col: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    const start = this.starts[lo]!;
    const p = this.pairsBefore;
    return { line: lo + 1, col: offset - start - (p ? p[offset]! - p[start]! : 0) };
  }
}

const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/** Rows × POSITION_COLUMNS, each row unset (-1) until `set`; `finish` checks every row was set once. */
class PositionTable {
  readonly data: Int32Array;
  constructor(readonly rows: number) {
    this.data = new Int32Array(rows * WIDTH).fill(-1);
  }
  set(row: number, source: number, lines: SourceLines, start: number, end: number): void {
    if (row < 0 || row >= this.rows || this.data[row * WIDTH] !== -1) {
      throw new NeurosieveError('E_INTERNAL', `position of row ${row} set twice or out of range (${this.rows} rows)`);
    }
    const a = lines.locate(start);
    const b = lines.locate(end);
    this.data.set([source, a.line, a.col, b.line, b.col], row * WIDTH);
  }
  finish(task: string): Int32Array {
    for (let r = 0; r < this.rows; r++) {
      if (this.data[r * WIDTH] === -1) throw new NeurosieveError('E_INTERNAL', `${task}: no source position for row ${r}`);
    }
    return this.data;
  }
}

/** Token-task positions: per row, its word's span, or with subword rows the subword's span. */
export function tokenPositions(docs: readonly PreparedSource[], rows: RowNumbering): Int32Array {
  const table = new PositionTable(rows.tokenLabels.length);
  docs.forEach((d, di) => {
    const lines = new SourceLines(d.text);
    const subRows = rows.tokenRowOfSub?.[di];
    if (subRows) {
      subRows.forEach((row, s) => {
        if (row >= 0) table.set(row, di, lines, d.subStart[s]!, d.subEnd[s]!);
      });
      return;
    }
    rows.tokenRowOfWord[di]!.forEach((row, w) => {
      const word = d.align.words[w]!;
      if (row >= 0) table.set(row, di, lines, word.start, word.end);
    });
  });
  return table.finish('tokens');
}

/** Sentence-task positions: per row, its statement from its first code token's start to its last one's end. */
export function sentencePositions(docs: readonly PreparedSource[], rows: RowNumbering): Int32Array {
  const table = new PositionTable(rows.sentenceLabels.length);
  docs.forEach((d, di) => {
    const lines = new SourceLines(d.text);
    d.align.statements.forEach((st, i) => {
      table.set(rows.sentRowOfStmt[di]![i]!, di, lines, st.tokens[0]!.start, st.tokens[st.tokens.length - 1]!.end);
    });
  });
  return table.finish('sentences');
}

/** Writes `<dir>/<sub>/positions.npy`; returns its path relative to the output, for the manifest. */
export function writePositions(dir: string, sub: string, positions: Int32Array): string {
  writeNpy(join(dir, sub, 'positions.npy'), positions, [positions.length / WIDTH, WIDTH]);
  return `${sub}/positions.npy`;
}
