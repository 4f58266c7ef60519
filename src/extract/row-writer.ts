/**
 * Streaming row writers for .npy outputs whose shapes are known before the first row arrives (extraction plans
 * every row up front). They write into the run's temporary directory, which is renamed into place only when the
 * whole run succeeded, so they need no per-file atomicity of their own.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { npyHeader } from '../io/npy.js';
import { toFloat16 } from '../io/float16.js';

/** Element types of the activation files. */
export const OUTPUT_DTYPES = ['float32', 'float16'] as const;
export type OutputDtype = (typeof OUTPUT_DTYPES)[number];

function writeAll(fd: number, bytes: Uint8Array, position?: number): void {
  let off = 0;
  while (off < bytes.length) {
    off += writeSync(fd, bytes, off, bytes.length - off, position === undefined ? null : position + off);
  }
}

/** Encodes one row in the output dtype (the returned view is reused by the next call). */
class RowEncoder {
  private readonly half: Uint16Array | undefined;
  constructor(width: number, dtype: OutputDtype) {
    this.half = dtype === 'float16' ? new Uint16Array(width) : undefined;
  }
  bytes(row: Float32Array): Uint8Array {
    if (this.half) {
      toFloat16(row, this.half);
      return new Uint8Array(this.half.buffer, 0, this.half.byteLength);
    }
    return new Uint8Array(row.buffer, row.byteOffset, row.byteLength);
  }
}

const DESCR: Record<OutputDtype, string> = { float32: '<f4', float16: '<f2' };

/** Rows in order, cut into shards of at most `shardRows` rows: `<prefix>-00000.npy`, … */
export class ShardedRowWriter {
  readonly shards: { file: string; rows: number }[] = [];
  private fd = -1;
  private left = 0;
  private next = 0;
  private readonly enc: RowEncoder;
  private buf: Uint8Array;
  private used = 0;

  constructor(
    private readonly dir: string,
    private readonly prefix: string,
    private readonly totalRows: number,
    private readonly width: number,
    private readonly dtype: OutputDtype,
    private readonly shardRows: number,
  ) {
    this.enc = new RowEncoder(width, dtype);
    this.buf = new Uint8Array(Math.max(1 << 20, width * 8));
    for (let r = 0, k = 0; r < totalRows; r += shardRows, k++) {
      this.shards.push({ file: `${prefix}-${String(k).padStart(5, '0')}.npy`, rows: Math.min(shardRows, totalRows - r) });
    }
  }

  private flush(): void {
    if (this.used) writeAll(this.fd, this.buf.subarray(0, this.used));
    this.used = 0;
  }

  push(row: Float32Array): void {
    if (this.left === 0) {
      if (this.fd >= 0) {
        this.flush();
        closeSync(this.fd);
      }
      const shard = this.shards[this.next++]!;
      this.fd = openSync(join(this.dir, shard.file), 'w');
      writeAll(this.fd, npyHeader(DESCR[this.dtype], [shard.rows, this.width]));
      this.left = shard.rows;
    }
    const b = this.enc.bytes(row);
    if (this.used + b.length > this.buf.length) this.flush();
    this.buf.set(b, this.used);
    this.used += b.length;
    this.left--;
  }

  close(): void {
    if (this.fd >= 0) {
      this.flush();
      closeSync(this.fd);
      this.fd = -1;
    }
  }
}

/** One .npy matrix filled in any order: row r goes to position r (used for shuffled split files). */
export class PositionalRowWriter {
  private readonly fd: number;
  private readonly headerBytes: number;
  private readonly enc: RowEncoder;
  private readonly rowBytes: number;

  constructor(path: string, rows: number, width: number, dtype: OutputDtype) {
    this.fd = openSync(path, 'w');
    const header = npyHeader(DESCR[dtype], [rows, width]);
    writeAll(this.fd, header);
    this.headerBytes = header.length;
    this.enc = new RowEncoder(width, dtype);
    this.rowBytes = width * (dtype === 'float16' ? 2 : 4);
  }

  put(position: number, row: Float32Array): void {
    writeAll(this.fd, this.enc.bytes(row), this.headerBytes + position * this.rowBytes);
  }

  close(): void {
    closeSync(this.fd);
  }
}
