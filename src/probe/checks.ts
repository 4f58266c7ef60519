/** Checks shared by the probe trainers: a ProbeData's shapes, ids and finite features, the trainer hooks. */
import { NeurosieveError } from '../core/errors.js';
import { runJob } from '../core/native-job.js';
import { native } from '../core/native.js';
import { BACKENDS } from '../gpu/backend.js';
import { expectFunction, expectInteger, expectOneOf, show } from '../core/validate.js';
import type { ProbeData, TrainHooks } from './train-types.js';

/** Shapes of one in-memory problem; class ids in [0, classes). `what` names it in messages ('train', 'validation'). */
export function checkProbeData(data: ProbeData, classes: number, what: string): void {
  if (typeof data !== 'object' || data === null) throw new NeurosieveError('E_ARGUMENT', `Expected { x, rows, cols, y } for ${what} but received ${show(data)}`);
  const rows = expectInteger(data.rows, `${what}.rows`, 1);
  const cols = expectInteger(data.cols, `${what}.cols`, 1);
  if (!(data.x instanceof Float32Array) || data.x.length !== rows * cols) {
    throw new NeurosieveError('E_SHAPE', `Expected a Float32Array of ${rows}×${cols} = ${rows * cols} values for ${what}.x but received ${data.x instanceof Float32Array ? `${data.x.length} values` : show(data.x)}`);
  }
  if (!(data.y instanceof Int32Array) || data.y.length !== rows) {
    throw new NeurosieveError('E_SHAPE', `Expected one label per row (${rows}) for ${what}.y but received ${data.y instanceof Int32Array ? data.y.length : show(data.y)}`);
  }
  for (let t = 0; t < rows; t++) {
    const c = data.y[t]!;
    if (c < 0 || c >= classes) throw new NeurosieveError('E_ARGUMENT', `Expected class ids in [0, ${classes - 1}] for ${what}.y but received ${c} at row ${t}`);
  }
}

/** No NaN/±Inf in data.x (scanned natively: ~20× a JS loop on large matrices); call after checkProbeData. */
export async function checkFiniteFeatures(data: ProbeData, what: string, threads: number): Promise<void> {
  const hit = await runJob(() => native().findNonFinite(data.x, data.rows, data.cols, threads));
  if (hit) throw new NeurosieveError('E_NONFINITE', `Expected finite features for ${what}.x but received ${hit.value} at row ${hit.row}, column ${hit.col}`);
}

/** threads, classWeights (C positive finite numbers), onProgress, signal. */
export function checkHooks(hooks: TrainHooks, classes: number, fn: string): void {
  if (typeof hooks !== 'object' || hooks === null) throw new NeurosieveError('E_ARGUMENT', `Expected a hooks object for ${fn} but received ${show(hooks)}`);
  if (hooks.threads !== undefined) expectInteger(hooks.threads, 'threads', 0, 1024);
  if (hooks.backend !== undefined) expectOneOf(hooks.backend, 'backend', BACKENDS);
  if (hooks.classWeights !== undefined) {
    const w = hooks.classWeights;
    if (!(w instanceof Float64Array) || w.length !== classes) {
      throw new NeurosieveError('E_ARGUMENT', `Expected a Float64Array of ${classes} weights for classWeights but received ${w instanceof Float64Array ? `${w.length} weights` : show(w)}`);
    }
    for (let c = 0; c < classes; c++) {
      if (!(Number.isFinite(w[c]!) && w[c]! > 0)) throw new NeurosieveError('E_ARGUMENT', `Expected positive finite class weights for classWeights but received ${w[c]} for class ${c}`);
    }
  }
  expectFunction(hooks.onProgress, 'onProgress');
  if (hooks.signal?.aborted) throw new NeurosieveError('E_CANCELLED', `${fn} cancelled`);
}
