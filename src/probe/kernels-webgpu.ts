/// <reference types="@webgpu/types" />
/**
 * WebGPU kernels for linear probes (softmax regression, logits = X·Wᵀ + b), for a probe solver to call:
 *
 *   const xs = await uploadActivations(x, T, D, { labels: y, storage: 'auto' });  // once: X stays on the device
 *   const z = await probeLogits(xs, W, b, { r0, rows });                           // rows×C logits
 *   const s = await probeLossGradient(xs, W, b, { r0, rows, scale: 1 / rows });    // one minibatch / full batch
 *   // s.loss = Σ_t CE_t (float64 sum, unscaled); s.gradW = scale·Gᵀ·X (C×D, float32); s.gradB = scale·Σ_t G_t
 *   xs.destroy();
 *
 * Only W, b go up and the loss and gradients come back per call; X (T×D, float32 or float16 with `shader-f16`,
 * always float32 arithmetic) is uploaded once, in pieces of whole rows that each fit one storage binding; a row
 * range may span pieces (their gradients are added on the host). Shaders: shaders/gemm-xwt.wgsl (logits),
 * shaders/softmax-xent.wgsl (loss and dL/dz), shaders/gemm-gtx.wgsl (Gᵀ·X). Penalties (L1, L2) and the optimiser
 * belong to the solver: these kernels compute the data term only.
 */
import { expectKnownKeys } from '../core/validate.js';
import { NeurosieveError } from '../core/errors.js';
import { halfBits } from '../io/float16.js';
import { checked, gpu, type Gpu } from '../gpu/device.js';
import type { GpuStorage } from '../gpu/pipelines.js';
import { readback, upload } from '../gpu/readback.js';
import { encodeGemmGtx } from '../gpu/programs/gemm-gtx.js';
import { encodeGemmXwt, GEMM_XWT } from '../gpu/programs/gemm-xwt.js';
import { encodeSoftmaxXent } from '../gpu/programs/softmax-xent.js';

export type { GpuStorage };

const STORAGE_RW = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

/** Activations (and optionally labels) resident on the device. */
export interface GpuActivations {
  readonly g: Gpu;
  readonly rows: number;
  readonly cols: number;
  readonly storage: GpuStorage;
  /** Consecutive row ranges, one buffer each. */
  readonly pieces: readonly { buffer: GPUBuffer; r0: number; rows: number; labels?: GPUBuffer }[];
  /** Number of classes of the labels uploaded with the activations (undefined: no labels). */
  readonly classes?: number;
  destroy(): void;
}

function toHalf(x: Float32Array): Uint16Array {
  const h = new Uint16Array(x.length);
  for (let i = 0; i < x.length; i++) h[i] = halfBits(x[i]!);
  return h;
}

/**
 * Uploads rows×cols float32 activations (row-major). storage 'f16' halves memory and bandwidth (values rounded
 * to float16; sums stay float32) and needs the `shader-f16` feature; 'auto' uses it when available.
 * labels (class ids < classes) are needed by probeLossGradient.
 */
export async function uploadActivations(
  x: Float32Array,
  rows: number,
  cols: number,
  options: { storage?: GpuStorage | 'auto'; labels?: Uint32Array; classes?: number; maxBindingBytes?: number } = {},
): Promise<GpuActivations> {
  expectKnownKeys(options, ['storage', 'labels', 'classes', 'maxBindingBytes'], 'uploadActivations');
  const g = await gpu();
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1 || x.length < rows * cols) {
    throw new NeurosieveError('E_ARGUMENT', `Expected a Float32Array of rows×cols = ${rows}×${cols} for x but received ${x.length} values`);
  }
  const want = options.storage ?? 'f32';
  if (want === 'f16' && !g.f16) throw new NeurosieveError('E_GPU', "storage 'f16' needs the shader-f16 feature, which this adapter lacks");
  const storage: GpuStorage = want === 'auto' ? (g.f16 ? 'f16' : 'f32') : want;
  const bytesPerRow = cols * (storage === 'f16' ? 2 : 4);
  const maxBytes = Math.min(g.limits.maxStorageBufferBindingSize, g.limits.maxBufferSize, options.maxBindingBytes ?? Infinity);
  // A piece is also one dispatch of the row-tiled kernels: at most maxComputeWorkgroupsPerDimension tiles of 64
  // rows, and its labels (4 bytes a row) must fit a binding too.
  const rowsPerPiece = Math.min(Math.floor(maxBytes / bytesPerRow), Math.floor(maxBytes / 4), g.limits.maxComputeWorkgroupsPerDimension * GEMM_XWT.rowsPerWorkgroup);
  if (rowsPerPiece < 1) throw new NeurosieveError('E_GPU', `one row of ${cols} neurons exceeds the device's storage binding limit`);
  let classes: number | undefined;
  if (options.labels) {
    if (!Number.isInteger(options.classes) || options.classes! < 1) {
      throw new NeurosieveError('E_ARGUMENT', `Expected a positive integer for classes (with labels) but received ${String(options.classes)}`);
    }
    classes = options.classes!;
    if (options.labels.length < rows) throw new NeurosieveError('E_ARGUMENT', `Expected ${rows} labels but received ${options.labels.length}`);
    for (let i = 0; i < rows; i++) {
      if (options.labels[i]! >= classes) throw new NeurosieveError('E_ARGUMENT', `Expected labels in [0, ${classes - 1}] for labels but received ${options.labels[i]} at row ${i}`);
    }
  }
  const pieces: { buffer: GPUBuffer; r0: number; rows: number; labels?: GPUBuffer }[] = [];
  return checked(g, 'uploading activations', () => {
    for (let r0 = 0; r0 < rows; r0 += rowsPerPiece) {
      const n = Math.min(rowsPerPiece, rows - r0);
      const part = x.subarray(r0 * cols, (r0 + n) * cols);
      const buffer = upload(g, storage === 'f16' ? toHalf(part) : part, 'activations');
      const labels = options.labels ? upload(g, options.labels.subarray(r0, r0 + n), 'labels') : undefined;
      pieces.push({ buffer, r0, rows: n, labels });
    }
    return {
      g,
      rows,
      cols,
      storage,
      pieces,
      classes,
      destroy() {
        for (const p of pieces) {
          g.buffers.release(p.buffer);
          if (p.labels) g.buffers.release(p.labels);
        }
      },
    };
  });
}

/** The pieces overlapping [r0, r0 + rows), each with its local row range. */
function spans(xs: GpuActivations, r0: number, rows: number) {
  if (!Number.isInteger(r0) || !Number.isInteger(rows) || r0 < 0 || rows < 1 || r0 + rows > xs.rows) {
    throw new NeurosieveError('E_ARGUMENT', `Expected a row range within [0, ${xs.rows}) but received [${r0}, ${r0 + rows})`);
  }
  const out: { piece: GpuActivations['pieces'][number]; local: number; rows: number; offset: number }[] = [];
  for (const piece of xs.pieces) {
    const a = Math.max(r0, piece.r0);
    const b = Math.min(r0 + rows, piece.r0 + piece.rows);
    if (a < b) out.push({ piece, local: a - piece.r0, rows: b - a, offset: a - r0 });
  }
  return out;
}

function checkWeights(xs: GpuActivations, W: Float32Array, b: Float32Array): number {
  const C = b.length;
  if (C < 1 || W.length !== C * xs.cols) {
    throw new NeurosieveError('E_ARGUMENT', `Expected W of classes×cols = ${C}×${xs.cols} floats for W but received ${W.length}`);
  }
  return C;
}

/**
 * Runs `work` inside checked() with a list for the transient buffers it acquires (uniforms, uploads, outputs),
 * all given back to the pool afterwards, also when the work fails.
 */
async function withTransients(g: Gpu, what: string, work: (keep: (...buffers: GPUBuffer[]) => GPUBuffer) => Promise<void>): Promise<void> {
  const transient: GPUBuffer[] = [];
  await checked(g, what, async () => {
    try {
      await work((...buffers) => {
        transient.push(...buffers);
        return buffers[0]!;
      });
    } finally {
      for (const t of transient) g.buffers.release(t);
    }
  });
}

/** Logits X[r0 .. r0+rows)·Wᵀ + b, rows×C row-major. W: C×D row-major, b: C. */
export async function probeLogits(xs: GpuActivations, W: Float32Array, b: Float32Array, range: { r0: number; rows: number }): Promise<Float32Array> {
  const g = xs.g;
  const C = checkWeights(xs, W, b);
  const out = new Float32Array(range.rows * C);
  await withTransients(g, 'probe logits', async (keep) => {
    const w = keep(upload(g, W, 'W'));
    const bias = keep(upload(g, b, 'b'));
    for (const s of spans(xs, range.r0, range.rows)) {
      const z = keep(g.buffers.acquire(s.rows * C * 4, STORAGE_RW(), 'logits'));
      const enc = g.device.createCommandEncoder();
      keep(...(await encodeGemmXwt(g, enc, { x: s.piece.buffer, storage: xs.storage, w, b: bias, out: z, rows: s.rows, cols: xs.cols, classes: C, r0: s.local })));
      const read = readback(g, z, 0, s.rows * C * 4, enc);
      g.device.queue.submit([enc.finish()]);
      out.set(new Float32Array(await read()), s.offset * C);
    }
  });
  return out;
}

export interface ProbeLossGradient {
  /** Σ over the rows of the cross-entropy (natural log), in float64; divide by rows for the mean. */
  loss: number;
  /** scale·Σ_t (softmax(z_t) − onehot(y_t)) x_tᵀ, C×D row-major. */
  gradW: Float32Array;
  /** scale·Σ_t (softmax(z_t) − onehot(y_t)), C values. */
  gradB: Float64Array;
}

/**
 * Loss and gradient of the softmax cross-entropy over X[r0 .. r0+rows) (labels from uploadActivations), in one
 * submission per piece: logits, softmax-xent, Gᵀ·X. scale multiplies the gradients (1/rows for a mean loss).
 */
export async function probeLossGradient(
  xs: GpuActivations,
  W: Float32Array,
  b: Float32Array,
  range: { r0: number; rows: number; scale: number },
): Promise<ProbeLossGradient> {
  const g = xs.g;
  const C = checkWeights(xs, W, b);
  if (xs.classes !== C) throw new NeurosieveError('E_ARGUMENT', `Expected activations uploaded with labels of ${C} classes for probeLossGradient but received ${xs.classes !== undefined ? `${xs.classes} classes` : 'no labels'}`);
  const D = xs.cols;
  const gradW = new Float32Array(C * D);
  const gradB = new Float64Array(C);
  let loss = 0;
  await withTransients(g, 'probe loss and gradient', async (keep) => {
    const w = keep(upload(g, W, 'W'));
    const bias = keep(upload(g, b, 'b'));
    const parts = spans(xs, range.r0, range.rows);
    for (const s of parts) {
      const z = keep(g.buffers.acquire(s.rows * C * 4, STORAGE_RW(), 'logits'));
      const G = keep(g.buffers.acquire(s.rows * C * 4, STORAGE_RW(), 'dlogits'));
      const L = keep(g.buffers.acquire(s.rows * 4, STORAGE_RW(), 'loss'));
      const gw = keep(g.buffers.acquire(C * D * 4, STORAGE_RW(), 'gradW'));
      const enc = g.device.createCommandEncoder({ label: 'probe step' });
      const x = s.piece.buffer;
      keep(...(await encodeGemmXwt(g, enc, { x, storage: xs.storage, w, b: bias, out: z, rows: s.rows, cols: D, classes: C, r0: s.local })));
      keep(...(await encodeSoftmaxXent(g, enc, { logits: z, labels: s.piece.labels!, grad: G, loss: L, rows: s.rows, classes: C, r0: s.local, scale: range.scale })));
      keep(...(await encodeGemmGtx(g, enc, { G, x, storage: xs.storage, out: gw, rows: s.rows, cols: D, classes: C, r0: s.local })));
      const reads = [readback(g, L, 0, s.rows * 4, enc), readback(g, G, 0, s.rows * C * 4, enc), readback(g, gw, 0, C * D * 4, enc)];
      g.device.queue.submit([enc.finish()]);
      const [lb, gb, wb] = await Promise.all(reads.map((r) => r()));
      const l = new Float32Array(lb!);
      for (let t = 0; t < s.rows; t++) loss += l[t]!;
      const gr = new Float32Array(gb!);
      for (let t = 0; t < s.rows; t++) for (let c = 0; c < C; c++) gradB[c]! += gr[t * C + c]!;
      const gradPart = new Float32Array(wb!);
      if (parts.length === 1) gradW.set(gradPart);
      else for (let i = 0; i < gradPart.length; i++) gradW[i]! += gradPart[i]!;
    }
  });
  return { loss, gradW, gradB };
}

/** Primitive Gᵀ·X[r0 .. r0+rows): G is rows×C row-major; returns C×D. */
export async function probeGradWeights(xs: GpuActivations, G: Float32Array, classes: number, range: { r0: number; rows: number }): Promise<Float32Array> {
  const g = xs.g;
  const C = classes;
  if (!Number.isInteger(C) || C < 1 || G.length !== range.rows * C) {
    throw new NeurosieveError('E_ARGUMENT', `Expected G of rows×classes = ${range.rows}×${C} floats for G but received ${G.length}`);
  }
  const D = xs.cols;
  const out = new Float32Array(C * D);
  await withTransients(g, 'probe Gᵀ·X', async (keep) => {
    for (const s of spans(xs, range.r0, range.rows)) {
      const gBuf = keep(upload(g, G.subarray(s.offset * C, (s.offset + s.rows) * C), 'G'));
      const gw = keep(g.buffers.acquire(C * D * 4, STORAGE_RW(), 'gradW'));
      const enc = g.device.createCommandEncoder();
      keep(...(await encodeGemmGtx(g, enc, { G: gBuf, x: s.piece.buffer, storage: xs.storage, out: gw, rows: s.rows, cols: D, classes: C, r0: s.local })));
      const read = readback(g, gw, 0, C * D * 4, enc);
      g.device.queue.submit([enc.finish()]);
      const w = new Float32Array(await read());
      for (let i = 0; i < w.length; i++) out[i]! += w[i]!;
    }
  });
  return out;
}
