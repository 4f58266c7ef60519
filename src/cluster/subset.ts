/**
 * A neuron subset of a correlation source, as an m × m matrix in memory that the clustering jobs read like any
 * other square source: row/column i is neuron columns[i]. One pass over what the subset needs:
 *  - in memory: one gather over the m² kept entries;
 *  - a .npy matrix: the m kept rows are read one by one (n values each) and gathered, so the n × n matrix is
 *    never in memory;
 *  - a stats file: the packed co-moment is read, the m(m+1)/2 kept entries gathered, and r computed natively
 *    (correlationFromComoments), rounded to float32 as `neurosieve corr` writes it, so clustering a stats file's
 *    subset and the subset of its corr.npy give the same Z.
 * Memory: m² floats (float64 for a float64 source) besides the m(m − 1)/2 condensed distances the linkage needs.
 * The caller maps the results' positions back to ids through `columns` (correlation-clusters.ts).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { callNativeSync, NeurosieveError } from '../core/errors.js';
import { native } from '../core/native.js';
import type { NativeCorrSource } from '../core/native-types.js';
import { readStats } from '../correlate/stats.js';

export function subsetSource(source: NativeCorrSource, columns: Uint32Array, threads: number): NativeCorrSource {
  const n = source.n;
  const m = columns.length;
  if (source.kind === 'memory') {
    const out = source.data instanceof Float64Array ? new Float64Array(m * m) : new Float32Array(m * m);
    const stride = source.stride ?? n; // a leading block of a wider matrix: rows `stride` apart
    for (let i = 0; i < m; i++) {
      const row = columns[i]! * stride;
      for (let j = 0; j < m; j++) out[i * m + j] = source.data[row + columns[j]!]!;
    }
    return { kind: 'memory', n: m, data: out, ...(source.path ? { path: source.path } : {}) };
  }
  if (source.kind === 'npy') {
    const f64 = source.dtype === 'f8';
    const out = f64 ? new Float64Array(m * m) : new Float32Array(m * m);
    const row = f64 ? new Float64Array(n) : new Float32Array(n);
    const bytes = new Uint8Array(row.buffer);
    const fd = openSync(source.path, 'r');
    try {
      for (let i = 0; i < m; i++) {
        const at = source.offset + columns[i]! * bytes.length;
        let got = 0;
        while (got < bytes.length) {
          const k = readSync(fd, bytes, got, bytes.length - got, at + got);
          if (k === 0) throw new NeurosieveError('E_FORMAT', `${source.path}: truncated at correlation row ${columns[i]}`);
          got += k;
        }
        for (let j = 0; j < m; j++) out[i * m + j] = row[columns[j]!]!;
      }
    } finally {
      closeSync(fd);
    }
    return { kind: 'memory', n: m, data: out, path: `${source.path} (rows and columns of the selected neurons)` };
  }
  const stats = readStats(source.path);
  const packed = new Float64Array((m * (m + 1)) / 2);
  // (a, b≥a) of the packed triangle lies at a(2n − a + 1)/2 + b − a.
  const at = (a: number, b: number) => (a * (2 * n - a + 1)) / 2 + b - a;
  let k = 0;
  for (let i = 0; i < m; i++) {
    const a = columns[i]!;
    for (let j = i; j < m; j++) {
      const b = columns[j]!;
      packed[k++] = a <= b ? stats.comoment[at(a, b)]! : stats.comoment[at(b, a)]!;
    }
  }
  const corr = callNativeSync(() => native().correlationFromComoments(packed, m, threads));
  return { kind: 'memory', n: m, data: corr };
}
