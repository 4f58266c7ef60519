/**
 * Which columns form each layer for CKA: given blocks, a layer width H (equal blocks of H), an extract output
 * directory's manifest blocks, the layers a stats file's sums were kept for, or the input's own layer count —
 * in that order. Checked here once: contiguous, in column order, covering every column.
 */
import { NeurosieveError } from '../core/errors.js';

export interface CkaLayer {
  name: string;
  offset: number;
  width: number;
}

export interface LayerBlocks {
  names: string[];
  /** L + 1 increasing boundaries, 0 … cols. */
  offsets: number[];
}

/** Equal layers of `width` columns, named 'layer 0', 'layer 1', … */
export function equalLayers(cols: number, width: number, flag = 'layerWidth'): LayerBlocks {
  if (!Number.isSafeInteger(width) || width < 1 || cols % width !== 0) {
    throw new NeurosieveError('E_ARGUMENT', `Expected a ${flag} dividing the ${cols} neurons but received ${String(width)}`);
  }
  const L = cols / width;
  return { names: Array.from({ length: L }, (_, i) => `layer ${i}`), offsets: Array.from({ length: L + 1 }, (_, i) => i * width) };
}

/** Blocks as LayerBlocks, after checking they tile 0 … cols in order. */
export function blocksOf(layers: readonly CkaLayer[], cols: number, where: string): LayerBlocks {
  let at = 0;
  for (const l of layers) {
    if (typeof l?.name !== 'string' || l.offset !== at || !Number.isSafeInteger(l.width) || l.width < 1) {
      throw new NeurosieveError('E_ARGUMENT', `Expected ${where} to be contiguous layers { name, offset, width } in column order from 0 but received ${JSON.stringify(l)} at column ${at}`);
    }
    at += l.width;
  }
  if (layers.length === 0 || at !== cols) {
    throw new NeurosieveError('E_ARGUMENT', `Expected ${where} to cover the ${cols} neurons but they cover ${at}`);
  }
  return { names: layers.map((l) => l.name), offsets: [0, ...layers.map((l) => l.offset + l.width)] };
}
