/**
 * writeReport on its own (no browser): the page holds the results as a JSON block that parses back to the same
 * document (a word with '</script>' in it cannot end the block), d3, Plot and the client inline and no external
 * reference; the size stays near the libraries' plus the results'; and bad input fails with the error's code
 * before anything is written.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AnalysisResults } from '../../src/analyze/results.js';
import { writeReport } from '../../src/report/write-report.js';
import { filesIn } from '../helpers/cli.js';
import { HOSTILE_WORD, reportFixture } from '../helpers/report-fixture.js';
import { scratchDir } from '../helpers/tmp.js';

const scratch = scratchDir('write-report');
const { results } = reportFixture();

/** The text of the page's JSON block. */
function analysisBlock(html: string): string {
  const m = /<script type="application\/json" id="analysis">([\s\S]*?)<\/script>/.exec(html);
  expect(m).not.toBeNull();
  return m![1]!;
}

describe('writeReport', () => {
  it('embeds the results as JSON that reads back equal, with no "<" left in it', () => {
    const out = join(scratch.dir, 'object.html');
    const r = writeReport(results, out);
    const html = readFileSync(out, 'utf8');
    expect(r).toEqual({ output: out, bytes: Buffer.byteLength(html) });
    const block = analysisBlock(html);
    expect(block).not.toContain('<');
    expect(JSON.parse(block)).toEqual(JSON.parse(JSON.stringify(results)));
    expect(JSON.parse(block).views.text.vocabulary).toContain(HOSTILE_WORD);
  });

  it('reads a results file by path (as analyze writes it) and writes the same page as from the object', () => {
    const json = scratch.file('analysis.json', `${JSON.stringify(results, null, 1)}\n`);
    writeReport(json, join(scratch.dir, 'from-path.html'));
    writeReport(results, join(scratch.dir, 'from-object.html'));
    expect(readFileSync(join(scratch.dir, 'from-path.html'), 'utf8')).toBe(readFileSync(join(scratch.dir, 'from-object.html'), 'utf8'));
  });

  it('inlines d3, Plot, the client and the stylesheet, and references nothing outside the file', () => {
    const out = join(scratch.dir, 'inline.html');
    writeReport(results, out);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('https://d3js.org v7'); // d3's banner
    expect(html).toMatch(/@observablehq\/plot v0\.6/); // Plot's banner
    expect(html).toContain('prefers-color-scheme: dark');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|<img[^>]+src=|@import/i);
    // Four scripts: the data block, d3, Plot, the client; none ended early by a '</script' inside.
    expect(html.match(/<script\b/g)).toHaveLength(4);
    expect(html.match(/<\/script>/g)).toHaveLength(4);
    // Size: the libraries (~0.5 MB) and the client, plus the results; printed for the record.
    const json = JSON.stringify(results).length;
    console.log(`fixture report: ${html.length} bytes (results JSON ${json} bytes)`);
    expect(html.length - json).toBeLessThan(600_000);
  });

  it('a missing file: E_IO, nothing written', () => {
    const dir = scratch.file('empty-marker', '') && join(scratch.dir, 'missing');
    expect(() => writeReport(join(scratch.dir, 'nope.json'), `${dir}.html`)).toThrow(expect.objectContaining({ code: 'E_IO', message: expect.stringContaining('nope.json: cannot read analysis results') }));
    expect(filesIn(scratch.dir)).not.toContain('missing.html');
  });

  it('not JSON, or not an analysis, or another version: E_FORMAT, nothing written', () => {
    const cases: Array<[string, RegExp]> = [
      ['{ "format": "neurosieve-analysis", ', /cannot read analysis results/],
      ['{ "format": "neurosieve-clusters", "version": 1 }', /not a neurosieve analysis \(format 'neurosieve-clusters'/],
      ['{ "format": "neurosieve-analysis", "version": 2 }', /analysis results version 2; this neurosieve reads version 1/],
    ];
    for (const [i, [text, message]] of cases.entries()) {
      const input = join(scratch.dir, `bad-${i}.json`);
      writeFileSync(input, text);
      expect(() => writeReport(input, join(scratch.dir, `bad-${i}.html`))).toThrow(expect.objectContaining({ code: 'E_FORMAT', message: expect.stringMatching(message) }));
      expect(filesIn(scratch.dir)).not.toContain(`bad-${i}.html`);
    }
  });

  it('an object that is not analysis results: E_ARGUMENT', () => {
    expect(() => writeReport({ ...results, format: 'x' } as unknown as AnalysisResults, join(scratch.dir, 'x.html'))).toThrow(
      expect.objectContaining({ code: 'E_ARGUMENT', message: "Expected analysis results (format 'neurosieve-analysis') for writeReport but received format 'x'" }),
    );
  });
});
