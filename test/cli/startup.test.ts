/**
 * Heavy modules load only in the commands that use them: `neurosieve --help` and `import 'neurosieve'` must not
 * load onnxruntime-node, @huggingface/tokenizers or Dawn (webgpu), nor the native addon. Each case runs the
 * compiled dist/ in a child process whose module loads are recorded (helpers/record-loads.mjs); a control case that
 * does load them checks the recorder sees them.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root, tempDir } from '../helpers/cli.js';

const HEAVY = {
  'onnxruntime-node': /\/node_modules\/onnxruntime-node\//,
  '@huggingface/tokenizers': /\/node_modules\/@huggingface\/tokenizers\//,
  webgpu: /\/node_modules\/webgpu\//,
  'native addon': /\.node$/,
};

/** Runs node with `args` (in the repository) and returns which HEAVY modules it loaded. */
function heavyLoads(args: string[]): string[] {
  const log = join(tempDir('loads'), 'loads.txt');
  const r = spawnSync(process.execPath, ['--import', join(root, 'test/helpers/record-loads.mjs'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NEUROSIEVE_LOAD_LOG: log },
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const lines = readFileSync(log, 'utf8').split('\n');
  // Something must have been recorded, or an empty log would pass every check.
  expect(lines.some((l) => l.includes('/dist/'))).toBe(true);
  return Object.entries(HEAVY)
    .filter(([, re]) => lines.some((l) => re.test(l)))
    .map(([name]) => name);
}

describe('startup', () => {
  it('neurosieve --help loads no heavy module', () => {
    expect(heavyLoads(['dist/cli.js', '--help'])).toEqual([]);
  });

  it('neurosieve extract --help loads no heavy module', () => {
    expect(heavyLoads(['dist/cli.js', 'extract', '--help'])).toEqual([]);
  });

  it("import 'neurosieve' (dist/index.js) loads no heavy module", () => {
    expect(heavyLoads(['--input-type=module', '-e', "await import('./dist/index.js')"])).toEqual([]);
  });

  it('the recorder sees each heavy module when it is loaded (control)', () => {
    const script = [
      "await import('onnxruntime-node');",
      "await import('webgpu');",
      "const { SubwordTokenizer } = await import('./dist/extract/tokenizer.js');",
      "const { readFileSync } = await import('node:fs');",
      "new SubwordTokenizer(JSON.parse(readFileSync('models/tiny-code-mlm/tokenizer.json', 'utf8')), 'tokenizer.json', 1);",
    ].join('\n');
    expect(heavyLoads(['--input-type=module', '-e', script])).toEqual(Object.keys(HEAVY));
  });
});
