/**
 * Whether the WebGPU tests run. With CI=true a missing adapter is a failure (CI installs lavapipe, so the
 * shaders are always proven there); elsewhere the GPU suites skip with one line saying why.
 */
import { gpu, type Gpu } from '../../src/gpu/device.js';

export interface GpuAvailability {
  g: Gpu | undefined;
  /** Why there is no device, when there is none. */
  reason?: string;
}

export async function probeGpu(suite: string): Promise<GpuAvailability> {
  try {
    const g = await gpu();
    console.log(`${suite}: WebGPU on ${g.adapter.backend} ${g.adapter.description || g.adapter.device}${g.adapter.fallback ? ' (fallback adapter)' : ''}`);
    return { g };
  } catch (err) {
    const reason = (err as Error).message;
    if (process.env.CI === 'true') throw new Error(`${suite}: CI=true requires a WebGPU adapter, but: ${reason}`);
    console.log(`${suite}: WebGPU tests skipped (no adapter: ${reason.split('\n')[0]})`);
    return { g: undefined, reason };
  }
}
