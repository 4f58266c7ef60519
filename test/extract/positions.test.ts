/**
 * positions.npy: every row of both tasks points at its text in its source file. The check reads the sources the
 * way Python does (BOM dropped, \r\n as \n, code-point columns), cuts out each recorded span and compares it with
 * the row's word in the NeuroX .in file, for word rows, subword rows and a truncated run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractActivations } from '../../src/extract/extract.js';
import { SourceLines } from '../../src/extract/positions.js';
import { readNpy } from '../../src/io/npy.js';
import { root, tempDir } from '../helpers/cli.js';

const MODEL = join(root, 'models/tiny-code-mlm');

// Names, numbers, strings (one with an astral character, so code-point and UTF-16 columns differ), a multi-line
// string, comments, a statement spread over lines and a compound statement on one line.
const A = [
  '# a comment line',
  'import os',
  'x = 42  # trailing comment',
  "s = 'caf\u00e9 \u{1F600}' + \"b\"",
  'def f(a, b=3.5):',
  '    """Doc',
  '    on two lines."""',
  '    total = (a +',
  '             b)',
  '    return total',
  'if x: y = f(1, 2)',
  '',
].join('\n');
// CRLF line ends and a BOM: Python reads them as \n and without the BOM, and so do positions.
const B = '\ufeffvalue = [1,\r\n  2]\r\nprint(value)\r\n';

const quick = { splits: { train: 2, dev: 1, test: 1 }, minClassCount: 1, threads: 2 };

interface Manifest {
  sources: { path: string; tokenRows: [number, number]; sentenceRows: [number, number] }[];
  tokens: { rows: number; positions: string; positionsColumns: string[]; neurox: { in: string } };
  sentences: { rows: number; positions: string; positionsColumns: string[]; neurox: { in: string } };
}

/** A source's lines as Python reads them, each as code points. */
function pythonLines(path: string): string[][] {
  let text = readFileSync(path, 'utf8');
  if (text.startsWith('\ufeff')) text = text.slice(1);
  return text.replace(/\r\n?/g, '\n').split('\n').map((l, i, all) => [...(i < all.length - 1 ? l + '\n' : l)]);
}

/** The text of a span [startLine, startCol) … [endLine, endCol), 1-based lines, code-point columns. */
function spanText(lines: string[][], [startLine, startCol, endLine, endCol]: number[]): string {
  if (startLine === endLine) return lines[startLine - 1]!.slice(startCol, endCol).join('');
  const parts = [lines[startLine - 1]!.slice(startCol).join('')];
  for (let l = startLine + 1; l < endLine; l++) parts.push(lines[l - 1]!.join(''));
  parts.push(lines[endLine - 1]!.slice(0, endCol).join(''));
  return parts.join('');
}

/** A word of a .in file back to its text (task-files.ts escapes whitespace; ∅ is an empty subword). */
function unescape(word: string): string {
  if (word === '\u2205') return '';
  return word.replace(/[\u2423\u2409\u240a\u240d]/g, (c) => ({ '\u2423': ' ', '\u2409': '\t', '\u240a': '\n', '\u240d': '\r' })[c]!);
}

function inLines(out: string, file: string): string[][] {
  return readFileSync(join(out, file), 'utf8').split('\n').filter((l) => l !== '').map((l) => l.split(' ').map(unescape));
}

/** positions.npy of a task as rows of 5 numbers, after checking its header and the manifest entry. */
function readPositions(out: string, task: Manifest['tokens']): number[][] {
  expect(task.positionsColumns).toEqual(['source', 'startLine', 'startCol', 'endLine', 'endCol']);
  const p = readNpy(join(out, task.positions));
  expect(p.data).toBeInstanceOf(Int32Array);
  expect(p.shape).toEqual([task.rows, 5]);
  return Array.from({ length: task.rows }, (_, r) => [...p.data.subarray(r * 5, r * 5 + 5)]);
}

async function extract(options: { unit?: 'word' | 'subword'; maxTokens?: number }) {
  const dir = tempDir('positions-src');
  writeFileSync(join(dir, 'a.py'), A);
  writeFileSync(join(dir, 'b.py'), B);
  const out = join(tempDir('positions-out'), 'run');
  await extractActivations({ model: MODEL, sources: [join(dir, 'a.py'), join(dir, 'b.py')], output: out, ...quick, ...options });
  const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
  const lines = m.sources.map((s) => pythonLines(join(dir, s.path.split('/').at(-1)!)));
  return { out, m, lines };
}

/** Every token row's span holds its .in word, and belongs to its source's rows. */
function checkTokens(out: string, m: Manifest, lines: string[][][]): number[][] {
  const pos = readPositions(out, m.tokens);
  const words = inLines(out, m.tokens.neurox.in).flat();
  expect(words.length).toBe(m.tokens.rows);
  pos.forEach((p, r) => {
    const [first, count] = m.sources[p[0]!]!.tokenRows;
    expect(r >= first && r < first + count, `row ${r} in source ${p[0]}`).toBe(true);
    expect(spanText(lines[p[0]!]!, p.slice(1)), `row ${r}`).toBe(words[r]);
  });
  return pos;
}

describe('positions.npy', () => {
  it('word rows: each span is its word; sentence spans cover their statements', async () => {
    const { out, m, lines } = await extract({});
    const pos = checkTokens(out, m, lines);
    // The multi-line docstring ends on its end line; the astral character counts as one column.
    const doc = pos.find((p) => p[0] === 0 && p[1] === 6)!;
    expect(doc.slice(1)).toEqual([6, 4, 7, 20]);
    const s = pos.find((p) => p[0] === 0 && p[1] === 4 && p[2] === 4)!;
    expect(s.slice(1)).toEqual([4, 4, 4, 12]);
    // b.py: BOM not counted, CRLF read as one line end.
    expect(pos.filter((p) => p[0] === 1).map((p) => p.slice(1, 3))).toContainEqual([2, 2]);

    const sp = readPositions(out, m.sentences);
    const stmts = inLines(out, m.sentences.neurox.in);
    expect(stmts.length).toBe(m.sentences.rows);
    sp.forEach((p, r) => {
      const [first, count] = m.sources[p[0]!]!.sentenceRows;
      expect(r >= first && r < first + count).toBe(true);
      const text = spanText(lines[p[0]!]!, p.slice(1));
      const toks = stmts[r]!;
      // From its first token to its last, every token in order in between.
      expect(text.startsWith(toks[0]!), `statement ${r}`).toBe(true);
      expect(text.endsWith(toks.at(-1)!), `statement ${r}`).toBe(true);
      let at = 0;
      for (const t of toks) {
        at = text.indexOf(t, at);
        expect(at, `'${t}' in statement ${r}`).toBeGreaterThanOrEqual(0);
        at += t.length;
      }
    });
    // `total = (a +\n b)` spans two lines; `if x: y = f(1, 2)` is one statement.
    expect(sp.map((p) => p.slice(1))).toContainEqual([8, 4, 9, 15]);
    expect(sp.map((p) => p.slice(1))).toContainEqual([11, 0, 11, 17]);
    expect(sp.filter((p) => p[0] === 1).map((p) => p.slice(1))).toEqual([[1, 0, 2, 4], [3, 0, 3, 12]]);
  });

  it('subword rows: each span is the subword, row for row, also when --max-tokens cuts a source', async () => {
    const full = await extract({ unit: 'subword' });
    const pos = checkTokens(full.out, full.m, full.lines);
    const words = await extract({});
    expect(pos.length).toBeGreaterThan(words.m.tokens.rows); // some word has several subword rows
    expect(inLines(full.out, full.m.tokens.neurox.in).flat().some((w) => w.startsWith(' '))).toBe(true); // spans include a leading space

    const cut = await extract({ unit: 'subword', maxTokens: 40 });
    expect(cut.m.sources).toHaveLength(1);
    const cutPos = checkTokens(cut.out, cut.m, cut.lines);
    expect(cutPos.length).toBeLessThan(pos.length);
    // Truncation keeps a prefix of the rows, at the same places.
    expect(cutPos).toEqual(pos.slice(0, cutPos.length));
    expect(readPositions(cut.out, cut.m.sentences).length).toBe(cut.m.sentences.rows);
  });
});

describe('SourceLines', () => {
  it('maps UTF-16 offsets to 1-based lines and code-point columns', () => {
    const text = 'ab\n\u{1F600}x\n\ny';
    const at = new SourceLines(text);
    expect(at.locate(0)).toEqual({ line: 1, col: 0 });
    expect(at.locate(2)).toEqual({ line: 1, col: 2 });
    expect(at.locate(3)).toEqual({ line: 2, col: 0 });
    expect(at.locate(5)).toEqual({ line: 2, col: 1 });
    expect(at.locate(6)).toEqual({ line: 2, col: 2 });
    expect(at.locate(8)).toEqual({ line: 4, col: 0 });
    expect(at.locate(9)).toEqual({ line: 4, col: 1 });
  });
});
