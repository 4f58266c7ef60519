/**
 * vitest global setup: compile src/ to dist/ so CLI tests run the same JavaScript users run, and bundle the report's
 * browser code (dist/report/client.js), which every report inlines.
 */
import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  execFileSync(process.execPath, [resolve(root, 'node_modules/typescript/bin/tsc'), '-p', resolve(root, 'tsconfig.json')], {
    cwd: root,
    stdio: 'inherit',
  });
  execFileSync(process.execPath, [resolve(root, 'scripts/build-report-client.mjs')], { cwd: root, stdio: 'inherit' });
}
