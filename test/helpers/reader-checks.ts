/** What the reader tests (readers, hdf5, arrow) share: native calls with their errors crossed, errors caught, bytes compared. */
import { expect } from 'vitest';
import { fromNative, type NeurosieveError } from '../../src/core/errors.js';

/** Runs a native call, turning its tagged error into a NeurosieveError as the library does. */
export function call<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw fromNative(err);
  }
}

/** The error `fn` throws (the test fails if it throws none). */
export function errorOf(fn: () => unknown): NeurosieveError {
  try {
    fn();
  } catch (err) {
    return err as NeurosieveError;
  }
  throw new Error('expected an error, none was thrown');
}

/** The same float32 values bit for bit (NaN payloads and signed zeros included). */
export function expectBitIdentical(actual: Float32Array, want: Float32Array, what: string): void {
  expect(actual.length, `${what} length`).toBe(want.length);
  expect(Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength).equals(Buffer.from(want.buffer, want.byteOffset, want.byteLength)), what).toBe(true);
}
