/**
 * What a WebGPU correlation run did, so that a user's machine can tell us what lavapipe cannot: the pipeline's
 * structure (chunks, flushes, bytes each way) and where the time went (host merges, conversion, device kernels).
 * Returned in CorrelationResult.gpu and in `neurosieve corr --json` as "gpu".
 */

export interface GpuRunReport {
  /** Adapter as Dawn describes it: "vendor architecture (description), backend". */
  adapter: string;
  /** Storage type of the uploaded chunks ('f16': a float16 dataset sent as float16). */
  storage: 'f32' | 'f16';
  /** SYRK output tile edge. */
  tile: number;
  /** Rows per device chunk (at most; a file's last chunk is shorter). */
  chunkRows: number;
  /** Rows accumulated on the device between two host merges (src/correlate/gpu-plan.ts: defaultFlushRows). */
  flushRows: number;
  rows: number;
  chunks: number;
  /** Readbacks of the device accumulator, each followed by one host merge. */
  flushes: number;
  hostMerges: number;
  /** Bytes written to the device (chunks as stored) and read back (accumulators at each flush). */
  bytesUp: number;
  bytesDown: number;
  /** Milliseconds on the JS thread: float64 merges, float32 → float16 conversion, writing chunks to the queue. */
  hostMergeMs: number;
  conversionMs: number;
  uploadMs: number;
  /** Wall time of the pass (reading, device and host). */
  wallMs: number;
  /** Device milliseconds per kernel, summed over the run (timestamp queries); absent when not measurable. */
  deviceMs?: Record<string, number>;
  /** Why deviceMs is absent. */
  deviceMsUnavailable?: string;
}
