// The plain JavaScript peer: what a careful developer writes without a native kernel. Two passes over a float32
// [T, D] .npy file read in chunks: column means, then the centred co-moments Σ (x−μ)(x−μ)ᵀ accumulated row by row
// into the packed upper triangle (Float64Array), then r = M_ij / √(M_ii·M_jj) as a full float32 D×D matrix.
// Straightforward loops on purpose: no blocking, no SIMD, one thread.
import { closeSync, openSync, readSync } from 'node:fs';

/** Shape and data offset of a little-endian float32, C-order .npy (versions 1–3). */
export function readNpyHeader(path) {
  const fd = openSync(path, 'r');
  try {
    const pre = Buffer.alloc(12);
    readSync(fd, pre, 0, 12, 0);
    if (pre.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${path}: not a .npy file`);
    const major = pre[6];
    const headerLen = major === 1 ? pre.readUInt16LE(8) : pre.readUInt32LE(8);
    const start = major === 1 ? 10 : 12;
    const head = Buffer.alloc(headerLen);
    readSync(fd, head, 0, headerLen, start);
    const text = head.toString(major === 3 ? 'utf8' : 'latin1');
    if (!/'descr':\s*'<f4'/.test(text) || /'fortran_order':\s*True/.test(text)) {
      throw new Error(`${path}: the plain JS peer reads only C-order '<f4' (${text.trim()})`);
    }
    const shape = /'shape':\s*\(([^)]*)\)/.exec(text)[1].split(',').filter((s) => s.trim()).map(Number);
    if (shape.length !== 2) throw new Error(`${path}: expected a 2-D array, found shape (${shape.join(', ')})`);
    return { rows: shape[0], cols: shape[1], offset: start + headerLen };
  } finally {
    closeSync(fd);
  }
}

/** Calls fn(rowsFloat32, nRows) over the first `rows` rows of the file, `chunk` rows at a time. */
function forEachChunk(path, { cols, offset }, rows, chunk, fn) {
  const fd = openSync(path, 'r');
  const buf = Buffer.alloc(chunk * cols * 4);
  const view = new Float32Array(buf.buffer, buf.byteOffset, chunk * cols);
  try {
    for (let r = 0; r < rows; r += chunk) {
      const n = Math.min(chunk, rows - r);
      const bytes = n * cols * 4;
      let got = 0;
      while (got < bytes) {
        const k = readSync(fd, buf, got, bytes - got, offset + r * cols * 4 + got);
        if (k === 0) throw new Error(`${path}: file ends before row ${r + n}`);
        got += k;
      }
      fn(view, n);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Pearson correlation of the first `rows` rows (default: all) of a float32 .npy file.
 * Returns { corr: Float32Array(D·D), rows, cols, seconds: { means, comoments, finish } }: the phase times let a
 * caller extrapolate a run on a subset of rows (the first two phases scale with the row count, the last does not).
 */
export function plainCorrelation(path, { rows, chunkRows = 256 } = {}) {
  const header = readNpyHeader(path);
  const T = Math.min(rows ?? header.rows, header.rows);
  const D = header.cols;
  const now = () => performance.now() / 1e3;

  let t0 = now();
  const mean = new Float64Array(D);
  forEachChunk(path, header, T, chunkRows, (x, n) => {
    for (let r = 0; r < n; r++) {
      const o = r * D;
      for (let j = 0; j < D; j++) mean[j] += x[o + j];
    }
  });
  for (let j = 0; j < D; j++) mean[j] /= T;
  const tMeans = now() - t0;

  t0 = now();
  const m = new Float64Array((D * (D + 1)) / 2); // packed upper triangle, row-major
  const c = new Float64Array(D);
  forEachChunk(path, header, T, chunkRows, (x, n) => {
    for (let r = 0; r < n; r++) {
      const o = r * D;
      for (let j = 0; j < D; j++) c[j] = x[o + j] - mean[j];
      let k = 0;
      for (let i = 0; i < D; i++) {
        const ci = c[i];
        for (let j = i; j < D; j++) m[k++] += ci * c[j];
      }
    }
  });
  const tComoments = now() - t0;

  t0 = now();
  const inv = new Float64Array(D);
  for (let i = 0, k = 0; i < D; k += D - i, i++) inv[i] = m[k] > 0 ? 1 / Math.sqrt(m[k]) : 0;
  const corr = new Float32Array(D * D);
  for (let i = 0, k = 0; i < D; i++) {
    for (let j = i; j < D; j++, k++) {
      const r = i === j ? 1 : m[k] * inv[i] * inv[j];
      corr[i * D + j] = r;
      corr[j * D + i] = r;
    }
  }
  const tFinish = now() - t0;
  return { corr, rows: T, cols: D, seconds: { means: tMeans, comoments: tComoments, finish: tFinish } };
}
