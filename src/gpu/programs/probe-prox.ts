/// <reference types="@webgpu/types" />
/** Program for shaders/probe-prox.wgsl: the elastic-net proximal step and the gradient-restart dot (see the shader). */
import type { Gpu } from '../device.js';
import type { PipelineKey } from '../pipelines.js';
import { encodeWithParams } from './pass.js';

export const PROBE_PROX = { shader: 'probe-prox' } as const;

/** The complete key (nothing is baked into the shader). */
export const probeProxKey = (): PipelineKey => ({ shader: PROBE_PROX.shader });

export interface ProbeProxArgs {
  /** The extrapolated point, n = classes·cols floats. */
  y: GPUBuffer;
  /** The gradient at y. */
  grad: GPUBuffer;
  /** The current iterate. */
  x: GPUBuffer;
  /** prox(y − s·grad) (written). */
  next: GPUBuffer;
  /** 1 float: ⟨y − next, next − x⟩ (written). */
  dot: GPUBuffer;
  n: number;
  /** Columns of θ = [W | b] (the last one is the unpenalised intercept). */
  cols: number;
  /** Step size 1/L. */
  s: number;
  l1: number;
  l2: number;
}

/** Records the dispatch (ONE workgroup); returns the transient uniform buffer. */
export async function encodeProbeProx(g: Gpu, encoder: GPUCommandEncoder, a: ProbeProxArgs): Promise<GPUBuffer[]> {
  const bytes = a.n * 4;
  return encodeWithParams(g, encoder, probeProxKey(), PROBE_PROX.shader,
    [[a.y, bytes], [a.grad, bytes], [a.x, bytes], [a.next, bytes], [a.dot, 4]], [a.n, a.cols, a.s, a.l1, a.l2], [1], [2, 3, 4]);
}
