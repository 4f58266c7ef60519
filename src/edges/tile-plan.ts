/**
 * How the tiled edge pass splits D neurons (README "Correlation edges"): blocks of B neurons, and one job per
 * pair of blocks (I < J) that streams the data once for the 2B columns of I and J, so the job's co-moment holds
 * the tiles (I, I), (I, J) and (J, J). Each job emits its cross tile; each diagonal tile is emitted by one job
 * (block I by the pair (I, I + 1), the last block by the last pair). With one block the single job is the
 * block alone.
 *
 * B follows the memory budget: a job holds its packed co-moment, (2B)(2B + 1)/2 float64 ≈ 16 B² bytes, which
 * is given at most half the budget, and under 4 GiB (the edges, their sort and the reader's chunks take the rest). The jobs are
 * nb(nb − 1)/2 passes over the data: a larger budget means fewer passes.
 */
import { NeurosieveError } from '../core/errors.js';
import { comomentBytes, formatBytes } from '../core/memory.js';

export interface TileBlock {
  /** First neuron id. */
  first: number;
  len: number;
}

export interface TileJob {
  /** Block indices, a < b; a === b only for the one-block plan. */
  a: number;
  b: number;
  /** Blocks whose diagonal tile this job emits. */
  diagonals: number[];
}

export interface TilePlan {
  neurons: number;
  block: number;
  blocks: TileBlock[];
  jobs: TileJob[];
}

/** The smallest block worth a pass; below it the passes would cost more than the tiles. */
export const MIN_BLOCK = 64;

/** The largest block (a multiple of 64) whose job's co-moment fits in half of maxBytes, and the jobs. */
export function planTiles(neurons: number, maxBytes: number): TilePlan {
  if (!Number.isSafeInteger(neurons) || neurons < 2) throw new NeurosieveError('E_ARGUMENT', `Expected at least 2 neurons for correlation edges but received ${neurons}`);
  // Also below 4 GiB: a larger co-moment cannot be handed to JS without a copy (native/src/ops/js_arrays.h), which
  // doubled the peak (14.5 GiB for 6 jobs at 65,536 neurons, bench/results/edges.md); staying under it costs ~10%
  // more arithmetic there (10 smaller jobs).
  const half = Math.min(maxBytes / 2, 2 ** 32 - 1);
  let block: number;
  if (comomentBytes(neurons) <= half) {
    block = neurons;
  } else {
    block = Math.floor(Math.sqrt(half / 16) / MIN_BLOCK) * MIN_BLOCK;
    while (block > MIN_BLOCK && comomentBytes(2 * block) > half) block -= MIN_BLOCK;
    if (block < MIN_BLOCK || comomentBytes(2 * block) > half) {
      throw new NeurosieveError(
        'E_ARGUMENT',
        `--max-memory ${formatBytes(maxBytes)} is too small for correlation edges: a tile job of two ${MIN_BLOCK}-neuron blocks needs ${formatBytes(2 * comomentBytes(2 * MIN_BLOCK))}`,
      );
    }
  }
  const blocks: TileBlock[] = [];
  for (let first = 0; first < neurons; first += block) blocks.push({ first, len: Math.min(block, neurons - first) });
  const nb = blocks.length;
  if (nb === 1) return { neurons, block, blocks, jobs: [{ a: 0, b: 0, diagonals: [0] }] };
  const jobs: TileJob[] = [];
  for (let a = 0; a < nb; a++) {
    for (let b = a + 1; b < nb; b++) {
      const diagonals = b === a + 1 ? (b === nb - 1 ? [a, b] : [a]) : [];
      jobs.push({ a, b, diagonals });
    }
  }
  return { neurons, block, blocks, jobs };
}
