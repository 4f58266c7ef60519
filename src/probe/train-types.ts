/**
 * The contract between the probe trainers (src/probe/train-compat.ts, src/probe/train-exact.ts) and what drives
 * them (src/probe/train.ts: loading, z-scoring, grid search, the probe file). A trainer sees one in-memory
 * problem — features already normalised as the probe will see them, class ids in [0, C) — and returns the
 * weights of logits = x·Wᵀ + b with a report of how the solve went.
 */
import type { BackendChoice } from '../gpu/backend.js';

/** One training (or validation) problem in memory. */
export interface ProbeData {
  /** Row-major rows × cols features, already normalised (z-scored with the train statistics, when asked). */
  x: Float32Array;
  rows: number;
  cols: number;
  /** Class id of every row, in [0, C). */
  y: Int32Array;
}

/**
 * One regression problem in memory (src/probe/regression.ts): real targets instead of class ids, `outputs` per row
 * (row-major rows × outputs; default 1). The compatible trainer takes one output, as NeuroX's regression probe.
 */
export interface RegressionData {
  x: Float32Array;
  rows: number;
  cols: number;
  targets: Float64Array;
  outputs?: number;
}

/**
 * A column subset of a bigger in-memory matrix, read in place by the native trainer and predictor
 * (native/src/probe/feature_view.h): `x` holds `rows` rows of `stride` floats and the probe's `cols` features are
 * the x columns `columns` (cols ids, in feature order). What `analyze` trains its hundreds of probes on, so X is
 * held once. Internal: trusted (checked where the matrix was loaded).
 */
export interface ProbeView extends ProbeData {
  stride: number;
  columns: Uint32Array;
}

/** A trained linear probe: logits = x·Wᵀ + b. */
export interface TrainedLinear {
  /** Row-major C × cols. */
  weight: Float32Array;
  /** C. */
  bias: Float32Array;
  /**
   * What the solver did, for probe.json: at least `iterations` (or `epochs`), the final `objective`, the
   * stopping criterion and its value, and `converged`. Plain JSON values only.
   */
  solver: Record<string, unknown>;
}

/** What every trainer accepts besides its own options. */
export interface TrainHooks {
  /** Worker threads, 0 = all cores. Results do not depend on it. */
  threads?: number;
  /**
   * Weight of each class's rows in the data term (length C). Exact mode weights the mean as scikit-learn's
   * class_weight does, (1/T)·Σ w[y_t]·CE_t; compat mode as PyTorch's CrossEntropyLoss(weight=…) does per
   * minibatch, Σ w[y_t]·CE_t / Σ w[y_t]. Default: all 1.
   */
  classWeights?: Float64Array;
  /** Progress in the trainer's own unit (epochs, path steps or iterations), with `done`/`total`. */
  onProgress?: (p: TrainProgress) => void;
  /** Aborting stops at the next epoch / iteration boundary with NeurosieveError('E_CANCELLED'). */
  signal?: AbortSignal;
  /**
   * trainExact only (trainCompat refuses the key): 'native' (default with 'auto' unless a real GPU), or 'webgpu':
   * FISTA on the device in float32 to a looser criterion, then a native polish to `tol` (src/probe/train-exact.ts).
   */
  backend?: BackendChoice;
}

export interface TrainProgress {
  /** 'epoch' (compat), 'path' (exact: λ steps), 'grid' (grid-search cells). */
  unit: 'epoch' | 'path' | 'grid';
  done: number;
  total: number;
  /** Training loss or objective at this point, when known. */
  loss?: number;
}

/** Compatible mode (NeuroX, method.md §3). Defaults are NeuroX's. */
export interface CompatOptions {
  /** 'adam' (default; β = 0.9/0.999, eps 1e-8) or 'sgd' (the paper's token-tagging variant). */
  optimizer?: 'adam' | 'sgd';
  /** Default 1e-3. */
  learningRate?: number;
  /** Fixed epochs, or the maximum with early stopping. Default 10. */
  epochs?: number;
  /** Rows per minibatch, walked in order without reshuffling; the last one may be partial. Default 32. */
  batchSize?: number;
  /** λ1 of the per-batch penalty λ1·Σ|W|. Default 0. */
  l1?: number;
  /** λ2 of the per-batch penalty λ2·sqrt(Σ W²) (the Frobenius norm, not squared). Default 0. */
  l2?: number;
  /** Seed of the uniform ±1/sqrt(D) initialisation of W and b. Default 0. */
  seed?: number;
  /**
   * Start from these weights (classes × cols, row-major) and biases instead of the seeded initialisation (a
   * probe's own weights, to continue training or to start every probe of a comparison from one point). `seed`
   * is then unused.
   */
  init?: { weight: Float32Array; bias: Float32Array };
  /**
   * The paper's early stopping: after each epoch, validation accuracy; an epoch that does not improve on the
   * best so far adds 1 to a counter that is never reset; stop when it reaches `patience`; the LAST model is
   * returned. Needs validation data. Default: off (fixed epochs).
   */
  patience?: number;
}

/** Exact mode (ours, method.md §3): minimise mean CE + λ·(α‖W‖₁ + (1−α)/2·‖W‖²_F), b unpenalised. */
export interface ExactOptions {
  /** Mix between L1 (α = 1, lasso) and squared L2 (α = 0). Default 0.5. */
  alpha?: number;
  /**
   * The λ to solve for. The path runs from λ_max (the smallest λ with W = 0) down to it in `pathSteps`
   * geometric steps with warm starts. Default: λ_max · 1e-2.
   */
  lambda?: number;
  /** Steps of the warm-start path, including the last λ. Default 10 (1 = solve at `lambda` from W = 0). */
  pathSteps?: number;
  /** Stop when the relative duality gap (or the stated criterion) falls below tol. Default 1e-6. */
  tol?: number;
  /** Iteration cap per λ. Default 10,000. */
  maxIterations?: number;
}
