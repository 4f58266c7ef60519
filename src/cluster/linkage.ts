/**
 * Hierarchical clustering with scipy's answer: `linkage(distances, { method })` returns the same linkage matrix
 * as `scipy.cluster.hierarchy.linkage(distances, method)` (scipy 1.10) on the same condensed distances.
 *
 * Z is a Float64Array of (n − 1) × 4 values, row-major: row i merges clusters Z[i,0] < Z[i,1] (ids < n are
 * points, n + k is the cluster made by row k) at height Z[i,2] into a cluster of Z[i,3] points; rows are in
 * non-decreasing height.
 *
 * Algorithms (native/src/cluster/): single linkage by a minimum spanning tree (Rohlf 1973), the others by the
 * nearest-neighbour chain (Murtagh 1983) with Lance–Williams updates, then scipy's stable sort by height and
 * union-find relabelling. O(n²) time; memory is one condensed copy of the input, of its element type.
 *
 * Ties are broken as scipy breaks them (nn_chain.h and mst_single.h say how, step by step). Precision follows
 * the input: a Float64Array runs in float64 and gives scipy's Z exactly (merge order, ids, heights bit for bit);
 * a Float32Array runs in float32 storage (half the memory) and gives the same merge order as float64 unless
 * two candidate distances are closer than float32 rounding, with heights within 1e-6 relative.
 *
 * backend 'webgpu' (or 'auto' on a real GPU) runs parallel reciprocal-nearest-neighbour rounds on the device
 * (src/cluster/linkage-webgpu.ts) in float32 — a Float64Array is rounded to float32 first — and gives the Z of the native
 * float32 run; when an exact tie could be broken differently by the NN-chain the run hands over to the native
 * engine on the same float32 distances (`onReport` says so). Either way the result is the CPU's Z. With
 * `ties: 'any'` the device breaks such ties itself: a valid dendrogram that may differ from the CPU's where
 * ties are (shaders/README.md has measurements of how often that happens).
 */
import { BACKENDS, chooseBackend, type BackendChoice } from '../gpu/backend.js';
import { NeurosieveError } from '../core/errors.js';
import { quietProgress, runJob } from '../core/native-job.js';
import { gpuLinkage } from './linkage-webgpu.js';
import { native } from '../core/native.js';
import type { NativeClusterProgress } from '../core/native-types.js';
import type { ComputeBackend, LinkageMethod } from '../types.js';
import { expectKnownKeys, expectOneOf } from '../core/validate.js';

export const LINKAGE_METHODS = ['single', 'complete', 'average', 'weighted', 'ward'] as const satisfies readonly LinkageMethod[];
export type { LinkageMethod };

export interface ClusterProgress {
  /** 'distances': building 1 − |r| (rows of the correlation matrix); 'linkage': merges. */
  phase: 'distances' | 'linkage';
  done: number;
  total: number;
}

/** How the WebGPU linkage treats ties (LinkageOptions.ties). */
export const TIES = ['exact', 'any'] as const;

/** Defaults of LinkageOptions. */
export const LINKAGE_DEFAULTS = { method: 'average', backend: 'native', ties: 'exact' } as const;

export interface LinkageOptions {
  /** Default 'average' (UPGMA), the method of the paper. */
  method?: LinkageMethod;
  onProgress?: (p: ClusterProgress) => void;
  /** Aborting stops the job at the next merge with NeurosieveError('E_CANCELLED'). */
  signal?: AbortSignal;
  /**
   * 'native' (default), 'webgpu', or 'auto' (WebGPU only on a real GPU, as correlate). Native is the default:
   * at realistic sizes float32 ties hand an exact GPU run back to the native engine (shaders/README.md), and
   * probing for an adapter loads Dawn (~80 MiB of RSS) for nothing on a CPU-only machine.
   */
  backend?: BackendChoice;
  /** Called once with what ran. */
  onReport?: (r: LinkageReport) => void;
  /**
   * WebGPU only. 'exact' (default): Z is the CPU's; a tie the NN-chain may break differently (tied reciprocal
   * pair, repeated merge height) hands the run over to the native engine. 'any': the device breaks ties by the
   * lowest slot and orders equal heights by round: a valid dendrogram, which may differ from the CPU's where
   * ties are (in float32, also values closer than rounding); `tiedMerges` counts those merges.
   */
  ties?: (typeof TIES)[number];
}

export interface LinkageReport {
  /** The backend that produced Z ('native' also after a WebGPU handover). */
  backend: ComputeBackend;
  /** The backend chosen before the run. */
  requested: ComputeBackend;
  /** WebGPU: nearest-neighbour rounds and merges done on the device. */
  rounds?: number;
  deviceMerges?: number;
  /** WebGPU: why the device run handed over to the native engine (an exact tie), if it did. */
  handover?: string;
  /** WebGPU with ties 'any': merges that met a tie (where Z may differ from the CPU's). */
  tiedMerges?: number;
  /** WebGPU: slots scanned in full after the first round (the rest came from the nearest-neighbour cache). */
  rescannedSlots?: number;
}

/** The n of a condensed vector of length m = n(n − 1)/2, or undefined. */
export function pointsOfCondensed(m: number): number | undefined {
  const n = Math.round((1 + Math.sqrt(1 + 8 * m)) / 2);
  return n >= 2 && (n * (n - 1)) / 2 === m ? n : undefined;
}

/** Progress from the native side, with the linkage total (n − 1) filled in; errors of the user callback are swallowed. */
export function progressForwarder(n: number, onProgress: ((p: ClusterProgress) => void) | undefined): (p: NativeClusterProgress) => void {
  const forward = quietProgress(onProgress);
  return (p) => forward({ phase: p.phase, done: p.done, total: p.phase === 'linkage' ? n - 1 : p.total });
}

/** Agglomerative clustering of condensed distances (scipy layout: d(i, j), i < j, row by row). */
export async function linkage(distances: Float32Array | Float64Array, options: LinkageOptions = {}): Promise<Float64Array> {
  expectKnownKeys(options, ['method', 'onProgress', 'signal', 'backend', 'onReport', 'ties'], 'linkage');
  const ties = expectOneOf(options.ties ?? LINKAGE_DEFAULTS.ties, 'ties', TIES);
  const method = expectOneOf(options.method ?? LINKAGE_DEFAULTS.method, 'method', LINKAGE_METHODS);
  const requested = expectOneOf(options.backend ?? LINKAGE_DEFAULTS.backend, 'backend', BACKENDS);
  if (!(distances instanceof Float32Array) && !(distances instanceof Float64Array)) {
    throw new NeurosieveError('E_ARGUMENT', `Expected a Float32Array or Float64Array for distances but received ${Object.prototype.toString.call(distances)}`);
  }
  const n = pointsOfCondensed(distances.length);
  if (n === undefined) {
    throw new NeurosieveError('E_SHAPE', `Expected a condensed distance vector of length n(n-1)/2 with n >= 2 for distances but received length ${distances.length}`);
  }
  for (let k = 0; k < distances.length; k++) {
    const v = distances[k]!;
    if (!Number.isFinite(v)) {
      const [i, j] = condensedPair(n, k);
      throw new NeurosieveError('E_NONFINITE', `Expected finite distances but received ${v} at index ${k} (points ${i} and ${j})`);
    }
  }
  if (options.signal?.aborted) throw new NeurosieveError('E_CANCELLED', 'cancelled before the linkage started');
  const backend = await chooseBackend(requested);
  return runLinkage(distances, n, method, backend, { ...options, ties });
}

/** Validated condensed distances of n points through the chosen backend (also used by correlationClusters). */
export async function runLinkage(
  distances: Float32Array | Float64Array,
  n: number,
  method: LinkageMethod,
  backend: ComputeBackend,
  options: Pick<LinkageOptions, 'onProgress' | 'signal' | 'onReport' | 'ties'>,
): Promise<Float64Array> {
  const report = (r: LinkageReport) => {
    try {
      options.onReport?.(r);
    } catch {
      /* a failing report callback must not kill the job */
    }
  };
  let input = distances;
  if (backend === 'webgpu') {
    const d32 = distances instanceof Float32Array ? distances : Float32Array.from(distances);
    for (let k = 0; k < d32.length; k++) {
      if (!Number.isFinite(d32[k]!)) {
        const [i, j] = condensedPair(n, k);
        throw new NeurosieveError('E_NONFINITE', `Expected distances that are finite in float32 for the WebGPU linkage but received ${distances[k]} at index ${k} (points ${i} and ${j})`);
      }
    }
    const r = await gpuLinkage(d32, n, { method, onProgress: options.onProgress, signal: options.signal, ties: options.ties });
    if (r.Z) {
      report({ backend: 'webgpu', requested: 'webgpu', rounds: r.rounds, deviceMerges: r.merges, rescannedSlots: r.rescannedSlots, ...(options.ties === 'any' ? { tiedMerges: r.tiedMerges } : {}) });
      return r.Z;
    }
    report({ backend: 'native', requested: 'webgpu', rounds: r.rounds, deviceMerges: r.merges, rescannedSlots: r.rescannedSlots, handover: r.handover });
    input = d32;
  } else {
    report({ backend: 'native', requested: 'native' });
  }
  return (await runJob(() => native().linkage(input, n, method, progressForwarder(n, options.onProgress)), options.signal)).Z;
}

/** (i, j) of condensed index k for n points. */
export function condensedPair(n: number, k: number): [number, number] {
  let i = 0;
  let rowStart = 0;
  while (rowStart + (n - i - 1) <= k) {
    rowStart += n - i - 1;
    i++;
  }
  return [i, i + 1 + (k - rowStart)];
}
