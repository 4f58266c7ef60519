/**
 * The files a report page inlines besides the results: d3 and Observable Plot as their UMD builds (from
 * node_modules, resolved as Node resolves the packages), and the report's own browser bundle and stylesheet, built
 * into dist/report/ by scripts/build-report-client.mjs. Read only when a report is written, so that importing
 * neurosieve reads none of these ~0.6 MB.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NeurosieveError } from '../core/errors.js';

export interface ReportAssets {
  d3: string;
  plot: string;
  client: string;
  css: string;
}

/** The folder holding a package's package.json, found upwards from a file of it (the packages export no subpaths). */
function packageRoot(file: string, name: string): string {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === name) return dir;
  }
  throw new NeurosieveError('E_INTERNAL', `cannot find the package folder of ${name} above ${file}`);
}

function readAsset(path: string, what: string, fix: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new NeurosieveError('E_IO', `cannot read ${what} (${path}): ${(err as Error).message}; ${fix}`, { cause: err });
  }
}

function umd(name: string, file: string): string {
  const require = createRequire(import.meta.url);
  let entry: string;
  try {
    entry = require.resolve(name);
  } catch (err) {
    throw new NeurosieveError('E_IO', `cannot find the package ${name}, which reports inline (${(err as Error).message}); run npm install`, { cause: err });
  }
  return readAsset(join(packageRoot(entry, name), file), `${name}'s browser build`, 'run npm install');
}

/** dist/report/ of this package, whether this module runs from dist/report/ or (in tests) from src/report/. */
function builtClientDir(): string {
  return join(packageRoot(fileURLToPath(import.meta.url), 'neurosieve'), 'dist/report');
}

export function readReportAssets(): ReportAssets {
  const built = builtClientDir();
  const fix = 'run npm run build:ts';
  return {
    d3: umd('d3', 'dist/d3.min.js'),
    plot: umd('@observablehq/plot', 'dist/plot.umd.min.js'),
    client: readAsset(join(built, 'client.js'), 'the report client bundle', fix),
    css: readAsset(join(built, 'report.css'), 'the report stylesheet', fix),
  };
}
