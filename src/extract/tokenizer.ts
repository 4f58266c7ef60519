/**
 * Subword tokenisation with character offsets. @huggingface/tokenizers (pure JS, the same code transformers.js
 * uses) encodes `tokenizer.json` exactly (checked: it reproduces the bundled model's 139,467 held-out tokens), but
 * returns no offsets. For byte-level BPE (GPT-2, RoBERTa, CodeBERT, CodeGPT: every token is a run of bytes spelled
 * with the GPT-2 byte→unicode table) the offsets follow exactly from the tokens: their bytes concatenate to the
 * UTF-8 bytes of the input. We map those byte offsets back to UTF-16 offsets, and check the concatenation.
 */
import type { Tokenizer } from '@huggingface/tokenizers';
import { NeurosieveError } from '../core/errors.js';
import { requireOptional } from '../core/optional-package.js';

type TokenizersModule = typeof import('@huggingface/tokenizers');
let tokenizers: TokenizersModule | undefined;

/**
 * @huggingface/tokenizers, loaded on the first tokenizer built: only `extract` needs it, and the CLI's other
 * commands and `import 'neurosieve'` should not load it. The constructor is synchronous (a public API), so the
 * package is required (its CommonJS build, the same code as its ES module) rather than imported. It is an optional
 * peer dependency (core/optional-package.ts): not installed → E_DEPENDENCY naming it.
 */
function tokenizerClass(): typeof Tokenizer {
  tokenizers ??= requireOptional<TokenizersModule>('@huggingface/tokenizers', 'the subword tokenizer (extract)');
  return tokenizers.Tokenizer;
}

export interface SubwordEncoding {
  /** Token ids, without special tokens. */
  ids: Int32Array;
  /** UTF-16 span of each token in the text: [start[i], end[i]). A token holding part of a multi-byte character
   * spans that whole character. */
  start: Int32Array;
  end: Int32Array;
}

export interface SpecialIds {
  cls: number;
  sep: number;
  pad: number;
}

/** GPT-2's bytes_to_unicode(), inverted: code point of the printable stand-in → byte value. */
function unicodeToBytes(): Map<number, number> {
  const bs: number[] = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n);
      n++;
    }
  }
  const m = new Map<number, number>();
  bs.forEach((b, i) => m.set(cs[i]!, b));
  return m;
}
const BYTE_OF = unicodeToBytes();

/** Looks up a special token by its content in tokenizer.json's added_tokens. */
function addedId(json: TokenizerJson, content: string): number | undefined {
  return json.added_tokens?.find((t) => t.content === content)?.id;
}

interface TokenizerJson {
  added_tokens?: { id: number; content: string }[];
  pre_tokenizer?: { type?: string; pretokenizers?: { type?: string }[] } | null;
  post_processor?: { type?: string; cls?: [string, number]; sep?: [string, number] } | null;
  model?: { type?: string };
}

export class SubwordTokenizer {
  readonly special: SpecialIds;
  private readonly tok: Tokenizer;

  /** `json` is the parsed tokenizer.json; `path` names it in errors; `padId` overrides the pad id. */
  constructor(json: unknown, path: string, padId?: number) {
    const j = json as TokenizerJson;
    const pre = j.pre_tokenizer;
    const byteLevel = pre?.type === 'ByteLevel' || (pre?.pretokenizers ?? []).some((p) => p.type === 'ByteLevel');
    if (!byteLevel) {
      throw new NeurosieveError(
        'E_MODEL',
        `Expected a byte-level BPE tokenizer (GPT-2/RoBERTa style) in ${path} but received pre_tokenizer ${pre?.type ?? 'none'}; other tokenizers are not supported yet`,
      );
    }
    try {
      this.tok = new (tokenizerClass())(json as object, {});
    } catch (err) {
      throw new NeurosieveError('E_MODEL', `${path}: cannot load the tokenizer (${(err as Error).message})`, { cause: err });
    }
    const pp = j.post_processor;
    const cls = pp?.cls?.[1] ?? addedId(j, '<s>') ?? addedId(j, '[CLS]');
    const sep = pp?.sep?.[1] ?? addedId(j, '</s>') ?? addedId(j, '[SEP]');
    const pad = padId ?? addedId(j, '<pad>') ?? addedId(j, '[PAD]');
    if (cls === undefined || sep === undefined || pad === undefined) {
      throw new NeurosieveError('E_MODEL', `Expected <s>, </s> and <pad> tokens in ${path} but received cls=${cls}, sep=${sep}, pad=${pad}`);
    }
    this.special = { cls, sep, pad };
  }

  /** Encodes text without special tokens and computes each token's UTF-16 span. */
  encode(text: string): SubwordEncoding {
    const enc = this.tok.encode(text, { add_special_tokens: false });
    const n = enc.ids.length;
    const ids = Int32Array.from(enc.ids);
    const start = new Int32Array(n);
    const end = new Int32Array(n);
    // Walk the text's code points and the tokens' bytes side by side.
    const utf8 = Buffer.from(text, 'utf8');
    let bytePos = 0; // byte offset of the next token byte
    let charPos = 0; // UTF-16 offset of the character holding byte `charByte`
    let charByte = 0; // byte offset at which the character at charPos starts
    const advanceTo = (b: number) => {
      // Move (charPos, charByte) to the character containing byte b.
      while (charPos < text.length) {
        const cp = text.codePointAt(charPos)!;
        const len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        if (charByte + len > b) break;
        charByte += len;
        charPos += cp >= 0x10000 ? 2 : 1;
      }
    };
    for (let i = 0; i < n; i++) {
      const t = enc.tokens[i]!;
      advanceTo(bytePos);
      start[i] = charPos;
      for (const ch of t) {
        const b = BYTE_OF.get(ch.codePointAt(0)!);
        if (b === undefined || utf8[bytePos] !== b) {
          throw new NeurosieveError('E_MODEL', `Tokenizer output does not spell the input: token ${i} '${t}' at byte ${bytePos}`);
        }
        bytePos++;
      }
      advanceTo(bytePos - 1);
      const cp = text.codePointAt(charPos);
      end[i] = cp === undefined ? charPos : charPos + (cp >= 0x10000 ? 2 : 1);
    }
    if (bytePos !== utf8.length) {
      throw new NeurosieveError('E_MODEL', `Tokenizer output covers ${bytePos} of ${utf8.length} input bytes`);
    }
    return { ids, start, end };
  }
}
