/**
 * Command-line options as data: each command declares its options once, and parsing, validation of unknown
 * flags and the --help text all derive from that declaration.
 */
import { NeurosieveError } from '../core/errors.js';

/** 'list': every value up to the next flag; 'numbers': the same, each a number. */
export type OptionKind = 'string' | 'int' | 'number' | 'boolean' | 'list' | 'numbers';

export interface OptionSpec {
  /** Long name without dashes, e.g. 'chunk-rows'. */
  name: string;
  short?: string;
  kind: OptionKind;
  /** One line for --help. */
  help: string;
  /** Shown in --help as the value's placeholder. */
  value?: string;
  /** For 'string': the accepted values. */
  choices?: readonly string[];
  default?: string | number | boolean;
  required?: boolean;
}

export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  options: readonly OptionSpec[];
  /** Whether positional arguments are accepted (e.g. input files). */
  positionals?: { name: string; min: number; max?: number };
}

export type ParsedOptions = Record<string, string | number | boolean | string[] | number[] | undefined>;

export interface Parsed {
  options: ParsedOptions;
  positionals: string[];
  help: boolean;
}

const COMMON: OptionSpec[] = [
  { name: 'json', kind: 'boolean', help: 'print a machine-readable JSON summary on stdout' },
  { name: 'quiet', short: 'q', kind: 'boolean', help: 'no progress bar, no summary' },
  { name: 'help', short: 'h', kind: 'boolean', help: 'show this help' },
];

export function allOptions(spec: CommandSpec): OptionSpec[] {
  return [...spec.options, ...COMMON];
}

function convert(o: OptionSpec, raw: string, cmd: string): string | number {
  const where = `--${o.name} of 'neurosieve ${cmd}'`;
  if (o.kind === 'int') {
    if (!/^\d+$/.test(raw)) throw new NeurosieveError('E_ARGUMENT', `Expected a non-negative integer for ${where} but received '${raw}'`);
    return Number(raw);
  }
  if (o.kind === 'number' || o.kind === 'numbers') {
    const v = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(v)) throw new NeurosieveError('E_ARGUMENT', `Expected a number for ${where} but received '${raw}'`);
    return v;
  }
  if (o.choices && !o.choices.includes(raw)) {
    throw new NeurosieveError('E_ARGUMENT', `Expected one of ${o.choices.join(', ')} for ${where} but received '${raw}'`);
  }
  return raw;
}

export function parseArgs(spec: CommandSpec, argv: readonly string[]): Parsed {
  const opts = allOptions(spec);
  const byName = new Map(opts.map((o) => [o.name, o]));
  const byShort = new Map(opts.filter((o) => o.short).map((o) => [o.short!, o]));
  const options: ParsedOptions = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    let key: string;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      key = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
    } else {
      key = arg.slice(1);
    }
    const o = arg.startsWith('--') ? byName.get(key) : byShort.get(key);
    if (!o) throw new NeurosieveError('E_ARGUMENT', `Unknown option '${arg}' for 'neurosieve ${spec.name}' (see neurosieve ${spec.name} --help)`);
    if (o.kind === 'boolean') {
      options[o.name] = inline === undefined ? true : inline !== 'false';
      continue;
    }
    // A list option takes every following value up to the next flag: --threshold 0.1 0.2 0.3
    const take = (): string => {
      if (inline !== undefined) return inline;
      const v = argv[i + 1];
      if (v === undefined || (v.startsWith('-') && !/^-\d/.test(v))) {
        throw new NeurosieveError('E_ARGUMENT', `Expected a value after --${o.name} of 'neurosieve ${spec.name}'`);
      }
      i++;
      return v;
    };
    if (o.kind === 'list' || o.kind === 'numbers') {
      const list = (options[o.name] as (string | number)[] | undefined) ?? [];
      const add = (raw: string) => list.push(o.kind === 'numbers' ? convert(o, raw, spec.name) : raw);
      add(take());
      while (inline === undefined && argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('-')) add(argv[++i]!);
      options[o.name] = list as string[] | number[];
    } else {
      options[o.name] = convert(o, take(), spec.name);
    }
  }
  const help = options.help === true;
  if (!help) {
    for (const o of opts) {
      if (options[o.name] === undefined && o.default !== undefined) options[o.name] = o.default;
      if (o.required && options[o.name] === undefined) {
        throw new NeurosieveError('E_ARGUMENT', `Missing required option --${o.name} for 'neurosieve ${spec.name}' (see --help)`);
      }
    }
    const p = spec.positionals;
    if (!p && positionals.length > 0) throw new NeurosieveError('E_ARGUMENT', `'neurosieve ${spec.name}' takes no positional arguments but received '${positionals[0]}'`);
    if (p && positionals.length < p.min) throw new NeurosieveError('E_ARGUMENT', `Expected at least ${p.min} ${p.name} for 'neurosieve ${spec.name}' but received ${positionals.length}`);
    if (p && p.max !== undefined && positionals.length > p.max) throw new NeurosieveError('E_ARGUMENT', `Expected at most ${p.max} ${p.name} for 'neurosieve ${spec.name}' but received ${positionals.length}`);
  }
  return { options, positionals, help };
}

export function helpText(spec: CommandSpec): string {
  const lines = [`neurosieve ${spec.name}: ${spec.summary}`, '', `Usage: ${spec.usage}`, '', 'Options:'];
  const rows = allOptions(spec).map((o) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${o.name}${o.kind === 'boolean' ? '' : ` <${o.value ?? (o.choices ? o.choices.join('|') : o.kind)}>`}`;
    const extra = [o.required ? 'required' : '', o.default !== undefined ? `default ${o.default}` : ''].filter(Boolean).join(', ');
    return [flag, o.help + (extra ? ` (${extra})` : '')] as const;
  });
  const w = Math.max(...rows.map((r) => r[0].length)) + 2;
  for (const [f, h] of rows) lines.push(`  ${f.padEnd(w)}${h}`);
  return lines.join('\n');
}
