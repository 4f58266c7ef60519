/// <reference types="@webgpu/types" />
/**
 * One WebGPU device per process (Dawn, through the `webgpu` npm package), created on first use.
 *
 * - Lifetime: the object `create()` returns owns Dawn's instance. If it is garbage-collected while a device is
 *   alive, runs die at random inside Dawn's event processing (shared/spec/stack.md), so it is held in a module
 *   variable for the life of the process (releaseGpu() says why). The device keeps Node's event loop alive
 *   until releaseGpu() destroys it: CLIs and tests call it.
 * - Adapter: NEUROSIEVE_ADAPTER names one (Dawn's `adapter=` option, matched against adapter names); otherwise
 *   the high-performance adapter, which Dawn orders before CPU (fallback) adapters. Without any Vulkan adapter we
 *   retry on Dawn's OpenGL backend (EGL_PLATFORM=surfaceless, compatibility feature level).
 * - Limits: the defaults WebGPU hands out are far below what the kernels tile for (a 128 MiB binding, 32 KiB of
 *   workgroup memory), so every limit the programs use is queried on the adapter and requested explicitly.
 * - Errors: device loss, validation and out-of-memory errors become NeurosieveError('E_GPU').
 */
import { tmpdir } from 'node:os';
import { NeurosieveError } from '../core/errors.js';
import { native } from '../core/native.js';
import { importOptional } from '../core/optional-package.js';
import { BufferPool } from './buffers.js';
import { PipelineCache } from './pipelines.js';

/** The limits neurosieve's programs read; each is requested at the adapter's maximum. */
export const REQUESTED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
] as const;
export type GpuLimitName = (typeof REQUESTED_LIMITS)[number];

/** Dawn's platform backend ('vulkan' on Linux), or its OpenGL fallback. */
export type DawnBackend = 'vulkan' | 'metal' | 'd3d12' | 'opengl';

export interface GpuAdapterSummary {
  backend: DawnBackend;
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A CPU implementation (lavapipe, SwiftShader): correct but slow; `backend: 'auto'` never picks it. */
  fallback: boolean;
  featureLevel: 'core' | 'compatibility';
  features: string[];
  limits: Record<string, number>;
}

export interface Gpu {
  device: GPUDevice;
  adapter: GpuAdapterSummary;
  /** The limits granted to the device (what programs must tile under). */
  limits: Record<GpuLimitName, number>;
  /** shader-f16 was available and is enabled. */
  f16: boolean;
  pipelines: PipelineCache;
  buffers: BufferPool;
}

interface DawnModule {
  create(options: string[]): GPU;
  globals: Record<string, unknown>;
}

// Strong references: see the header. `instances` holds every create() result made by this process.
const instances: GPU[] = [];
let current: Promise<Gpu> | undefined;
let lostReason: string | undefined;

const gpuError = (message: string, cause?: unknown) => new NeurosieveError('E_GPU', message, cause === undefined ? undefined : { cause });

async function loadDawn(): Promise<DawnModule> {
  // The Vulkan loader wants a writable runtime dir and only warns without one.
  process.env.XDG_RUNTIME_DIR ??= tmpdir();
  try {
    // An optional peer dependency (core/optional-package.ts): not installed → E_DEPENDENCY naming it.
    const mod = await importOptional<DawnModule>('webgpu', "the WebGPU backend (backend 'webgpu')");
    // GPUBufferUsage, GPUMapMode, GPUShaderStage… as globals, the way browser code expects them.
    for (const [k, v] of Object.entries(mod.globals)) if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
    return mod;
  } catch (err) {
    if (err instanceof NeurosieveError) throw err;
    throw gpuError(`the WebGPU runtime (npm package "webgpu", Dawn) could not be loaded: ${(err as Error).message}`, err);
  }
}

/** The backends tried, in order: the platform's own, then OpenGL (NEUROSIEVE_DAWN_BACKEND forces one). */
function backends(): DawnBackend[] {
  const forced = process.env.NEUROSIEVE_DAWN_BACKEND;
  if (forced) {
    if (!['vulkan', 'metal', 'd3d12', 'opengl'].includes(forced)) {
      throw gpuError(`Expected one of vulkan, metal, d3d12, opengl for NEUROSIEVE_DAWN_BACKEND but received '${forced}'`);
    }
    return [forced as DawnBackend];
  }
  const own: DawnBackend = process.platform === 'darwin' ? 'metal' : process.platform === 'win32' ? 'd3d12' : 'vulkan';
  return [own, 'opengl'];
}

// Mesa's software rasterisers: Dawn flags lavapipe (Vulkan) as a fallback adapter but not llvmpipe through GL.
const SOFTWARE = /llvmpipe|softpipe|swrast|lavapipe|swiftshader/i;

function summarise(adapter: GPUAdapter, backend: DawnBackend, featureLevel: 'core' | 'compatibility'): GpuAdapterSummary {
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const limits: Record<string, number> = {};
  for (const k in adapter.limits) {
    const v = (adapter.limits as unknown as Record<string, unknown>)[k];
    if (typeof v === 'number') limits[k] = v;
  }
  return {
    backend,
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    fallback:
      info.isFallbackAdapter === true ||
      (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter === true ||
      info.architecture === 'software' ||
      SOFTWARE.test(`${info.device} ${info.description}`),
    featureLevel,
    features: [...adapter.features].map(String).sort(),
    limits,
  };
}

/** Dawn's own message for a bad `adapter=` lists the adapters it found ("* backend: 'vulkan', name: '…'"). */
function listedAdapters(err: unknown): string[] {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n').filter((l) => l.trim().startsWith('* ')).map((l) => l.trim().slice(2));
}

/**
 * Dawn warns on stderr about lavapipe's limits while it enumerates adapters; NEUROSIEVE_DAWN_VERBOSE=1 keeps
 * those messages. The enumeration happens inside the requestAdapter call, before it returns its promise.
 */
async function quietly<T>(request: () => Promise<T>): Promise<T> {
  if (process.env.NEUROSIEVE_DAWN_VERBOSE === '1') return request();
  const n = native();
  n.quietStderr(true);
  let p: Promise<T>;
  try {
    p = request();
  } finally {
    n.quietStderr(false);
  }
  return p;
}

/**
 * Keeps Mesa's EGL driver (and libgallium, which it links) loaded for the rest of the process. Dawn's OpenGL
 * backend creates an EGL display, whose llvmpipe screen starts worker threads that eglTerminate does not join,
 * then dlcloses libEGL when the adapter is dropped (inside requestAdapter when no adapter matches
 * NEUROSIEVE_ADAPTER, or when the instance is released); glvnd then unloads libEGL_mesa and libgallium under
 * those threads. A thread that had not been scheduled yet, or wakes later, jumps into unmapped code: SIGSEGV,
 * about 1 run in 300, usually while the process exits. Pinned, the code stays mapped and the idle threads end
 * with the process. Mesa's vendor library under glvnd; Mesa's own libEGL where there is no glvnd.
 */
let eglPinned = false;
function pinEglDriver(): void {
  if (eglPinned || process.platform !== 'linux') return;
  eglPinned = true;
  const n = native();
  if (!n.pinSharedLibrary('libEGL_mesa.so.0')) n.pinSharedLibrary('libEGL.so.1');
}

interface Found {
  adapter: GPUAdapter;
  summary: GpuAdapterSummary;
}

async function findAdapter(dawn: DawnModule): Promise<Found> {
  const name = process.env.NEUROSIEVE_ADAPTER;
  const tried: string[] = [];
  const available: string[] = [];
  for (const backend of backends()) {
    const options = [`backend=${backend}`];
    if (name) options.push(`adapter=${name}`);
    if (backend === 'opengl') {
      process.env.EGL_PLATFORM ??= 'surfaceless'; // no display server on compute machines
      pinEglDriver();
    }
    const featureLevel = backend === 'opengl' ? 'compatibility' : 'core';
    let gpu: GPU;
    let adapter: GPUAdapter | null;
    try {
      gpu = dawn.create(options);
      instances.push(gpu);
      adapter = await quietly(() => gpu.requestAdapter({ powerPreference: 'high-performance', featureLevel } as GPURequestAdapterOptions));
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err);
      const listed = name ? listedAdapters(err) : [];
      if (listed.length > 0) available.push(...listed);
      else tried.push(`${backend}: ${text.split('\n')[0]}`);
      continue;
    }
    if (adapter) return { adapter, summary: summarise(adapter, backend, featureLevel) };
    tried.push(`${backend}: no adapter`);
  }
  if (name) {
    throw gpuError(
      `NEUROSIEVE_ADAPTER='${name}' names no WebGPU adapter; available: ${available.length > 0 ? available.join('; ') : `none (${tried.join('; ')})`}` +
        ' (unset NEUROSIEVE_ADAPTER to pick one automatically)',
    );
  }
  throw gpuError(
    `no WebGPU adapter found (${tried.join('; ')}). Install a Vulkan driver (for a CPU-only machine: Mesa >= 25 ` +
      "lavapipe, e.g. apt-get install -t bookworm-backports mesa-vulkan-drivers libvulkan1) or use backend 'native'",
  );
}

async function open(): Promise<Gpu> {
  const dawn = await loadDawn();
  const { adapter, summary } = await findAdapter(dawn);
  const requiredLimits: Record<string, number> = {};
  for (const k of REQUESTED_LIMITS) {
    const v = summary.limits[k];
    if (v !== undefined) requiredLimits[k] = v;
  }
  const f16 = adapter.features.has('shader-f16');
  // timestamp-query: device time per kernel in the run reports (src/gpu/timer.ts), where the adapter has it.
  const requiredFeatures = (['shader-f16', 'timestamp-query'] as const).filter((f) => adapter.features.has(f));
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredLimits, requiredFeatures });
  } catch (err) {
    throw gpuError(`the ${summary.description || summary.device} adapter refused a device: ${(err as Error).message}`, err);
  }
  lostReason = undefined;
  void device.lost.then((info) => {
    // 'destroyed' is our own releaseGpu(); anything else is a real loss (driver reset, out of memory, hang).
    if (info.reason !== 'destroyed') lostReason = info.message || String(info.reason);
    current = undefined;
  });
  device.onuncapturederror = (ev: GPUUncapturedErrorEvent) => {
    lostReason ??= `uncaptured WebGPU error: ${ev.error.message}`;
  };
  const limits = {} as Record<GpuLimitName, number>;
  for (const k of REQUESTED_LIMITS) limits[k] = (device.limits as unknown as Record<string, number>)[k]!;
  return { device, adapter: summary, limits, f16, pipelines: new PipelineCache(device), buffers: new BufferPool(device) };
}

/** The process's device, created on first call. Throws NeurosieveError('E_GPU') when there is none. */
export async function gpu(): Promise<Gpu> {
  if (lostReason) {
    const why = lostReason;
    lostReason = undefined;
    throw gpuError(`the WebGPU device was lost: ${why}`);
  }
  current ??= open().catch((err) => {
    current = undefined;
    throw err;
  });
  return current;
}

/** Whether this process has a device open (or opening) right now. */
export function gpuIsOpen(): boolean {
  return current !== undefined;
}

/** Destroys the device so the process can exit. The next gpu() starts afresh (with a new instance). */
export async function releaseGpu(): Promise<void> {
  const c = current;
  current = undefined;
  if (c) {
    try {
      const g = await c;
      g.buffers.destroyAll();
      g.device.destroy();
      await g.device.lost;
    } catch {
      // opening failed: nothing to release
    }
  }
  // The instances stay referenced for the life of the process. Dawn's binding keeps processing events for an
  // instance after its device is destroyed. If the instance is collected first, that processing runs on freed
  // memory, and the process dies with SIGSEGV or "std::system_error" at random. This was seen in `probe` runs
  // that opened the device only for `backend: 'auto'`, depending on GC timing. A destroyed device holds no
  // event-loop handle, so the process still exits.
}

/**
 * Runs `body` (which records and submits GPU work) inside validation and out-of-memory error scopes, and turns
 * any error they catch, or a lost device, into a NeurosieveError('E_GPU') naming `what`.
 */
export async function checked<T>(g: Gpu, what: string, body: () => Promise<T> | T): Promise<T> {
  g.device.pushErrorScope('out-of-memory');
  g.device.pushErrorScope('validation');
  let result: T | undefined;
  let failure: unknown;
  try {
    result = await body();
  } catch (err) {
    failure = err;
  }
  let scoped: GPUError | null = null;
  try {
    const validation = await g.device.popErrorScope();
    const oom = await g.device.popErrorScope();
    scoped = validation ?? oom;
  } catch {
    // the device is gone (destroyed or lost): reported below
  }
  if (scoped) throw gpuError(`${what}: ${scoped.message}`);
  if (lostReason) throw gpuError(`${what}: the WebGPU device was lost: ${lostReason}`);
  if (failure !== undefined) {
    // Dawn rejects mapAsync and friends with plain Errors/DOMExceptions (e.g. after a device loss).
    if (failure instanceof NeurosieveError) throw failure;
    const text = failure instanceof Error ? failure.message || `${failure.name} without a message` : String(failure);
    throw gpuError(`${what}: ${text}${current ? '' : ' (the device was released or lost meanwhile)'}`, failure);
  }
  return result as T;
}

/** Every adapter this process can see (for `neurosieve doctor`), Vulkan first, then OpenGL. */
export async function listAdapters(): Promise<{ adapters: GpuAdapterSummary[]; problems: string[] }> {
  const dawn = await loadDawn();
  const adapters: GpuAdapterSummary[] = [];
  const problems: string[] = [];
  for (const backend of backends()) {
    if (backend === 'opengl') {
      process.env.EGL_PLATFORM ??= 'surfaceless';
      pinEglDriver();
    }
    const featureLevel = backend === 'opengl' ? 'compatibility' : 'core';
    for (const forceFallbackAdapter of [false, true]) {
      try {
        const g = dawn.create([`backend=${backend}`]);
        instances.push(g);
        const a = await quietly(() => g.requestAdapter({ featureLevel, forceFallbackAdapter } as GPURequestAdapterOptions));
        if (!a) continue;
        const s = summarise(a, backend, featureLevel);
        if (!adapters.some((o) => o.backend === s.backend && o.description === s.description && o.device === s.device)) adapters.push(s);
      } catch (err) {
        problems.push(`${backend}: ${(err as Error).message.split('\n')[0]}`);
      }
    }
  }
  return { adapters, problems: [...new Set(problems)] };
}
