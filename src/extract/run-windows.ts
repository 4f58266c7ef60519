/**
 * Running the model: windows go to onnxruntime in batches, and each window's owned subwords (windows.ts) are
 * aggregated into word and statement rows as soon as its batch is back. The next batch is submitted before the
 * current one is aggregated, so the JS work overlaps the model's.
 */
import type { InferenceSession } from 'onnxruntime-node';
import { NeurosieveError } from '../core/errors.js';
import { SpanAggregator } from './aggregate.js';
import type { LoadedModel } from './model.js';
import { onnxRuntime, type OnnxRuntime } from './onnxruntime.js';
import type { Aggregation, ExtractProgress, SentenceRepresentation } from './options.js';
import type { WindowJob } from './plan.js';
import type { PreparedSource } from './prepare.js';
import type { TaskOutput } from './task-output.js';
import type { WindowPlan } from './windows.js';

export interface RunContext {
  batchSize: number;
  aggregation: Aggregation;
  sentenceRepr: SentenceRepresentation;
  tokenRowOfWord: Int32Array[];
  /** Unit 'subword': each clean subword of a kept word is a row of its own, written as it comes. */
  tokenRowOfSub?: Int32Array[];
  sentRowOfStmt: Int32Array[];
  tokOut: TaskOutput;
  sentOut: TaskOutput;
  totalTokens: number;
  onProgress?: (p: ExtractProgress) => void;
  cancelled: () => void;
}

export interface RunStats {
  /** Subword positions computed by the model, overlaps included. */
  modelTokens: number;
  /** Time spent running windows (never 0, it divides). */
  modelSeconds: number;
}

/** A batch of windows handed to onnxruntime, as [batch, seq] int64 tensors padded to the longest window. */
interface SubmittedBatch {
  batch: WindowJob[];
  seq: number;
  result: Promise<InferenceSession.ReturnType>;
  /** Subwords in the batch's windows (no specials, no padding). */
  subwords: number;
}

function submitBatch(ort: OnnxRuntime, model: LoadedModel, docs: readonly PreparedSource[], plans: readonly WindowPlan[], batch: WindowJob[]): SubmittedBatch {
  const { cls, sep, pad } = model.tokenizer.special;
  const seq = 2 + Math.max(...batch.map((j) => plans[j.doc]!.end[j.k]! - plans[j.doc]!.start[j.k]!));
  const ids = new BigInt64Array(batch.length * seq).fill(BigInt(pad));
  const mask = new BigInt64Array(batch.length * seq);
  let subwords = 0;
  batch.forEach((j, b) => {
    const p = plans[j.doc]!;
    const src = docs[j.doc]!.ids;
    const s = p.start[j.k]!;
    const n = p.end[j.k]! - s;
    const o = b * seq;
    ids[o] = BigInt(cls);
    for (let i = 0; i < n; i++) ids[o + 1 + i] = BigInt(src[s + i]!);
    ids[o + 1 + n] = BigInt(sep);
    mask.fill(1n, o, o + n + 2);
    subwords += n;
  });
  const feeds = {
    input_ids: new ort.Tensor('int64', ids, [batch.length, seq]),
    attention_mask: new ort.Tensor('int64', mask, [batch.length, seq]),
  };
  const result = model.session.run(feeds, model.fetches).catch((err: unknown) => {
    throw new NeurosieveError('E_MODEL', `${model.onnxPath}: onnxruntime failed (${(err as Error).message})`, { cause: err });
  });
  // If we stop before awaiting this batch (an error or Ctrl-C in the previous one), do not leak a rejection.
  result.catch(() => {});
  return { batch, seq, result, subwords };
}

/** Where one column block of a row is read from: which output, and which layer of a stacked output. */
interface ColumnSource {
  output: string;
  stackIndex: number;
  offset: number;
  width: number;
}

function columnSources(model: LoadedModel): ColumnSource[] {
  return model.blocks.map((b) => ({ ...b, output: b.kind === 'ffn' ? 'ffn_acts' : model.fetches[0]!, stackIndex: b.kind === 'ffn' ? b.layer - 1 : Math.max(0, b.layer) }));
}

/** Turns the model's outputs for a window into rows: gathers each owned subword's columns, aggregates spans. */
class WindowRows {
  private readonly row: Float32Array; // the current subword's activations
  private readonly tokAgg: SpanAggregator;
  private readonly sentAgg: SpanAggregator;
  private readonly sources: ColumnSource[];

  constructor(
    model: LoadedModel,
    private readonly docs: readonly PreparedSource[],
    private readonly plans: readonly WindowPlan[],
    private readonly ctx: RunContext,
  ) {
    this.row = new Float32Array(model.width);
    this.tokAgg = new SpanAggregator(ctx.aggregation, model.width);
    this.sentAgg = new SpanAggregator(ctx.sentenceRepr === 'mean' ? 'average' : 'first', model.width);
    this.sources = columnSources(model);
  }

  /** Window `j`, at index `b` of a batch of `B` windows of `S` positions; returns the subwords it owned. */
  add(outputs: InferenceSession.ReturnType, j: WindowJob, b: number, B: number, S: number): number {
    const p = this.plans[j.doc]!;
    const d = this.docs[j.doc]!;
    for (let s = p.ownStart[j.k]!; s < p.ownEnd[j.k]!; s++) {
      this.gather(outputs, b, B, S, 1 + s - p.start[j.k]!); // +1 for <s>
      this.aggregate(j.doc, d, s);
    }
    return p.ownEnd[j.k]! - p.ownStart[j.k]!;
  }

  /** Copies position `pos` of window `b` from every output into `row`. */
  private gather(outputs: InferenceSession.ReturnType, b: number, B: number, S: number, pos: number): void {
    for (const src of this.sources) {
      const data = outputs[src.output]!.data as Float32Array;
      const off = src.output === 'last_hidden_state' ? (b * S + pos) * src.width : ((src.stackIndex * B + b) * S + pos) * src.width;
      this.row.set(data.subarray(off, off + src.width), src.offset);
    }
  }

  /** Adds subword `s` to its word (token task) and its statement (sentence task); writes spans that are complete. */
  private aggregate(doc: number, d: PreparedSource, s: number): void {
    const words = d.align;
    const rowsOfWord = this.ctx.tokenRowOfWord[doc]!;
    const w = d.wordOfSub[s]!;
    if (this.ctx.tokenRowOfSub) {
      const r = this.ctx.tokenRowOfSub[doc]![s]!;
      if (r >= 0) this.ctx.tokOut.push(r, this.row);
    } else if (w >= 0 && rowsOfWord[w]! >= 0) {
      const r = this.tokAgg.add(this.row, s === words.wordFirst[w], s === words.wordLast[w]);
      if (r) this.ctx.tokOut.push(rowsOfWord[w]!, r);
    }
    const st = d.stmtOfSub[s]!;
    if (st >= 0) {
      const stmt = words.statements[st]!;
      const r = this.sentAgg.add(this.row, s === stmt.firstSub, s === stmt.lastSub);
      if (r) this.ctx.sentOut.push(this.ctx.sentRowOfStmt[doc]![st]!, r);
    }
  }
}

/** Runs every window through the model in order, writing rows to ctx.tokOut / ctx.sentOut. */
export async function runWindows(
  model: LoadedModel,
  docs: readonly PreparedSource[],
  plans: readonly WindowPlan[],
  jobs: readonly WindowJob[],
  ctx: RunContext,
): Promise<RunStats> {
  const ort = await onnxRuntime();
  const rows = new WindowRows(model, docs, plans, ctx);
  let done = 0;
  let modelTokens = 0;
  const start = performance.now();
  const submit = (from: number) => {
    const submitted = submitBatch(ort, model, docs, plans, jobs.slice(from, from + ctx.batchSize));
    modelTokens += submitted.subwords;
    return submitted;
  };

  let pending = jobs.length ? submit(0) : undefined;
  for (let next = ctx.batchSize; pending; next += ctx.batchSize) {
    ctx.cancelled();
    const current = pending;
    const outputs = await current.result;
    pending = next < jobs.length ? submit(next) : undefined;
    const B = current.batch.length;
    current.batch.forEach((j, b) => {
      done += rows.add(outputs, j, b, B, current.seq);
    });
    ctx.onProgress?.({ tokens: done, totalTokens: ctx.totalTokens, source: docs[current.batch[B - 1]!.doc]!.path });
  }
  return { modelTokens, modelSeconds: Math.max(1e-9, (performance.now() - start) / 1000) };
}
