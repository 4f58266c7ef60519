/**
 * neurosieve doctor: what this machine can run. Lists the native kernel and the WebGPU adapters (vendor,
 * architecture, fallback or not, limits, features), runs a short self-test per backend (a correctness check and
 * a GFLOP/s figure), prints a one-line WebGPU benchmark to share (src/correlate/benchmark-webgpu.ts) and says
 * which backend 'auto' picks. This is what a user runs first.
 */
import { NeurosieveError } from '../core/errors.js';
import { gpu, listAdapters, REQUESTED_LIMITS, type GpuAdapterSummary } from '../gpu/device.js';
import { kernelInfo } from '../core/kernel-info.js';
import { loadedAddonFile } from '../core/native.js';
import { selfTest, type SelfTest } from '../correlate/self-test.js';
import { benchmarkSize, gpuBenchmark, type GpuBenchmark } from '../correlate/benchmark-webgpu.js';
import type { Command } from './command.js';
import { doctorSpec as spec } from './specs/doctor.js';

const MiB = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;

function describeAdapter(a: GpuAdapterSummary): string[] {
  const lim = (k: string) => a.limits[k];
  return [
    `  ${a.backend}: ${[a.vendor, a.architecture].filter(Boolean).join(' ') || a.device || 'unknown vendor'} — ${a.description || a.device}${a.fallback ? ' (fallback: a CPU implementation)' : ''}`,
    `    feature level ${a.featureLevel}; maxStorageBufferBindingSize ${MiB(lim('maxStorageBufferBindingSize') ?? 0)}, maxBufferSize ${MiB(lim('maxBufferSize') ?? 0)}, ` +
      `workgroup storage ${lim('maxComputeWorkgroupStorageSize')} B, ${lim('maxComputeInvocationsPerWorkgroup')} invocations/workgroup, ${lim('maxStorageBuffersPerShaderStage')} storage buffers/stage`,
    `    features: ${a.features.join(', ') || 'none'}`,
  ];
}

function describeTest(t: SelfTest): string {
  return `  ${t.backend}: self-test ${t.ok ? 'ok' : 'FAILED'} (max error ${t.maxError.toExponential(1)}, tolerance ${t.tolerance}); ` +
    `co-moment of ${t.rows}×${t.cols}: ${t.gflops.toFixed(2)} GFLOP/s${t.note ? ` [${t.note}]` : ''}`;
}

export const doctorCommand: Command = {
  spec,
  async run(ctx) {
    const skip = ctx.options['skip-self-test'] === true;
    const k = kernelInfo();
    ctx.log(`native: SYRK kernel ${k.kernel}, ${k.hardwareThreads} hardware threads, addon ${k.version}`);
    // Which binary: a build from source, or the package's prebuilt (which has no HDF5; README "Installing as a library").
    ctx.log(`native addon: ${loadedAddonFile}`);
    const { adapters, problems } = await listAdapters().catch((err: Error) => ({ adapters: [] as GpuAdapterSummary[], problems: [err.message] }));
    ctx.log(`WebGPU adapters (${adapters.length}):`);
    for (const a of adapters) for (const line of describeAdapter(a)) ctx.log(line);
    for (const p of problems) ctx.log(`  (${p})`);

    let chosen: GpuAdapterSummary | undefined;
    let gpuError: string | undefined;
    try {
      chosen = (await gpu()).adapter;
      ctx.log(`WebGPU device: ${chosen.backend} ${chosen.description || chosen.device}${process.env.NEUROSIEVE_ADAPTER ? ` (NEUROSIEVE_ADAPTER='${process.env.NEUROSIEVE_ADAPTER}')` : ''}; limits requested: ${REQUESTED_LIMITS.join(', ')}`);
    } catch (err) {
      gpuError = (err as Error).message;
      ctx.log(`WebGPU device: none (${gpuError})`);
    }

    const tests: SelfTest[] = [];
    let benchmark: GpuBenchmark | undefined;
    if (!skip) {
      ctx.log('self-tests:');
      const nativeTest = await selfTest('native', { rows: 4096, cols: 1024 });
      tests.push(nativeTest);
      ctx.log(describeTest(nativeTest));
      if (chosen) {
        // A CPU adapter runs ~1 GFLOP/s: keep its timed problem small.
        const t = await selfTest('webgpu', chosen.fallback ? { rows: 1024, cols: 256 } : { rows: 8192, cols: 2048 });
        tests.push(t);
        ctx.log(describeTest(t));
        if (t.ok) {
          benchmark = await gpuBenchmark(benchmarkSize(chosen.fallback), k.version);
          ctx.log(`benchmark (to share${chosen.fallback ? '; a CPU adapter: says nothing about GPUs' : ''}):`);
          ctx.log(`  ${benchmark.line}`);
        }
      }
    }
    const auto = chosen && !chosen.fallback ? 'webgpu' : 'native';
    ctx.log(`backend 'auto' uses: ${auto}${chosen?.fallback ? ' (the only adapter is a CPU fallback)' : ''}`);
    const failed = tests.filter((t) => !t.ok);
    if (failed.length > 0) throw new NeurosieveError('E_INTERNAL', `self-test failed for ${failed.map((t) => t.backend).join(', ')}: please report it`);
    if (ctx.options.strict === true && (!chosen || skip)) throw new NeurosieveError('E_GPU', `--strict: no WebGPU adapter passed a self-test${gpuError ? ` (${gpuError})` : ''}`);
    return { native: k, adapters, problems, device: chosen ?? null, deviceError: gpuError ?? null, selfTests: tests, auto, benchmark: benchmark ?? null };
  },
};
