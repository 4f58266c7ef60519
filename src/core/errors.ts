/**
 * Every failure neurosieve reports is a NeurosieveError with a stable code. Native errors arrive as
 * "[E_CODE] message" (native/src/common/error.h) and are re-thrown here with the caller's JS stack.
 */
export type ErrorCode =
  | 'E_IO' // a file cannot be opened, read or written
  | 'E_FORMAT' // a file is not what its format says (truncated, corrupt header, malformed line)
  | 'E_DTYPE' // an element type neurosieve does not read
  | 'E_SHAPE' // shapes disagree with each other or with the file size
  | 'E_NONFINITE' // NaN or Inf in the activations
  | 'E_WIDTH' // shards of one dataset have different numbers of neurons
  | 'E_EMPTY' // no input, or no rows
  | 'E_ARGUMENT' // an option has the wrong type or value
  | 'E_CANCELLED' // the caller aborted
  | 'E_GPU' // WebGPU adapter, device or validation failure
  | 'E_MODEL' // a model or tokenizer cannot be loaded or run
  | 'E_DEPENDENCY' // an optional package the call needs is not installed, or no native addon loads (the message says what to add)
  | 'E_INTERNAL'; // a bug: please report it

export class NeurosieveError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NeurosieveError';
    this.code = code;
  }
}

const TAGGED = /^\[(E_[A-Z]+)\] ([\s\S]*)$/;

/**
 * Turns an error thrown by the addon into a NeurosieveError. `stackHolder` is an Error created before the
 * native call (as sharp does), so the error points at the user's code rather than at an async callback.
 */
export function fromNative(err: unknown, stackHolder?: Error): NeurosieveError {
  if (err instanceof NeurosieveError) return err;
  const text = err instanceof Error ? err.message : String(err);
  const m = TAGGED.exec(text);
  const e = m
    ? new NeurosieveError(m[1] as ErrorCode, m[2]!)
    : new NeurosieveError('E_INTERNAL', text, { cause: err });
  if (stackHolder?.stack) e.stack = `NeurosieveError: ${e.message}\n${stackHolder.stack.split('\n').slice(1).join('\n')}`;
  return e;
}

/** Runs a synchronous native call, mapping its tagged errors (asynchronous jobs: core/native-job.ts). */
export function callNativeSync<T>(fn: () => T): T {
  const holder = new Error();
  try {
    return fn();
  } catch (err) {
    throw fromNative(err, holder);
  }
}
