/**
 * Synthetic settings of the redundancy benchmark: named synth options, some scaled to the size (counts of graded
 * or spanning groups grow with the neurons). Every preset keeps synth's default plain groups (a quarter of the
 * neurons in groups of 4, noise 0.05 … 0.5) and adds one kind of difficulty, except 'all'.
 */
import type { SynthOptions } from '../synth/synth.js';

export interface BenchSize {
  tokens: number;
  neurons: number;
}

/** Synth options of a setting (out, tokens, neurons, seed and threads are the benchmark's). */
export type SettingOptions = Omit<SynthOptions, 'out' | 'tokens' | 'neurons' | 'seed' | 'threads' | 'onProgress' | 'signal'>;

export interface BenchSetting {
  name: string;
  /** What it plants, one line (tables and documents). */
  description?: string;
  options: SettingOptions | ((size: BenchSize) => SettingOptions);
}

const share = (n: number, per: number) => Math.max(1, Math.floor(n / per));

export const BENCH_SETTINGS: readonly BenchSetting[] = [
  { name: 'plain', description: 'groups of 4, noise 0.05-0.5 (pairwise |r| >= 0.8)', options: {} },
  { name: 'noisy', description: 'groups of 4, noise 0.5-1.5 (|r| with the base 0.55-0.89)', options: { noise: [0.5, 1.5] } },
  { name: 'graded', description: 'plus graded groups: |r| with the base 0.99 down to 0.3', options: ({ neurons }) => ({ groups: share(neurons, 32), graded: share(neurons, 32) }) },
  { name: 'nested', description: 'groups nested in families of 4 (w = 0.5)', options: ({ neurons }) => ({ groups: 4 * share(neurons, 64), families: share(neurons, 64) }) },
  { name: 'layered', description: '4 layers, spanning groups, layer blocks r = 0.1', options: ({ neurons }) => ({ layers: 4, groups: share(neurons, 32), spanning: share(neurons, 64), layerBlocks: 0.1 }) },
  { name: 'heavy-tail', description: 'Student-t(4) noise', options: { tailDof: 4 } },
  { name: 'concepts', description: '4 planted classes, 2 concept neurons each', options: { concepts: 4, conceptNeurons: 2 } },
  {
    name: 'all',
    description: 'every kind at once',
    options: ({ neurons }) => ({
      layers: 4,
      groups: 4 * share(neurons, 96),
      families: share(neurons, 96),
      graded: share(neurons, 96),
      spanning: share(neurons, 128),
      nearConstant: share(neurons, 64),
      concepts: 4,
      layerBlocks: 0.1,
      tailDof: 5,
    }),
  },
];

export function settingOptions(s: BenchSetting, size: BenchSize): SettingOptions {
  return typeof s.options === 'function' ? s.options(size) : s.options;
}
