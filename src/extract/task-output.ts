/** The activation writers of one task: all rows in order (sharded), and the three balanced split matrices. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PositionalRowWriter, ShardedRowWriter, type OutputDtype } from './row-writer.js';
import { SPLIT_NAMES, type Task } from './tasks.js';

export class TaskOutput {
  readonly all: ShardedRowWriter;
  readonly splits: PositionalRowWriter[];
  constructor(
    private readonly task: Task,
    dir: string,
    sub: string,
    width: number,
    dtype: OutputDtype,
    shardRows: number,
  ) {
    mkdirSync(join(dir, sub));
    this.all = new ShardedRowWriter(dir, `${sub}/activations`, task.rowLabels.length, width, dtype, shardRows);
    const s = task.split;
    this.splits = [s.train, s.dev, s.test].map((idx, k) => new PositionalRowWriter(join(dir, sub, `${SPLIT_NAMES[k]}.npy`), idx.length, width, dtype));
  }
  /** Rows arrive in row order; a row drawn into a split is also written at its place there. */
  push(row: number, values: Float32Array): void {
    this.all.push(values);
    const k = this.task.splitOf[row]!;
    if (k >= 0) this.splits[k]!.put(this.task.posInSplit[row]!, values);
  }
  close(): void {
    this.all.close();
    for (const w of this.splits) w.close();
  }
}
