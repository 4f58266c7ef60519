/// <reference types="@webgpu/types" />
/**
 * The exact probe solver's FISTA path on WebGPU (the float32 half of trainExact's 'webgpu' backend,
 * src/probe/train-exact.ts, which polishes the result natively). Same problem, path and update as
 * native/src/probe/solver_fista.cc, on the device:
 *
 *   X̃ = [X − 1μᵀ | 1] (T × (D+1), float32) and the labels are uploaded ONCE (uploadActivations: pieces of whole
 *   rows that each fit a storage binding). The parameters θ = [W | b̃] (C × (D+1)) live on the device; the last
 *   column of X̃ makes the intercept one more weight, so the logits are ONE GEMM Z = X̃·θᵀ (gemm-xwt.wgsl) and the
 *   gradient ONE GEMM ∇ = Rᵀ·X̃ (gemm-gtx.wgsl) — ∇_b included, no reduction over rows. Centring (the native
 *   solver's implicit centring, done here on the data once) keeps raw activations with |mean| ≫ std well
 *   conditioned; b̃ is the centred intercept, b = b̃ − W·μ.
 *
 * One iteration: the momentum t, β (probe-momentum.wgsl, restart if the last step's test said so), y = x + β(x −
 * x_prev) for θ and for the logits (linear in θ: no GEMM; probe-extrapolate.wgsl), R at y (probe-residual.wgsl),
 * ∇ = Rᵀ·X̃, x⁺ = prox(y − ∇/L) and the restart test ⟨y − x⁺, x⁺ − x⟩ (probe-prox.wgsl), logits of x⁺. The
 * momentum lives on the device and the step is always kept, so the check_every iterations between two checks
 * of the KKT criterion (R and ∇ at x, probe-kkt.wgsl) are recorded into ONE submission, and one float comes back
 * per check. The host only orchestrates (buffer rotation, stopping); per-piece gradients are summed by
 * probe-axpby.wgsl.
 *
 * Differences from the native loop, and why:
 * - Fixed step 1/L with L = 2·(Böhning's power-iteration estimate), capped by the guaranteed trace bound, instead
 *   of backtracking: the backtracking test compares a Bregman divergence with L/2‖x⁺ − y‖², which float32 cannot
 *   resolve near a solution (terms ≈ 1e-7 relative). The factor 2 covers the estimate's shortfall (it is a lower
 *   bound of the top eigenvalue).
 * - Gradient restart (O'Donoghue & Candès 2015) instead of the function-value restart, for the same reason.
 * - The criterion in float32 bottoms out near 1e-5·s: the caller asks the device for a looser threshold and a λ
 *   whose criterion stops improving for STALL_CHECKS checks ends early (reported as not converged: the native
 *   polish finishes it).
 */
import { NeurosieveError } from '../core/errors.js';
import { checked, gpu, type Gpu } from '../gpu/device.js';
import { readback, upload } from '../gpu/readback.js';
import { encodeGemmGtx, gemmGtxKey } from '../gpu/programs/gemm-gtx.js';
import { encodeGemmXwt, gemmXwtKey } from '../gpu/programs/gemm-xwt.js';
import { encodeProbeAxpby, probeAxpbyKey } from '../gpu/programs/probe-axpby.js';
import { encodeProbeExtrapolate, probeExtrapolateKey } from '../gpu/programs/probe-extrapolate.js';
import { encodeProbeKkt, probeKktKey } from '../gpu/programs/probe-kkt.js';
import { encodeProbeMomentum, probeMomentumKey } from '../gpu/programs/probe-momentum.js';
import { encodeProbeProx, probeProxKey } from '../gpu/programs/probe-prox.js';
import { encodeProbeResidual, probeResidualKey } from '../gpu/programs/probe-residual.js';
import { compilePrograms } from '../gpu/programs/pass.js';
import { uploadActivations, type GpuActivations } from './kernels-webgpu.js';

/** A λ whose device criterion has not improved for this many checks in a row stops (float32 floor). */
const STALL_CHECKS = 10;
const STORAGE_RW = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

export interface GpuFistaProblem {
  /** Centred features X − 1μᵀ, row-major rows × cols, float32. */
  x: Float32Array;
  rows: number;
  cols: number;
  y: Int32Array;
  classes: number;
  /** Per class: class weight / T (the datafit's a_t by class). */
  rowWeight: Float64Array;
}

export interface GpuFistaOptions {
  alpha: number;
  /** The λ of the path, in order (the native path's values). */
  lambdas: readonly number[];
  /** Absolute stopping threshold of each λ (criterion ≤ threshold). */
  thresholds: readonly number[];
  /** Centred intercept to start from (W = 0). */
  bias: Float64Array;
  /** Fixed Lipschitz constant of the step 1/L. */
  lipschitz: number;
  maxIterations: number;
  checkEvery: number;
  /** Rows per device piece (tests: force several pieces). Default: the binding limit. */
  maxBindingBytes?: number;
  signal?: AbortSignal;
  onStep?: (done: number, total: number) => void;
}

export interface GpuFistaStep {
  lambda: number;
  iterations: number;
  /** Float32 KKT criterion at the returned point of this λ. */
  criterion: number;
  converged: boolean;
  /** Stopped because the criterion stopped improving (float32 floor). */
  stalled: boolean;
}

export interface GpuFistaResult {
  /** C × D and the centred intercept b̃ (C), float32 values widened. */
  weight: Float64Array;
  biasCentred: Float64Array;
  path: GpuFistaStep[];
  /** Submissions read back (one per check_every iterations, one per λ's warm start). */
  submissions: number;
  adapter: string;
}

interface Piece {
  x: GPUBuffer;
  labels: GPUBuffer;
  rows: number;
  Z: GPUBuffer;
  Zp: GPUBuffer;
  Zy: GPUBuffer;
  Zn: GPUBuffer;
  R: GPUBuffer;
  G: GPUBuffer;
}

/** Runs the λ path on the device. */
export async function gpuFistaPath(problem: GpuFistaProblem, o: GpuFistaOptions): Promise<GpuFistaResult> {
  const g = await gpu();
  const { rows: T, cols: D, classes: C } = problem;
  const K = D + 1;
  // X̃ = [X − 1μᵀ | 1]: row copies (memcpy speed), the device's only view of the data.
  const xt = new Float32Array(T * K);
  for (let t = 0; t < T; t++) {
    xt.set(problem.x.subarray(t * D, (t + 1) * D), t * K);
    xt[t * K + D] = 1;
  }
  const xs = await uploadActivations(xt, T, K, {
    storage: 'f32',
    labels: Uint32Array.from(problem.y),
    classes: C,
    // A piece's logits (rows × C floats) must fit a binding too: with more classes than columns, fewer rows.
    maxBindingBytes: Math.min(o.maxBindingBytes ?? Infinity, Math.floor((Math.min(g.limits.maxStorageBufferBindingSize, g.limits.maxBufferSize) * K) / Math.max(K, C))),
  });
  const owned: GPUBuffer[] = [];
  try {
    return await checked(g, 'probe FISTA on WebGPU', () => run(g, xs, problem, o, owned));
  } finally {
    for (const b of owned) g.buffers.release(b);
    xs.destroy();
  }
}

async function run(g: Gpu, xs: GpuActivations, problem: GpuFistaProblem, o: GpuFistaOptions, owned: GPUBuffer[]): Promise<GpuFistaResult> {
  const { cols: D, classes: C } = problem;
  const K = D + 1;
  const n = C * K;
  const acquire = (bytes: number, label: string) => {
    const b = g.buffers.acquire(bytes, STORAGE_RW(), label);
    owned.push(b);
    return b;
  };
  // Every pipeline of the loop, compiled up front and concurrently.
  await compilePrograms(g, [
    gemmXwtKey('f32'), gemmGtxKey('f32'), probeResidualKey(), probeAxpbyKey(), probeProxKey(), probeKktKey(), probeMomentumKey(), probeExtrapolateKey(),
  ]);
  const theta0 = new Float32Array(n);
  for (let c = 0; c < C; c++) theta0[c * K + D] = o.bias[c]!;
  let theta = upload(g, theta0, 'theta');
  owned.push(theta);
  let thetaP = acquire(n * 4, 'theta prev');
  const thetaY = acquire(n * 4, 'theta y');
  let thetaN = acquire(n * 4, 'theta next');
  const grad = acquire(n * 4, 'gradient');
  const gradSum = [acquire(n * 4, 'gradient sum'), acquire(n * 4, 'gradient sum')];
  const zeroBias = upload(g, new Float32Array(C), 'zero bias');
  owned.push(zeroBias);
  const rowWeight = upload(g, Float32Array.from(problem.rowWeight), 'class weight / T');
  owned.push(rowWeight);
  const dot = acquire(4, 'restart dot');
  const crit = acquire(4, 'criterion');
  const state = acquire(8, 'momentum [t, β]');
  const pieces: Piece[] = xs.pieces.map((p) => ({
    x: p.buffer,
    labels: p.labels!,
    rows: p.rows,
    Z: acquire(p.rows * C * 4, 'Z'),
    Zp: acquire(p.rows * C * 4, 'Z prev'),
    Zy: acquire(p.rows * C * 4, 'Z y'),
    Zn: acquire(p.rows * C * 4, 'Z next'),
    R: acquire(p.rows * C * 4, 'R'),
    G: acquire(n * 4, 'piece gradient'),
  }));
  // Uniform buffers of the passes recorded since the last submission, released once it is done.
  const transient: GPUBuffer[] = [];
  const keep = (buffers: GPUBuffer[]) => void transient.push(...buffers);
  const logits = async (enc: GPUCommandEncoder, th: GPUBuffer, p: Piece, out: GPUBuffer) =>
    keep(await encodeGemmXwt(g, enc, { x: p.x, storage: 'f32', w: th, b: zeroBias, out, rows: p.rows, cols: K, classes: C, r0: 0 }));
  const extrapolate = async (enc: GPUCommandEncoder, x: GPUBuffer, xp: GPUBuffer, out: GPUBuffer, len: number) =>
    keep(await encodeProbeExtrapolate(g, enc, x, xp, out, state, len));
  /** ∇ = Rᵀ·X̃ at the logits in each piece's `z` (R per piece, gradients summed across pieces). */
  const gradient = async (enc: GPUCommandEncoder, z: (p: Piece) => GPUBuffer): Promise<GPUBuffer> => {
    for (const p of pieces) {
      keep(await encodeProbeResidual(g, enc, { logits: z(p), labels: p.labels, weight: rowWeight, r: p.R, rows: p.rows, classes: C }));
      const out = pieces.length === 1 ? grad : p.G;
      keep(await encodeGemmGtx(g, enc, { G: p.R, x: p.x, storage: 'f32', out, rows: p.rows, cols: K, classes: C, r0: 0 }));
    }
    if (pieces.length === 1) return grad;
    let acc = pieces[0]!.G;
    for (let k = 1; k < pieces.length; k++) {
      const out = gradSum[k % 2]!;
      keep(await encodeProbeAxpby(g, enc, acc, pieces[k]!.G, out, n, 1, 1));
      acc = out;
    }
    return acc;
  };
  const criterion = async (enc: GPUCommandEncoder, th: GPUBuffer, gr: GPUBuffer, l1: number, l2: number) =>
    keep(await encodeProbeKkt(g, enc, th, gr, crit, n, K, l1, l2));
  const finish = async (enc: GPUCommandEncoder, reads: GPUBuffer[]): Promise<number[]> => {
    const r = reads.map((b) => readback(g, b, 0, 4, enc));
    g.device.queue.submit([enc.finish()]);
    const values = await Promise.all(r.map(async (f) => new Float32Array(await f())[0]!));
    for (const b of transient) g.buffers.release(b);
    transient.length = 0;
    submissions++;
    return values;
  };
  const cancelled = () => {
    if (o.signal?.aborted) throw new NeurosieveError('E_CANCELLED', 'trainExact cancelled');
  };

  let submissions = 0;
  {
    const enc = g.device.createCommandEncoder({ label: 'probe start' });
    for (const p of pieces) await logits(enc, theta, p, p.Z);
    await finish(enc, []);
  }
  const s = 1 / o.lipschitz;
  const path: GpuFistaStep[] = [];
  for (let k = 0; k < o.lambdas.length; k++) {
    const lambda = o.lambdas[k]!;
    const threshold = o.thresholds[k]!;
    const l1 = lambda * o.alpha;
    const l2 = lambda * (1 - o.alpha);
    const step: GpuFistaStep = { lambda, iterations: 0, criterion: Infinity, converged: false, stalled: false };
    cancelled();
    // Criterion at the warm start.
    let enc = g.device.createCommandEncoder({ label: 'probe criterion' });
    await criterion(enc, theta, await gradient(enc, (p) => p.Z), l1, l2);
    step.criterion = (await finish(enc, [crit]))[0]!;
    let best = step.criterion;
    let since = 0;
    if (step.criterion <= threshold) step.converged = true;
    // Momentum on the device: t = 1 and a forced restart before the first step (a plain proximal gradient step).
    g.device.queue.writeBuffer(state, 0, new Float32Array([1, 0]));
    g.device.queue.writeBuffer(dot, 0, new Float32Array([1]));
    // Iterations run in blocks up to the next check, one submission each: nothing is read back in between.
    for (let it0 = 0; !step.converged && it0 < o.maxIterations; ) {
      cancelled();
      const end = Math.min(o.maxIterations, (Math.floor(it0 / o.checkEvery) + 1) * o.checkEvery);
      enc = g.device.createCommandEncoder({ label: 'probe FISTA iterations' });
      for (let it = it0 + 1; it <= end; it++) {
        keep(await encodeProbeMomentum(g, enc, dot, state));
        // y = x + β(x − x_prev), for θ and the logits.
        await extrapolate(enc, theta, thetaP, thetaY, n);
        for (const p of pieces) await extrapolate(enc, p.Z, p.Zp, p.Zy, p.rows * C);
        const gr = await gradient(enc, (p) => p.Zy);
        keep(await encodeProbeProx(g, enc, { y: thetaY, grad: gr, x: theta, next: thetaN, dot, n, cols: K, s, l1, l2 }));
        for (const p of pieces) await logits(enc, thetaN, p, p.Zn);
        // Rotate: x_prev ← x, x ← x⁺ (the step is always kept: 1/L is a valid step). Later passes of this
        // encoder see the rotated buffers, in recording order.
        [thetaP, theta, thetaN] = [theta, thetaN, thetaP];
        for (const p of pieces) [p.Zp, p.Z, p.Zn] = [p.Z, p.Zn, p.Zp];
      }
      await criterion(enc, theta, await gradient(enc, (p) => p.Z), l1, l2);
      const c = (await finish(enc, [crit]))[0]!;
      step.iterations = it0 = end;
      step.criterion = c;
      if (c <= threshold) step.converged = true;
      else if (c < best) {
        best = c;
        since = 0;
      } else if (++since >= STALL_CHECKS) {
        step.stalled = true;
        break;
      }
    }
    // Every exit follows a check (the last iteration is one), so step.criterion is that of the returned θ.
    path.push(step);
    o.onStep?.(k + 1, o.lambdas.length);
  }
  const enc = g.device.createCommandEncoder({ label: 'probe result' });
  const read = readback(g, theta, 0, n * 4, enc);
  g.device.queue.submit([enc.finish()]);
  const th = new Float32Array(await read());
  const weight = new Float64Array(C * D);
  const biasCentred = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    weight.set(th.subarray(c * K, c * K + D), c * D);
    biasCentred[c] = th[c * K + D]!;
  }
  return { weight, biasCentred, path, submissions, adapter: g.adapter.description || g.adapter.device };
}
