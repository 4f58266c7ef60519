/**
 * Option declarations several commands share. Choices and defaults come from the tables the API modules export,
 * never restated here; `--help` is generated from these declarations (args.ts).
 */
import { DEFAULT_THREADS } from '../core/validate.js';
import { BACKENDS, type BackendChoice } from '../gpu/backend.js';
import { ACTIVATION_FORMATS, DEFAULT_FORMAT } from '../io/dataset.js';
import { DEFAULT_NAN, loadActivations, NAN_POLICIES, type LoadedActivations, type NanPolicy } from '../io/load.js';
import { layerBlocks, layoutFromInputs, selectNeurons } from '../select/neuron-selectors.js';
import type { ActivationFormat } from '../types.js';
import type { OptionSpec, ParsedOptions } from './args.js';
import type { CommandContext } from './command.js';
import { progressBar } from './progress.js';

/** A number as --help quotes a default: 1e-3 rather than 0.001. */
export function shown(v: number): string {
  return v > 0 && v < 0.01 ? v.toExponential() : String(v);
}

/** A string option whose values are one of the API's table. */
export function choice(name: string, choices: readonly string[], dflt: string | undefined, help: string): OptionSpec {
  return { name, kind: 'string', choices, ...(dflt !== undefined ? { default: dflt } : {}), help };
}

export function threadsOption(help = 'worker threads, 0 = all cores'): OptionSpec {
  return { name: 'threads', kind: 'int', value: 'N', default: DEFAULT_THREADS, help };
}

export function backendOption(dflt: BackendChoice, help: string): OptionSpec {
  return choice('backend', BACKENDS, dflt, help);
}

export function formatOption(help = 'activation format'): OptionSpec {
  return choice('format', ACTIVATION_FORMATS, DEFAULT_FORMAT, help);
}

export function nanOption(what = 'NaN/Inf in activations'): OptionSpec {
  return choice('nan', NAN_POLICIES, DEFAULT_NAN, `${what}: stop with an error, or replace by 0 and count`);
}

/** --format, --nan and --threads of the commands that load activations (read by loadWithProgress). */
export function activationOptions(threadsHelp: string): OptionSpec[] {
  return [formatOption(), nanOption(), threadsOption(threadsHelp)];
}

/** Loads activation inputs as activationOptions declared them, with a progress bar labelled `label`. */
export async function loadWithProgress(ctx: CommandContext, label: string, inputs: string[], columns?: number[]): Promise<LoadedActivations> {
  const bar = progressBar(label, 'rows', ctx.interactive);
  try {
    return await loadActivations(inputs, {
      format: ctx.options.format as ActivationFormat,
      nan: ctx.options.nan as NanPolicy,
      ...(columns ? { columns } : {}),
      signal: ctx.signal,
      onProgress: (p) => bar.update(p.rows, p.totalRows),
    });
  } finally {
    bar.done();
  }
}

/** Copies the flags that were given onto API options: `from` maps each API key to its flag. */
export function setDefined<T extends object>(options: T, parsed: ParsedOptions, from: { [K in keyof T]?: string }): void {
  for (const [key, flag] of Object.entries(from) as [keyof T, string][]) {
    if (parsed[flag] !== undefined) options[key] = parsed[flag] as T[keyof T];
  }
}

/** A neuron-selector option (src/select/neuron-selectors.ts): ids, ranges, layers, ranking or clusters files. */
export function neuronsOption(name: string, help: string): OptionSpec {
  return { name, kind: 'list', value: 'selectors...', help: `${help}: ids 3,7 10-12, layer:3 layers:0-2, ranking.json[#k], clusters.json[@t]` };
}

/** --neurons-per-layer, which layer selectors need when no extract manifest is found next to the inputs. */
export function neuronsPerLayerOption(): OptionSpec {
  return { name: 'neurons-per-layer', kind: 'int', value: 'H', help: 'layers of H neurons for layer:<l> selectors (default: the extract manifest next to the inputs, or the file\'s layers)' };
}

/**
 * The ids of a selector option: layers from --neurons-per-layer, else the extract manifest next to `inputs`, else
 * the files' own layer count (NeuroX JSON lines know theirs). Undefined when the option was not given.
 */
export function resolveNeurons(
  ctx: CommandContext,
  flag: string,
  width: number,
  inputs: readonly string[] = [],
  fileLayers = 1,
): number[] | undefined {
  const values = ctx.options[flag] as string[] | undefined;
  if (values === undefined) return undefined;
  const H = ctx.options['neurons-per-layer'] as number | undefined;
  // Checked here so that a bad H is named by its flag; the parser then receives blocks.
  const blocks =
    H !== undefined
      ? layerBlocks(width, { neuronsPerLayer: H }, '--neurons-per-layer')
      : (layoutFromInputs(inputs, width) ?? (fileLayers > 1 ? layerBlocks(width, { neuronsPerLayer: width / fileLayers }) : undefined));
  return selectNeurons(values, { width, name: `--${flag}`, ...(blocks ? { blocks } : {}) });
}
