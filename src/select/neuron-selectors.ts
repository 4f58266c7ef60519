/**
 * Neuron selectors: the one parser every neuron-id option goes through (probe/rank/corr/cluster --columns,
 * ablate --remove/--keep, and the API's selectNeurons). A selector list is a union, in the order given:
 *
 *   3  0-255  3,7,10-12        ids and inclusive ranges; commas separate selectors inside one value
 *   layer:3  layers:0-2        layers by block index (block l of the layout; with a uniform layout columns
 *   layer:hidden_4             [l·H, (l+1)·H), layer 0 = embeddings), or by the manifest's block name;
 *                              `layer:` and `layers:` are the same; `embeddings` always names block 0
 *   ranking.json  ranking.json#50
 *                              a `neurosieve rank` file: its ordering (or its selection); `#k`: the first k of
 *                              the ordering (a selection is a set, so `#k` is refused there)
 *   clusters.json  clusters.json@0.3
 *                              a `neurosieve cluster` file: the kept representatives of the cut at threshold 0.3
 *                              (`@t` may be left out when the file holds one cut)
 *
 * Files are recognised by existing: a value naming an existing file is that file, whole (so `a#1.json` is a file
 * called that, never `a` + `#1`); otherwise a trailing `#<k>` or `@<t>` is a suffix when what precedes it names
 * an existing file (a suffix holds no comma: `ranking.json#5,7` is two selectors). Only then is the value split at
 * commas. A value that is neither is an error naming it.
 * Duplicates are removed, keeping the first occurrence (a union of a layer and a ranking overlaps by design);
 * the result's order is the order of first appearance, which is the column order a probe trains on.
 *
 * Why this folder: the parser reads rankings (src/rank/ranking-file.ts) and clusterings
 * (src/cluster/clusters-file.ts), so it sits above io/ with the operations; it imports only those two readers,
 * never a ranker or a clusterer, so that probe/ (ablate), cli/ and index.ts can all use it cheaply.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expectInteger, fail } from '../core/validate.js';
import { isExistingFile } from '../io/dataset.js';
import { readClustersIds } from '../cluster/clusters-file.js';
import { RANKING_FORMAT, readRankingIds } from '../rank/ranking-file.js';

/** A contiguous block of columns: a layer (as in an `extract` manifest's `blocks`). */
export interface LayerBlock {
  name: string;
  offset: number;
  width: number;
}

export interface SelectNeuronsOptions {
  /** D: the number of neurons ids are checked against. */
  width: number;
  /** The layer layout (an `extract` manifest's blocks); needed by layer selectors unless neuronsPerLayer is given. */
  blocks?: readonly LayerBlock[];
  /** Layers of H columns each (layer 0 = embeddings = columns 0..H−1); must divide width. */
  neuronsPerLayer?: number;
  /** How messages name the option (default 'neurons'; the CLI passes '--columns', '--remove' …). */
  name?: string;
}

const FORMS = "neuron ids (3, 0-255, 3,7,10-12), layer:<l>, layers:<a>-<b>, a ranking file (ranking.json[#k]) or a clusters file (clusters.json[@t])";

/** The layout layer selectors use: blocks as given, or uniform blocks of neuronsPerLayer, checked against width. */
export function layerBlocks(width: number, options: { blocks?: readonly LayerBlock[]; neuronsPerLayer?: number }, name = 'neuronsPerLayer'): LayerBlock[] | undefined {
  if (options.neuronsPerLayer !== undefined) {
    const H = expectInteger(options.neuronsPerLayer, name, 1, width);
    if (width % H !== 0) fail(`neurons per layer dividing the width ${width}`, name, H);
    return Array.from({ length: width / H }, (_, l) => ({ name: l === 0 ? 'embeddings' : `layer${l}`, offset: l * H, width: H }));
  }
  if (options.blocks === undefined) return undefined;
  const blocks = options.blocks;
  let end = 0;
  for (const b of blocks) {
    if (typeof b?.name !== 'string' || !Number.isSafeInteger(b.offset) || !Number.isSafeInteger(b.width) || b.offset !== end || b.width < 1) {
      fail(`contiguous layer blocks { name, offset, width } starting at 0`, 'blocks', b, JSON.stringify(b));
    }
    end += b.width;
  }
  if (end !== width) fail(`layer blocks covering the width ${width}`, 'blocks', end, `blocks covering ${end} neurons`);
  return [...blocks];
}

/**
 * The layer layout of activation inputs, from an `extract` output's manifest.json: in an input directory, or next
 * to an input file, or one folder up (extract writes shards in <out>/tokens/, the manifest in <out>/). Only a
 * manifest whose width equals `width` counts. Undefined when there is none.
 */
export function layoutFromInputs(inputs: readonly string[], width: number): LayerBlock[] | undefined {
  const seen = new Set<string>();
  for (const input of inputs) {
    let dir: string;
    try {
      dir = statSync(input).isDirectory() ? input : dirname(input);
    } catch {
      dir = dirname(input); // a glob: its folder part
    }
    for (const d of [dir, dirname(dir)]) {
      const p = join(d, 'manifest.json');
      if (seen.has(p)) continue;
      seen.add(p);
      const blocks = manifestBlocks(p, width);
      if (blocks) return blocks;
    }
  }
  return undefined;
}

function manifestBlocks(path: string, width: number): LayerBlock[] | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const m = JSON.parse(readFileSync(path, 'utf8')) as { format?: unknown; columns?: unknown; blocks?: unknown };
    if (m.format !== 'neurosieve-activations' || m.columns !== width || !Array.isArray(m.blocks)) return undefined;
    return (m.blocks as LayerBlock[]).map((b) => ({ name: b.name, offset: b.offset, width: b.width }));
  } catch {
    return undefined; // not ours: layer selectors then report that no layout is known
  }
}


/** A value that names a file (whole, or with a #k / @t suffix): its path and suffix. */
function asFileSelector(value: string): { path: string; suffix?: { kind: '#' | '@'; text: string } } | undefined {
  if (isExistingFile(value)) return { path: value };
  const m = /^(.+)([#@])([^#@,]+)$/.exec(value); // a comma ends a suffix: `r.json#5,7` is two selectors
  if (m && isExistingFile(m[1]!)) return { path: m[1]!, suffix: { kind: m[2] as '#' | '@', text: m[3]! } };
  return undefined;
}

/**
 * Resolves selectors to original neuron ids (distinct, in order of first appearance). `selectors`: CLI values or
 * API values; numbers are ids. Every error is an E_ARGUMENT "Expected … for <name> but received '<selector>'".
 */
export function selectNeurons(selectors: string | number | readonly (string | number)[], options: SelectNeuronsOptions): number[] {
  const name = options.name ?? 'neurons';
  const width = expectInteger(options.width, 'width', 1);
  const list = typeof selectors === 'string' || typeof selectors === 'number' ? [selectors] : selectors;
  if (!Array.isArray(list)) fail(FORMS, name, selectors);
  let blocks: LayerBlock[] | undefined | null = null; // null: not resolved yet (a bad layout fails only when used)
  const layout = (): LayerBlock[] | undefined => (blocks === null ? (blocks = layerBlocks(width, options)) : blocks);
  const out: number[] = [];
  const seen = new Uint8Array(width);
  const add = (id: number, selector: string) => {
    if (!(Number.isSafeInteger(id) && id >= 0 && id < width)) {
      fail(`neuron ids in [0, ${width - 1}] (width ${width})`, name, id, `${id} in '${selector}'`);
    }
    if (!seen[id]) {
      seen[id] = 1;
      out.push(id);
    }
  };
  for (const value of list) {
    if (typeof value === 'number') {
      add(value, String(value));
      continue;
    }
    if (typeof value !== 'string') fail(FORMS, name, value);
    const file = asFileSelector(value);
    if (file) {
      for (const id of fileIds(file.path, file.suffix, value, name)) add(id, value);
      continue;
    }
    for (const piece of value.split(',')) {
      const p = piece.trim();
      const pieceFile = p !== value ? asFileSelector(p) : undefined;
      if (pieceFile) {
        for (const id of fileIds(pieceFile.path, pieceFile.suffix, p, name)) add(id, p);
        continue;
      }
      const range = /^(\d+)(?:-(\d+))?$/.exec(p);
      if (range) {
        const a = Number(range[1]);
        const b = range[2] === undefined ? a : Number(range[2]);
        if (b < a) fail('a range a-b with a <= b', name, p, `'${p}'`);
        if (b >= width) add(b, p); // the out-of-range message, before a huge loop
        for (let id = a; id <= b; id++) add(id, p);
        continue;
      }
      const layer = /^layers?:(.+)$/.exec(p);
      if (layer) {
        for (const b of layerSelection(layer[1]!, p, layout(), name)) for (let id = b.offset; id < b.offset + b.width; id++) add(id, p);
        continue;
      }
      fail(FORMS, name, p, `'${p}'${p.includes('.') || p.includes('/') ? ' (no such file)' : ''}`);
    }
  }
  if (out.length === 0) fail('at least one neuron', name, list, 'none');
  return out;
}

function layerSelection(body: string, selector: string, blocks: LayerBlock[] | undefined, name: string): LayerBlock[] {
  if (!blocks) {
    fail("a layer layout (an extract output's manifest.json, or neurons per layer: --neurons-per-layer H)", name, selector, `'${selector}' with none known`);
  }
  const L = blocks.length;
  const known = (): never =>
    fail(`a layer in [0, ${L - 1}] or a layer name (${blocks.map((b) => b.name).join(', ')})`, name, selector, `'${selector}'`);
  const range = /^(\d+)(?:-(\d+))?$/.exec(body);
  if (range) {
    const a = Number(range[1]);
    const b = range[2] === undefined ? a : Number(range[2]);
    if (b < a) fail('a layer range a-b with a <= b', name, selector, `'${selector}'`);
    if (b >= L) known();
    return blocks.slice(a, b + 1);
  }
  const byName = blocks.find((b) => b.name === body) ?? (body === 'embeddings' ? blocks[0] : undefined);
  return byName ? [byName] : known();
}

function fileIds(path: string, suffix: { kind: '#' | '@'; text: string } | undefined, selector: string, name: string): number[] {
  let head: { format?: unknown; cuts?: unknown };
  try {
    head = JSON.parse(readFileSync(path, 'utf8')) as typeof head;
  } catch {
    return fail('a neurosieve ranking or clusters JSON file', name, selector, `'${selector}' (not JSON)`);
  }
  if (head?.format === RANKING_FORMAT) {
    const r = readRankingIds(path);
    if (suffix?.kind === '@') fail("'#k' (the first k ids) with a ranking file", name, selector, `'${selector}'`);
    if (suffix === undefined) return r.ordering ?? r.selected!;
    if (!r.ordering) fail("a ranking with an ordering for '#k' (a selection has no order)", name, selector, `'${selector}'`);
    const n = r.ordering.length;
    const k = /^\d+$/.test(suffix.text) ? Number(suffix.text) : NaN;
    if (!(k >= 1 && k <= n)) fail(`k in [1, ${n}] (the ranking's length) after '#'`, name, selector, `'${selector}'`);
    return r.ordering.slice(0, k);
  }
  if (typeof head === 'object' && head !== null && Array.isArray(head.cuts)) {
    const { cuts } = readClustersIds(path);
    const available = cuts.map((c) => `@${c.threshold}`).join(', ');
    if (suffix?.kind === '#') fail("'@t' (the cut at threshold t) with a clusters file", name, selector, `'${selector}'`);
    if (suffix === undefined) {
      if (cuts.length === 1) return cuts[0]!.keptNeurons;
      fail(`a threshold suffix (one of ${available})`, name, selector, `'${selector}'`);
    }
    const t = Number(suffix!.text);
    const cut = suffix!.text.trim() !== '' && Number.isFinite(t) ? cuts.find((c) => c.threshold === t) : undefined;
    if (!cut) fail(`a cut of ${path} (one of ${available})`, name, selector, `'${selector}'`);
    return cut!.keptNeurons;
  }
  return fail('a neurosieve ranking or clusters JSON file', name, selector, `'${selector}' (format ${JSON.stringify(head?.format)})`);
}
