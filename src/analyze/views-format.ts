/**
 * What the report draws, beyond the numbers of the paper's tables: the optional `views` section of an analysis
 * results document (src/analyze/results.ts). `analyze` computes it from the data it holds in memory
 * (src/analyze/views.ts); `neurosieve report` (src/report/) only reads it. Every part is optional, so a report
 * renders whatever a results file holds and leaves the rest out.
 *
 * Large arrays are packed (PackedArray): little-endian bytes in base64, exact and ~4× smaller than JSON numbers.
 * Sizes at the paper's scale (D = 9,984 neurons, 25 classes, k = 10 top rows, window 8): weights 1.0 MB, histograms
 * 0.8 MB, top rows 1.2 MB, their context activations 1.7 MB, heatmaps 1.0 MB (before base64's 4/3).
 */

// PackedArray, its dtypes and PACKED_DTYPES are declared by the io layer that packs them (io/ may import nothing
// above it: test/core/layout.test.ts), and are part of this contract as re-exported here.
import type { PackedArray } from '../io/packed-array.js';
export { PACKED_DTYPES, type PackedArray, type PackedDtype } from '../io/packed-array.js';

/** Flat clusters of all D neurons at one threshold of the whole-network linkage (the `ccOnly` cuts). */
export interface ViewCut {
  threshold: number;
  /** int32 [D]: the cluster of each neuron, 1 … clusters, numbered as scipy's fcluster numbers them. */
  labels: PackedArray;
  /** The kept neuron (representative) of cluster c at index c − 1. */
  kept: number[];
}

/**
 * The top of the whole-network average-linkage tree, as scipy's dendrogram(truncate_mode='lastp') shows it: the
 * last `merges.length` merges of Z. Leaves are the clusters that exist just before the first of them, numbered
 * 0 … leaves.length − 1 in the order of their lowest neuron id; merge i forms node leaves.length + i.
 */
export interface ViewDendrogram {
  leaves: Array<{ size: number; /** Lowest neuron id in the leaf. */ first: number; /** Members per layer, in layer order. */ perLayer: number[] }>;
  /** [left node, right node, height (distance 1 − |r|), size] per merge, lowest first. */
  merges: Array<[number, number, number, number]>;
}

/**
 * Mean |r| over blocks of neurons, quantised to a byte (round(255·mean|r|)). Neurons are taken in `order`
 * (ViewHeatmaps.order), so correlated groups sit together; block b covers order positions edges[b] … edges[b+1]−1.
 */
export interface ViewHeatmap {
  /** The layer's name, or 'all layers'. */
  name: string;
  /** Position range of this map in `order`: [start, end). */
  span: [number, number];
  /** Block boundaries in order positions (length bins + 1, from span[0] to span[1]). */
  edges: number[];
  /** uint8 [bins, bins]. */
  meanAbs: PackedArray;
}

export interface ViewHeatmaps {
  /**
   * int32 [D]: neurons layer by layer (layer order kept, so layer blocks stay blocks), each layer's neurons in the
   * leaf order of the whole-network linkage.
   */
  order: PackedArray;
  /** The whole network (block boundaries never straddle a layer), then one map per layer. */
  network: ViewHeatmap;
  layers: ViewHeatmap[];
}

/** The words a top-activating row is shown among. */
export interface ViewSentence {
  /** The sentence's index in the task (0-based, the NeuroX .in file's line). */
  index: number;
  /** Word ids into ViewText.vocabulary. */
  words: number[];
  /** Where it comes from, when the extraction recorded positions: "path:line". */
  source?: string;
}

export interface ViewText {
  vocabulary: string[];
  /** Only the sentences that hold a top-activating row (so the size follows D·k, not the corpus). */
  sentences: ViewSentence[];
}

/** Per-neuron data for the neuron pages. */
export interface ViewNeurons {
  /** float32 [classes, D]: the kept oracle probe's weights (z-scored inputs when zscore is on). */
  weights?: PackedArray;
  /**
   * Activation histogram of each neuron over the train rows: `bins` equal bins from range[j][0] to range[j][1]
   * (the neuron's min and max; a constant neuron has min = max and all rows in bin 0).
   */
  histogram?: { bins: number; range: PackedArray /* float32 [D, 2] */; counts: PackedArray /* uint32 [D, bins] */ };
  /**
   * The k train rows where each neuron is highest, highest first (ties: lower row first). `value` is the raw
   * activation (before z-scoring).
   */
  top?: {
    k: number;
    /** int32 [D, k]: the row's index in the task (its line in the NeuroX files when words are known). */
    row: PackedArray;
    value: PackedArray /* float32 [D, k] */;
    /** With text: int32 [D, k] index into ViewText.sentences, and the row's word position in it. */
    sentence?: PackedArray;
    position?: PackedArray;
    /**
     * With text: int8 [D, k, 2·window + 1]: the neuron's activation on the words around the row (position − window
     * … position + window), as round(127 · a / max|a|) with max|a| the neuron's largest |activation| over the train
     * rows; −128 where there is no word (sentence edge) or the word's row is not held (not a train or dev row).
     */
    context?: { window: number; scale: PackedArray /* float32 [D]: max|a| */; values: PackedArray };
  };
}

/** Linear CKA between layers (issue 14; drawn when present). */
export interface ViewCka {
  /** Which estimator: 'linear' (biased), 'debiased' or 'minibatch'. */
  estimator: string;
  layers: string[];
  /** [layers, layers]; NaN (null in JSON) where undefined, e.g. a negative unbiased HSIC. */
  matrix: Array<Array<number | null>>;
}

export interface AnalysisViews {
  cuts?: ViewCut[];
  cka?: ViewCka;
  dendrogram?: ViewDendrogram;
  heatmaps?: ViewHeatmaps;
  text?: ViewText;
  neurons?: ViewNeurons;
  /** How the per-neuron data was sampled, in words (shown in the report). */
  sampling?: string;
}
