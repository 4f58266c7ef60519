/**
 * Arrow IPC stream output, one record batch per chunk, through the apache-arrow package's own serializer: each
 * chunk is serialized as a one-batch table (schema message, batch message, end-of-stream marker) and only its
 * batch message is kept, so the file grows a chunk at a time and memory holds one chunk, never the file. The
 * schema message is written once at the start and the end-of-stream marker once at the end.
 */
import {
  Field, FixedSizeList, Float32, Int64, makeData, RecordBatch, Schema, Struct, Table, tableToIPC, Utf8, vectorFromArray,
  type Data,
} from 'apache-arrow';
import { NeurosieveError } from '../core/errors.js';

/** The 8-byte end-of-stream marker: continuation 0xFFFFFFFF, metadata length 0. */
const END_OF_STREAM = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0);

export interface ArrowColumns {
  /** One token per row (Hugging Face `Value('string')`). */
  tokens?: boolean;
  /** One class id per row (Hugging Face `ClassLabel`, int64). */
  labels?: boolean;
}

export interface ArrowChunk {
  x: Float32Array;
  rows: number;
  tokens?: readonly string[];
  labels?: Int32Array;
}

export class ArrowStreamWriter {
  readonly schema: Schema;
  private readonly schemaBytes: Uint8Array;

  constructor(readonly width: number, readonly columns: ArrowColumns) {
    const fields: Field[] = [];
    if (columns.tokens) fields.push(new Field('token', new Utf8(), false));
    if (columns.labels) fields.push(new Field('label', new Int64(), false));
    fields.push(new Field('activations', new FixedSizeList(width, new Field('item', new Float32(), false)), false));
    this.schema = new Schema(fields);
    const empty = tableToIPC(new Table(this.schema), 'stream');
    this.schemaBytes = empty.subarray(0, empty.length - END_OF_STREAM.length);
  }

  /** The stream's first bytes: its schema message. */
  header(): Uint8Array {
    return this.schemaBytes;
  }

  /** One record batch message holding the chunk's rows. */
  batch(chunk: ArrowChunk): Uint8Array {
    const { rows } = chunk;
    const children: Data[] = [];
    if (this.columns.tokens) children.push(vectorFromArray(chunk.tokens as string[], new Utf8()).data[0]!);
    if (this.columns.labels) {
      children.push(makeData({ type: new Int64(), length: rows, nullCount: 0, data: BigInt64Array.from(chunk.labels!, (v) => BigInt(v)) }));
    }
    const floats = makeData({ type: new Float32(), length: rows * this.width, nullCount: 0, data: chunk.x.subarray(0, rows * this.width) });
    children.push(makeData({ type: this.schema.fields.at(-1)!.type as FixedSizeList, length: rows, nullCount: 0, child: floats }));
    const batch = new RecordBatch(this.schema, makeData({ type: new Struct(this.schema.fields), length: rows, nullCount: 0, children }));
    const bytes = tableToIPC(new Table([batch]), 'stream');
    // The serializer writes the same schema message before every batch; anything else would be a bug here.
    const head = bytes.subarray(0, this.schemaBytes.length);
    if (!Buffer.from(head.buffer, head.byteOffset, head.byteLength).equals(Buffer.from(this.schemaBytes.buffer, this.schemaBytes.byteOffset, this.schemaBytes.byteLength))) {
      throw new NeurosieveError('E_INTERNAL', 'Arrow writer: a batch was serialized with another schema message');
    }
    return bytes.subarray(this.schemaBytes.length, bytes.length - END_OF_STREAM.length);
  }

  /** The stream's last bytes. */
  end(): Uint8Array {
    return END_OF_STREAM;
  }
}
