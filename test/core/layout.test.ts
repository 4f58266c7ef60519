/**
 * The house rules of src/ (CONTRIBUTING.md), checked on the source text so that a change which breaks them fails
 * here rather than in a reviewer's head:
 * - layers: core/ imports only core/; io/ only core/, io/ and types.ts; gpu/ (device plumbing and one program per
 *   kernel) never an operation folder; nothing below cli/ imports cli/;
 * - no runtime import cycle (type-only imports do not count: they vanish when compiled);
 * - tests mirror src/: every folder of test/ (but helpers/ and fixtures/) names a folder of src/.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const srcDir = join(root, 'src');

interface Edge {
  to: string;
  /** `import type` / `export type`: erased by the compiler. */
  typeOnly: boolean;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Relative imports of one file, as paths relative to src/ ('core/errors.ts'). */
function importsOf(file: string, text: string): Edge[] {
  const edges: Edge[] = [];
  const add = (spec: string, typeOnly: boolean) => {
    if (!spec.startsWith('.')) return; // packages and node: builtins
    edges.push({ to: relative(srcDir, resolve(dirname(file), spec)).replace(/\.js$/, '.ts'), typeOnly });
  };
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^;'"]*?from\s+['"]([^'"]+)['"]/gm)) add(m[3]!, m[2] !== undefined);
  for (const m of text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) add(m[1]!, false);
  for (const m of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) add(m[1]!, false);
  return edges;
}

const files = walk(srcDir).map((f) => relative(srcDir, f));
const graph = new Map(files.map((f) => [f, importsOf(join(srcDir, f), readFileSync(join(srcDir, f), 'utf8'))]));
const folder = (f: string) => (f.includes('/') ? f.slice(0, f.indexOf('/')) : '');

/** Every cycle met by a depth-first search over runtime edges, as 'a.ts -> b.ts -> a.ts'. */
function runtimeCycles(g: Map<string, Edge[]>): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[] = [];
  const visit = (f: string, path: string[]) => {
    state.set(f, 'open');
    for (const e of g.get(f) ?? []) {
      if (e.typeOnly) continue;
      if (state.get(e.to) === 'open') cycles.push([...path.slice(path.indexOf(e.to)), e.to].join(' -> '));
      else if (!state.has(e.to)) visit(e.to, [...path, e.to]);
    }
    state.set(f, 'done');
  };
  for (const f of g.keys()) if (!state.has(f)) visit(f, [f]);
  return cycles;
}

const OPERATIONS = ['correlate', 'cka', 'cluster', 'probe', 'rank', 'extract', 'synth', 'split', 'select', 'analyze', 'report'];
/** Folders (or top-level files, '') each layer may import from, type imports included. */
const ALLOWED: Record<string, (to: string) => boolean> = {
  core: (to) => folder(to) === 'core',
  io: (to) => ['core', 'io'].includes(folder(to)) || to === 'types.ts',
  gpu: (to) => ['core', 'io', 'gpu'].includes(folder(to)) || to === 'types.ts',
  ...Object.fromEntries(OPERATIONS.map((op) => [op, (to: string) => folder(to) !== 'cli' && to !== 'index.ts' && to !== 'cli.ts'])),
};

describe('src/ layout', () => {
  it('reads a realistic import list (the parser this test relies on)', () => {
    const text = [
      "import { a } from '../core/errors.js';",
      "import type { B } from '../types.js';",
      'import {',
      '  c,',
      "} from './device.js';",
      "export { d } from '../io/npy.js';",
      "export type { E } from '../core/native-types.js';",
      "const ort = await import('onnxruntime-node');",
      "const m = await import('./programs/gemm.js');",
      "import { readFileSync } from 'node:fs';",
    ].join('\n');
    expect(importsOf(join(srcDir, 'gpu/x.ts'), text)).toEqual([
      { to: 'core/errors.ts', typeOnly: false },
      { to: 'types.ts', typeOnly: true },
      { to: 'gpu/device.ts', typeOnly: false },
      { to: 'io/npy.ts', typeOnly: false },
      { to: 'core/native-types.ts', typeOnly: true },
      { to: 'gpu/programs/gemm.ts', typeOnly: false },
    ]);
  });

  it('every relative import names a file that exists', () => {
    const missing = [...graph].flatMap(([f, edges]) => edges.filter((e) => !graph.has(e.to)).map((e) => `${f} -> ${e.to}`));
    expect(missing).toEqual([]);
  });

  it('each layer imports only from the layers below it', () => {
    const broken = [...graph].flatMap(([f, edges]) => {
      const rule = ALLOWED[folder(f)];
      return rule ? edges.filter((e) => !rule(e.to)).map((e) => `${f} -> ${e.to}`) : [];
    });
    expect(broken).toEqual([]);
  });

  it('finds a cycle through runtime imports only (the search this test relies on)', () => {
    const g = new Map<string, Edge[]>([
      ['a.ts', [{ to: 'b.ts', typeOnly: false }]],
      ['b.ts', [{ to: 'c.ts', typeOnly: false }, { to: 'd.ts', typeOnly: false }]],
      ['c.ts', [{ to: 'a.ts', typeOnly: false }]],
      ['d.ts', [{ to: 'b.ts', typeOnly: true }]],
    ]);
    expect(runtimeCycles(g)).toEqual(['a.ts -> b.ts -> c.ts -> a.ts']);
  });

  it('has no runtime import cycle', () => {
    expect(runtimeCycles(graph)).toEqual([]);
  });

  it('test/ mirrors src/', () => {
    const testDir = join(root, 'test');
    const strays = readdirSync(testDir)
      // fuzz: libFuzzer targets of the C++ readers (native/src/io), built and run by test/fuzz/run.sh.
      // package: the packed npm package installed and used in an empty project (test/package/run.mjs, in .ci/run).
      .filter((d) => statSync(join(testDir, d)).isDirectory() && !['helpers', 'fixtures', 'fuzz', 'package'].includes(d))
      .filter((d) => !statSync(join(srcDir, d), { throwIfNoEntry: false })?.isDirectory());
    expect(strays).toEqual([]);
    const loose = readdirSync(testDir).filter((f) => f.endsWith('.test.ts'));
    expect(loose).toEqual([]);
  });
});
