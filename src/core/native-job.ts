/**
 * The one way src/ runs an asynchronous addon call (a job of native/src/ops/job.h): start it, let it report
 * progress, wire an AbortSignal to its cancel(), and map its failures ("[E_CODE] message") to NeurosieveError
 * with the caller's stack (src/core/errors.ts). Synchronous addon calls go through callNativeSync.
 */
import { fromNative } from './errors.js';
import type { NativeJob } from './native-types.js';

/** Handed to the starter: cancels the job being started (e.g. from its own progress callback). */
export interface JobControl {
  cancel(): void;
}

/**
 * Starts a native job and awaits its result. `start` calls the addon and returns its `{ promise, cancel }` (or a
 * bare promise, for jobs that cannot be cancelled); errors thrown while starting and rejections are both mapped.
 * Aborting `signal` calls cancel(): the job stops at its next check and rejects with E_CANCELLED.
 */
export async function runJob<T>(start: (control: JobControl) => NativeJob<T> | Promise<T>, signal?: AbortSignal): Promise<T> {
  const holder = new Error();
  let job: NativeJob<T> | undefined;
  const onAbort = () => job?.cancel();
  try {
    const started = start({ cancel: onAbort });
    if (!isJob(started)) return await started;
    job = started;
    signal?.addEventListener('abort', onAbort, { once: true });
    return await job.promise;
  } catch (err) {
    throw fromNative(err, holder);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

function isJob<T>(x: NativeJob<T> | Promise<T>): x is NativeJob<T> {
  return typeof (x as Partial<NativeJob<T>>).cancel === 'function';
}

/** A progress callback for a native job that swallows the user's errors: a failing callback must not kill the job. */
export function quietProgress<P>(onProgress: ((p: P) => void) | undefined): (p: P) => void {
  return (p) => {
    if (!onProgress) return;
    try {
      onProgress(p);
    } catch {
      /* a failing progress callback must not kill the job */
    }
  };
}
