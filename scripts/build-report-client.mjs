/**
 * Bundles the report's browser code (src/report/client/main.ts and what it imports) into one IIFE script,
 * dist/report/client.js, and copies its stylesheet to dist/report/report.css. `neurosieve report` inlines both into
 * each page (src/report/write-report.ts). d3 and Observable Plot stay out of the bundle: the page inlines their own
 * UMD builds, which define the globals `d3` and `Plot` this bundle reads. Those two files are copied here too, with
 * their licences (ISC: the notice travels with the copy), so that the published package needs neither d3 nor
 * Plot installed (they are devDependencies: ~35 packages a library user would otherwise install for one command).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
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

/** The folder holding a package's package.json, found upwards from its entry (the packages export no subpaths). */
function packageRoot(name) {
  const entry = createRequire(join(root, 'package.json')).resolve(name);
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === name) return dir;
  }
  throw new Error(`cannot find the package folder of ${name} above ${entry}`);
}
for (const [name, file, as, licence] of [
  ['d3', 'dist/d3.min.js', 'd3.min.js', 'd3.LICENSE'],
  ['@observablehq/plot', 'dist/plot.umd.min.js', 'plot.umd.min.js', 'plot.LICENSE'],
]) {
  const dir = packageRoot(name);
  copyFileSync(join(dir, file), join(out, as));
  copyFileSync(join(dir, 'LICENSE'), join(out, licence));
}
