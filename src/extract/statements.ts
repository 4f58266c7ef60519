/**
 * The sentence-level task: one label per Python statement (logical line, as tokenize delimits it with NEWLINE),
 * read from the statement's leading keyword, or, for expression statements, from its shape. Compound statements
 * are labelled by their header (`if x: return y` is an `if`).
 */
import type { PyToken } from './python-tokenize.js';

export const STATEMENT_LABELS = [
  'def', 'class', 'decorator', 'if', 'elif', 'else', 'for', 'while', 'try', 'except', 'finally', 'with', 'return',
  'yield', 'raise', 'import', 'assert', 'pass', 'break', 'continue', 'del', 'global', 'assignment', 'call',
  'docstring', 'expression',
] as const;
export type StatementLabel = (typeof STATEMENT_LABELS)[number];

const BY_KEYWORD: Record<string, StatementLabel> = {
  def: 'def', class: 'class', if: 'if', elif: 'elif', else: 'else', for: 'for', while: 'while', try: 'try',
  except: 'except', finally: 'finally', with: 'with', return: 'return', yield: 'yield', raise: 'raise',
  import: 'import', from: 'import', assert: 'assert', pass: 'pass', break: 'break', continue: 'continue', del: 'del',
  global: 'global', nonlocal: 'global',
};

const ASSIGN_OPS = new Set(['=', '+=', '-=', '*=', '/=', '//=', '%=', '**=', '@=', '&=', '|=', '^=', '>>=', '<<=']);

/** `tokens` are the statement's code tokens (no COMMENT, NL, INDENT, DEDENT, NEWLINE), at least one. */
export function classifyStatement(tokens: readonly PyToken[]): StatementLabel {
  const first = tokens[0]!;
  if (first.type === 'OP' && first.string === '@') return 'decorator';
  if (first.type === 'KEYWORD') {
    // `async def/for/with` is labelled by what follows `async`.
    const kw = first.string === 'async' && tokens[1] ? tokens[1].string : first.string;
    const label = BY_KEYWORD[kw];
    if (label) return label;
  }
  // An expression statement: assignment if a top-level `=`/augmented operator (or an annotation `x: int`) occurs.
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.type !== 'OP') continue;
    if ('([{'.includes(t.string)) depth++;
    else if (')]}'.includes(t.string)) depth--;
    else if (depth === 0 && (ASSIGN_OPS.has(t.string) || (t.string === ':' && first.string !== 'lambda'))) return 'assignment';
  }
  if (tokens.every((t) => t.type === 'STRING')) return 'docstring';
  const last = tokens[tokens.length - 1]!;
  if (last.type === 'OP' && last.string === ')' && tokens.length >= 3) return 'call';
  return 'expression';
}
