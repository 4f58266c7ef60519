/** Option checks shared by the API functions, with messages of one shape: "Expected … for … but received …". */
import { NeurosieveError } from './errors.js';

function show(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  return Object.prototype.toString.call(v);
}

export function expectInteger(value: unknown, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`;
    throw new NeurosieveError('E_ARGUMENT', `Expected ${range} for ${name} but received ${show(value)}`);
  }
  return value;
}

export function expectOneOf<T extends string>(value: unknown, name: string, choices: readonly T[]): T {
  if (typeof value !== 'string' || !choices.includes(value as T)) {
    throw new NeurosieveError('E_ARGUMENT', `Expected one of ${choices.map((c) => `'${c}'`).join(', ')} for ${name} but received ${show(value)}`);
  }
  return value as T;
}

/** Rejects option keys the function does not know, so a typo never silently falls back to a default. */
export function expectKnownKeys(options: object, known: readonly string[], fn: string): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new NeurosieveError('E_ARGUMENT', `Expected one of the options ${known.join(', ')} for ${fn} but received '${key}'`);
    }
  }
}
