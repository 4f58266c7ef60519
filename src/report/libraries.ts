/**
 * The files a report page inlines besides the results: d3 and Observable Plot as their UMD builds, and the report's
 * own browser bundle and stylesheet, all in dist/report/ (scripts/build-report-client.mjs builds the bundle and
 * copies the two libraries there, so the published package does not depend on d3 or Plot). Read only when a report
 * is written, so that importing neurosieve reads none of these ~0.6 MB.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NeurosieveError } from '../core/errors.js';

export interface ReportAssets {
  d3: string;
  plot: string;
  client: string;
  css: string;
}

/** The folder holding a package's package.json, found upwards from a file of it. */
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

/** dist/report/ of this package, whether this module runs from dist/report/ or (in tests) from src/report/. */
function builtClientDir(): string {
  return join(packageRoot(fileURLToPath(import.meta.url), 'neurosieve'), 'dist/report');
}

export function readReportAssets(): ReportAssets {
  const built = builtClientDir();
  const fix = 'run npm run build:ts';
  return {
    d3: readAsset(join(built, 'd3.min.js'), "d3's browser build", fix),
    plot: readAsset(join(built, 'plot.umd.min.js'), "Observable Plot's browser build", fix),
    client: readAsset(join(built, 'client.js'), 'the report client bundle', fix),
    css: readAsset(join(built, 'report.css'), 'the report stylesheet', fix),
  };
}
