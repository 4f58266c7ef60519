/** Which native kernel runs on this machine and how many hardware threads it has (for reports and benchmarks). */
import { callNativeSync } from './errors.js';
import { native } from './native.js';

export function kernelInfo(): { version: string; kernel: string; hardwareThreads: number } {
  return callNativeSync(() => native().info());
}
