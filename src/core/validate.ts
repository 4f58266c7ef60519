/**
 * Option checks of the public API, with messages of one shape: "Expected … for … but received …". Public
 * functions check their options once, here, and hand resolved options to internal functions that trust them.
 */
import { NeurosieveError } from './errors.js';

/** A value as messages quote it: strings in quotes, other objects by their type tag. */
export function show(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  return Object.prototype.toString.call(v);
}

/** The one error builder: "Expected <what> for <name> but received <value>" (`received` overrides how the value is shown). */
export function fail(what: string, name: string, value: unknown, received = show(value)): never {
  throw new NeurosieveError('E_ARGUMENT', `Expected ${what} for ${name} but received ${received}`);
}

export function expectInteger(value: unknown, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
  return fail(max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`, name, value);
}

/** Worker threads of every API function: 0 (the default) = every hardware thread. */
export const DEFAULT_THREADS = 0;

export function expectThreads(value: unknown): number {
  return expectInteger(value ?? DEFAULT_THREADS, 'threads', 0, 1024);
}

/** A finite number in [min, max] (or (min, max] with minExclusive). */
export function expectNumber(value: unknown, name: string, min: number, max = Infinity, minExclusive = false): number {
  if (typeof value === 'number' && Number.isFinite(value) && (minExclusive ? value > min : value >= min) && value <= max) return value;
  const bound =
    max !== Infinity ? `a number in ${minExclusive ? '(' : '['}${min}, ${max}]` : min === -Infinity ? 'a finite number' : `a finite number ${minExclusive ? '>' : '>='} ${min}`;
  return fail(bound, name, value);
}

export function expectOneOf<T extends string>(value: unknown, name: string, choices: readonly T[]): T {
  if (typeof value === 'string' && choices.includes(value as T)) return value as T;
  return fail(`one of ${choices.map((c) => `'${c}'`).join(', ')}`, name, value);
}

export function expectBoolean(value: unknown, name: string): boolean {
  return typeof value === 'boolean' ? value : fail('true or false', name, value);
}

export function expectFunction<F>(value: F | undefined, name: string): F | undefined {
  return value === undefined || typeof value === 'function' ? value : fail('a function', name, value);
}

/** An options object (not null, not a primitive) whose keys are all known to `fn`. */
export function expectOptions<T extends object>(options: T, known: readonly string[], fn: string): T {
  if (typeof options !== 'object' || options === null) fail('an options object', fn, options);
  expectKnownKeys(options, known, fn);
  return options;
}

/** Rejects option keys the function does not know, so a typo never silently falls back to a default. */
export function expectKnownKeys(options: object, known: readonly string[], fn: string): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) fail(`one of the options ${known.join(', ')}`, fn, key);
  }
}
