/** PackedArray (src/analyze/views-format.ts) decoded in the browser: base64 of little-endian bytes → typed array. */
import type { PackedArray } from '../../analyze/views-format.js';

export type Decoded = Uint8Array | Int8Array | Uint16Array | Int32Array | Uint32Array | Float32Array;

const CONSTRUCTORS = { uint8: Uint8Array, int8: Int8Array, uint16: Uint16Array, int32: Int32Array, uint32: Uint32Array, float32: Float32Array } as const;

// Browsers that open the page are little-endian (every platform in use), so the bytes are the array as stored.
export function decode(p: PackedArray): Decoded {
  const C = CONSTRUCTORS[p.dtype];
  if (!C) throw new Error(`packed array of unknown dtype '${String(p.dtype)}'`);
  const text = atob(p.base64);
  const n = p.shape.reduce((a, s) => a * s, 1);
  if (text.length !== n * C.BYTES_PER_ELEMENT) throw new Error(`packed ${p.dtype} [${p.shape.join(', ')}] holds ${text.length} bytes, expected ${n * C.BYTES_PER_ELEMENT}`);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return new C(bytes.buffer);
}
