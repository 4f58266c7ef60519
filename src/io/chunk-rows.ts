/** The least and the most rows defaultChunkRows picks. */
export const DEFAULT_CHUNK_ROWS_BOUNDS = [1024, 8192] as const;

/**
 * Rows per chunk when the caller does not say: ~16 MiB of float32 per chunk (two are in memory: one being read,
 * one being folded in), a multiple of the kernel's 512-row panel, between 1024 and 8192 rows. Measured on 2
 * cores at T = 20,000: D = 1,024 ran 0.140 s with 4,096-row chunks against 0.160 s with 8,192 (the first read
 * is not overlapped with compute); at D = 9,984 anything from 1,024 to 3,072 rows is within 1%.
 */
export function defaultChunkRows(cols: number): number {
  const rows = Math.floor((16 << 20) / (4 * cols) / 512) * 512;
  return Math.min(DEFAULT_CHUNK_ROWS_BOUNDS[1], Math.max(DEFAULT_CHUNK_ROWS_BOUNDS[0], rows));
}

/** The range every chunkRows option is checked against, once, by the public function that receives it. */
export const CHUNK_ROWS_RANGE = [1, 1 << 24] as const;
