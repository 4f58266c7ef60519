/**
 * The WebGPU backend of computeStats: files are read by the native row reader (src/io/load.ts), one file at a time
 * so that, as in the native engine, a chunk never spans two files and rows per file are exact; each chunk goes
 * through GpuComomentPass (device accumulation, a float64 merge per flush group) while the next one is read.
 */
import { NeurosieveError } from '../core/errors.js';
import { streamRows, type NanPolicy } from '../io/load.js';
import type { Dataset, Progress } from '../types.js';
import { GpuComomentPass } from './comoments-webgpu.js';
import type { GpuRunReport } from './run-report.js';
import { gpu } from '../gpu/device.js';
import type { NativeComoments } from '../core/native-types.js';

export interface GpuPassOptions {
  threads: number;
  chunkRows: number;
  /** chunkRows was given by the caller; otherwise the GPU sizes its chunks from the device limits. */
  chunkRowsGiven?: boolean;
  /** Rows accumulated on the device between float64 merges (src/correlate/gpu-plan.ts). */
  flushRows?: number;
  nan: NanPolicy;
  /** Neurons to correlate (validated original ids); all when absent. */
  columns?: Uint32Array;
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
}

export interface GpuPassResult extends NativeComoments {
  nonFinite: number;
  rowsPerFile: number[];
  /** How the chunks were stored on the device (WebGPU only). */
  storage?: 'f32' | 'f16';
  /** What the WebGPU run did (WebGPU only). */
  gpu?: GpuRunReport;
}

export async function gpuComoments(dataset: Dataset, o: GpuPassOptions): Promise<GpuPassResult> {
  const cols = o.columns?.length ?? dataset.cols;
  // A float16 dataset goes up as float16 when the device can read it: exact, and half the bytes.
  const g = await gpu();
  const storage = g.f16 && dataset.files.every((f) => f.dtype === 'float16') ? 'f16' : 'f32';
  const pass = await GpuComomentPass.open(cols, o.threads, { storage, ...(o.chunkRowsGiven ? { chunkRows: o.chunkRows } : {}), ...(o.flushRows ? { flushRows: o.flushRows } : {}) });
  try {
    const rowsPer = pass.maxRows;
    let cur = new Float32Array(rowsPer * cols);
    let nxt = new Float32Array(rowsPer * cols);
    const totalRows = dataset.rows >= 0 ? dataset.rows : undefined;
    const rowsPerFile: number[] = [];
    let nonFinite = 0;
    let done = 0;
    for (let f = 0; f < dataset.files.length; f++) {
      const file = dataset.files[f]!;
      // One file at a time; its header was read (and its width checked) when the dataset was opened.
      const stream = streamRows({ ...dataset, files: [file], rows: file.rows }, o.columns, o.nan);
      try {
        // The native reader fills chunk k+1 while the device takes chunk k (add() copies it to the queue before
        // it resolves, and merges a finished flush group only after submitting the chunk), so two host buffers do.
        let n = await stream.read(cur, rowsPer);
        while (n > 0) {
          if (o.signal?.aborted) throw new NeurosieveError('E_CANCELLED', 'cancelled');
          const reading = stream.read(nxt, rowsPer);
          try {
            await pass.add(cur, n);
          } catch (err) {
            await reading.catch(() => 0);
            throw err;
          }
          done += n;
          const next = await reading;
          [cur, nxt] = [nxt, cur];
          o.onProgress?.({ rows: done, totalRows, file: f });
          n = next;
        }
        rowsPerFile.push(stream.rows);
        nonFinite += stream.nonFinite;
      } finally {
        stream.close();
      }
    }
    await pass.finish();
    const gpuReport = await pass.report();
    return { ...pass.result(), nonFinite, rowsPerFile, storage, gpu: gpuReport };
  } finally {
    pass.close();
  }
}
