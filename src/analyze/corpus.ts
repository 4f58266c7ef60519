/**
 * The text of a task's rows, for the report: which sentence each row comes from and where in it, so that a
 * neuron's top-activating rows can be shown among their neighbours. A task's rows are the words of its sentences
 * in order (tokens task: one row per word of each NeuroX .in line) or its sentences themselves (sentences task).
 */
import { NeurosieveError } from '../core/errors.js';

export interface Corpus {
  /** The words of each sentence of the task, in order. A sentences task has one "word" per sentence: the line. */
  sentences: string[][];
  /** 'tokens': a row per word; 'sentences': a row per sentence. */
  unit: 'tokens' | 'sentences';
  /**
   * The task row of each given train / dev / test row (e.g. a split's index file). Absent for a part: its rows
   * are the task's rows in order (a compat split of the whole task), or, for dev and test, unknown.
   */
  rows?: { train?: Int32Array; dev?: Int32Array; test?: Int32Array };
  /** Where each sentence comes from ("path:line"), when the extraction recorded positions. */
  sources?: string[];
}

/** Sentence and position of every task row. */
export interface RowLocations {
  rows: number;
  sentence: Int32Array;
  position: Int32Array;
}

/** Rows of each sentence: its words (tokens task) or 1 (sentences task). */
function rowsPerSentence(corpus: Corpus): number[] {
  return corpus.sentences.map((s) => (corpus.unit === 'tokens' ? s.length : 1));
}

/** The task's row count. */
export function corpusRows(corpus: Corpus): number {
  return rowsPerSentence(corpus).reduce((a, b) => a + b, 0);
}

export function locateRows(corpus: Corpus): RowLocations {
  const counts = rowsPerSentence(corpus);
  const rows = counts.reduce((a, b) => a + b, 0);
  const sentence = new Int32Array(rows);
  const position = new Int32Array(rows);
  let r = 0;
  counts.forEach((n, s) => {
    for (let p = 0; p < n; p++, r++) {
      sentence[r] = s;
      position[r] = p;
    }
  });
  return { rows, sentence, position };
}

/** Checks that every task row named by `ids` exists, naming the part. */
export function checkRowIds(ids: Int32Array, taskRows: number, what: string): void {
  for (const id of ids) {
    if (!(id >= 0 && id < taskRows)) throw new NeurosieveError('E_FORMAT', `${what}: names task row ${id} but the task has ${taskRows} rows`);
  }
}
