/**
 * The page of a redundancy benchmark (`neurosieve report bench.json`) in a real headless browser: every chart draws
 * marks (one dot per cut and per run), the runs table lists every run, nothing is logged as an error and nothing
 * is requested from anywhere. Screenshot: test-artifacts/report/bench.png (git-ignored).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchRedundancy } from '../../src/redbench/bench.js';
import { BENCH_SETTINGS } from '../../src/redbench/settings.js';
import { writeReport } from '../../src/report/write-report.js';
import { launchBrowser, openPage } from '../helpers/browser.js';
import { root, runCli } from '../helpers/cli.js';
import { scratchDir } from '../helpers/tmp.js';

const scratch = scratchDir('bench-page');
const artifacts = join(root, 'test-artifacts/report');
mkdirSync(artifacts, { recursive: true });

let browser: Browser | undefined;
beforeAll(async () => {
  ({ browser } = await launchBrowser('bench-page.test.ts'));
});
afterAll(async () => {
  await browser?.close();
});

describe('redundancy benchmark page', async () => {
  const bench = await benchRedundancy({
    settings: BENCH_SETTINGS.filter((s) => s.name === 'plain' || s.name === 'graded'),
    sizes: [{ tokens: 2000, neurons: 64 }],
    methods: [
      { kind: 'cluster', linkage: 'average', thresholds: [0.1, 0.3, 0.5, 0.7], representative: 'random' },
      { kind: 'cluster', linkage: 'single', thresholds: [0.1, 0.3, 0.5, 0.7], representative: 'central' },
    ],
    seeds: [1],
  });

  it('neurosieve report writes the page of a bench file', () => {
    const json = join(scratch.dir, 'bench.json');
    writeFileSync(json, JSON.stringify(bench));
    const r = runCli(['report', json, '-o', join(scratch.dir, 'cli.html')]);
    expect(r.stderr, r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('draws every chart and the runs table, offline and without errors', async (ctx) => {
    if (!browser) return ctx.skip();
    const out = join(scratch.dir, 'bench.html');
    writeReport(bench, out);
    const { page, log, close } = await openPage(browser, `file://${out}`);
    try {
      const marks = await page.evaluate(() =>
        Object.fromEntries([...document.querySelectorAll<HTMLElement>('figure.chart')].map((f) => [f.dataset.chart!, f.querySelectorAll('.chart-body svg [aria-label="dot"] circle, .chart-body svg [aria-label="dot"] path').length])),
      );
      // 2 settings × 2 methods × 4 cuts = 16 dots in each threshold chart and in the redundancy chart; the cost
      // chart: 2 datasets' corr + 4 runs, in each of its 2 plots
      expect(marks).toEqual({ 'ari-vs-threshold': 16, 'exact-vs-threshold': 16, 'redundancy-left': 16, cost: 12 });
      expect(await page.locator('#runs tbody tr').count()).toBe(4);
      await page.screenshot({ path: join(artifacts, 'bench.png'), fullPage: true });
      expect(log.errors).toEqual([]);
      expect(log.failed).toEqual([]);
      expect(log.remote).toEqual([]);
    } finally {
      await close();
    }
  });
});
