/** `neurosieve synth`: write a synthetic dataset with planted redundancy and its truth file (src/synth/synth.ts). */
import { statSync } from 'node:fs';
import { NeurosieveError } from '../core/errors.js';
import { resolveSynthOptions, SYNTH_DEFAULTS, SYNTH_DTYPES, writeSynth, type SynthOptions } from '../synth/synth.js';
import type { CommandSpec } from './args.js';
import type { Command } from './command.js';
import { choice, shown, threadsOption } from './options.js';
import { progressBar } from './progress.js';

const d = SYNTH_DEFAULTS;

const spec: CommandSpec = {
  name: 'synth',
  summary: 'write synthetic activations with planted groups of redundant neurons, and <out>.truth.json',
  usage: 'neurosieve synth -o data.npy --tokens T --neurons D [--groups G] [--seed S] [options]',
  options: [
    { name: 'out', short: 'o', kind: 'string', value: 'file.npy', required: true, help: 'output .npy; the truth goes to <out>.truth.json' },
    { name: 'tokens', kind: 'int', value: 'T', required: true, help: 'rows (tokens)' },
    { name: 'neurons', kind: 'int', value: 'D', required: true, help: 'neurons (columns)' },
    { name: 'layers', kind: 'int', value: 'L', default: d.layers, help: 'write [L, T, D/L] (L must divide D), as per-layer dumps are stored' },
    { name: 'groups', kind: 'int', value: 'G', help: 'groups of redundant neurons (default: a quarter of the neurons in groups)' },
    { name: 'group-size', kind: 'string', value: 'N|MIN:MAX', help: `neurons per group, base included (default ${d.groupSize})` },
    { name: 'noise', kind: 'string', value: 'S|MIN:MAX', help: `noise level of each copy: |r| with its base = 1/sqrt(1+S^2) (default ${d.noise.join(':')})` },
    { name: 'constant', kind: 'int', value: 'N', help: 'constant (zero-variance) neurons (default ceil(D/100) when D >= 16)' },
    { name: 'large-mean', kind: 'int', value: 'N', help: 'neurons with mean ~1e4 and unit variance (default ceil(D/100) when D >= 16)' },
    { name: 'large-mean-value', kind: 'number', value: 'M', help: `mean of the large-mean neurons, each within ±10% (default ${shown(d.largeMeanValue)})` },
    { name: 'offset', kind: 'number', value: 'X', help: `added to every neuron (default ${d.offset})` },
    choice('dtype', SYNTH_DTYPES, d.dtype, 'element type on disk'),
    { name: 'seed', kind: 'int', value: 'S', default: d.seed, help: 'random seed: same seed and options, same bytes' },
    threadsOption('worker threads, 0 = all (never changes the output)'),
  ],
};

/** API option key → the flag users typed, for error messages: 'groupSize' → '--group-size'. */
const flagOf = (key: string): string => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** "4" → 4, "2:8" → [2, 8]. */
function parseRange(raw: string | undefined, flag: string, what: string): number | [number, number] | undefined {
  if (raw === undefined) return undefined;
  const parts = raw.split(':');
  const nums = parts.map((p) => (p.trim() === '' ? NaN : Number(p)));
  if (parts.length > 2 || nums.some((n) => !Number.isFinite(n))) {
    throw new NeurosieveError('E_ARGUMENT', `Expected ${what} or MIN:MAX for ${flag} of 'neurosieve synth' but received '${raw}'`);
  }
  return nums.length === 2 ? [nums[0]!, nums[1]!] : nums[0]!;
}

function bytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(2)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  return `${(n / 1024).toFixed(1)} KiB`;
}

export const synthCommand: Command = {
  spec,
  async run(ctx) {
    const opt = ctx.options;
    const options: SynthOptions = {
      out: opt.out as string,
      tokens: opt.tokens as number,
      neurons: opt.neurons as number,
      layers: opt.layers as number,
      groups: opt.groups as number | undefined,
      groupSize: parseRange(opt['group-size'] as string | undefined, '--group-size', 'an integer'),
      noise: parseRange(opt.noise as string | undefined, '--noise', 'a number'),
      constant: opt.constant as number | undefined,
      largeMean: opt['large-mean'] as number | undefined,
      largeMeanValue: opt['large-mean-value'] as number | undefined,
      offset: opt.offset as number | undefined,
      dtype: opt.dtype as SynthOptions['dtype'],
      seed: opt.seed as number,
      threads: opt.threads as number,
    };
    // Validated once, with the flags' names, so messages say --group-size rather than groupSize.
    const resolved = resolveSynthOptions(options, flagOf);

    const bar = progressBar('synth', 'rows', ctx.interactive);
    const start = performance.now();
    let result;
    try {
      result = await writeSynth(resolved, { signal: ctx.signal, onProgress: (p) => bar.update(p.rows, p.totalRows) });
    } finally {
      bar.done();
    }
    const seconds = (performance.now() - start) / 1000;
    const { truth } = result;
    const size = statSync(result.path).size;
    const grouped = truth.groups.reduce((n, g) => n + g.members.length, 0);
    ctx.log(
      `wrote ${result.path}: ${truth.shape.join(' × ')} ${truth.dtype} (${bytes(size)}) in ${seconds.toFixed(2)} s, ` +
        `${((truth.tokens * truth.neurons) / seconds / 1e6).toFixed(0)} M values/s`,
    );
    ctx.log(
      `  ${truth.groups.length} groups (${grouped} neurons), ${truth.independent.length} independent, ` +
        `${truth.constant.length} constant, ${truth.largeMean.length} large-mean; seed ${truth.seed}`,
    );
    ctx.log(`  truth: ${result.truthPath}`);
    return {
      path: result.path,
      truthPath: result.truthPath,
      shape: truth.shape,
      dtype: truth.dtype,
      tokens: truth.tokens,
      neurons: truth.neurons,
      layers: truth.layers,
      seed: truth.seed,
      groups: truth.groups.length,
      groupedNeurons: grouped,
      independent: truth.independent.length,
      constant: truth.constant.length,
      largeMean: truth.largeMean.length,
      bytes: size,
      seconds,
    };
  },
};
