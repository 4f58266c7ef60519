/** `neurosieve synth`: write a synthetic dataset with planted redundancy and its truth file (src/synth/synth.ts). */
import { statSync } from 'node:fs';
import { NeurosieveError } from '../core/errors.js';
import { resolveSynthOptions, writeSynth, type SynthOptions } from '../synth/synth.js';
import type { Command } from './command.js';
import { checkOutputs } from '../io/output-paths.js';
import { progressBar } from './progress.js';
import { synthSpec as spec } from './specs/synth.js';

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
    const out = opt.out as string;
    // synth reads nothing; the check still refuses '' and a directory, and a truth file named like the data.
    const concepts = opt.concepts as number | undefined;
    checkOutputs({
      command: 'neurosieve synth',
      outputs: {
        '-o': out,
        '-o|truth file': out.trim() === '' ? undefined : `${out}.truth.json`,
        '-o|labels file': out.trim() === '' || !concepts ? undefined : `${out}.labels.npy`,
      },
      inputs: [],
    });
    const gradedR = parseRange(opt['graded-r'] as string | undefined, '--graded-r', 'a number');
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
      families: opt.families as number | undefined,
      familyWeight: opt['family-weight'] as number | undefined,
      graded: opt.graded as number | undefined,
      gradedSize: opt['graded-size'] as number | undefined,
      gradedR: typeof gradedR === 'number' ? [gradedR, gradedR] : gradedR,
      spanning: opt.spanning as number | undefined,
      nearConstant: opt['near-constant'] as number | undefined,
      nearConstantStd: opt['near-constant-std'] as number | undefined,
      concepts,
      conceptNeurons: opt['concept-neurons'] as number | undefined,
      conceptShift: opt['concept-shift'] as number | undefined,
      layerBlocks: opt['layer-blocks'] as number | undefined,
      tailDof: opt['tail-dof'] as number | undefined,
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
    if (truth.version === 2) {
      const kinds = (k: string) => truth.groups.filter((g) => g.kind === k).length;
      ctx.log(
        `  richer truth: ${kinds('graded')} graded, ${kinds('spanning')} spanning groups, ${truth.families?.length ?? 0} families, ` +
          `${truth.nearConstant?.length ?? 0} near-constant, ${truth.concepts?.neurons.length ?? 0} concept neurons` +
          `${truth.layerBlocks ? `, layer blocks r = ${truth.layerBlocks.withinLayerR}` : ''}${truth.noiseDistribution ? `, Student-t(${truth.noiseDistribution.dof}) noise` : ''}`,
      );
    }
    ctx.log(`  truth: ${result.truthPath}`);
    if (result.labelsPath) ctx.log(`  labels: ${result.labelsPath}`);
    return {
      path: result.path,
      truthPath: result.truthPath,
      ...(result.labelsPath ? { labelsPath: result.labelsPath } : {}),
      truthVersion: truth.version,
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
