/**
 * Real-valued targets of a regression probe, one row per activation row (K outputs per row, usually 1):
 *  - .npy: float32 or float64, shape [T] or [T, K];
 *  - .json: an array of T numbers, or of T arrays of K numbers;
 *  - anything else (NeuroX .label-style text): whitespace-separated numbers, one per token, in row order
 *    (NeuroX's regression tasks read their per-token values from such files).
 * Every value must be finite: a NaN target would make the squared error NaN without a word.
 */
import { readFileSync } from 'node:fs';
import { NeurosieveError } from '../core/errors.js';
import { readNpy } from '../io/npy.js';

export interface Targets {
  /** Row-major rows × outputs. */
  values: Float64Array;
  outputs: number;
}

/** Reads a targets file; `rows` (when given) is the number of activation rows it must match. */
export function readTargets(path: string, rows?: number): Targets {
  const t = path.toLowerCase().endsWith('.npy') ? fromNpy(path) : path.toLowerCase().endsWith('.json') ? fromJson(path) : fromText(path);
  return checkTargets(t, rows, path);
}

/** Targets given in memory (a Float64Array of rows × outputs), checked like a file's. */
export function checkTargets(t: Targets, rows: number | undefined, what: string): Targets {
  if (!(t.values instanceof Float64Array)) throw new NeurosieveError('E_ARGUMENT', `Expected a Float64Array of targets for ${what} but received ${Object.prototype.toString.call(t.values)}`);
  if (!Number.isSafeInteger(t.outputs) || t.outputs < 1 || t.values.length % t.outputs !== 0) {
    throw new NeurosieveError('E_SHAPE', `Expected rows × outputs values for ${what} but received ${t.values.length} values for ${t.outputs} outputs`);
  }
  const n = t.values.length / t.outputs;
  if (n === 0) throw new NeurosieveError('E_EMPTY', `Expected at least one target for ${what} but received none`);
  if (rows !== undefined && n !== rows) throw new NeurosieveError('E_SHAPE', `Expected one target per activation row (${rows} rows) for ${what} but received ${n}`);
  const bad = t.values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new NeurosieveError('E_NONFINITE', `Expected finite targets for ${what} but received ${t.values[bad]} at row ${Math.floor(bad / t.outputs)}`);
  return t;
}

function fromNpy(path: string): Targets {
  const f = readNpy(path);
  if (!(f.data instanceof Float32Array || f.data instanceof Float64Array)) {
    throw new NeurosieveError('E_FORMAT', `${path}: expected float32 or float64 targets but the file holds ${f.descr}`);
  }
  if (f.shape.length !== 1 && f.shape.length !== 2) throw new NeurosieveError('E_SHAPE', `${path}: expected targets of shape [rows] or [rows, outputs] but received [${f.shape.join(', ')}]`);
  return { values: Float64Array.from(f.data), outputs: f.shape.length === 2 ? f.shape[1]! : 1 };
}

function fromJson(path: string): Targets {
  let j: unknown;
  try {
    j = JSON.parse(readText(path));
  } catch (err) {
    throw new NeurosieveError('E_FORMAT', `${path}: invalid JSON (${(err as Error).message.slice(0, 120)})`);
  }
  const fail = (why: string): never => {
    throw new NeurosieveError('E_FORMAT', `${path}: expected an array of numbers (or of equal-length arrays of numbers) as targets but ${why}`);
  };
  if (!Array.isArray(j)) return fail('the file holds no array');
  if (j.length === 0) return fail('the array is empty');
  const outputs = Array.isArray(j[0]) ? (j[0] as unknown[]).length : 1;
  const values = new Float64Array(j.length * outputs);
  j.forEach((row: unknown, t) => {
    const items = Array.isArray(row) ? row : [row];
    if (Array.isArray(row) !== Array.isArray(j[0]) || items.length !== outputs) fail(`row ${t} has ${items.length} values where row 0 has ${outputs}`);
    items.forEach((v: unknown, k) => {
      if (typeof v !== 'number') fail(`row ${t} holds ${JSON.stringify(v)}`);
      values[t * outputs + k] = v as number;
    });
  });
  return { values, outputs };
}

function fromText(path: string): Targets {
  const words = readText(path).split(/\s+/).filter((w) => w.length > 0);
  const values = new Float64Array(words.length);
  words.forEach((w, i) => {
    const v = Number(w);
    // 'nan' reads as NaN and is refused by checkTargets with its row; any other non-number is a format error.
    if (Number.isNaN(v) && !/^nan$/i.test(w)) {
      throw new NeurosieveError('E_FORMAT', `${path}: expected numbers as targets but word ${i + 1} is ${JSON.stringify(w.slice(0, 40))}`);
    }
    values[i] = v;
  });
  return { values, outputs: 1 };
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new NeurosieveError('E_IO', `${path}: cannot read targets (${(err as Error).message})`, { cause: err });
  }
}
