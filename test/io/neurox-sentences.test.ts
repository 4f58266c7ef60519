/**
 * neuroxSentenceLengths against the files the NeuroX JSON lines helper writes (random key order, spacing, layer
 * order, extra nested keys, tokens holding quotes, backslashes and braces) and against the native reader's row
 * count: the lengths are the sentences' token counts, blank lines skipped, and they sum to the rows read.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadActivations } from '../../src/io/load.js';
import { neuroxSentenceLengths } from '../../src/io/neurox-sentences.js';
import { tempDir } from '../helpers/cli.js';
import { neuroxJsonl, prng } from '../helpers/formats.js';
import { TEST_SEED } from '../helpers/planted.js';

console.log(`neurox-sentences.test.ts seed ${TEST_SEED} (set NEUROSIEVE_TEST_SEED to reproduce)`);

describe('neuroxSentenceLengths', () => {
  it('counts the tokens of every sentence, whatever the layout, and agrees with the native reader', async () => {
    const rand = prng(TEST_SEED);
    const layers = 1 + Math.floor(rand() * 3);
    const width = 1 + Math.floor(rand() * 4);
    const lengths = Array.from({ length: 3 + Math.floor(rand() * 20) }, () => 1 + Math.floor(rand() * 12));
    const sentences = lengths.map((n) => Array.from({ length: n }, () => Array.from({ length: layers * width }, () => rand() * 2 - 1)));
    // Blank lines between sentences (the readers skip them) and a file without a final newline.
    const text = neuroxJsonl(sentences, layers, { rand })
      .split('\n')
      .map((l) => (rand() < 0.3 && l !== '' ? `${l}\n  ` : l))
      .join('\n')
      .replace(/\n+$/, '');
    const path = join(tempDir('sentences'), 'a.jsonl');
    writeFileSync(path, text);
    expect(neuroxSentenceLengths(path)).toEqual(lengths);
    const acts = await loadActivations(path);
    expect(acts.rows).toBe(lengths.reduce((a, b) => a + b, 0));
  });

  it('a "features" key inside another value, and an empty sentence', () => {
    const path = join(tempDir('sentences'), 'b.jsonl');
    writeFileSync(path, '{"meta": {"features": [{}, {}]}, "features": [{"token": "features", "layers": []}]}\n{"features": []}\n');
    expect(neuroxSentenceLengths(path)).toEqual([1, 0]);
  });
});
