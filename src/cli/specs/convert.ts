/** The options and help of `neurosieve convert`, kept apart from its implementation (src/cli/convert.ts) so that help
 * and argument parsing load no command code. */
import { CONVERT_TARGETS } from '../../convert/convert.js';
import type { CommandSpec } from '../args.js';
import { choice, columnOption, formatOption, nanOption } from '../options.js';

export const convertSpec: CommandSpec = {
  name: 'convert',
  summary: 'activations in any format read (npy, safetensors, NeuroX JSON lines / HDF5, Arrow) → a directory of npy, safetensors or Arrow',
  usage: 'neurosieve convert <inputs...> -o <dir> --to npy|safetensors|arrow [--tokens file.in] [--labels file.label]',
  positionals: { name: 'activation files, directories or globs', min: 1 },
  options: [
    { name: 'output', short: 'o', kind: 'string', value: 'dir', required: true, help: 'output directory (new or empty)' },
    { ...choice('to', CONVERT_TARGETS, undefined, 'output format: npy (activations.npy), safetensors, or arrow (a Hugging Face datasets directory)'), required: true },
    { name: 'tokens', kind: 'string', value: 'file.in', help: 'one token per row: a NeuroX .in file (whitespace-separated, a line per sentence)' },
    { name: 'labels', short: 'l', kind: 'string', value: 'file', help: 'one class label per row (.json, .npy or NeuroX .label)' },
    { name: 'overwrite', kind: 'boolean', help: 'replace an existing non-empty output directory' },
    formatOption('input format'),
    columnOption(),
    nanOption('NaN/Inf'),
  ],
};
