/** The options and help of `neurosieve split`, kept apart from its implementation (src/cli/split.ts) so that help and
 * argument parsing load no command code. Defaults come from the API's tables (src/split/). */
import { COMPAT_SEED, COMPAT_TRAIN_FRACTION } from '../../split/split-rows.js';
import { SEEDED_FRACTIONS } from '../../split/split.js';
import type { CommandSpec } from '../args.js';
import { formatOption, nanOption } from '../options.js';

const f = SEEDED_FRACTIONS;

export const splitSpec: CommandSpec = {
  name: 'split',
  summary: 'split activations + labels into train/dev(/test) files (the reference split, or seeded), optionally balanced',
  usage: 'neurosieve split <activations...> --labels L -o <dir> [--compat | --seed S --train 0.8 --dev 0.1 --test 0.1] [--balance] [--by-sentence ids.npy|file.in]',
  positionals: { name: 'activation files, directories or globs', min: 1 },
  options: [
    { name: 'labels', short: 'l', kind: 'string', value: 'file', required: true, help: 'class labels, one per row (.json, .npy, or NeuroX .label)' },
    { name: 'output', short: 'o', kind: 'string', value: 'dir', required: true, help: 'output directory (new or empty): manifest.json, <part>.npy, <part>-labels.npy, <part>-index.npy' },
    { name: 'compat', kind: 'boolean', help: `the reference split (the default without --seed): numpy seed ${COMPAT_SEED} shuffle, first ${COMPAT_TRAIN_FRACTION * 100}% train, the rest dev` },
    { name: 'seed', kind: 'int', value: 'S', help: `without --compat: our seeded split into train/dev/test; with --compat: the shuffle seed (default ${COMPAT_SEED}); also seeds --balance` },
    { name: 'train', kind: 'number', value: 'F', help: `train share (default ${f.train}; with --compat ${COMPAT_TRAIN_FRACTION})` },
    { name: 'dev', kind: 'number', value: 'F', help: `dev share, seeded split (default ${f.dev})` },
    { name: 'test', kind: 'number', value: 'F', help: `test share, seeded split (default: what train and dev leave, ${f.test} with the defaults)` },
    { name: 'balance', kind: 'boolean', help: 'undersample each part to its smallest class (as NeuroX / imbalanced-learn, seeded)' },
    { name: 'by-sentence', kind: 'string', value: 'ids.npy|file.in', help: 'split sentences, not rows: a sentence id per row (.npy), or a NeuroX .in file (a line per sentence)' },
    { name: 'overwrite', kind: 'boolean', help: 'replace an existing non-empty output directory' },
    formatOption('input format'),
    nanOption('NaN/Inf'),
  ],
};
