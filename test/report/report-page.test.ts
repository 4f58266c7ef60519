/**
 * The report page in a real headless browser (Debian's chromium through playwright-core; helpers/browser.ts), opened
 * as a file: every chart draws (SVG marks in each Plot chart, coloured pixels on the heatmap canvas), nothing is
 * logged as an error and nothing is requested from anywhere but the file itself; a concept neuron's link opens its
 * page with its top rows in context; cluster pages, the search box and the back button work; results without
 * `views`, or without some of its parts, render what they hold and leave the rest out; and the results of a real
 * `analyze` run (no views yet) render. Screenshots of each page go to test-artifacts/report/ (git-ignored).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze/analyze.js';
import type { AnalysisResults } from '../../src/analyze/results.js';
import type { LoadedActivations } from '../../src/io/load.js';
import { unpack } from '../../src/io/packed-array.js';
import { writeReport } from '../../src/report/write-report.js';
import { launchBrowser, openPage, type PageLog } from '../helpers/browser.js';
import { root } from '../helpers/cli.js';
import { TEST_SEED } from '../helpers/planted.js';
import { plantedTask } from '../helpers/planted-task.js';
import { HOSTILE_WORD, reportFixture } from '../helpers/report-fixture.js';
import { scratchDir } from '../helpers/tmp.js';

const scratch = scratchDir('report-page');
const artifacts = join(root, 'test-artifacts/report');
mkdirSync(artifacts, { recursive: true });

const SUMMARY_CHARTS = ['neurons-vs-threshold', 'score-vs-neurons', 'layer-probes', 'correlation-heatmap', 'cka', 'dendrogram', 'concepts-per-layer'];

let browser: Browser | undefined;
beforeAll(async () => {
  ({ browser } = await launchBrowser('report-page.test.ts'));
});
afterAll(async () => {
  await browser?.close();
});

function page(results: AnalysisResults, name: string): string {
  const out = join(scratch.dir, `${name}.html`);
  writeReport(results, out);
  return `file://${out}`;
}

/** Chart ids on the page, and for each whether it drew: SVG marks in its body, or coloured pixels on its canvas. */
async function drawnCharts(p: Page): Promise<Record<string, boolean>> {
  // Canvases are drawn on the next animation frame.
  await p.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return p.evaluate(() => {
    const out: Record<string, boolean> = {};
    for (const fig of document.querySelectorAll<HTMLElement>('figure.chart')) {
      const body = fig.querySelector('.chart-body')!;
      const canvas = body.querySelector('canvas');
      if (canvas) {
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let coloured = 0;
        const colours = new Set<number>();
        for (let i = 0; i < data.length; i += 4) {
          if (data[i + 3]! > 0) coloured++;
          colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
        }
        out[fig.dataset.chart!] = coloured > canvas.width * canvas.height * 0.9 && colours.size > 4;
      } else {
        // The chart's own SVG (a legend is a separate, smaller SVG): marks with a size.
        const marks = [...body.querySelectorAll('svg [aria-label] path, svg [aria-label] rect, svg [aria-label] circle, svg [aria-label] line')];
        out[fig.dataset.chart!] = marks.some((m) => {
          const b = (m as SVGGraphicsElement).getBBox();
          return b.width > 0 || b.height > 0;
        });
      }
    }
    return out;
  });
}

function clean(log: PageLog): void {
  expect(log.errors).toEqual([]);
  expect(log.failed).toEqual([]);
  expect(log.remote).toEqual([]);
}

describe('report page in a browser', () => {
  const { results, conceptNeuron } = reportFixture();

  it('summary: header, table, warnings, and every chart drawn; nothing requested, nothing logged', async () => {
    const { page: p, log, close } = await openPage(browser!, page(results, 'full'));
    try {
      await p.waitForSelector('table.summary');
      expect(await p.locator('table.summary tbody tr th').allTextContents()).toEqual(['Oracle', 'LS', 'CC', 'LCA', 'LS+CC+LCA']);
      expect(await p.locator('aside.warnings').textContent()).toContain('dev has 200 rows');
      const facts = await p.locator('.facts').textContent();
      for (const f of ['tokens', '1,800 train', '3 × 16 neurons', 'accuracy', 'compat']) expect(facts).toContain(f);
      expect(await p.locator('dl.stability').textContent()).toContain('control task (random label per word type, 120 types): dev accuracy, selectivity41.0%, 49.5%; test 40.0%, selectivity 50.0%');
      const drawn = await drawnCharts(p);
      expect(Object.keys(drawn).sort()).toEqual([...SUMMARY_CHARTS].sort());
      expect(Object.entries(drawn).filter(([, ok]) => !ok)).toEqual([]);
      // A word that holds '</script>' shows as text, and did not end the page's JSON block.
      expect(await p.locator('.concepts .word', { hasText: HOSTILE_WORD }).count()).toBeGreaterThan(0);
      // The heatmap's layer selector redraws with one layer's own map.
      await p.selectOption('select[aria-label="heatmap layer"]', { label: 'hidden_1' });
      expect((await drawnCharts(p))['correlation-heatmap']).toBe(true);
      await p.screenshot({ path: join(artifacts, 'summary.png'), fullPage: true });
      clean(log);
    } finally {
      await close();
    }
  });

  it('dark theme follows the system', async () => {
    const { page: p, log, close } = await openPage(browser!, page(results, 'dark'), { dark: true });
    try {
      await p.waitForSelector('table.summary');
      const bg = await p.evaluate(() => getComputedStyle(document.body).backgroundColor);
      expect(bg).toBe('rgb(17, 21, 28)');
      expect(Object.values(await drawnCharts(p)).every(Boolean)).toBe(true);
      await p.screenshot({ path: join(artifacts, 'summary-dark.png'), fullPage: true });
      clean(log);
    } finally {
      await close();
    }
  });

  it("clicking a concept neuron opens its page: weights, histogram, top rows in context, clusters; back returns", async () => {
    const { page: p, log, close } = await openPage(browser!, page(results, 'neuron'));
    try {
      await p.locator(`.concepts a.neuron-link[href="#neuron/${conceptNeuron}"]`).first().click();
      await p.waitForSelector('.neuron-page');
      expect(new URL(p.url()).hash).toBe(`#neuron/${conceptNeuron}`);
      expect(await p.locator('h1').textContent()).toContain(`Neuron ${conceptNeuron}`);
      const drawn = await drawnCharts(p);
      expect(drawn).toEqual({ 'neuron-weights': true, 'neuron-histogram': true });
      // Its top rows: k of them, each a sentence with the row's own word outlined and coloured by the activation.
      const top = results.views!.neurons!.top!;
      expect(await p.locator('ol.top-rows > li').count()).toBe(top.k);
      expect(await p.locator('ol.top-rows .w.focus').count()).toBe(top.k);
      const focus = p.locator('ol.top-rows .w.focus').first();
      expect(await focus.getAttribute('title')).toMatch(/^activation ≈ -?\d/);
      expect(await focus.evaluate((el) => getComputedStyle(el).backgroundColor)).not.toBe('rgba(0, 0, 0, 0)');
      // −128 (no word's value) is drawn neutral.
      const none = p.locator('ol.top-rows .w.none').first();
      if ((await none.count()) > 0) expect(await none.getAttribute('title')).toContain('no value');
      // One cluster per cut, each linked.
      expect(await p.locator('table.clusters tbody tr').count()).toBe(results.views!.cuts!.length);
      await p.screenshot({ path: join(artifacts, 'neuron.png'), fullPage: true });
      await p.goBack();
      await p.waitForSelector('table.summary');
      expect(new URL(p.url()).hash).toBe('');
      clean(log);
    } finally {
      await close();
    }
  });

  it('a cluster page lists its members, representative and layers; the search box jumps to any neuron', async () => {
    const cut = results.views!.cuts![3]!;
    const { page: p, log, close } = await openPage(browser!, `${page(results, 'cluster')}#cluster/${cut.threshold}/1`);
    try {
      await p.waitForSelector('.cluster-page');
      const labels = Array.from(unpack(cut.labels));
      const members = labels.flatMap((c, j) => (c === 1 ? [j] : []));
      expect((await p.locator('.members-list a.neuron-link').allTextContents()).map(Number)).toEqual(members);
      expect(await p.locator('.facts').textContent()).toContain(String(cut.kept[0]));
      // Cluster 1 at the largest cut has several members: its pairs' |r| are drawn too.
      expect(await drawnCharts(p)).toEqual({ 'cluster-layers': true, ...(members.length >= 2 ? { 'cluster-within': true } : {}) });
      await p.screenshot({ path: join(artifacts, 'cluster.png'), fullPage: true });
      await p.fill('#neuron-search', '47');
      await p.press('#neuron-search', 'Enter');
      await p.waitForSelector('.neuron-page[data-neuron="47"]');
      expect(await p.locator('.badge.warn').textContent()).toContain('zero variance');
      clean(log);
    } finally {
      await close();
    }
  });

  it('results without views render the tables and curves, and leave the views out without errors', async () => {
    const { views: _, ...bare } = results;
    const { page: p, log, close } = await openPage(browser!, page(bare as AnalysisResults, 'no-views'));
    try {
      await p.waitForSelector('table.summary');
      const drawn = await drawnCharts(p);
      expect(Object.keys(drawn).sort()).toEqual(['concepts-per-layer', 'layer-probes', 'neurons-vs-threshold', 'score-vs-neurons']);
      expect(Object.values(drawn).every(Boolean)).toBe(true);
      expect(await p.locator('#largest-clusters').count()).toBe(0);
      // A neuron page still opens, with what the results hold.
      await p.locator('.concepts a.neuron-link').first().click();
      await p.waitForSelector('.neuron-page');
      expect(await p.locator('figure.chart').count()).toBe(0);
      clean(log);
    } finally {
      await close();
    }
  });

  it('views without cka and text: no CKA chart, top rows without context', async () => {
    const { cka: _c, text: _t, ...views } = results.views!;
    const { page: p, log, close } = await openPage(browser!, `${page({ ...results, views }, 'no-cka-text')}#neuron/${conceptNeuron}`);
    try {
      await p.waitForSelector('.neuron-page');
      expect(await p.locator('ol.top-rows > li').count()).toBe(results.views!.neurons!.top!.k);
      expect(await p.locator('ol.top-rows p.context').count()).toBe(0);
      await p.goto(`${p.url().split('#')[0]}#`);
      await p.evaluate(() => (location.hash = ''));
      await p.waitForSelector('table.summary');
      const drawn = await drawnCharts(p);
      expect(drawn.cka).toBeUndefined();
      expect(drawn['correlation-heatmap']).toBe(true);
      clean(log);
    } finally {
      await close();
    }
  });

  it('the results of a real analyze run (no views yet) render', async () => {
    const task = plantedTask(1500, TEST_SEED, { L: 3, H: 8 });
    const counts = [0, 0, 0];
    for (const c of task.y) counts[c]!++;
    const activations: LoadedActivations = { x: task.x.slice(), rows: task.rows, cols: task.D, nonFinite: 0 };
    const analysis = await analyze(
      { train: { activations, labels: { ids: task.y.slice(), classes: task.classes, counts }, words: task.words }, layers: task.H },
      { seeds: 1, epochs: 10, thresholds: [-1, 0.3, 0.7], deltas: [[3, 1]], compareExact: false, concurrency: 2 },
    );
    const { page: p, log, close } = await openPage(browser!, page(analysis, 'analyze'));
    try {
      await p.waitForSelector('table.summary');
      const drawn = await drawnCharts(p);
      expect(drawn['score-vs-neurons']).toBe(true);
      expect(drawn['layer-probes']).toBe(true);
      expect(await p.locator('.concept-class').count()).toBe(task.classes.length);
      await p.screenshot({ path: join(artifacts, 'summary-analyze.png'), fullPage: true });
      clean(log);
    } finally {
      await close();
    }
  });
});
