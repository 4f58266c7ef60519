/**
 * Dawn's OpenGL backend must not unload Mesa's GL driver: llvmpipe's worker threads outlive the EGL display, and
 * a thread that runs after libgallium is unmapped kills the process with SIGSEGV (1 run in a few hundred, so
 * the crash itself is not tested). What is checked, deterministically: after an adapter request that went
 * through OpenGL and found nothing (which makes Dawn drop the display and dlclose libEGL), libgallium is still
 * mapped.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gpu, releaseGpu } from '../../src/gpu/device.js';

const linux = process.platform === 'linux';

describe("Mesa's EGL driver stays loaded", () => {
  it.skipIf(!linux)('after the OpenGL backend is tried and its adapter dropped, libgallium is still mapped', async () => {
    const saved = process.env.NEUROSIEVE_ADAPTER;
    process.env.NEUROSIEVE_ADAPTER = 'no-such-adapter';
    let message = '';
    try {
      await gpu();
    } catch (err) {
      message = (err as Error).message;
    } finally {
      if (saved === undefined) delete process.env.NEUROSIEVE_ADAPTER;
      else process.env.NEUROSIEVE_ADAPTER = saved;
      await releaseGpu();
    }
    expect(message).toMatch(/names no WebGPU adapter/);
    if (!/backend: 'opengl'.*llvmpipe/.test(message)) {
      console.log('egl-pin.test.ts: no Mesa llvmpipe OpenGL adapter here; skipped');
      return;
    }
    expect(readFileSync('/proc/self/maps', 'utf8')).toMatch(/libgallium/);
  });
});
