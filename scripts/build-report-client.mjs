/**
 * Bundles the report's browser code (src/report/client/main.ts and what it imports) into one IIFE script,
 * dist/report/client.js, and copies its stylesheet to dist/report/report.css. `neurosieve report` inlines both into
 * each page (src/report/write-report.ts). d3 and Observable Plot stay out of the bundle: the page inlines their own
 * UMD builds, which define the globals `d3` and `Plot` this bundle reads.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist/report');
mkdirSync(out, { recursive: true });

await build({
  input: join(root, 'src/report/client/main.ts'),
  external: ['d3', '@observablehq/plot'],
  logLevel: 'warn',
  // The sources import each other as './x.js' (NodeNext style): resolve those to the .ts files.
  resolve: { extensionAlias: { '.js': ['.ts', '.js'] } },
  output: {
    file: join(out, 'client.js'),
    format: 'iife',
    globals: { d3: 'd3', '@observablehq/plot': 'Plot' },
    minify: true,
    sourcemap: false,
  },
});
copyFileSync(join(root, 'src/report/client/report.css'), join(out, 'report.css'));
