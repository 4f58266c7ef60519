/**
 * Option declarations several commands share. Choices and defaults come from the tables the API modules export,
 * never restated here; `--help` is generated from these declarations (args.ts).
 */
import { DEFAULT_THREADS } from '../core/validate.js';
import { BACKENDS, type BackendChoice } from '../gpu/backend.js';
import { NeurosieveError } from '../core/errors.js';
import { ACTIVATION_FORMATS, DEFAULT_FORMAT, isExistingFile, openActivations, type OpenOptions } from '../io/dataset.js';
import type { Probe } from '../probe/probe-file.js';
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

/** --column: the Arrow column holding the activations (an input may also name its own: <file>#<column>). */
export function columnOption(): OptionSpec {
  return { name: 'column', kind: 'string', value: 'NAME', help: 'Arrow inputs: the column of float lists to read (default: the only one; or <file>#<column>)' };
}

/** OpenOptions from the parsed --format and --column. */
export function openOptionsOf(o: ParsedOptions): OpenOptions {
  return { format: o.format as ActivationFormat, ...(o.column !== undefined ? { column: o.column as string } : {}) };
}

/** --format, --column, --nan and --threads of the commands that load activations (read by loadWithProgress). */
export function activationOptions(threadsHelp: string): OptionSpec[] {
  return [formatOption(), columnOption(), nanOption(), threadsOption(threadsHelp)];
}

/** Loads activation inputs as activationOptions declared them, with a progress bar labelled `label`. */
export async function loadWithProgress(ctx: CommandContext, label: string, inputs: string[], columns?: number[]): Promise<LoadedActivations> {
  const bar = progressBar(label, 'rows', ctx.interactive);
  try {
    return await loadActivations(inputs, {
      ...openOptionsOf(ctx.options),
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

/**
 * Files named inside neuron-selector values (ranking.json#k, clusters.json@t), so the output check protects them
 * too. A value that names no existing file (ids, ranges, layers) contributes nothing.
 */
export function selectorFiles(ctx: CommandContext, ...flags: string[]): string[] {
  const files: string[] = [];
  for (const flag of flags) {
    for (const v of (ctx.options[flag] as string[] | undefined) ?? []) {
      for (const candidate of [v, v.replace(/[#@][^#@/\\]*$/, '')]) {
        if (isExistingFile(candidate)) {
          files.push(candidate);
          break;
        }
      }
    }
  }
  return files;
}


/**
 * The activation files against the probe that will read them, checked on their headers before anything loads,
 * so a mismatch names both the probe file and the activation files (the API sees loaded arrays only).
 */
export function expectProbeWidth(ctx: CommandContext, probePath: string, probe: Probe, inputs: readonly string[]): void {
  const dataset = openActivations(inputs, openOptionsOf(ctx.options));
  const files = dataset.files.map((f) => f.path).join(', ');
  if (probe.columns) {
    const max = probe.columns.reduce((a, b) => Math.max(a, b), 0);
    if (max >= dataset.cols) {
      throw new NeurosieveError('E_SHAPE', `${files}: has ${dataset.cols} neurons per row, but probe ${probePath} reads neuron ${max} (its ${probe.neurons} inputs are ids of a wider layer)`);
    }
  } else if (dataset.cols !== probe.neurons) {
    throw new NeurosieveError('E_SHAPE', `${files}: has ${dataset.cols} neurons per row, but probe ${probePath} was trained on ${probe.neurons}`);
  }
}
