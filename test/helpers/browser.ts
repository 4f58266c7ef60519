/**
 * A real headless browser for the report tests: Debian's chromium (/usr/bin/chromium; .ci/run installs it) driven
 * by playwright-core, which never downloads a browser of its own. Every page opened through `openPage` records its
 * console errors, uncaught exceptions, failed requests and any request for something other than a file: URL, so a
 * test can assert that a report draws cleanly and offline.
 *
 * With CI=true a missing chromium is a failure (CI installs it, so the report is always proven there); elsewhere
 * the browser suites skip with one line saying why — as the WebGPU suites do (helpers/gpu.ts).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.NEUROSIEVE_CHROMIUM ?? '/usr/bin/chromium';

export interface BrowserAvailability {
  browser: Browser | undefined;
  reason?: string;
}

/** Launches chromium, or says why not (throwing under CI=true). */
export async function launchBrowser(suite: string): Promise<BrowserAvailability> {
  try {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found (Debian package 'chromium'; .ci/run installs it)`);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      // No sandbox (CI runs as root); nothing that would reach the network on its own (updates, sync, QUIC probes).
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    return { browser };
  } catch (err) {
    const reason = (err as Error).message.split('\n')[0]!;
    if (process.env.CI === 'true') throw new Error(`${suite}: CI=true requires a headless chromium, but: ${reason}`);
    console.log(`${suite}: browser tests skipped (${reason})`);
    return { browser: undefined, reason };
  }
}

export interface PageLog {
  /** console.error messages and uncaught page exceptions. */
  errors: string[];
  /** Requests that failed. */
  failed: string[];
  /** Every URL requested that is not a file: or data:/blob: URL (the report must request none). */
  remote: string[];
}

export async function openPage(browser: Browser, url: string, options: { dark?: boolean; width?: number } = {}): Promise<{ page: Page; log: PageLog; close(): Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: options.width ?? 1320, height: 900 }, colorScheme: options.dark ? 'dark' : 'light', deviceScaleFactor: 1 });
  const page = await context.newPage();
  const log: PageLog = { errors: [], failed: [], remote: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') log.errors.push(m.text());
  });
  page.on('pageerror', (e) => log.errors.push(`uncaught: ${e.message}`));
  page.on('requestfailed', (r) => log.failed.push(`${r.url()}: ${r.failure()?.errorText ?? 'failed'}`));
  page.on('request', (r) => {
    if (!/^(file|data|blob):/.test(r.url())) log.remote.push(r.url());
  });
  await page.goto(url, { waitUntil: 'load' });
  return { page, log, close: () => context.close() };
}
