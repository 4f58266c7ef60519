/**
 * Probe files: a trained linear probe as `probe.json` (classes, options, metrics, solver report) plus a sidecar
 * safetensors file with the numbers:
 *   weight F32 [C, D], bias F32 [C], and when the features were z-scored, mean F64 [D] and std F64 [D]
 *   (the train statistics the probe expects its inputs normalised with).
 * D counts the neurons the probe was trained on; `columns` gives their original ids when that was a subset.
 * The two are one output set (io/output-set.ts): they appear together or not at all, and probe.json records the
 * sidecar's sha256 (`weightsSha256`), checked on reading, so a probe.json never pairs with another run's weights.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { NeurosieveError } from '../core/errors.js';
import { writeTextAtomic } from '../io/atomic.js';
import { OutputSet } from '../io/output-set.js';
import { fileSha256, tieMismatch } from '../io/output-tie.js';
import { readSafetensors, writeSafetensors, type Tensor } from '../io/safetensors.js';
import { jsonDepth, MAX_JSON_BYTES, MAX_JSON_DEPTH, readJsonText } from '../io/json-limits.js';

export const PROBE_FORMAT = 'neurosieve-probe';
export const PROBE_VERSION = 1;

export interface Probe {
  /**
   * 'regression' for a regression probe (src/probe/regression.ts): `classes` then names its outputs (at least one)
   * and row c of `weight` predicts output c. Absent: a classification probe.
   */
  task?: 'regression';
  /** Class names; row c of `weight` scores classes[c]. */
  classes: string[];
  /** D: inputs of the probe (columns of `weight`). */
  neurons: number;
  /** Original neuron ids of the D inputs when the probe was trained on a subset. */
  columns?: number[];
  mode: 'compat' | 'exact';
  /** The training options, as given to the trainer (for the record and for retraining). */
  options: Record<string, unknown>;
  /** 'zscore': inputs are (x − mean) / std with the train statistics below. */
  normalization?: 'zscore';
  metrics?: Record<string, unknown>;
  solver?: Record<string, unknown>;
  /** Row-major C×D. */
  weight: Float32Array;
  /** C. */
  bias: Float32Array;
  /** D, with normalization 'zscore'. */
  mean?: Float64Array;
  std?: Float64Array;
}

/** What probe.json holds (the numbers live in the sidecar named by `weights`, relative to the JSON file). */
export interface ProbeJson {
  format: typeof PROBE_FORMAT;
  version: typeof PROBE_VERSION;
  task?: 'regression';
  classes: string[];
  neurons: number;
  columns?: number[];
  mode: 'compat' | 'exact';
  options: Record<string, unknown>;
  normalization?: 'zscore';
  metrics?: Record<string, unknown>;
  solver?: Record<string, unknown>;
  weights: string;
  /** sha256 of the sidecar's bytes (absent in probes written before it was added). */
  weightsSha256?: string;
}

/** The sidecar's name for a probe path: probe.json → probe.safetensors, anything else → <name>.safetensors. */
export function sidecarName(path: string): string {
  const b = basename(path);
  return `${b.toLowerCase().endsWith('.json') ? b.slice(0, -5) : b}.safetensors`;
}

function checkProbe(p: Probe, where: string): void {
  const bad = (why: string): never => {
    throw new NeurosieveError('E_ARGUMENT', `Expected a valid probe for ${where} but ${why}`);
  };
  if (p.task !== undefined && p.task !== 'regression') bad(`task is ${JSON.stringify(p.task)}`);
  const least = p.task === 'regression' ? 1 : 2;
  if (!Array.isArray(p.classes) || p.classes.length < least || !p.classes.every((c) => typeof c === 'string')) {
    bad(p.task === 'regression' ? 'classes must name at least 1 output' : 'classes must be at least 2 class names');
  }
  if (new Set(p.classes).size !== p.classes.length) bad('classes lists a class more than once');
  if (!Number.isSafeInteger(p.neurons) || p.neurons < 1) bad(`neurons is ${String(p.neurons)}`);
  const C = p.classes.length;
  const D = p.neurons;
  if (!(p.weight instanceof Float32Array) || p.weight.length !== C * D) bad(`weight must be a Float32Array of ${C}×${D}`);
  if (!(p.bias instanceof Float32Array) || p.bias.length !== C) bad(`bias must be a Float32Array of ${C}`);
  if (p.mode !== 'compat' && p.mode !== 'exact') bad(`mode is ${JSON.stringify(p.mode)}`);
  if (p.columns !== undefined) {
    if (!Array.isArray(p.columns) || p.columns.length !== D || !p.columns.every((c) => Number.isSafeInteger(c) && c >= 0)) {
      bad(`columns must list ${D} neuron ids`);
    }
    if (new Set(p.columns).size !== D) bad('columns lists a neuron more than once');
  }
  if (p.normalization !== undefined && p.normalization !== 'zscore') bad(`normalization is ${JSON.stringify(p.normalization)}`);
  if (p.normalization === 'zscore') {
    if (!(p.mean instanceof Float64Array) || p.mean.length !== D) bad(`mean must be a Float64Array of ${D}`);
    if (!(p.std instanceof Float64Array) || p.std.length !== D) bad(`std must be a Float64Array of ${D}`);
  }
}

/** Writes probe.json and its sidecar safetensors next to it. */
export function writeProbe(path: string, probe: Probe): void {
  checkProbe(probe, 'writeProbe');
  const C = probe.classes.length;
  const D = probe.neurons;
  const tensors: Record<string, Tensor> = {
    weight: { data: probe.weight, shape: [C, D] },
    bias: { data: probe.bias, shape: [C] },
  };
  if (probe.normalization === 'zscore') {
    tensors.mean = { data: probe.mean!, shape: [D] };
    tensors.std = { data: probe.std!, shape: [D] };
  }
  const weights = sidecarName(path);
  const set = new OutputSet();
  try {
    const weightsSha256 = writeSafetensors(join(dirname(path), weights), tensors, { format: PROBE_FORMAT, version: String(PROBE_VERSION) }, set);
    writeTextAtomic(path, JSON.stringify(probeJson(probe, weights, weightsSha256!), null, 2) + '\n', set);
    set.commit();
  } finally {
    set.discard();
  }
}

function probeJson(probe: Probe, weights: string, weightsSha256: string): ProbeJson {
  const D = probe.neurons;
  return {
    format: PROBE_FORMAT,
    version: PROBE_VERSION,
    ...(probe.task ? { task: probe.task } : {}),
    classes: probe.classes,
    neurons: D,
    ...(probe.columns ? { columns: probe.columns } : {}),
    mode: probe.mode,
    options: probe.options ?? {},
    ...(probe.normalization ? { normalization: probe.normalization } : {}),
    ...(probe.metrics ? { metrics: probe.metrics } : {}),
    ...(probe.solver ? { solver: probe.solver } : {}),
    weights,
    weightsSha256,
  };
}

/**
 * `weights` as written by writeProbe: a plain file name, resolved beside the probe file only. Anything else (an
 * absolute path, `..`, a separator) is refused, so a probe file from elsewhere cannot make us open any file on
 * the machine. Undefined when the name is not plain.
 */
function plainSidecarName(weights: string): string | undefined {
  const plain = weights.length > 0 && weights !== '.' && weights !== '..' && !/[/\\\0]/.test(weights) && !isAbsolute(weights);
  return plain ? weights : undefined;
}

/** A parse error's message without the file's bytes (Node quotes the text around the error, binary included). */
function jsonError(err: unknown): string {
  const m = (err as Error).message.replace(/[^\x20-\x7e]/g, '?');
  return m.length > 120 ? `${m.slice(0, 117)}...` : m;
}

/** Names a binary file given where a probe JSON was expected, from its first bytes. */
function notJson(head: Buffer): string {
  if (head.subarray(0, 6).equals(Buffer.from('\x93NUMPY', 'latin1'))) return 'it is a .npy array, not JSON';
  if (head.length >= 9 && head[8] === 0x7b) return 'it looks like a safetensors file, not JSON';
  return 'it is not JSON';
}

/**
 * The files reading the probe at `path` opens: the JSON and, when it names one acceptably, its sidecar. For the
 * output check of commands that read a probe (an output must not replace its weights either); a file that is not
 * a probe stands for itself, and readProbe reports it.
 */
export function probeFiles(path: string): string[] {
  try {
    const j = JSON.parse(readJsonText(path, 'a probe')) as Partial<ProbeJson> | null;
    const name = typeof j?.weights === 'string' ? plainSidecarName(j.weights) : undefined;
    return name !== undefined ? [path, join(dirname(path), name)] : [path];
  } catch {
    return [path];
  }
}

/** Reads and checks probe.json and its sidecar. */
export function readProbe(path: string): Probe {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new NeurosieveError('E_IO', `${path}: cannot read probe (${(err as Error).message})`, { cause: err });
  }
  const bad = (why: string): never => {
    throw new NeurosieveError('E_FORMAT', `${path}: not a probe file (${why})`);
  };
  const first = bytes.findIndex((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09);
  if (first < 0 || bytes[first] !== 0x7b) bad(first < 0 ? 'the file is empty' : notJson(bytes.subarray(0, 16)));
  if (bytes.length > MAX_JSON_BYTES) bad(`${bytes.length} bytes of JSON; at most ${MAX_JSON_BYTES} are read`);
  const text = bytes.toString('utf8');
  if (jsonDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) bad(`JSON nested more than ${MAX_JSON_DEPTH} levels deep`);
  let j: Partial<ProbeJson>;
  try {
    j = JSON.parse(text) as Partial<ProbeJson>;
  } catch (err) {
    return bad(`invalid JSON: ${jsonError(err)}`);
  }
  if (typeof j !== 'object' || j === null) bad('expected a JSON object');
  if (j.format !== PROBE_FORMAT) bad(`format is ${JSON.stringify(j.format)}, expected "${PROBE_FORMAT}"`);
  if (j.version !== PROBE_VERSION) bad(`unsupported version ${JSON.stringify(j.version)}`);
  if (j.task !== undefined && j.task !== 'regression') bad(`"task" is ${JSON.stringify(j.task)}`);
  const least = j.task === 'regression' ? 1 : 2;
  if (!Array.isArray(j.classes) || j.classes.length < least || !j.classes.every((c) => typeof c === 'string')) {
    bad(j.task === 'regression' ? '"classes" must name at least 1 output' : '"classes" must list at least 2 class names');
  }
  if (!Number.isSafeInteger(j.neurons) || j.neurons! < 1) bad(`"neurons" is ${JSON.stringify(j.neurons)}`);
  if (j.mode !== 'compat' && j.mode !== 'exact') bad(`"mode" is ${JSON.stringify(j.mode)}`);
  if (typeof j.weights !== 'string' || j.weights.length === 0) bad('"weights" must name the sidecar safetensors file');
  if (plainSidecarName(j.weights!) === undefined) {
    bad(`"weights" must be a file name beside the probe file, but is ${JSON.stringify(j.weights)}`);
  }
  const C = j.classes!.length;
  const D = j.neurons!;
  const sidecar = join(dirname(path), j.weights!);
  const { tensors } = readSafetensors(sidecar);
  if (typeof j.weightsSha256 === 'string') {
    const actual = fileSha256(sidecar);
    if (actual !== j.weightsSha256) throw tieMismatch(sidecar, path, j.weightsSha256, actual);
  }
  const tensor = <T>(name: string, dtype: new (n: number) => T, dtypeName: string, shape: number[]): T => {
    const t = tensors.get(name);
    if (!t || !(t.data instanceof dtype) || t.shape.join(',') !== shape.join(',')) {
      return bad(`${sidecar}: tensor "${name}" must be ${dtypeName} of shape [${shape.join(', ')}]`);
    }
    return t.data as T;
  };
  const weight = tensor('weight', Float32Array, 'F32', [C, D]);
  const bias = tensor('bias', Float32Array, 'F32', [C]);
  for (let i = 0; i < weight.length; i++) if (!Number.isFinite(weight[i]!)) bad(`${sidecar}: weight[${Math.floor(i / D)}, ${i % D}] is ${weight[i]}`);
  const probe: Probe = {
    ...(j.task ? { task: j.task } : {}),
    classes: j.classes!,
    neurons: D,
    mode: j.mode!,
    options: (j.options ?? {}) as Record<string, unknown>,
    weight,
    bias,
  };
  if (j.columns !== undefined) probe.columns = j.columns;
  if (j.normalization !== undefined) {
    if (j.normalization !== 'zscore') bad(`"normalization" is ${JSON.stringify(j.normalization)}`);
    probe.normalization = 'zscore';
    probe.mean = tensor('mean', Float64Array, 'F64', [D]);
    probe.std = tensor('std', Float64Array, 'F64', [D]);
  }
  if (j.metrics !== undefined) probe.metrics = j.metrics;
  if (j.solver !== undefined) probe.solver = j.solver;
  try {
    checkProbe(probe, path);
  } catch (err) {
    bad((err as Error).message.replace(/^Expected a valid probe for .* but /, ''));
  }
  return probe;
}
