/**
 * Which rows go to train, dev and test, and which survive class balancing — as index arrays, so that any caller
 * (the `split` command, `analyze`, a script) selects the same rows from its own data.
 *
 * Compatible split (method.md §3): the reference scripts (Dalvi et al. 2020,
 * fdalvi/analyzing-redundancy-in-pretrained-transformer-models, experiments/classification/run_sentence_*.py, and
 * the seed pipeline's copies of them) do
 *
 *     np.random.seed(7361)
 *     all_idx = np.arange(X_full.shape[0]); np.random.shuffle(all_idx)
 *     num_train_examples = int(X_full.shape[0] * 0.90)
 *     train_idx = all_idx[:num_train_examples]; dev_idx = all_idx[num_train_examples:]
 *
 * on the rows of the tensor built from the official train set — one row per sample in those sentence-level
 * scripts (their token-level scripts read a separate dev set and do not shuffle). `compatSplit` reproduces that
 * permutation bit for bit (numpy's legacy MT19937 stream, ./mt19937.ts) for any number of items; what an item is
 * (a row, or a sentence whose rows then move together) is the caller's choice.
 *
 * Balancing (method.md §1): NeuroX's `balance_multi_class_data` / `balance_binary_class_data` call imbalanced-learn's
 * `RandomUnderSampler()` with its default strategy ('auto' = 'not minority') and no random_state, i.e. numpy's global
 * stream. `balance(labels, classes, { seed })` reproduces `RandomUnderSampler(random_state=seed)` (equivalently
 * `np.random.seed(seed)` just before NeuroX's call): classes are visited in ascending id order; the minority class
 * (the smallest count, the lowest id among ties) keeps every row and draws nothing; every other present class keeps
 * the rows `np.flatnonzero(y == c)[rng.choice(count_c, n_min, replace=False)]`, where choice without replacement is
 * `permutation(count_c)[:n_min]`. imbalanced-learn ≥ 0.8 returns the kept indices sorted, as we do.
 */
import { fail, expectInteger, expectNumber, expectOptions } from '../core/validate.js';
import { prng } from '../core/random.js';
import { LegacyRandomState } from './mt19937.js';

/** The reference scripts' shuffle seed and train share (method.md §3). */
export const COMPAT_SEED = 7361;
export const COMPAT_TRAIN_FRACTION = 0.9;
/** numpy's seed range (`np.random.seed` rejects anything outside [0, 2³²−1]). */
export const MAX_SEED = 0xffffffff;
/** Items are indexed with Uint32Array. */
const MAX_ROWS = 0xffffffff;

export interface RowSplit {
  /** Item indices of each part, in shuffled order (not sorted): the order the reference walks them in. */
  train: Uint32Array;
  dev: Uint32Array;
}

export interface RowSplit3 extends RowSplit {
  /** Empty when no test fraction was asked for. */
  test: Uint32Array;
}

export interface CompatSplitOptions {
  /** Shuffle seed, default 7361 (the reference's). */
  seed?: number;
  /** Share of items in train, default 0.9; train gets int(rows · trainFraction) items, dev the rest. */
  trainFraction?: number;
}

/**
 * The reference's train/dev split of `rows` items: numpy's legacy `shuffle` of 0 … rows−1 after `seed(7361)`, the
 * first int(rows · 0.9) to train and the rest to dev. `train` and `dev` are views over one permutation buffer.
 */
export function compatSplit(rows: number, options: CompatSplitOptions = {}): RowSplit {
  expectInteger(rows, 'rows', 0, MAX_ROWS);
  expectOptions(options, ['seed', 'trainFraction'], 'compatSplit');
  const seed = expectInteger(options.seed ?? COMPAT_SEED, 'seed', 0, MAX_SEED);
  const trainFraction = expectNumber(options.trainFraction ?? COMPAT_TRAIN_FRACTION, 'trainFraction', 0, 1);
  const perm = new LegacyRandomState(seed).permutation(rows);
  // Python's int(rows * 0.90): the same IEEE double product, truncated.
  const nTrain = Math.trunc(rows * trainFraction);
  return { train: perm.subarray(0, nTrain), dev: perm.subarray(nTrain) };
}

export interface BalanceOptions {
  /** Seed of the undersampling draws, in [0, 2³²−1] (as `RandomUnderSampler(random_state=seed)`). */
  seed: number;
}

/**
 * Random undersampling of every class to the smallest present class (imbalanced-learn's `RandomUnderSampler`,
 * which NeuroX's balancing calls; see the file comment for the exact draw order). Classes with no rows take no
 * part. Returns the kept row indices in ascending order.
 */
export function balance(labels: Int32Array, classes: number, options: BalanceOptions): Uint32Array {
  if (!(labels instanceof Int32Array)) fail('an Int32Array', 'labels', labels);
  expectInteger(classes, 'classes', 1, 0x7fffffff);
  expectOptions(options, ['seed'], 'balance');
  const seed = expectInteger(options.seed, 'seed', 0, MAX_SEED);
  const counts = new Float64Array(classes);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    if (c < 0 || c >= classes) fail(`class ids in [0, ${classes - 1}]`, 'labels', c, `${c} at row ${i}`);
    counts[c]!++;
  }
  let present = 0;
  let minority = -1;
  for (let c = 0; c < classes; c++) {
    if (counts[c] === 0) continue;
    present++;
    if (minority < 0 || counts[c]! < counts[minority]!) minority = c; // strict: the lowest id wins a tie
  }
  if (present < 2) fail('labels of at least 2 classes', 'balance', present, `${present} class${present === 1 ? '' : 'es'}`);
  return undersample(labels, counts, minority, seed);
}

/** The draws of `balance` on validated input. */
function undersample(labels: Int32Array, counts: Float64Array, minority: number, seed: number): Uint32Array {
  const classes = counts.length;
  const nMin = counts[minority]!;
  // Rows of each class in ascending order, laid out class after class (a counting sort by label).
  const start = new Float64Array(classes + 1);
  for (let c = 0; c < classes; c++) start[c + 1] = start[c]! + counts[c]!;
  const byClass = new Uint32Array(labels.length);
  const fill = start.slice(0, classes);
  for (let i = 0; i < labels.length; i++) byClass[fill[labels[i]!]!++] = i;

  const keep = new Uint8Array(labels.length);
  const rng = new LegacyRandomState(seed);
  for (let c = 0; c < classes; c++) {
    const n = counts[c]!;
    if (n === 0) continue;
    const rows = byClass.subarray(start[c]!, start[c]! + n);
    if (c === minority) {
      for (let k = 0; k < n; k++) keep[rows[k]!] = 1;
      continue;
    }
    const pick = rng.permutation(n);
    for (let k = 0; k < nMin; k++) keep[rows[pick[k]!]!] = 1;
  }
  const out = new Uint32Array(nMin * countPresent(counts));
  let o = 0;
  for (let i = 0; i < keep.length; i++) if (keep[i]) out[o++] = i;
  return out;
}

function countPresent(counts: Float64Array): number {
  let n = 0;
  for (const c of counts) if (c > 0) n++;
  return n;
}

export interface SplitFractions {
  train: number;
  dev: number;
  /** Absent or 0: no test part. */
  test?: number;
}

export interface SeededSplitOptions {
  seed: number;
  /** Shares of the items; they must sum to 1 (within 1e-9). */
  fractions: SplitFractions;
}

/** Checks split shares: an object { train, dev, test? } of numbers in [0, 1] summing to 1 (within 1e-9). */
export function resolveFractions(f: unknown): Required<SplitFractions> {
  if (typeof f !== 'object' || f === null) fail('an object { train, dev, test? }', 'fractions', f);
  expectOptions(f, ['train', 'dev', 'test'], 'fractions');
  const o = f as Partial<SplitFractions>;
  const train = expectNumber(o.train, 'fractions.train', 0, 1);
  const dev = expectNumber(o.dev, 'fractions.dev', 0, 1);
  const test = expectNumber(o.test ?? 0, 'fractions.test', 0, 1);
  const sum = train + dev + test;
  if (Math.abs(sum - 1) > 1e-9) fail('fractions summing to 1', 'fractions', sum, `a sum of ${sum}`);
  return { train, dev, test };
}

/**
 * Our own seeded split (not the reference's): a Fisher–Yates shuffle driven by core/random.ts's mulberry32, then
 * round(rows · train) items to train, round(rows · dev) to dev (capped by what is left) and the rest to test — or,
 * without a test fraction, the rest to dev. Same rows and seed, same parts in the same order.
 */
export function seededSplit(rows: number, options: SeededSplitOptions): RowSplit3 {
  expectInteger(rows, 'rows', 0, MAX_ROWS);
  expectOptions(options, ['seed', 'fractions'], 'seededSplit');
  const seed = expectInteger(options.seed, 'seed', 0, MAX_SEED);
  const { train, dev, test } = resolveFractions(options.fractions);

  const perm = new Uint32Array(rows);
  for (let i = 0; i < rows; i++) perm[i] = i;
  const rand = prng(seed);
  for (let i = rows - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = t;
  }
  const nTrain = Math.min(rows, Math.round(rows * train));
  const nDev = test > 0 ? Math.min(rows - nTrain, Math.round(rows * dev)) : rows - nTrain;
  return {
    train: perm.subarray(0, nTrain),
    dev: perm.subarray(nTrain, nTrain + nDev),
    test: perm.subarray(nTrain + nDev),
  };
}
