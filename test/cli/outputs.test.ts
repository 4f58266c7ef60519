/**
 * Every writing command as a user runs it with an output that names an input (plainly, through a symlink, through
 * dir/../file, a hard link): exit 2 before any work, a message naming the flag, every file byte-identical afterwards. Also
 * `-o ''` and `-o <directory>`, two outputs on one file, and the messages of width mismatches and of a file that
 * is not a probe (which name the files involved).
 */
import { createHash } from 'node:crypto';
import { copyFileSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeProbe } from '../../src/probe/probe-file.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { npyBytes, prng, safetensorsBytes } from '../helpers/formats.js';
import { TEST_SEED } from '../helpers/planted.js';

console.log(`cli-outputs.test.ts seed ${TEST_SEED} (set NEUROSIEVE_TEST_SEED to reproduce)`);

const T = 40;
const D = 6;
let template: string;

/** Every file below dir (links followed) by relative path → sha256, so "nothing changed" is one comparison. */
function snapshot(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      // A link to a directory (one points back up) is listed, not followed.
      if (lstatSync(p).isSymbolicLink()) out[`${prefix}${name}`] = 'dir-link';
      else Object.assign(out, snapshot(p, `${prefix}${name}/`));
    } else out[`${prefix}${name}`] = createHash('sha256').update(readFileSync(p)).digest('hex');
  }
  return out;
}

/**
 * A fresh copy of the inputs every command reads: acts.npy (T × 6), acts.safetensors, acts5.npy (5 wide),
 * labels.json, probe.json + probe.safetensors, corr.npy, run.stats, run2.stats, run5.stats, stats.json (a copy of
 * run.stats), src.py, model/, sub/.
 */
function fixture(): string {
  const d = tempDir('outputs');
  for (const name of readdirSync(template)) {
    if (!statSync(join(template, name)).isDirectory()) copyFileSync(join(template, name), join(d, name));
  }
  mkdirSync(join(d, 'sub'));
  mkdirSync(join(d, 'model'));
  writeFileSync(join(d, 'model', 'model.onnx'), 'not a model: the check comes before the model is opened');
  return d;
}

beforeAll(() => {
  template = tempDir('outputs-template');
  const rand = prng(TEST_SEED);
  const x = Float32Array.from({ length: T * D }, () => rand() * 2 - 1);
  writeFileSync(join(template, 'acts.npy'), npyBytes(x, [T, D], 'float32'));
  writeFileSync(join(template, 'acts.safetensors'), safetensorsBytes([{ name: 'activations', shape: [T, D], values: x, dtype: 'float32' }]));
  writeFileSync(join(template, 'acts5.npy'), npyBytes(x.subarray(0, T * 5), [T, 5], 'float32'));
  writeFileSync(join(template, 'labels.json'), JSON.stringify(Array.from({ length: T }, (_, i) => (i % 3 === 0 ? 'a' : 'b'))));
  writeFileSync(join(template, 'src.py'), 'x = 1\n');
  writeProbe(join(template, 'probe.json'), {
    classes: ['a', 'b'],
    neurons: D,
    mode: 'exact',
    options: {},
    weight: Float32Array.from({ length: 2 * D }, () => rand() - 0.5),
    bias: new Float32Array(2),
  });
  for (const [acts, stats] of [['acts.npy', 'run.stats'], ['acts.npy', 'run2.stats'], ['acts5.npy', 'run5.stats']] as const) {
    const r = runCli(['corr', join(template, acts), '-o', join(template, 'corr.npy'), '--stats-out', join(template, stats), '--quiet']);
    expect(r.stderr).toBe('');
  }
  // A stats file named like a summary, so corr's <output>.json can land on an input.
  copyFileSync(join(template, 'run.stats'), join(template, 'stats.json'));
});

/** A command whose output (at `flag`) is the given input; `args(d, out)` builds its argv for fixture d. */
interface Case {
  name: string;
  flag: string;
  input: string;
  args: (d: string, out: string) => string[];
}

const cases: Case[] = [
  { name: 'corr -o', flag: '-o', input: 'acts.npy', args: (d, o) => ['corr', join(d, 'acts.npy'), '-o', o] },
  { name: 'corr --stats-out', flag: '--stats-out', input: 'acts.npy', args: (d, o) => ['corr', join(d, 'acts.npy'), '-o', join(d, 'c.npy'), '--stats-out', o] },
  { name: 'corr --from-stats -o', flag: '-o', input: 'run.stats', args: (d, o) => ['corr', '--from-stats', join(d, 'run.stats'), '-o', o] },
  { name: 'corr -o whose .json summary is an input', flag: '-o', input: 'stats.json', args: (d, o) => ['corr', '--from-stats', join(d, 'stats.json'), '-o', o.replace(/\.json$/, '')] },
  { name: 'stats merge', flag: '-o', input: 'run2.stats', args: (d, o) => ['stats', 'merge', join(d, 'run.stats'), join(d, 'run2.stats'), '-o', o] },
  { name: 'cluster -o', flag: '-o', input: 'corr.npy', args: (d, o) => ['cluster', join(d, 'corr.npy'), '--threshold', '0.3', '-o', o] },
  { name: 'cluster --linkage-out', flag: '--linkage-out', input: 'corr.npy', args: (d, o) => ['cluster', join(d, 'corr.npy'), '--threshold', '0.3', '-o', join(d, 'c.json'), '--linkage-out', o] },
  { name: 'probe -o = --labels', flag: '-o', input: 'labels.json', args: (d, o) => ['probe', join(d, 'acts.npy'), '--labels', join(d, 'labels.json'), '-o', o] },
  { name: 'probe -o whose weights file is the activations', flag: '-o', input: 'acts.safetensors', args: (d, o) => ['probe', join(d, 'acts.safetensors'), '--labels', join(d, 'labels.json'), '-o', o.replace(/\.safetensors$/, '.json')] },
  { name: 'probe -o = --init', flag: '-o', input: 'probe.json', args: (d, o) => ['probe', join(d, 'acts.npy'), '--labels', join(d, 'labels.json'), '--init', join(d, 'probe.json'), '-o', o] },
  { name: "probe -o = --init's weights", flag: '-o', input: 'probe.safetensors', args: (d, o) => ['probe', join(d, 'acts.npy'), '--labels', join(d, 'labels.json'), '--init', join(d, 'probe.json'), '-o', o] },
  { name: 'evaluate -o = the probe', flag: '-o', input: 'probe.json', args: (d, o) => ['evaluate', join(d, 'probe.json'), join(d, 'acts.npy'), '--labels', join(d, 'labels.json'), '-o', o] },
  { name: 'evaluate -o = --labels', flag: '-o', input: 'labels.json', args: (d, o) => ['evaluate', join(d, 'probe.json'), join(d, 'acts.npy'), '--labels', join(d, 'labels.json'), '-o', o] },
  { name: "rank -o = the probe's weights", flag: '-o', input: 'probe.safetensors', args: (d, o) => ['rank', join(d, 'probe.json'), '--method', 'weights', '-o', o] },
  { name: 'rank -o = --activations', flag: '-o', input: 'acts.npy', args: (d, o) => ['rank', '--method', 'probeless', '--activations', join(d, 'acts.npy'), '--labels', join(d, 'labels.json'), '-o', o] },
  { name: 'ablate -o', flag: '-o', input: 'labels.json', args: (d, o) => ['ablate', join(d, 'probe.json'), join(d, 'acts.npy'), '--labels', join(d, 'labels.json'), '--remove', '1', '-o', o] },
  { name: 'analyze -o', flag: '-o', input: 'labels.json', args: (d, o) => ['analyze', join(d, 'acts.npy'), '--labels', join(d, 'labels.json'), '-o', o] },
];

/** The same file as d/input, spelled four ways. */
const spellings: [string, (d: string, input: string) => string][] = [
  ['the same path', (d, input) => join(d, input)],
  ['a symlink to it', (d, input) => {
    const link = join(d, `link-${input}`);
    symlinkSync(join(d, input), link);
    return link;
  }],
  ['dir/../file', (d, input) => `${d}/sub/../${input}`],
  ['a hard link to it', (d, input) => {
    const link = join(d, `hard-${input}`);
    linkSync(join(d, input), link);
    return link;
  }],
];

function expectRefused(argv: string[], d: string, message: RegExp | string) {
  const before = snapshot(d);
  const r = runCli(argv);
  expect(r.stderr).toMatch(message);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  expect(snapshot(d)).toEqual(before);
}

describe('an output that names an input is refused before any work', () => {
  for (const c of cases) {
    for (const [how, spell] of spellings) {
      it(`${c.name}: ${how}`, () => {
        const d = fixture();
        const out = spell(d, c.input);
        const argv = c.args(d, out);
        const command = argv[0] === 'stats' ? 'stats merge' : argv[0];
        expectRefused(argv, d, `error E_ARGUMENT: Expected an output that is not an input for ${c.flag} of 'neurosieve ${command}' but received`);
      });
    }
  }

  it('split and extract: an output directory holding an input, or an input directory, is refused', () => {
    const d = fixture();
    const link = join(d, 'sub', 'up');
    symlinkSync(d, link);
    for (const out of [d, link, `${d}/sub/..`]) {
      expectRefused(['split', join(d, 'acts.npy'), '--labels', join(d, 'labels.json'), '-o', out, '--overwrite'], d, `Expected an output directory that holds no input for -o of 'neurosieve split' but received '${out}', which holds input`);
      expectRefused(['extract', '-m', join(d, 'model'), '-s', join(d, 'src.py'), '-o', out, '--overwrite'], d, `Expected an output directory that holds no input for -o of 'neurosieve extract' but received '${out}'`);
    }
    expectRefused(['extract', '-m', join(d, 'model'), '-s', join(d, 'src.py'), '-o', join(d, 'model')], d, /holds no input for -o of 'neurosieve extract'.*model/);
  });

  it('corr: -o and --stats-out naming one file, or --stats-out naming the .json summary', () => {
    const d = fixture();
    expectRefused(['corr', join(d, 'acts.npy'), '-o', join(d, 'c.npy'), '--stats-out', `${d}/sub/../c.npy`], d, `Expected different files for -o and --stats-out of 'neurosieve corr' but received '${d}/sub/../c.npy' for both`);
    expectRefused(['corr', join(d, 'acts.npy'), '-o', join(d, 'c.npy'), '--stats-out', join(d, 'c.npy.json')], d, `but received '${join(d, 'c.npy')}', whose .json summary is '${join(d, 'c.npy.json')}' and '${join(d, 'c.npy.json')}'`);
  });

  it('an output inside an input directory that is not itself an input is fine', () => {
    const d = fixture();
    const r = runCli(['corr', d, '--columns', '0-4', '-o', join(d, 'out.npy'), '--quiet']);
    // The directory holds acts.npy (6 wide), acts5.npy and corr.npy: a width error, not an output refusal.
    expect(r.stderr).not.toMatch(/not an input/);
    const ok = runCli(['corr', join(d, 'acts.npy'), '-o', join(d, 'sub', 'out.npy'), '--quiet']);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
  });
});

describe("-o '' and -o <directory>", () => {
  // One argv per writing command with a file output; OUT is replaced.
  const argvs: [string, string[]][] = [
    ['corr', ['corr', '{d}/acts.npy', '-o', 'OUT']],
    ['corr', ['corr', '{d}/acts.npy', '-o', '{d}/c.npy', '--stats-out', 'OUT']],
    ['stats merge', ['stats', 'merge', '{d}/run.stats', '{d}/run2.stats', '-o', 'OUT']],
    ['cluster', ['cluster', '{d}/corr.npy', '--threshold', '0.3', '-o', 'OUT']],
    ['probe', ['probe', '{d}/acts.npy', '--labels', '{d}/labels.json', '-o', 'OUT']],
    ['evaluate', ['evaluate', '{d}/probe.json', '{d}/acts.npy', '--labels', '{d}/labels.json', '-o', 'OUT']],
    ['rank', ['rank', '{d}/probe.json', '--method', 'weights', '-o', 'OUT']],
    ['ablate', ['ablate', '{d}/probe.json', '{d}/acts.npy', '--labels', '{d}/labels.json', '--remove', '1', '-o', 'OUT']],
    ['synth', ['synth', '--tokens', '10', '--neurons', '4', '-o', 'OUT']],
    ['analyze', ['analyze', '{d}/acts.npy', '--labels', '{d}/labels.json', '-o', 'OUT']],
  ];
  for (const [command, argv] of argvs) {
    const flag = argv[argv.indexOf('OUT') - 1]!;
    it(`${argv.slice(0, 2).join(' ')} ${flag}`, () => {
      const d = fixture();
      const fill = (out: string) => argv.map((a) => (a === 'OUT' ? out : a.replace('{d}', d)));
      expectRefused(fill(''), d, `error E_ARGUMENT: Expected a file path for ${flag} of 'neurosieve ${command}' but received ''`);
      expectRefused(fill(join(d, 'sub')), d, `error E_ARGUMENT: Expected a file path for ${flag} of 'neurosieve ${command}' but received '${join(d, 'sub')}', which is a directory`);
    });
  }
  it("split and extract -o ''", () => {
    const d = fixture();
    expectRefused(['split', join(d, 'acts.npy'), '--labels', join(d, 'labels.json'), '-o', ''], d, "Expected a directory path for -o of 'neurosieve split' but received ''");
    expectRefused(['extract', '-m', join(d, 'model'), '-s', join(d, 'src.py'), '-o', ''], d, "Expected a directory path for -o of 'neurosieve extract' but received ''");
  });
});

describe('messages name the files involved', () => {
  function expectFailure(argv: string[], d: string, message: string) {
    const before = snapshot(d);
    const r = runCli(argv);
    expect(r.stderr.trim()).toBe(message);
    expect(r.code).toBe(1);
    expect(snapshot(d)).toEqual(before);
  }

  it('evaluate, ablate and rank: activations of another width than the probe', () => {
    const d = fixture();
    const [probe, acts5, labels] = [join(d, 'probe.json'), join(d, 'acts5.npy'), join(d, 'labels.json')];
    const what = `${acts5}: has 5 neurons per row, but probe ${probe} was trained on 6`;
    expectFailure(['evaluate', probe, acts5, '--labels', labels], d, `neurosieve evaluate: error E_SHAPE: ${what}`);
    expectFailure(['ablate', probe, acts5, '--labels', labels, '--remove', '1', '-o', join(d, 'a.json')], d, `neurosieve ablate: error E_SHAPE: ${what}`);
    expectFailure(['rank', probe, '--method', 'probeless', '--activations', acts5, '--labels', labels, '-o', join(d, 'r.json')], d, `neurosieve rank: error E_SHAPE: ${what}`);
  });

  it('stats merge: files of different widths', () => {
    const d = fixture();
    expectFailure(['stats', 'merge', join(d, 'run.stats'), join(d, 'run5.stats'), '-o', join(d, 'm.stats')], d,
      `neurosieve stats merge: error E_WIDTH: ${join(d, 'run5.stats')}: has 5 neurons, but ${join(d, 'run.stats')} has 6; stats files merge only at the same width`);
  });

  it('a .npy given where a probe is expected: "not a probe file", no raw bytes', () => {
    const d = fixture();
    const acts = join(d, 'acts.npy');
    expectFailure(['evaluate', acts, acts, '--labels', join(d, 'labels.json')], d, `neurosieve evaluate: error E_FORMAT: ${acts}: not a probe file (it is a .npy array, not JSON)`);
    expectFailure(['rank', acts, '--method', 'weights', '-o', join(d, 'r.json')], d, `neurosieve rank: error E_FORMAT: ${acts}: not a probe file (it is a .npy array, not JSON)`);
  });

  it("a probe whose weights path leaves the probe's directory is refused before it is opened", () => {
    const d = fixture();
    const probe = join(d, 'probe.json');
    const evil = join(d, 'sub', 'evil.json');
    for (const weights of [probe.replace(/json$/, 'safetensors'), '../probe.safetensors']) {
      writeFileSync(evil, JSON.stringify({ ...JSON.parse(readFileSync(probe, 'utf8')), weights }));
      expectFailure(['evaluate', evil, join(d, 'acts.npy'), '--labels', join(d, 'labels.json')], d,
        `neurosieve evaluate: error E_FORMAT: ${evil}: not a probe file ("weights" must be a file name beside the probe file, but is ${JSON.stringify(weights)})`);
    }
  });
});
