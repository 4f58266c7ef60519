/// <reference types="@webgpu/types" />
/**
 * Compute pipelines, compiled once per (shader file, entry point, override constants) and cached: the key holds
 * every value baked into the pipeline, so two programs never share a pipeline they should not.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NeurosieveError } from '../core/errors.js';

// dist/gpu/ and src/gpu/ are both two levels below the package root, where shaders/ lives.
const SHADER_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../shaders');
const sources = new Map<string, string>();

/** The WGSL text of shaders/<name>.wgsl (read once). */
export function shaderSource(name: string): string {
  let s = sources.get(name);
  if (s === undefined) {
    try {
      s = readFileSync(resolve(SHADER_DIR, `${name}.wgsl`), 'utf8');
    } catch (err) {
      throw new NeurosieveError('E_INTERNAL', `shader ${name}.wgsl is missing from ${SHADER_DIR}: ${(err as Error).message}`, { cause: err });
    }
    sources.set(name, s);
  }
  return s;
}

/** Element type of activations in device memory: float32, or float16 with the shader-f16 feature. */
export type GpuStorage = 'f32' | 'f16';

/** The prelude that defines a shader's storage type XT (`enable` directives must come first in WGSL). */
export function storagePrelude(storage: GpuStorage): string {
  return storage === 'f16' ? 'enable f16;\nalias XT = f16;\n' : 'alias XT = f32;\n';
}

export interface PipelineKey {
  /** File name under shaders/, without .wgsl. */
  shader: string;
  entryPoint?: string;
  /** WGSL `override` constants. */
  constants?: Record<string, number>;
  /** Text prepended to the file (e.g. `enable f16;` and a storage type alias). */
  prelude?: string;
}

export class PipelineCache {
  private readonly cache = new Map<string, Promise<GPUComputePipeline>>();
  compiled = 0;

  constructor(private readonly device: GPUDevice) {}

  static keyOf(k: PipelineKey): string {
    const consts = Object.entries(k.constants ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
    return JSON.stringify([k.shader, k.entryPoint ?? 'main', consts, k.prelude ?? '']);
  }

  get(k: PipelineKey): Promise<GPUComputePipeline> {
    const key = PipelineCache.keyOf(k);
    let p = this.cache.get(key);
    if (!p) {
      p = this.compile(k);
      this.cache.set(key, p);
      p.catch(() => this.cache.delete(key));
    }
    return p;
  }

  private async compile(k: PipelineKey): Promise<GPUComputePipeline> {
    const code = (k.prelude ?? '') + shaderSource(k.shader);
    this.device.pushErrorScope('validation');
    const module = this.device.createShaderModule({ label: k.shader, code });
    const info = await module.getCompilationInfo();
    const errors = info.messages.filter((m) => m.type === 'error');
    let pipeline: GPUComputePipeline | undefined;
    let failure: string | undefined;
    if (errors.length === 0) {
      try {
        pipeline = await this.device.createComputePipelineAsync({
          label: k.shader,
          layout: 'auto',
          compute: { module, entryPoint: k.entryPoint ?? 'main', constants: k.constants ?? {} },
        });
      } catch (err) {
        failure = (err as Error).message;
      }
    }
    const scope = await this.device.popErrorScope();
    if (errors.length > 0) failure = errors.map((m) => `${k.shader}.wgsl:${m.lineNum}:${m.linePos}: ${m.message}`).join('\n');
    failure ??= scope?.message;
    if (failure || !pipeline) throw new NeurosieveError('E_GPU', `compiling ${k.shader}.wgsl failed: ${failure ?? 'no pipeline'}`);
    this.compiled++;
    return pipeline;
  }
}
