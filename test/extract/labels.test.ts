/**
 * Subword offsets and the alignment of Python tokens with subwords, on tricky sources, with the bundled model's
 * real tokenizer.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alignTokens } from '../../src/extract/labels.js';
import { prepareText, readSource } from '../../src/extract/prepare.js';
import { tokenizePython } from '../../src/extract/python-tokenize.js';
import { classifyStatement } from '../../src/extract/statements.js';
import { SubwordTokenizer } from '../../src/extract/tokenizer.js';
import { root, tempDir } from '../helpers/cli.js';

const tokPath = join(root, 'models/tiny-code-mlm/tokenizer.json');
const tokenizer = new SubwordTokenizer(JSON.parse(readFileSync(tokPath, 'utf8')), tokPath, 1);

const TRICKY = [
  '@decorator(arg="x")',
  'def f(a, b=1.5e3, *args):  # comment with "quotes"',
  '\t"""Doc string',
  '\twith ünïcödé and 𝔘 chars."""',
  "\tname = f'{a!r:>10}' + rb\"\\x00\"",
  '\tπ = [x for x in range(0x1F) if x]',
  '\treturn π',
  '',
].join('\n');

/** Words of the token task with the text of the subwords that represent them. */
function aligned(src: string) {
  const enc = tokenizer.encode(src);
  const py = tokenizePython(src);
  const a = alignTokens(py, enc.start, enc.end);
  return { enc, py, a };
}

describe('subword offsets', () => {
  it('cover the text exactly, multi-byte characters included', () => {
    const enc = tokenizer.encode(TRICKY);
    expect(enc.ids.length).toBeGreaterThan(40);
    for (let i = 1; i < enc.ids.length; i++) expect(enc.start[i]).toBeGreaterThanOrEqual(enc.end[i - 1]! - 2);
    // Subwords joined (with overlapping multi-byte pieces merged) spell the text.
    let text = '';
    let upTo = 0;
    for (let i = 0; i < enc.ids.length; i++) {
      if (enc.end[i]! > upTo) {
        text += TRICKY.slice(Math.max(upTo, enc.start[i]!), enc.end[i]);
        upTo = enc.end[i]!;
      }
    }
    expect(text).toBe(TRICKY);
    // 'é' is split into two byte tokens: both span the same character.
    const e = TRICKY.indexOf('é');
    const onE = [...enc.start.keys()].filter((i) => enc.start[i]! <= e && enc.end[i]! > e);
    expect(onE.length).toBeGreaterThanOrEqual(1);
  });
});

describe('alignTokens', () => {
  it('gives every kept word only subwords inside it', () => {
    const { enc, a } = aligned(TRICKY);
    for (let w = 0; w < a.words.length; w++) {
      const word = a.words[w]!;
      if (a.wordFirst[w] === -1) continue;
      for (let s = a.wordFirst[w]!; s <= a.wordLast[w]!; s++) {
        if (a.straddles[s]) continue;
        const text = TRICKY.slice(enc.start[s], enc.end[s]).trimStart();
        expect(word.string.includes(text) || text === '', `${word.string} ⊇ ${text}`).toBe(true);
      }
    }
  });

  it('flags subwords spanning two Python tokens and drops words left without a subword', () => {
    const { enc, a } = aligned('print("hi")\n');
    const subs = [...enc.ids.keys()].map((i) => 'print("hi")\n'.slice(enc.start[i], enc.end[i]));
    expect(subs).toContain('("');
    const byWord = Object.fromEntries(a.words.map((w, i) => [w.string, a.wordFirst[i]]));
    expect(byWord['(']).toBe(-1); // its only subword `("` also covers the string
    expect(byWord['"hi"']).toBeGreaterThanOrEqual(0); // kept, from the subword `hi`
    expect(a.partial[a.words.findIndex((w) => w.string === '"hi"')]).toBe(1);
    expect(a.straddlingSubwords).toBeGreaterThanOrEqual(2);
  });

  it('labels words of multi-line strings, f-strings, comments, decorators, Unicode names and tabs', () => {
    const { a } = aligned(TRICKY);
    const kept = a.words.filter((_, i) => a.wordFirst[i] !== -1).map((w) => [w.type, w.string]);
    expect(kept).toContainEqual(['STRING', '"""Doc string\n\twith ünïcödé and 𝔘 chars."""']);
    expect(kept).toContainEqual(['STRING', "f'{a!r:>10}'"]);
    expect(kept).toContainEqual(['COMMENT', '# comment with "quotes"']);
    expect(kept).toContainEqual(['NAME', 'decorator']);
    expect(kept).toContainEqual(['NAME', 'π']);
    expect(kept).toContainEqual(['KEYWORD', 'return']);
    expect(kept).toContainEqual(['NUMBER', '0x1F']);
  });

  it('groups words by logical line and classifies statements', () => {
    const { a } = aligned(TRICKY);
    expect(a.statements.map((s) => s.label)).toEqual(['decorator', 'def', 'docstring', 'assignment', 'assignment', 'return']);
    const defWords = a.words.filter((_, i) => a.wordGroup[i] === a.wordGroup[a.words.findIndex((w) => w.string === 'def')]);
    expect(defWords.at(-1)!.type).toBe('COMMENT'); // the trailing comment is on the def's line
    const t = (src: string) => classifyStatement(tokenizePython(src).filter((x) => !['NEWLINE', 'ENDMARKER', 'NL'].includes(x.type)));
    expect(t('async def f(): pass')).toBe('def');
    expect(t('x += 1')).toBe('assignment');
    expect(t('x: int = 1')).toBe('assignment');
    expect(t('obj.method(a, b=2)')).toBe('call');
    expect(t('from a import b')).toBe('import');
    expect(t('lambda: 0')).toBe('expression');
  });
});

describe('readSource / prepareText', () => {
  it('reads CRLF sources as Python does: the same labels as with LF', () => {
    const dir = tempDir('labels');
    const lf = 'def f(a,\n      b):\n    return a  # c\n';
    writeFileSync(join(dir, 'crlf.py'), lf.replace(/\n/g, '\r\n'));
    const r = readSource(join(dir, 'crlf.py'));
    expect(r.ok && r.text).toBe(lf);
    const p1 = prepareText('a', lf, tokenizer);
    const p2 = r.ok ? prepareText('b', r.text, tokenizer) : undefined;
    expect(p1.ok && p2?.ok && p1.source.align.words.map((w) => w.type)).toEqual(p2?.ok && p2.source.align.words.map((w) => w.type));
  });

  it('skips non-UTF-8 and unparsable sources with a reason', () => {
    const dir = tempDir('labels');
    writeFileSync(join(dir, 'latin1.py'), Buffer.from([0x78, 0x20, 0x3d, 0x20, 0x27, 0xe9, 0x27, 0x0a]));
    expect(readSource(join(dir, 'latin1.py'))).toEqual({ ok: false, reason: 'not valid UTF-8' });
    expect(prepareText('x', 'x = (1,\n', tokenizer)).toEqual({ ok: false, reason: 'not valid Python: EOF in multi-line statement (line 2)' });
    expect(prepareText('x', 'x = $y\n', tokenizer)).toEqual({ ok: false, reason: 'not valid Python: unexpected "$" (line 1)' });
  });

  it('truncates at maxTokens, dropping the word cut in two', () => {
    const p = prepareText('x', 'alpha_beta_gamma = 1\n', tokenizer, 2);
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    expect(p.source.ids.length).toBe(2);
    expect([...p.source.wordOfSub]).toEqual([-1, -1]);
  });
});
