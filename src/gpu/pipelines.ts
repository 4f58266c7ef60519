/// <reference types="@webgpu/types" />
/**
 * Compute pipelines, compiled once per (shader file, entry point, override constants, prelude, source text) and
 * cached: the key holds every value baked into the pipeline, so two programs never share a pipeline they should
 * not.
 *
 * Shader files may include shared WGSL pieces from shaders/lib/ with a line of its own,
 *
 *   //!include lib/softmax.wgsl
 *
 * replaced by that file's text when the shader is loaded (nested includes are resolved the same way; a piece is
 * included once per shader, later lines naming it again are dropped). The resolved text is what compiles, and a
 * hash of it is part of the pipeline key, so a changed piece never reuses a pipeline built from the old text.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NeurosieveError } from '../core/errors.js';

// dist/gpu/ and src/gpu/ are both two levels below the package root, where shaders/ lives.
const SHADER_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../shaders');
const INCLUDE = /^\/\/!include[ \t]+(\S+)[ \t]*$/;

/** A shader with its includes resolved: the text, where each of its lines comes from, and a hash of the text. */
interface ShaderText {
  code: string;
  /** Per line of `code`: the file under shaders/ and the line number in it. */
  origin: { file: string; line: number }[];
  hash: string;
}
const files = new Map<string, string>();
const sources = new Map<string, ShaderText>();

function readShaderFile(file: string): string {
  let s = files.get(file);
  if (s === undefined) {
    try {
      s = readFileSync(resolve(SHADER_DIR, file), 'utf8');
    } catch (err) {
      throw new NeurosieveError('E_INTERNAL', `shader ${file} is missing from ${SHADER_DIR}: ${(err as Error).message}`, { cause: err });
    }
    files.set(file, s);
  }
  return s;
}

function resolveIncludes(file: string, out: ShaderText['origin'], lines: string[], seen: Set<string>, chain: string[]): void {
  if (chain.includes(file)) throw new NeurosieveError('E_INTERNAL', `shader include cycle: ${[...chain, file].join(' -> ')}`);
  readShaderFile(file)
    .split('\n')
    .forEach((text, i) => {
      const m = INCLUDE.exec(text);
      if (!m) {
        lines.push(text);
        out.push({ file, line: i + 1 });
      } else if (!seen.has(m[1]!)) {
        seen.add(m[1]!);
        resolveIncludes(m[1]!, out, lines, seen, [...chain, file]);
      }
    });
}

function loadShader(name: string): ShaderText {
  let s = sources.get(name);
  if (s === undefined) {
    const origin: ShaderText['origin'] = [];
    const lines: string[] = [];
    resolveIncludes(`${name}.wgsl`, origin, lines, new Set(), []);
    const code = lines.join('\n');
    s = { code, origin, hash: createHash('sha256').update(code).digest('hex').slice(0, 16) };
    sources.set(name, s);
  }
  return s;
}

/** The WGSL text of shaders/<name>.wgsl with its `//!include` lines resolved (read once). */
export function shaderSource(name: string): string {
  return loadShader(name).code;
}

/**
 * Where line `line` (1-based), column `pos` of prelude + shader comes from, for compiler messages: lines of the
 * shader file itself are counted from the start of the compiled text, as the compiler counts them (without the
 * lines its includes added); a line of an included piece is named by that piece's file and line.
 */
function sourcePosition(name: string, prelude: string, line: number, pos: number): string {
  const before = prelude === '' ? 0 : prelude.split('\n').length - 1;
  const o = loadShader(name).origin[line - before - 1];
  if (!o || o.file === `${name}.wgsl`) return `${name}.wgsl:${o ? before + o.line : line}:${pos}`;
  return `${o.file}:${o.line}:${pos} (included by ${name}.wgsl)`;
}

/** Element type of activations in device memory: float32, or float16 with the shader-f16 feature. */
export type GpuStorage = 'f32' | 'f16';

/** The prelude that defines a shader's storage type XT (`enable` directives must come first in WGSL). */
export function storagePrelude(storage: GpuStorage): string {
  return storage === 'f16' ? 'enable f16;\nalias XT = f16;\n' : 'alias XT = f32;\n';
}

/** The key of a kernel whose only baked value is the storage type of the activations it reads. */
export function storageKey(shader: string, storage: GpuStorage): PipelineKey {
  return { shader, prelude: storagePrelude(storage) };
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
    return JSON.stringify([k.shader, loadShader(k.shader).hash, k.entryPoint ?? 'main', consts, k.prelude ?? '']);
  }

  get(k: PipelineKey): Promise<GPUComputePipeline> {
    let key: string;
    try {
      key = PipelineCache.keyOf(k);
    } catch (err) {
      return Promise.reject(err as Error); // a missing shader file: rejected like a failed compilation
    }
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
    if (errors.length > 0) failure = errors.map((m) => `${sourcePosition(k.shader, k.prelude ?? '', m.lineNum, m.linePos)}: ${m.message}`).join('\n');
    failure ??= scope?.message;
    if (failure || !pipeline) throw new NeurosieveError('E_GPU', `compiling ${k.shader}.wgsl failed: ${failure ?? 'no pipeline'}`);
    this.compiled++;
    return pipeline;
  }
}
