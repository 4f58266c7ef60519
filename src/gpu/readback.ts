/// <reference types="@webgpu/types" />
/** Moving data between host and device: uploads through the queue, asynchronous readback through a staging buffer. */
import type { Gpu } from './device.js';

/** A STORAGE | COPY_SRC | COPY_DST buffer from the pool, filled with `data` (padded to 4 bytes). */
export function upload(g: Gpu, data: ArrayBufferView, label?: string): GPUBuffer {
  const b = g.buffers.acquire(data.byteLength, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST, label);
  writeBuffer(g, b, data);
  return b;
}

/** queue.writeBuffer of a whole typed array, in pieces of at most 64 MiB (Dawn copies each piece). */
export function writeBuffer(g: Gpu, b: GPUBuffer, data: ArrayBufferView, offset = 0): void {
  const bytes = new Uint8Array(data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
  const step = 64 << 20;
  for (let o = 0; o < bytes.length; o += step) {
    const piece = bytes.subarray(o, Math.min(bytes.length, o + step));
    if (piece.length % 4 === 0) g.device.queue.writeBuffer(b, offset + o, piece);
    else {
      const padded = new Uint8Array(Math.ceil(piece.length / 4) * 4);
      padded.set(piece);
      g.device.queue.writeBuffer(b, offset + o, padded);
    }
  }
}

/** A uniform buffer holding 32-bit words (u32 unless a value is given as a float in `floats`). */
export function uniforms(g: Gpu, words: readonly number[], floats: ReadonlySet<number> = new Set()): GPUBuffer {
  const n = Math.max(4, Math.ceil(words.length / 4) * 4); // uniform structs are 16-byte aligned
  const buf = new ArrayBuffer(n * 4);
  const u = new Uint32Array(buf);
  const f = new Float32Array(buf);
  words.forEach((w, i) => {
    if (floats.has(i)) f[i] = w;
    else u[i] = w >>> 0;
  });
  const b = g.buffers.acquire(n * 4, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, 'uniforms');
  g.device.queue.writeBuffer(b, 0, buf);
  return b;
}

/**
 * Copies `size` bytes of `src` from `offset` into a fresh ArrayBuffer. The copy is recorded into `encoder` if
 * given (the caller submits), else submitted here; the returned promise resolves once the GPU is done.
 */
export function readback(g: Gpu, src: GPUBuffer, offset: number, size: number, encoder?: GPUCommandEncoder): () => Promise<ArrayBuffer> {
  const staging = g.buffers.acquire(size, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, 'readback');
  const enc = encoder ?? g.device.createCommandEncoder();
  enc.copyBufferToBuffer(src, offset, staging, 0, Math.ceil(size / 4) * 4);
  if (!encoder) g.device.queue.submit([enc.finish()]);
  return async () => {
    await staging.mapAsync(GPUMapMode.READ, 0, Math.ceil(size / 4) * 4);
    const out = staging.getMappedRange(0, Math.ceil(size / 4) * 4).slice(0, size);
    staging.unmap();
    g.buffers.release(staging);
    return out;
  };
}

/** Fills a storage buffer with a poison value (tests use NaN) so that an element a kernel forgets stays visible. */
export function poison(g: Gpu, b: GPUBuffer, value: number): void {
  const words = new Float32Array(b.size / 4).fill(value);
  writeBuffer(g, b, words);
}
