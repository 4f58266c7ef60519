/**
 * Neuron selectors (src/select/neuron-selectors.ts): every form, their union (order of first appearance, duplicates
 * removed), and every error message, exactly. Files are written here in the formats `neurosieve rank` and
 * `neurosieve cluster` write (rank's own writer; the cluster CLI's shape with its format tag), plus an `extract`
 * manifest for layer names. No randomness.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { layerBlocks, layoutFromInputs, NeurosieveError, selectNeurons, writeRanking, type Ranking } from '../../src/index.js';
import { scratchDir } from '../helpers/tmp.js';

const scratch = scratchDir('select');
const dir = scratch.dir;

const ranking: Ranking = { method: 'weights', selection: 'ordering', classes: ['a', 'b'], neurons: 20, ordering: [7, 3, 19, 0, 5], cutoffs: [0, 2, 5], options: {} };
const rankingPath = join(dir, 'ranking.json');
writeRanking(rankingPath, ranking);
const selectionPath = join(dir, 'top.json');
writeRanking(selectionPath, { method: 'weights', selection: 'top', classes: ['a', 'b'], neurons: 20, selected: [2, 4, 6], options: {} });
const cut = (threshold: number, keptNeurons: number[]) => ({ threshold, clusters: keptNeurons.length, kept: keptNeurons.length, keptNeurons, sizes: [], labels: [] });
const clustersPath = scratch.file('clusters.json', JSON.stringify({ format: 'neurosieve-clusters', version: 1, neurons: 20, cuts: [cut(0.1, [1, 2, 3, 9]), cut(0.3, [9, 1])] }));
const oneCutPath = scratch.file('one-cut.json', JSON.stringify({ neurons: 20, cuts: [cut(0.5, [4, 8])] })); // written before the format tag
const oddPath = scratch.file('odd#3.json', JSON.stringify({ format: 'neurosieve-ranking', version: 1, neurons: 20, ordering: [11, 12] }));
const otherJson = scratch.file('other.json', JSON.stringify({ format: 'something-else' }));
const notJson = scratch.file('notes.txt', 'hello');

const W = 20;
const H4 = { width: W, neuronsPerLayer: 4, name: '--columns' };

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(NeurosieveError);
    expect((err as NeurosieveError).code).toBe('E_ARGUMENT');
    return (err as Error).message;
  }
  throw new Error('expected an error');
}

describe('selector forms', () => {
  it('ids, inclusive ranges, commas, several values, numbers', () => {
    expect(selectNeurons('0-3', { width: W })).toEqual([0, 1, 2, 3]);
    expect(selectNeurons('3,7,10-12', { width: W })).toEqual([3, 7, 10, 11, 12]);
    expect(selectNeurons(['5', '1-2', '19'], { width: W })).toEqual([5, 1, 2, 19]);
    expect(selectNeurons([4, 2], { width: W })).toEqual([4, 2]);
    expect(selectNeurons(' 6 , 8', { width: W })).toEqual([6, 8]);
  });

  it('a union in the order given, duplicates removed (first occurrence kept)', () => {
    expect(selectNeurons(['5-7', '6', '3,5', '2-4'], { width: W })).toEqual([5, 6, 7, 3, 2, 4]);
  });

  it('layers by index, range and name (uniform layout: layer 0 = embeddings)', () => {
    expect(selectNeurons('layer:1', H4)).toEqual([4, 5, 6, 7]);
    expect(selectNeurons('layers:3-4', H4)).toEqual([12, 13, 14, 15, 16, 17, 18, 19]);
    expect(selectNeurons('layer:embeddings', H4)).toEqual([0, 1, 2, 3]);
    expect(selectNeurons('layers:layer2', H4)).toEqual([8, 9, 10, 11]);
    expect(selectNeurons(['layer:1', '0-5'], H4)).toEqual([4, 5, 6, 7, 0, 1, 2, 3]);
  });

  it("layers from an extract manifest: its block names, blocks by position", () => {
    const out = join(dir, 'extract-out');
    mkdirSync(join(out, 'tokens'), { recursive: true });
    const blocks = [
      { name: 'hidden_0', kind: 'hidden', layer: 0, offset: 0, width: 8 },
      { name: 'hidden_1', kind: 'hidden', layer: 1, offset: 8, width: 8 },
      { name: 'ffn_1', kind: 'ffn', layer: 1, offset: 16, width: 4 },
    ];
    writeFileSync(join(out, 'manifest.json'), JSON.stringify({ format: 'neurosieve-activations', version: 1, columns: 20, blocks }));
    const found = layoutFromInputs([join(out, 'tokens', 'shard-0.npy')], 20)!;
    expect(found.map((b) => b.name)).toEqual(['hidden_0', 'hidden_1', 'ffn_1']);
    expect(layoutFromInputs([out], 20)).toEqual(found);
    expect(layoutFromInputs([out], 24)).toBeUndefined(); // another width: not this dataset's manifest
    expect(selectNeurons('layer:ffn_1', { width: 20, blocks: found })).toEqual([16, 17, 18, 19]);
    expect(selectNeurons('layer:2', { width: 20, blocks: found })).toEqual([16, 17, 18, 19]);
    expect(selectNeurons('layer:embeddings', { width: 20, blocks: found })).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('a ranking file: its ordering, or its first k with #k; a selection', () => {
    expect(selectNeurons(rankingPath, { width: W })).toEqual([7, 3, 19, 0, 5]);
    expect(selectNeurons(`${rankingPath}#2`, { width: W })).toEqual([7, 3]);
    expect(selectNeurons([`${rankingPath}#3`, '0-1'], { width: W })).toEqual([7, 3, 19, 0, 1]);
    expect(selectNeurons(selectionPath, { width: W })).toEqual([2, 4, 6]);
    expect(selectNeurons(`${rankingPath}#1,12`, { width: W })).toEqual([7, 12]);
  });

  it('a file whose name holds # is taken whole, never as a suffix', () => {
    expect(selectNeurons(oddPath, { width: W })).toEqual([11, 12]);
  });

  it('a clusters file: the kept neurons of the cut at @t; @t optional with one cut', () => {
    expect(selectNeurons(`${clustersPath}@0.3`, { width: W })).toEqual([9, 1]);
    expect(selectNeurons(`${clustersPath}@.1`, { width: W })).toEqual([1, 2, 3, 9]);
    expect(selectNeurons(oneCutPath, { width: W })).toEqual([4, 8]);
    expect(selectNeurons(`${oneCutPath}@0.5`, { width: W })).toEqual([4, 8]);
  });
});

describe('selector errors, exactly', () => {
  it('out of range ids name the width and the selector', () => {
    expect(message(() => selectNeurons('18-25', { width: W, name: '--columns' }))).toBe("Expected neuron ids in [0, 19] (width 20) for --columns but received 25 in '18-25'");
    expect(message(() => selectNeurons([3, 20], { width: W }))).toBe("Expected neuron ids in [0, 19] (width 20) for neurons but received 20 in '20'");
    expect(message(() => selectNeurons([-1], { width: W }))).toBe("Expected neuron ids in [0, 19] (width 20) for neurons but received -1 in '-1'");
  });

  it('bad syntax, descending ranges, empty pieces, unknown files', () => {
    const forms = 'neuron ids (3, 0-255, 3,7,10-12), layer:<l>, layers:<a>-<b>, a ranking file (ranking.json[#k]) or a clusters file (clusters.json[@t])';
    expect(message(() => selectNeurons('abc', H4))).toBe(`Expected ${forms} for --columns but received 'abc'`);
    expect(message(() => selectNeurons('3,,4', H4))).toBe(`Expected ${forms} for --columns but received ''`);
    expect(message(() => selectNeurons('nope.json', H4))).toBe(`Expected ${forms} for --columns but received 'nope.json' (no such file)`);
    expect(message(() => selectNeurons('12-10', H4))).toBe("Expected a range a-b with a <= b for --columns but received '12-10'");
    expect(message(() => selectNeurons([], H4))).toBe('Expected at least one neuron for --columns but received none');
  });

  it('layers: no layout, unknown layer, bad range, bad layout', () => {
    expect(message(() => selectNeurons('layer:1', { width: W, name: '--keep' }))).toBe(
      "Expected a layer layout (an extract output's manifest.json, or neurons per layer: --neurons-per-layer H) for --keep but received 'layer:1' with none known",
    );
    const known = 'a layer in [0, 4] or a layer name (embeddings, layer1, layer2, layer3, layer4)';
    expect(message(() => selectNeurons('layer:5', H4))).toBe(`Expected ${known} for --columns but received 'layer:5'`);
    expect(message(() => selectNeurons('layers:2-9', H4))).toBe(`Expected ${known} for --columns but received 'layers:2-9'`);
    expect(message(() => selectNeurons('layer:fc', H4))).toBe(`Expected ${known} for --columns but received 'layer:fc'`);
    expect(message(() => selectNeurons('layers:3-1', H4))).toBe("Expected a layer range a-b with a <= b for --columns but received 'layers:3-1'");
    expect(message(() => selectNeurons('layer:1', { width: W, neuronsPerLayer: 3 }))).toBe('Expected neurons per layer dividing the width 20 for neuronsPerLayer but received 3');
    expect(() => layerBlocks(W, { blocks: [{ name: 'a', offset: 0, width: 10 }] })).toThrow('Expected layer blocks covering the width 20 for blocks but received blocks covering 10 neurons');
  });

  it('ranking files: #k out of range, #k on a selection, @t on a ranking, ids beyond the width', () => {
    expect(message(() => selectNeurons(`${rankingPath}#6`, H4))).toBe(`Expected k in [1, 5] (the ranking's length) after '#' for --columns but received '${rankingPath}#6'`);
    expect(message(() => selectNeurons(`${rankingPath}#0`, H4))).toBe(`Expected k in [1, 5] (the ranking's length) after '#' for --columns but received '${rankingPath}#0'`);
    expect(message(() => selectNeurons(`${rankingPath}#x`, H4))).toBe(`Expected k in [1, 5] (the ranking's length) after '#' for --columns but received '${rankingPath}#x'`);
    expect(message(() => selectNeurons(`${selectionPath}#2`, H4))).toBe(`Expected a ranking with an ordering for '#k' (a selection has no order) for --columns but received '${selectionPath}#2'`);
    expect(message(() => selectNeurons(`${rankingPath}@0.3`, H4))).toBe(`Expected '#k' (the first k ids) with a ranking file for --columns but received '${rankingPath}@0.3'`);
    expect(message(() => selectNeurons(rankingPath, { width: 10, name: '--columns' }))).toBe(`Expected neuron ids in [0, 9] (width 10) for --columns but received 19 in '${rankingPath}'`);
  });

  it('clusters files: missing or ambiguous threshold names the available ones', () => {
    expect(message(() => selectNeurons(clustersPath, H4))).toBe(`Expected a threshold suffix (one of @0.1, @0.3) for --columns but received '${clustersPath}'`);
    expect(message(() => selectNeurons(`${clustersPath}@0.2`, H4))).toBe(`Expected a cut of ${clustersPath} (one of @0.1, @0.3) for --columns but received '${clustersPath}@0.2'`);
    expect(message(() => selectNeurons(`${clustersPath}#2`, H4))).toBe(`Expected '@t' (the cut at threshold t) with a clusters file for --columns but received '${clustersPath}#2'`);
  });

  it('other files', () => {
    expect(message(() => selectNeurons(otherJson, H4))).toBe(`Expected a neurosieve ranking or clusters JSON file for --columns but received '${otherJson}' (format "something-else")`);
    expect(message(() => selectNeurons(notJson, H4))).toBe(`Expected a neurosieve ranking or clusters JSON file for --columns but received '${notJson}' (not JSON)`);
  });
});
