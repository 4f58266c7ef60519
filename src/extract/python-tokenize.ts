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

/** Tokenizes Python source the way Python 3.11's `tokenize.generate_tokens` does. */
export function tokenizePython(source: string): PyToken[] {
  const out: PyToken[] = [];
  const lines = splitLines(source);
  let lnum = 0;
  let parenlev = 0;
  let continued = false;
  let contstr = '';
  let needcont = false;
  let strstart = 0; // offset of a multi-line string's start
  let strline = 0;
  let endprog: RegExp | undefined;
  const indents = [0];
  let lastLine = '';
  let line = '';
  let base = 0; // offset of the current line in source
  const emit = (type: PyTokenType, string: string, start: number, end: number, lineNo: number) => {
    out.push({ type: type === 'NAME' && PYTHON_KEYWORDS.has(string) ? 'KEYWORD' : type, string, start, end, line: lineNo });
  };

  for (;;) {
    lastLine = line;
    const l = lines[lnum];
    line = l ? l.text : '';
    base = l ? l.offset : source.length;
    lnum += 1;
    let pos = 0;
    const max = line.length;

    if (contstr) {
      // Continued string.
      if (!line) throw new PythonTokenizeError('EOF in multi-line string', strline);
      const endmatch = matchAt(endprog!, line, 0);
      if (endmatch) {
        pos = endmatch.index + endmatch[0].length;
        emit('STRING', contstr + line.slice(0, pos), strstart, base + pos, strline);
        contstr = '';
        needcont = false;
      } else if (needcont && !line.endsWith('\\\n') && !line.endsWith('\\\r\n')) {
        emit('ERRORTOKEN', contstr + line, strstart, base + line.length, strline);
        contstr = '';
        continue;
      } else {
        contstr += line;
        continue;
      }
    } else if (parenlev === 0 && !continued) {
      // New statement.
      if (!line) break;
      let column = 0;
      while (pos < max) {
        const c = line[pos];
        if (c === ' ') column += 1;
        else if (c === '\t') column = (Math.floor(column / TABSIZE) + 1) * TABSIZE;
        else if (c === '\f') column = 0;
        else break;
        pos += 1;
      }
      if (pos === max) break;

      const c = line[pos]!;
      if (c === '#' || c === '\r' || c === '\n') {
        // Comments or blank lines.
        if (c === '#') {
          const commentToken = line.slice(pos).replace(/[\r\n]+$/, '');
          emit('COMMENT', commentToken, base + pos, base + pos + commentToken.length, lnum);
          pos += commentToken.length;
        }
        emit('NL', line.slice(pos), base + pos, base + line.length, lnum);
        continue;
      }
      if (column > indents[indents.length - 1]!) {
        indents.push(column);
        emit('INDENT', line.slice(0, pos), base, base + pos, lnum);
      }
      while (column < indents[indents.length - 1]!) {
        if (!indents.includes(column)) {
          throw new PythonTokenizeError('unindent does not match any outer indentation level', lnum);
        }
        indents.pop();
        emit('DEDENT', '', base + pos, base + pos, lnum);
      }
    } else {
      // Continued statement.
      if (!line) throw new PythonTokenizeError('EOF in multi-line statement', lnum);
      continued = false;
    }

    while (pos < max) {
      const pseudomatch = matchAt(pseudoRe, line, pos);
      if (pseudomatch) {
        const m1 = pseudomatch[1]!;
        const end = pseudomatch.index + pseudomatch[0].length;
        const start = end - m1.length;
        pos = end;
        if (start === end) continue;
        let token = line.slice(start, end);
        const initial = line[start]!;

        if ('0123456789'.includes(initial) || (initial === '.' && token !== '.' && token !== '...')) {
          emit('NUMBER', token, base + start, base + end, lnum);
        } else if (initial === '\r' || initial === '\n') {
          emit(parenlev > 0 ? 'NL' : 'NEWLINE', token, base + start, base + end, lnum);
        } else if (initial === '#') {
          emit('COMMENT', token, base + start, base + end, lnum);
        } else if (tripleQuoted.has(token)) {
          endprog = endpats.get(token)!;
          const endmatch = matchAt(endprog, line, pos);
          if (endmatch) {
            pos = endmatch.index + endmatch[0].length;
            token = line.slice(start, pos);
            emit('STRING', token, base + start, base + pos, lnum);
          } else {
            strstart = base + start;
            strline = lnum;
            contstr = line.slice(start);
            break;
          }
        } else if (singleQuoted.has(initial) || singleQuoted.has(token.slice(0, 2)) || singleQuoted.has(token.slice(0, 3))) {
          if (token[token.length - 1] === '\n') {
            // Continued string (backslash-newline inside quotes).
            strstart = base + start;
            strline = lnum;
            endprog = endpats.get(initial) ?? endpats.get(token[1]!) ?? endpats.get(token[2]!);
            contstr = line.slice(start);
            needcont = true;
            break;
          } else {
            emit('STRING', token, base + start, base + end, lnum);
          }
        } else if (isIdentifierStart(String.fromCodePoint(line.codePointAt(start)!))) {
          emit('NAME', token, base + start, base + end, lnum);
        } else if (initial === '\\') {
          continued = true;
        } else {
          if ('([{'.includes(initial)) parenlev += 1;
          else if (')]}'.includes(initial)) parenlev -= 1;
          emit('OP', token, base + start, base + end, lnum);
        }
      } else {
        // One code point, as Python's line[pos] (an astral character is two UTF-16 units here).
        const ch = String.fromCodePoint(line.codePointAt(pos)!);
        emit('ERRORTOKEN', ch, base + pos, base + pos + ch.length, lnum);
        pos += ch.length;
      }
    }
  }

  // An implicit NEWLINE if the input does not end in one (Python gives it an empty string).
  const last = lastLine;
  if (last && !'\r\n'.includes(last[last.length - 1]!) && !last.trim().startsWith('#')) {
    emit('NEWLINE', '', source.length, source.length, Math.max(1, lnum - 1));
  }
  for (let i = 1; i < indents.length; i++) emit('DEDENT', '', source.length, source.length, lnum);
  emit('ENDMARKER', '', source.length, source.length, lnum);
  return out;
}
