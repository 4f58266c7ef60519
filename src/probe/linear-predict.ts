/**
 * Predictions of a linear probe, natively: argmax_c (x·w_c + b_c) for every row (ties to the lowest class id,
 * as torch.max and numpy.argmax), the logits computed with float32 products and float64 block sums
 * (native/src/probe/linear_predict.h). Independent of the thread count.
 */
import { NeurosieveError } from '../core/errors.js';
import { runJob } from '../core/native-job.js';
import { native } from '../core/native.js';
import { expectInteger, expectKnownKeys, expectThreads } from '../core/validate.js';

/** Rows × cols features, row-major. */
export interface FeatureRows {
  x: Float32Array;
  rows: number;
  cols: number;
}

/** Class ids predicted for every row of `data` by logits = x·Wᵀ + b (W row-major C × cols). */
export async function predictLinear(
  data: FeatureRows,
  probe: { weight: Float32Array; bias: Float32Array },
  options: { threads?: number } = {},
): Promise<Int32Array> {
  expectKnownKeys(options, ['threads'], 'predictLinear');
  const threads = expectThreads(options.threads);
  if (!(data.x instanceof Float32Array)) throw new NeurosieveError('E_ARGUMENT', `Expected a Float32Array for x but received ${Object.prototype.toString.call(data.x)}`);
  const rows = expectInteger(data.rows, 'rows', 0);
  const cols = expectInteger(data.cols, 'cols', 1);
  if (data.x.length !== rows * cols) {
    throw new NeurosieveError('E_SHAPE', `Expected ${rows * cols} values (rows × cols = ${rows} × ${cols}) for x but received ${data.x.length}`);
  }
  if (!(probe.weight instanceof Float32Array) || !(probe.bias instanceof Float32Array) || probe.bias.length < 1 || probe.weight.length !== probe.bias.length * cols) {
    throw new NeurosieveError('E_SHAPE', `Expected a Float32Array weight of classes × ${cols} values and a Float32Array bias of classes values for probe but received weight ${probe.weight?.length} and bias ${probe.bias?.length}`);
  }
  return runJob(() => native().probePredict(data.x, rows, cols, probe.weight, probe.bias, probe.bias.length, threads));
}

/**
 * predictLinear on a column view of a bigger matrix (x holds rows of `stride` floats; the features are its
 * `columns`), read in place. Internal and trusted: `analyze` checked the matrix once when it loaded it.
 */
export async function predictOnView(
  data: FeatureRows & { stride: number; columns: Uint32Array },
  probe: { weight: Float32Array; bias: Float32Array },
  threads: number,
): Promise<Int32Array> {
  const view = { x: data.x, stride: data.stride, columns: data.columns };
  return runJob(() => native().probePredict(view, data.rows, data.cols, probe.weight, probe.bias, probe.bias.length, threads));
}

/** Fraction of rows whose predicted id equals the true id. */
export function accuracyOf(predicted: Int32Array, truth: Int32Array): number {
  if (predicted.length !== truth.length || truth.length === 0) {
    throw new NeurosieveError('E_SHAPE', `Expected as many predictions as labels (at least one) but received ${predicted.length} predictions for ${truth.length} labels`);
  }
  let correct = 0;
  for (let t = 0; t < truth.length; t++) if (predicted[t] === truth[t]) correct++;
  return correct / truth.length;
}
