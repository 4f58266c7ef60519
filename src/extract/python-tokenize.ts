/**
 * A faithful port of CPython 3.11's pure-Python tokenizer (Lib/tokenize.py, `_tokenize` and its regular
 * expressions), so token labels match what `python -m tokenize` prints without needing Python. 3.11 is the last
 * version whose tokenize module is regex-based; in it an f-string is a single STRING token (3.12 splits f-strings
 * into FSTRING_START/MIDDLE/END), which is also what the bundled model's card used for its labels.
 *
 * Differences from Python, all deliberate:
 * - Positions are UTF-16 offsets into the whole source (what JS strings and our subword offsets use) rather than
 *   (row, code-point column) pairs; `line` is still the 1-based physical line.
 * - Keywords (`keyword.kwlist`) are reported as type KEYWORD instead of NAME; soft keywords (match, case, _, type)
 *   stay NAME, as `keyword.iskeyword` says.
 * - No ENCODING token: the caller decodes the bytes (UTF-8) first.
 * Python's own errors (TokenError "EOF in multi-line string/statement", IndentationError) are thrown as
 * PythonTokenizeError with the same message and the line number.
 */

export type PyTokenType =
  | 'NAME'
  | 'KEYWORD'
  | 'NUMBER'
  | 'STRING'
  | 'OP'
  | 'COMMENT'
  | 'NEWLINE'
  | 'NL'
  | 'INDENT'
  | 'DEDENT'
  | 'ENDMARKER'
  | 'ERRORTOKEN';

export interface PyToken {
  type: PyTokenType;
  /** The token's text, exactly as Python's TokenInfo.string. */
  string: string;
  /** UTF-16 offsets into the source: source.slice(start, end) === string (except the implicit final NEWLINE). */
  start: number;
  end: number;
  /** 1-based physical line of the token's start. */
  line: number;
}

export class PythonTokenizeError extends Error {
  readonly line: number;
  constructor(message: string, line: number) {
    super(`${message} (line ${line})`);
    this.name = 'PythonTokenizeError';
    this.line = line;
  }
}

/** keyword.kwlist of Python 3.11. */
export const PYTHON_KEYWORDS: ReadonlySet<string> = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del',
  'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal',
  'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield',
]);

// ---- The regular expressions of tokenize.py, transcribed one for one. ----
const group = (...choices: string[]) => `(${choices.join('|')})`;
const any = (...choices: string[]) => `${group(...choices)}*`;
const maybe = (...choices: string[]) => `${group(...choices)}?`;

const Whitespace = '[ \\f\\t]*';
const Comment = '#[^\\r\\n]*';
// Python's `\w` on str is "isalnum() or _"; Unicode letters and numbers are the same set up to a few exotic
// numeric characters.
const Name = '[\\p{L}\\p{N}_]+';

const Hexnumber = '0[xX](?:_?[0-9a-fA-F])+';
const Binnumber = '0[bB](?:_?[01])+';
const Octnumber = '0[oO](?:_?[0-7])+';
const Decnumber = '(?:0(?:_?0)*|[1-9](?:_?[0-9])*)';
const Intnumber = group(Hexnumber, Binnumber, Octnumber, Decnumber);
const Exponent = '[eE][-+]?[0-9](?:_?[0-9])*';
const Pointfloat = group('[0-9](?:_?[0-9])*\\.(?:[0-9](?:_?[0-9])*)?', '\\.[0-9](?:_?[0-9])*') + maybe(Exponent);
const Expfloat = '[0-9](?:_?[0-9])*' + Exponent;
const Floatnumber = group(Pointfloat, Expfloat);
const Imagnumber = group('[0-9](?:_?[0-9])*[jJ]', Floatnumber + '[jJ]');
const NumberRe = group(Imagnumber, Floatnumber, Intnumber);

/** _all_string_prefixes(): '', and every case/order variant of b, r, u, f, br, fr. */
function allStringPrefixes(): string[] {
  const result = new Set<string>(['']);
  const perms = (s: string): string[] =>
    s.length <= 1 ? [s] : [...s].flatMap((c, i) => perms(s.slice(0, i) + s.slice(i + 1)).map((p) => c + p));
  for (const prefix of ['b', 'r', 'u', 'f', 'br', 'fr']) {
    for (const t of perms(prefix)) {
      let variants = [''];
      for (const c of t) variants = variants.flatMap((v) => [v + c, v + c.toUpperCase()]);
      for (const v of variants) result.add(v);
    }
  }
  return [...result];
}
const PREFIXES = allStringPrefixes();
// Python builds the group from an (unordered) set; alternation order only matters for prefixes of each other,
// and every alternative is followed by a quote, so longest-first keeps the match identical.
const StringPrefix = group(...[...PREFIXES].sort((a, b) => b.length - a.length));

// Python's `.` is written [^\n] throughout: JS's `.` also refuses \r, U+2028 and U+2029.
const Single = "[^'\\\\]*(?:\\\\[^\\n][^'\\\\]*)*'";
const Double = '[^"\\\\]*(?:\\\\[^\\n][^"\\\\]*)*"';
const Single3 = "[^'\\\\]*(?:(?:\\\\[^\\n]|'(?!''))[^'\\\\]*)*'''";
const Double3 = '[^"\\\\]*(?:(?:\\\\[^\\n]|"(?!""))[^"\\\\]*)*"""';
const Triple = group(StringPrefix + "'''", StringPrefix + '"""');

/** token.EXACT_TOKEN_TYPES of 3.11, longest first (Python sorts them in reverse so '==' wins over '='). */
const EXACT = [
  '!=', '%', '%=', '&', '&=', '(', ')', '*', '**', '**=', '*=', '+', '+=', ',', '-', '-=', '->', '.', '...', '/',
  '//', '//=', '/=', ':', ':=', ';', '<', '<<', '<<=', '<=', '=', '==', '>', '>=', '>>', '>>=', '@', '@=', '[', ']',
  '^', '^=', '{', '|', '|=', '}', '~',
];
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const Special = group(...[...EXACT].sort().reverse().map(escapeRe));
const Funny = group('\\r?\\n', Special);

const ContStr = group(
  StringPrefix + "'[^\\n'\\\\]*(?:\\\\[^\\n][^\\n'\\\\]*)*" + group("'", '\\\\\\r?\\n'),
  StringPrefix + '"[^\\n"\\\\]*(?:\\\\[^\\n][^\\n"\\\\]*)*' + group('"', '\\\\\\r?\\n'),
);
// `\Z` (end of input) is JS `$` without the m flag.
const PseudoExtras = group('\\\\\\r?\\n|$', Comment, Triple);
const PseudoToken = Whitespace + group(PseudoExtras, NumberRe, Funny, ContStr, Name);

const pseudoRe = new RegExp(PseudoToken, 'uy');

const endpats = new Map<string, RegExp>();
for (const p of PREFIXES) {
  endpats.set(p + "'", new RegExp(Single, 'uy'));
  endpats.set(p + '"', new RegExp(Double, 'uy'));
  endpats.set(p + "'''", new RegExp(Single3, 'uy'));
  endpats.set(p + '"""', new RegExp(Double3, 'uy'));
}
const singleQuoted = new Set<string>();
const tripleQuoted = new Set<string>();
for (const t of PREFIXES) {
  singleQuoted.add(t + '"');
  singleQuoted.add(t + "'");
  tripleQuoted.add(t + '"""');
  tripleQuoted.add(t + "'''");
}

const TABSIZE = 8;
const isIdentifierStart = (c: string) => /^[\p{XID_Start}_]$/u.test(c);

/** Python's str.splitlines(keepends=True) as readline() on a text stream with newline='\n' would yield them. */
function splitLines(source: string): { text: string; offset: number }[] {
  const lines: { text: string; offset: number }[] = [];
  let pos = 0;
  while (pos < source.length) {
    const nl = source.indexOf('\n', pos);
    const end = nl < 0 ? source.length : nl + 1;
    lines.push({ text: source.slice(pos, end), offset: pos });
    pos = end;
  }
  return lines;
}

function matchAt(re: RegExp, text: string, pos: number): RegExpExecArray | null {
  re.lastIndex = pos;
  return re.exec(text);
}

/** What the line loop does after a line's start is handled: scan its tokens from `pos`, go to the next line, stop. */
type LineStart = { scanFrom: number } | 'next line' | 'end';

/**
 * The state of `_tokenize` (its local variables, same names) and its steps, one method per branch of its line
 * loop: a line continuing a multi-line string, the start of a new statement (indentation), and the tokens of a line.
 */
class PyTokenizer {
  readonly out: PyToken[] = [];
  lnum = 0;
  parenlev = 0;
  continued = false;
  contstr = '';
  needcont = false;
  strstart = 0; // offset of a multi-line string's start
  strline = 0;
  endprog: RegExp | undefined;
  readonly indents = [0];
  line = '';
  base = 0; // offset of the current line in source

  constructor(private readonly source: string) {}

  emit(type: PyTokenType, string: string, start: number, end: number, lineNo: number): void {
    this.out.push({ type: type === 'NAME' && PYTHON_KEYWORDS.has(string) ? 'KEYWORD' : type, string, start, end, line: lineNo });
  }

  /** A line inside a string left open on an earlier line. */
  continueString(): LineStart {
    const line = this.line;
    if (!line) throw new PythonTokenizeError('EOF in multi-line string', this.strline);
    const endmatch = matchAt(this.endprog!, line, 0);
    if (endmatch) {
      const pos = endmatch.index + endmatch[0].length;
      this.emit('STRING', this.contstr + line.slice(0, pos), this.strstart, this.base + pos, this.strline);
      this.contstr = '';
      this.needcont = false;
      return { scanFrom: pos };
    }
    if (this.needcont && !line.endsWith('\\\n') && !line.endsWith('\\\r\n')) {
      this.emit('ERRORTOKEN', this.contstr + line, this.strstart, this.base + line.length, this.strline);
      this.contstr = '';
      return 'next line';
    }
    this.contstr += line;
    return 'next line';
  }

  /** The first line of a statement: blank and comment-only lines, then INDENT / DEDENT from its column. */
  newStatement(): LineStart {
    const { line, base, lnum } = this;
    const max = line.length;
    if (!line) return 'end';
    let pos = 0;
    let column = 0;
    while (pos < max) {
      const c = line[pos];
      if (c === ' ') column += 1;
      else if (c === '\t') column = (Math.floor(column / TABSIZE) + 1) * TABSIZE;
      else if (c === '\f') column = 0;
      else break;
      pos += 1;
    }
    if (pos === max) return 'end';

    const c = line[pos]!;
    if (c === '#' || c === '\r' || c === '\n') {
      // Comments or blank lines.
      if (c === '#') {
        const commentToken = line.slice(pos).replace(/[\r\n]+$/, '');
        this.emit('COMMENT', commentToken, base + pos, base + pos + commentToken.length, lnum);
        pos += commentToken.length;
      }
      this.emit('NL', line.slice(pos), base + pos, base + line.length, lnum);
      return 'next line';
    }
    const indents = this.indents;
    if (column > indents[indents.length - 1]!) {
      indents.push(column);
      this.emit('INDENT', line.slice(0, pos), base, base + pos, lnum);
    }
    while (column < indents[indents.length - 1]!) {
      if (!indents.includes(column)) {
        throw new PythonTokenizeError('unindent does not match any outer indentation level', lnum);
      }
      indents.pop();
      this.emit('DEDENT', '', base + pos, base + pos, lnum);
    }
    return { scanFrom: pos };
  }

  /** The tokens of the current line from `pos`, until its end or a string that continues on the next line. */
  scanLine(pos: number): void {
    const line = this.line;
    while (pos < line.length) {
      const pseudomatch = matchAt(pseudoRe, line, pos);
      if (pseudomatch) {
        const end = pseudomatch.index + pseudomatch[0].length;
        const start = end - pseudomatch[1]!.length;
        pos = end;
        if (start === end) continue;
        const next = this.token(start, end);
        if (next === undefined) break;
        pos = next;
      } else {
        // One code point, as Python's line[pos] (an astral character is two UTF-16 units here).
        const ch = String.fromCodePoint(line.codePointAt(pos)!);
        this.emit('ERRORTOKEN', ch, this.base + pos, this.base + pos + ch.length, this.lnum);
        pos += ch.length;
      }
    }
  }

  /** Emits the token the pseudo-token regex matched at [start, end); returns where to scan on, or undefined when
   * a string runs on past the line. */
  private token(start: number, end: number): number | undefined {
    const { line, base, lnum } = this;
    const token = line.slice(start, end);
    const initial = line[start]!;
    if ('0123456789'.includes(initial) || (initial === '.' && token !== '.' && token !== '...')) {
      this.emit('NUMBER', token, base + start, base + end, lnum);
    } else if (initial === '\r' || initial === '\n') {
      this.emit(this.parenlev > 0 ? 'NL' : 'NEWLINE', token, base + start, base + end, lnum);
    } else if (initial === '#') {
      this.emit('COMMENT', token, base + start, base + end, lnum);
    } else if (tripleQuoted.has(token)) {
      return this.tripleQuoted(token, start, end);
    } else if (singleQuoted.has(initial) || singleQuoted.has(token.slice(0, 2)) || singleQuoted.has(token.slice(0, 3))) {
      if (token[token.length - 1] === '\n') {
        // Continued string (backslash-newline inside quotes).
        this.strstart = base + start;
        this.strline = lnum;
        this.endprog = endpats.get(initial) ?? endpats.get(token[1]!) ?? endpats.get(token[2]!);
        this.contstr = line.slice(start);
        this.needcont = true;
        return undefined;
      }
      this.emit('STRING', token, base + start, base + end, lnum);
    } else if (isIdentifierStart(String.fromCodePoint(line.codePointAt(start)!))) {
      this.emit('NAME', token, base + start, base + end, lnum);
    } else if (initial === '\\') {
      this.continued = true;
    } else {
      if ('([{'.includes(initial)) this.parenlev += 1;
      else if (')]}'.includes(initial)) this.parenlev -= 1;
      this.emit('OP', token, base + start, base + end, lnum);
    }
    return end;
  }

  /** A triple-quoted string opened by `opening` at [start, end): closed on this line, or continued. */
  private tripleQuoted(opening: string, start: number, end: number): number | undefined {
    const { line, base, lnum } = this;
    this.endprog = endpats.get(opening)!;
    const endmatch = matchAt(this.endprog, line, end);
    if (endmatch) {
      const pos = endmatch.index + endmatch[0].length;
      this.emit('STRING', line.slice(start, pos), base + start, base + pos, lnum);
      return pos;
    }
    this.strstart = base + start;
    this.strline = lnum;
    this.contstr = line.slice(start);
    return undefined;
  }

  /** After the last line: an implicit NEWLINE, the DEDENTs still open, ENDMARKER. */
  finish(lastLine: string): void {
    const { source, lnum } = this;
    // An implicit NEWLINE if the input does not end in one (Python gives it an empty string).
    if (lastLine && !'\r\n'.includes(lastLine[lastLine.length - 1]!) && !lastLine.trim().startsWith('#')) {
      this.emit('NEWLINE', '', source.length, source.length, Math.max(1, lnum - 1));
    }
    for (let i = 1; i < this.indents.length; i++) this.emit('DEDENT', '', source.length, source.length, lnum);
    this.emit('ENDMARKER', '', source.length, source.length, lnum);
  }
}

/** Tokenizes Python source the way Python 3.11's `tokenize.generate_tokens` does. */
export function tokenizePython(source: string): PyToken[] {
  const t = new PyTokenizer(source);
  const lines = splitLines(source);
  let lastLine = '';
  for (;;) {
    lastLine = t.line;
    const l = lines[t.lnum];
    t.line = l ? l.text : '';
    t.base = l ? l.offset : source.length;
    t.lnum += 1;
    let next: LineStart;
    if (t.contstr) next = t.continueString();
    else if (t.parenlev === 0 && !t.continued) next = t.newStatement();
    else {
      // Continued statement.
      if (!t.line) throw new PythonTokenizeError('EOF in multi-line statement', t.lnum);
      t.continued = false;
      next = { scanFrom: 0 };
    }
    if (next === 'end') break;
    if (next === 'next line') continue;
    t.scanLine(next.scanFrom);
  }
  t.finish(lastLine);
  return t.out;
}
