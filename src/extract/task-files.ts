/**
 * The files of a task besides its activations: row labels and split indices as int32 .npy, and NeuroX's text
 * files (`<task>.in`, whitespace-separated words, one "sentence" per line; `<task>.label`, their labels).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { npyHeader } from '../io/npy.js';
import type { PreparedSource } from './prepare.js';
import { SPLIT_NAMES, type Task } from './tasks.js';

/** NeuroX's .in and .label lines of a task, one line each per sentence. */
export interface NeuroxLines {
  words: string[];
  labels: string[];
}

/** Whitespace inside a word (strings, comments) would break NeuroX's whitespace-separated .in files. */
function escapeWord(s: string): string {
  return s.replace(/\s/g, (c) => (c === ' ' ? '\u2423' : c === '\t' ? '\u2409' : c === '\n' ? '\u240a' : c === '\r' ? '\u240d' : '\u2420'));
}

function writeInt32Npy(path: string, data: Int32Array): void {
  const h = npyHeader('<i4', [data.length]);
  writeFileSync(path, Buffer.concat([Buffer.from(h), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

/**
 * Token task: one NeuroX "sentence" per logical line (or comment line), words in row order. With subword rows
 * (`tokenRowOfSub`), each word contributes its clean subwords' text, one token per row, each with the word's label.
 */
export function tokenTaskLines(docs: readonly PreparedSource[], tokenRowOfWord: readonly Int32Array[], task: Task, tokenRowOfSub?: readonly Int32Array[]): NeuroxLines {
  const lines: NeuroxLines = { words: [], labels: [] };
  docs.forEach((d, di) => {
    const rows = tokenRowOfWord[di]!;
    let group = -1;
    let words: string[] = [];
    let labs: string[] = [];
    const flush = () => {
      if (words.length) {
        lines.words.push(words.join(' '));
        lines.labels.push(labs.join(' '));
      }
      words = [];
      labs = [];
    };
    for (let w = 0; w < rows.length; w++) {
      if (rows[w]! < 0) continue;
      if (d.align.wordGroup[w] !== group) {
        flush();
        group = d.align.wordGroup[w]!;
      }
      if (tokenRowOfSub) {
        const subRows = tokenRowOfSub[di]!;
        for (let s = d.align.wordFirst[w]!; s <= d.align.wordLast[w]!; s++) {
          if (subRows[s]! < 0) continue;
          // An empty span (a subword with no characters of its own) would vanish from a whitespace-split line.
          words.push(escapeWord(d.text.slice(d.subStart[s]!, d.subEnd[s]!)) || '\u2205');
          labs.push(task.labels[task.rowLabels[subRows[s]!]!]!);
        }
        continue;
      }
      words.push(escapeWord(d.align.words[w]!.string));
      labs.push(task.labels[task.rowLabels[rows[w]!]!]!);
    }
    flush();
  });
  return lines;
}

/** Sentence task: one line per statement, its code tokens. */
export function sentenceTaskLines(docs: readonly PreparedSource[]): NeuroxLines {
  const lines: NeuroxLines = { words: [], labels: [] };
  for (const d of docs) {
    for (const s of d.align.statements) {
      lines.words.push(s.tokens.map((t) => escapeWord(t.string)).join(' '));
      lines.labels.push(s.label);
    }
  }
  return lines;
}

/** Writes labels, NeuroX files and split indices of the task in `dir/sub`; returns the manifest's `splits` entry. */
export function writeTaskFiles(dir: string, sub: string, t: Task, lines: NeuroxLines): Record<string, unknown> {
  writeInt32Npy(join(dir, sub, 'labels.npy'), t.rowLabels);
  writeFileSync(join(dir, sub, `${sub}.in`), lines.words.join('\n') + (lines.words.length ? '\n' : ''));
  writeFileSync(join(dir, sub, `${sub}.label`), lines.labels.join('\n') + (lines.labels.length ? '\n' : ''));
  const splits: Record<string, unknown> = {};
  [t.split.train, t.split.dev, t.split.test].forEach((idx, k) => {
    const name = SPLIT_NAMES[k]!;
    writeInt32Npy(join(dir, sub, `${name}-index.npy`), idx);
    writeInt32Npy(join(dir, sub, `${name}-labels.npy`), Int32Array.from(idx, (r) => t.rowLabels[r]!));
    splits[name] = { activations: `${sub}/${name}.npy`, labels: `${sub}/${name}-labels.npy`, index: `${sub}/${name}-index.npy`, rows: idx.length, perClass: t.split.perClass[name] };
  });
  return splits;
}
