/**
 * Planning, before the model runs: every source is read, tokenised, aligned and cut into windows, so all row
 * counts, labels and splits are known up front (preparing is cheap next to running the model). Then rows are
 * numbered: token rows are the kept words of the chosen classes, statement rows every statement, in source order.
 */
import { NeurosieveError } from '../core/errors.js';
import { prepareText, readSource, type PreparedSource } from './prepare.js';
import { STATEMENT_LABELS } from './statements.js';
import type { ExtractionUnit } from './options.js';
import type { SubwordTokenizer } from './tokenizer.js';
import { planWindows, type WindowPlan } from './windows.js';

export interface PlannedSources {
  docs: PreparedSource[];
  /** The windows of docs[i]. */
  plans: WindowPlan[];
  skipped: { path: string; reason: string }[];
}

export interface PlanOptions {
  /** Subwords in total over all sources (0 = no limit); the source that reaches it is truncated. */
  maxTokens: number;
  /** Subwords per window, without <s> and </s>. */
  content: number;
  stride: number;
  warn: (message: string) => void;
  cancelled: () => void;
}

/** Prepares the sources in order until the token budget is spent; unreadable ones are skipped with a warning. */
export function planSources(files: readonly string[], tokenizer: SubwordTokenizer, opts: PlanOptions): PlannedSources {
  const docs: PreparedSource[] = [];
  const plans: WindowPlan[] = [];
  const skipped: { path: string; reason: string }[] = [];
  let budget = opts.maxTokens > 0 ? opts.maxTokens : Infinity;
  for (const f of files) {
    if (budget <= 0) break;
    opts.cancelled();
    const read = readSource(f);
    let prep = read.ok ? prepareText(f, read.text, tokenizer, budget) : read;
    // An empty (or blank) source gives no rows: skipped and reported like an unreadable one, so that all-empty
    // sources fail below instead of writing empty arrays with exit 0.
    if (prep.ok && !prep.source.wordOfSub.some((w) => w >= 0)) prep = { ok: false, reason: 'empty: no tokens to extract' };
    if (!prep.ok) {
      skipped.push({ path: f, reason: prep.reason });
      opts.warn(`skipping ${f}: ${prep.reason}`);
      continue;
    }
    budget -= prep.source.ids.length;
    docs.push(prep.source);
    plans.push(planWindows(prep.source.ids.length, opts.content, opts.stride));
  }
  if (docs.length === 0) throw new NeurosieveError('E_EMPTY', `Expected at least one readable, non-empty Python source but all ${files.length} were skipped (see the warnings)`);
  return { docs, plans, skipped };
}

/** One window of one source, queued for the model. */
export interface WindowJob {
  doc: number;
  k: number;
}

/** Every window of every source, in source order: the order rows are produced in. */
export function windowJobs(plans: readonly WindowPlan[]): WindowJob[] {
  const jobs: WindowJob[] = [];
  plans.forEach((p, doc) => {
    for (let k = 0; k < p.start.length; k++) jobs.push({ doc, k });
  });
  return jobs;
}

/** Where a source's rows are, for the manifest. */
export interface SourceRows {
  path: string;
  subwords: number;
  words: number;
  /** [first row, row count] in the token task and in the sentence task. */
  tokenRows: [number, number];
  sentenceRows: [number, number];
}

export interface RowNumbering {
  /**
   * Token-task row of word w of doc d (tokenRowOfWord[d][w]), or -1 for words not in the task. With unit
   * 'subword', the row of the word's first clean subword.
   */
  tokenRowOfWord: Int32Array[];
  /** With unit 'subword': token-task row of subword s of doc d, or -1 (not in a kept word, or straddling). */
  tokenRowOfSub?: Int32Array[];
  /** Sentence-task row of statement s of doc d. */
  sentRowOfStmt: Int32Array[];
  /** Class id of each row, into the token classes and into STATEMENT_LABELS. */
  tokenLabels: Int32Array;
  sentenceLabels: Int32Array;
  sources: SourceRows[];
  droppedWords: number;
  partialWords: number;
  straddlingSubwords: number;
}

/**
 * Numbers the rows of both tasks; `tokenClasses` are the token task's classes, in class-id order. Token rows are
 * words, or with unit 'subword' the clean subwords of those words (in text order, so rows stay in source order).
 */
export function numberRows(docs: readonly PreparedSource[], tokenClasses: readonly string[], unit: ExtractionUnit = 'word'): RowNumbering {
  const classOf = new Map(tokenClasses.map((l, i) => [l, i]));
  const tokenRowOfWord: Int32Array[] = [];
  const tokenRowOfSub: Int32Array[] = [];
  const sentRowOfStmt: Int32Array[] = [];
  const tokLabelList: number[] = [];
  const sentLabelList: number[] = [];
  const sources: SourceRows[] = [];
  let droppedWords = 0;
  let partialWords = 0;
  let straddlingSubwords = 0;
  for (const d of docs) {
    const a = d.align;
    const rows = new Int32Array(a.words.length).fill(-1);
    const firstTok = tokLabelList.length;
    if (unit === 'subword') {
      const subRows = new Int32Array(d.ids.length).fill(-1);
      for (let s = 0; s < d.ids.length; s++) {
        const w = d.wordOfSub[s]!;
        const c = w >= 0 ? classOf.get(a.words[w]!.type) : undefined;
        if (c === undefined) continue;
        if (rows[w] === -1) rows[w] = tokLabelList.length;
        subRows[s] = tokLabelList.length;
        tokLabelList.push(c);
      }
      tokenRowOfSub.push(subRows);
    } else {
      for (let w = 0; w < a.words.length; w++) {
        const c = classOf.get(a.words[w]!.type);
        if (c === undefined || a.wordFirst[w] === -1) continue;
        rows[w] = tokLabelList.length;
        tokLabelList.push(c);
      }
    }
    tokenRowOfWord.push(rows);
    const firstSent = sentLabelList.length;
    const srows = new Int32Array(a.statements.length);
    a.statements.forEach((s, i) => {
      srows[i] = sentLabelList.length;
      sentLabelList.push(STATEMENT_LABELS.indexOf(s.label));
    });
    sentRowOfStmt.push(srows);
    droppedWords += d.droppedWords;
    partialWords += d.partialWords;
    straddlingSubwords += a.straddlingSubwords;
    sources.push({
      path: d.path,
      subwords: d.ids.length,
      words: a.words.length,
      tokenRows: [firstTok, tokLabelList.length - firstTok],
      sentenceRows: [firstSent, sentLabelList.length - firstSent],
    });
  }
  const tokenLabels = Int32Array.from(tokLabelList);
  const sentenceLabels = Int32Array.from(sentLabelList);
  return { tokenRowOfWord, ...(unit === 'subword' ? { tokenRowOfSub } : {}), sentRowOfStmt, tokenLabels, sentenceLabels, sources, droppedWords, partialWords, straddlingSubwords };
}
