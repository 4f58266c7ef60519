/// <reference types="@webgpu/types" />
/**
 * The compute pass every program records: the pipeline of the program's complete key (compiled once per key,
 * src/gpu/pipelines.ts), one bind group (group 0) over the program's bindings, and the program's workgroup grid.
 * Programs own their keys, bindings and grids; this file only records them.
 */
import type { Gpu } from '../device.js';
import type { PipelineKey } from '../pipelines.js';
import { uniforms } from '../readback.js';
import { timerOf } from '../timer.js';

/** A buffer binding: the whole buffer, or its first `bytes` (pooled buffers are rounded up to 256 bytes). */
export type Binding = GPUBuffer | readonly [buffer: GPUBuffer, bytes: number];

/** Bind group entries for bindings first, first + 1, … in the order given. */
export function bindings(list: readonly Binding[], first = 0): GPUBindGroupEntry[] {
  return list.map((b, i) => {
    const [buffer, size] = Array.isArray(b) ? (b as readonly [GPUBuffer, number]) : [b as GPUBuffer, undefined];
    return { binding: first + i, resource: size === undefined ? { buffer } : { buffer, size } };
  });
}

/** Compiles the pipelines of `keys` concurrently (a solver's warm-up; the programs then find them in the cache). */
export async function compilePrograms(g: Gpu, keys: readonly PipelineKey[]): Promise<void> {
  await Promise.all(keys.map((k) => g.pipelines.get(k)));
}

/** Records one compute pass: the pipeline for `key`, a bind group of `entries`, `workgroups` (x, y). */
export async function encodePass(
  g: Gpu,
  encoder: GPUCommandEncoder,
  key: PipelineKey,
  label: string,
  entries: GPUBindGroupEntry[],
  workgroups: readonly [number, number?],
): Promise<void> {
  const pipeline = await g.pipelines.get(key);
  const bind = g.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
  // An encoder registered with a KernelTimer (src/gpu/timer.ts) times each pass with timestamp queries.
  const timestampWrites = timerOf(encoder)?.writes(encoder, label);
  const pass = encoder.beginComputePass(timestampWrites ? { label, timestampWrites } : { label });
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bind);
  pass.dispatchWorkgroups(workgroups[0], workgroups[1] ?? 1);
  pass.end();
}

/**
 * encodePass for a kernel whose last binding is its uniform parameters: `list` is bound at 0, 1, …, then a
 * uniform buffer of 32-bit `words` (f32 at the indices in `floats`, u32 elsewhere). Returns that buffer for the
 * caller to release once the work is submitted.
 */
export async function encodeWithParams(
  g: Gpu,
  encoder: GPUCommandEncoder,
  key: PipelineKey,
  label: string,
  list: readonly Binding[],
  words: readonly number[],
  workgroups: readonly [number, number?],
  floats: readonly number[] = [],
): Promise<GPUBuffer[]> {
  const params = uniforms(g, words, new Set(floats));
  await encodePass(g, encoder, key, label, bindings([...list, params]), workgroups);
  return [params];
}

/**
 * An element-wise kernel over n elements (uniform { n, groupsX, …extra }, one invocation per element in
 * workgroups of `perWorkgroup`, grid elementGrid()): encodeWithParams with the grid and those words.
 */
export async function encodeElementwise(
  g: Gpu,
  encoder: GPUCommandEncoder,
  key: PipelineKey,
  perWorkgroup: number,
  list: readonly Binding[],
  n: number,
  extra: readonly number[] = [],
  floats: readonly number[] = [],
): Promise<GPUBuffer[]> {
  const grid = elementGrid(g, n, perWorkgroup);
  return encodeWithParams(g, encoder, key, key.shader, list, [n, grid[0], ...extra], grid, floats);
}

/**
 * The grid of an element-wise kernel, one invocation per element in workgroups of `perWorkgroup`: groupsX =
 * min(⌈n / perWorkgroup⌉, maxComputeWorkgroupsPerDimension) workgroups in x and as many rows of them as needed.
 */
export function elementGrid(g: Gpu, n: number, perWorkgroup: number): [groupsX: number, groupsY: number] {
  const groups = Math.ceil(n / perWorkgroup);
  const groupsX = Math.min(groups, g.limits.maxComputeWorkgroupsPerDimension);
  return [groupsX, Math.ceil(groups / groupsX)];
}
