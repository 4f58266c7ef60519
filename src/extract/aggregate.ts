/**
 * Subword → word (and statement) aggregation, method.md §1: a word split into several subwords is represented by
 * its `first` subword, its `last`, or the `average` of all of them (the paper's choice). Subwords arrive one at a
 * time in text order, so one accumulator per task suffices: spans never interleave. Sums are kept in float64 and
 * rounded to float32 once.
 */
export type SpanMode = 'first' | 'last' | 'average';

export class SpanAggregator {
  private readonly acc: Float64Array;
  private readonly out: Float32Array;
  private count = 0;

  constructor(
    private readonly mode: SpanMode,
    width: number,
  ) {
    this.acc = new Float64Array(mode === 'average' ? width : 0);
    this.out = new Float32Array(width);
  }

  /**
   * Adds one subword's row; `first`/`last` say whether it opens/closes its span. Returns the span's row when
   * `last` (a view reused by the next span: copy or write it out before adding more), else undefined.
   */
  add(row: Float32Array, first: boolean, last: boolean): Float32Array | undefined {
    const { acc, out } = this;
    if (this.mode === 'average') {
      if (first) {
        acc.fill(0);
        this.count = 0;
      }
      for (let i = 0; i < acc.length; i++) acc[i] = acc[i]! + row[i]!;
      this.count++;
      if (!last) return undefined;
      for (let i = 0; i < acc.length; i++) out[i] = acc[i]! / this.count;
      return out;
    }
    if (this.mode === 'first') {
      if (first) out.set(row);
      return last ? out : undefined;
    }
    if (!last) return undefined;
    out.set(row);
    return out;
  }
}
