/**
 * Cutting a long token sequence into windows the model accepts. Windows of `size` tokens start every `stride`
 * tokens (the last one is aligned to the end so it is full), and each token is read from exactly one window: the
 * one in which it sits farthest from an edge. Where two windows overlap, the first owns the first half of the
 * overlap and the second the rest, so with stride = size/2 every token (but those near the ends of the file) has at
 * least size/4 tokens of context on either side.
 */
import { NeurosieveError } from '../core/errors.js';

export interface WindowPlan {
  /** Window k covers tokens [start[k], end[k]) … */
  start: Int32Array;
  end: Int32Array;
  /** … and supplies the activations of tokens [ownStart[k], ownEnd[k]). Owned ranges tile [0, n) in order. */
  ownStart: Int32Array;
  ownEnd: Int32Array;
}

export function planWindows(n: number, size: number, stride: number): WindowPlan {
  if (!Number.isInteger(size) || size < 1) throw new NeurosieveError('E_ARGUMENT', `Expected a positive window size but received ${size}`);
  if (!Number.isInteger(stride) || stride < 1 || stride > size) {
    throw new NeurosieveError('E_ARGUMENT', `Expected a stride between 1 and the window size ${size} for --stride but received ${stride}`);
  }
  const starts: number[] = [];
  if (n > 0) {
    for (let s = 0; ; s += stride) {
      if (s + size >= n) {
        starts.push(Math.max(0, n - size));
        break;
      }
      starts.push(s);
    }
  }
  // Aligning the last window to the end may make it start before its predecessor ends by more than a stride,
  // or even coincide with it; drop a last window that adds nothing.
  if (starts.length >= 2 && starts[starts.length - 1] === starts[starts.length - 2]) starts.pop();
  const k = starts.length;
  const plan: WindowPlan = { start: new Int32Array(k), end: new Int32Array(k), ownStart: new Int32Array(k), ownEnd: new Int32Array(k) };
  for (let i = 0; i < k; i++) {
    plan.start[i] = starts[i]!;
    plan.end[i] = Math.min(n, starts[i]! + size);
  }
  for (let i = 0; i < k; i++) {
    plan.ownStart[i] = i === 0 ? 0 : plan.ownEnd[i - 1]!;
    // Split the overlap with the next window at its midpoint.
    plan.ownEnd[i] = i === k - 1 ? n : Math.floor((plan.start[i + 1]! + plan.end[i]!) / 2);
  }
  return plan;
}
