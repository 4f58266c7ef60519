/**
 * `neurosieve report` as a user runs it: the default output beside the results (.json → .html), -o, --json, and bad
 * input (a missing or invalid results file: exit 1 and a message naming it; an output that is the input: exit 2);
 * a failed run leaves nothing behind.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesIn, runCli, tempDir } from '../helpers/cli.js';
import { reportFixture } from '../helpers/report-fixture.js';

const { results } = reportFixture();

function resultsFile(): { dir: string; json: string } {
  const dir = tempDir('report');
  const json = join(dir, 'analysis.json');
  writeFileSync(json, JSON.stringify(results, null, 1));
  return { dir, json };
}

describe('neurosieve report', () => {
  it('writes <results>.html by default and says where', () => {
    const { dir, json } = resultsFile();
    const r = runCli(['report', json]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^report \\(\\d+\\.\\d\\d MB\\) -> ${join(dir, 'analysis.html').replace(/[.]/g, '\\.')}\\n$`));
    expect(readFileSync(join(dir, 'analysis.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/);
    expect(filesIn(dir)).toEqual(['analysis.html', 'analysis.json']);
  });

  it('-o names the page; --json prints the output and its size', () => {
    const { dir, json } = resultsFile();
    const out = join(dir, 'page.html');
    const r = runCli(['report', json, '-o', out, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ output: out, bytes: readFileSync(out).length });
  });

  it('a missing results file: exit 1, the path named, nothing written', () => {
    const dir = tempDir('report-missing');
    const r = runCli(['report', join(dir, 'nope.json')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join(dir, 'nope.json')}: cannot read analysis results`);
    expect(filesIn(dir)).toEqual([]);
  });

  it('a file that is not analysis results: exit 1, nothing written', () => {
    const dir = tempDir('report-bad');
    const input = join(dir, 'clusters.json');
    writeFileSync(input, JSON.stringify({ format: 'neurosieve-clusters', version: 1 }));
    const r = runCli(['report', input]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("not a neurosieve analysis (format 'neurosieve-clusters'");
    expect(filesIn(dir)).toEqual(['clusters.json']);
  });

  it('an output that is the input: exit 2, the input kept', () => {
    const { dir, json } = resultsFile();
    const r = runCli(['report', json, '-o', json]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Expected an output that is not an input for -o of 'neurosieve report'");
    expect(filesIn(dir)).toEqual(['analysis.json']);
    expect(existsSync(json)).toBe(true);
  });
});
