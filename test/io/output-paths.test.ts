/**
 * checkOutputs (src/io/output-paths.ts): an output is compared with the inputs by where it lands, whatever the
 * spelling (links, `..`, `./`, absolute or relative), inputs given as directories and globs stand for the files
 * they expand to, and empty, directory and duplicate outputs are usage errors (E_ARGUMENT, exit 2) naming the flag.
 */
import { mkdirSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NeurosieveError } from '../../src/core/errors.js';
import { checkOutputs, type OutputCheck } from '../../src/io/output-paths.js';
import { prng } from '../helpers/formats.js';
import { TEST_SEED } from '../helpers/planted.js';
import { scratchDir } from '../helpers/tmp.js';

console.log(`output-paths.test.ts seed ${TEST_SEED} (set NEUROSIEVE_TEST_SEED to reproduce)`);

const scratch = scratchDir('output-paths');
let n = 0;
/** A fresh folder with a/x.npy, a/y.json, a/sub/ and a link b -> a. */
function tree() {
  const dir = join(scratch.dir, `t${n++}`);
  mkdirSync(join(dir, 'a', 'sub'), { recursive: true });
  scratch.file(join(relative(scratch.dir, dir), 'a', 'x.npy'), 'x');
  scratch.file(join(relative(scratch.dir, dir), 'a', 'y.json'), '[]');
  symlinkSync(join(dir, 'a'), join(dir, 'b'));
  symlinkSync(join(dir, 'a', 'x.npy'), join(dir, 'x-link.npy'));
  return dir;
}

function refusal(check: OutputCheck): string {
  try {
    checkOutputs(check);
  } catch (err) {
    expect(err).toBeInstanceOf(NeurosieveError);
    expect((err as NeurosieveError).code).toBe('E_ARGUMENT');
    return (err as Error).message;
  }
  throw new Error('expected the check to refuse');
}

describe('checkOutputs', () => {
  it('refuses an output that lands on an input: same path, through a link, through dir/..', () => {
    const d = tree();
    const x = join(d, 'a', 'x.npy');
    expect(refusal({ command: 'neurosieve corr', outputs: { '-o': x }, inputs: [x] })).toBe(
      `Expected an output that is not an input for -o of 'neurosieve corr' but received '${x}'`,
    );
    for (const spelled of [join(d, 'x-link.npy'), `${d}/a/sub/../x.npy`, join(d, 'b', 'x.npy'), `${d}/b/sub/../x.npy`]) {
      expect(refusal({ command: 'neurosieve corr', outputs: { '-o': spelled }, inputs: [x] })).toBe(
        `Expected an output that is not an input for -o of 'neurosieve corr' but received '${spelled}' (the same file as input '${x}')`,
      );
      // And the other way round: the input spelled through the link, the output plainly.
      expect(() => checkOutputs({ command: 'c', outputs: { '-o': x }, inputs: [spelled] })).toThrow(/not an input for -o/);
    }
  });

  it('expands directory and glob inputs; an output beside them that is not an input is fine', () => {
    const d = tree();
    const x = join(d, 'a', 'x.npy');
    expect(refusal({ command: 'c', outputs: { '--stats-out': x }, inputs: [join(d, 'a')] })).toMatch(/not an input for --stats-out of 'c'/);
    expect(refusal({ command: 'c', outputs: { '-o': join(d, 'b', 'x.npy') }, inputs: [join(d, 'a', '*.npy')] })).toMatch(/not an input for -o/);
    expect(() => checkOutputs({ command: 'c', outputs: { '-o': join(d, 'a', 'corr.npy') }, inputs: [join(d, 'a')] })).not.toThrow();
    // A missing input is left to the command's reader, which names it in its own words.
    expect(() => checkOutputs({ command: 'c', outputs: { '-o': join(d, 'out.npy') }, inputs: [join(d, 'missing.npy'), undefined] })).not.toThrow();
  });

  it("refuses '', a directory, a trailing slash and two outputs landing on one file", () => {
    const d = tree();
    expect(refusal({ command: 'neurosieve rank', outputs: { '-o': '' }, inputs: [] })).toBe("Expected a file path for -o of 'neurosieve rank' but received ''");
    expect(refusal({ command: 'neurosieve rank', outputs: { '-o': join(d, 'b') }, inputs: [] })).toBe(
      `Expected a file path for -o of 'neurosieve rank' but received '${join(d, 'b')}', which is a directory`,
    );
    expect(refusal({ command: 'c', outputs: { '-o': `${d}/new/` }, inputs: [] })).toMatch(/which is a directory$/);
    // A parent that does not exist (or is a file) is refused before any work, not at the final write.
    expect(refusal({ command: 'neurosieve analyze', outputs: { '-o': join(d, 'missing', 'r.json') }, inputs: [] })).toBe(
      `Expected an output in an existing directory for -o of 'neurosieve analyze' but received '${join(d, 'missing', 'r.json')}': '${join(d, 'missing')}' is not a directory`,
    );
    expect(refusal({ command: 'c', outputs: { '-o': join(d, 'a', 'x.npy', 'r.json') }, inputs: [] })).toMatch(/is not a directory$/);
    const o = join(d, 'c.npy');
    expect(refusal({ command: 'neurosieve corr', outputs: { '-o': o, '--stats-out': `${d}/a/../c.npy` }, inputs: [] })).toBe(
      `Expected different files for -o and --stats-out of 'neurosieve corr' but received '${d}/a/../c.npy' for both`,
    );
    expect(refusal({ command: 'neurosieve corr', outputs: { '-o': o, '-o|.json summary': `${o}.json`, '--stats-out': `${o}.json` }, inputs: [] })).toBe(
      `Expected different files for -o and --stats-out of 'neurosieve corr' but received '${o}', whose .json summary is '${o}.json' and '${o}.json'`,
    );
  });

  it('names a sidecar output with the path it was derived from', () => {
    const d = tree();
    const y = join(d, 'a', 'y.json');
    expect(refusal({ command: 'neurosieve probe', outputs: { '-o': join(d, 'p'), '-o|weights file': y }, inputs: [y] })).toBe(
      `Expected an output that is not an input for -o of 'neurosieve probe' but received '${join(d, 'p')}', whose weights file is '${y}', an input`,
    );
  });

  it('refuses an output directory that holds an input (it may be replaced as a whole), or is one', () => {
    const d = tree();
    expect(refusal({ command: 'neurosieve split', directories: { '-o': join(d, 'b') }, inputs: [join(d, 'a', 'y.json')] })).toBe(
      `Expected an output directory that holds no input for -o of 'neurosieve split' but received '${join(d, 'b')}', which holds input '${join(d, 'a', 'y.json')}'`,
    );
    expect(refusal({ command: 'c', directories: { '-o': join(d, 'a', 'y.json') }, inputs: [join(d, 'a', 'y.json')] })).toMatch(/holds no input/);
    expect(refusal({ command: 'c', directories: { '-o': '' }, inputs: [] })).toBe("Expected a directory path for -o of 'c' but received ''");
    // A sibling whose name starts with the directory's is not inside it.
    mkdirSync(join(d, 'a2'));
    expect(() => checkOutputs({ command: 'c', directories: { '-o': join(d, 'a2'), '--other': join(d, 'a', 'sub') }, inputs: [join(d, 'a', 'x.npy')] })).not.toThrow();
  });

  it('randomized spellings: every spelling of an input is refused, every other name accepted', () => {
    const rand = prng(TEST_SEED);
    const d = tree();
    const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;
    // Directories that all resolve to a/: the folder, the link, and detours through sub/.. and ./
    const spellDir = (): string => {
      let p = join(d, pick(['a', 'b']));
      for (let k = Math.floor(rand() * 3); k > 0; k--) p += pick(['/sub/..', '/.', '/sub/./..']);
      return p;
    };
    for (let i = 0; i < 50; i++) {
      const name = pick(['x.npy', 'y.json']);
      const input = rand() < 0.5 ? `${spellDir()}/${name}` : name === 'x.npy' && rand() < 0.5 ? join(d, 'x-link.npy') : join(d, 'a', name);
      const out = `${spellDir()}/${name}`;
      const rel = rand() < 0.5 ? relative(process.cwd(), out) : out;
      expect(() => checkOutputs({ command: 'c', outputs: { '-o': rel }, inputs: [input] }), `${rel} vs ${input}`).toThrow(/not an input for -o/);
      const other = `${spellDir()}/${name}.${Math.floor(rand() * 1000)}.out`;
      expect(() => checkOutputs({ command: 'c', outputs: { '-o': other }, inputs: [input] }), `${other} vs ${input}`).not.toThrow();
    }
  });
});
