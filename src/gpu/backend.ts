/** The compute backend choice shared by correlate() and linkage(): 'auto' | 'native' | 'webgpu'. */
import { gpu, gpuIsOpen, releaseGpu } from './device.js';
import type { ComputeBackend } from '../types.js';

export const BACKENDS = ['auto', 'native', 'webgpu'] as const;
export type BackendChoice = (typeof BACKENDS)[number];

/**
 * 'auto' takes WebGPU only on a real (non-fallback) adapter: a CPU implementation of WebGPU such as lavapipe is
 * ~100× slower than the native engine on the same cores. Without any adapter 'auto' is 'native', quietly. A
 * device opened only to look at the adapter is released again; one the caller already had open is left alone.
 */
export async function chooseBackend(requested: BackendChoice): Promise<ComputeBackend> {
  if (requested !== 'auto') return requested;
  if (autoChoice === 'native') return autoChoice; // adapters do not appear while a process runs
  try {
    const wasOpen = gpuIsOpen();
    const g = await gpu();
    if (!g.adapter.fallback) return 'webgpu';
    if (!wasOpen) await releaseGpu();
  } catch {
    // no adapter: native
  }
  return (autoChoice = 'native');
}
let autoChoice: ComputeBackend | undefined;
