/**
 * The README's bad-input table, row by row: every case runs the CLI (dist/cli.js) as a user would on a fresh copy
 * of the fixture, and checks the exit code, the message (which names the file), that stdout is empty, and that
 * every file in the folder is byte-identical afterwards (no output, no temp file left). Each case's `input` text
 * must appear in README.md's "Bad input" table, so the table cannot list a case no test runs.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, copyFileSync, linkSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeProbe } from '../../src/probe/probe-file.js';
import { readEdgesFile, writeEdgesFile } from '../../src/edges/edges-file.js';
import { root, runCli, tempDir } from '../helpers/cli.js';
import { neuroxJsonl, npyBytes, prng, safetensorsBytes, safetensorsRaw } from '../helpers/formats.js';
import { TEST_SEED } from '../helpers/planted.js';

console.log(`bad-input.test.ts seed ${TEST_SEED} (set NEUROSIEVE_TEST_SEED to reproduce)`);

const T = 40;
const D = 6;
/** Sentence lengths of n.jsonl (sum T). */
const SENTENCES = [7, 5, 9, 4, 8, 7];
let template: string;

function snapshot(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) Object.assign(out, snapshot(p, `${prefix}${name}/`));
    else out[`${prefix}${name}`] = createHash('sha256').update(readFileSync(p)).digest('hex');
  }
  return out;
}

beforeAll(() => {
  template = tempDir('bad-template');
  const rand = prng(TEST_SEED);
  const x = Float32Array.from({ length: T * D }, () => rand() * 2 - 1);
  const w = (name: string, bytes: Buffer | string) => writeFileSync(join(template, name), bytes);
  w('acts.npy', npyBytes(x, [T, D], 'float32'));
  w('acts5.npy', npyBytes(x.subarray(0, T * 5), [T, 5], 'float32'));
  w('labels.json', JSON.stringify(Array.from({ length: T }, (_, i) => (i % 3 === 0 ? 'a' : 'b'))));
  const sentences: number[][][] = [];
  let r = 0;
  for (const n of SENTENCES) {
    sentences.push(Array.from({ length: n }, () => Array.from(x.subarray(r * D, ++r * D))));
  }
  w('n.jsonl', neuroxJsonl(sentences, 2, { rand }));
  w('n.label', SENTENCES.map((n, s) => Array.from({ length: n }, (_, t) => ((s + t) % 3 === 0 ? 'A' : 'B')).join(' ')).join('\n') + '\n');
  writeProbe(join(template, 'probe.json'), {
    classes: ['a', 'b'],
    neurons: D,
    mode: 'exact',
    options: {},
    weight: Float32Array.from({ length: 2 * D }, () => rand() - 0.5),
    bias: new Float32Array(2),
  });
  const edgesArgs = ['corr', join(template, 'acts.npy'), '--edges', '--min-abs-r', '0.5', '-o', join(template, 'edges.safetensors')];
  for (const args of [['corr', join(template, 'acts.npy'), '-o', join(template, 'corr.npy'), '--stats-out', join(template, 'run.stats')], edgesArgs]) {
    expect(runCli([...args, '--quiet']).stderr).toBe('');
  }
});

interface Case {
  /** The README's "Input" cell (must appear in the table). */
  input: string;
  /** Extra files for this case, written into the fixture folder d. */
  setup?: (d: string) => void;
  argv: (d: string) => string[];
  env?: Record<string, string>;
  code: 1 | 2;
  /** A part of stderr; `{d}` stands for the fixture folder. */
  message: string;
}

const put = (d: string, name: string, bytes: Buffer | string) => writeFileSync(join(d, name), bytes);
const f32 = (n: number, v = 0.5) => new Float32Array(n).fill(v);
const probeArgs = (d: string, acts = 'acts.npy', labels = 'labels.json') => ['probe', join(d, acts), '--labels', join(d, labels), '-o', join(d, 'out.json')];
const evalArgs = (d: string, probe = 'probe.json', labels = 'labels.json') => ['evaluate', join(d, probe), join(d, 'acts.npy'), '--labels', join(d, labels)];
const corrArgs = (d: string, ...inputs: string[]) => ['corr', ...inputs.map((i) => join(d, i)), '-o', join(d, 'c.npy')];
const clusterArgs = (d: string, input: string) => ['cluster', join(d, input), '-t', '0.3', '-o', join(d, 'cl.json')];

export const cases: Case[] = [
  // ---- activation files ----
  { input: 'An input file that does not exist', argv: (d) => corrArgs(d, 'missing.npy'), code: 1, message: 'E_IO: {d}/missing.npy: no such file or directory' },
  { input: 'An input directory holding no activation files', setup: (d) => mkdirSync(join(d, 'empty')), argv: (d) => corrArgs(d, 'empty'), code: 1, message: 'E_EMPTY: {d}/empty: directory holds no activation files (.npy, .safetensors, .jsonl, .hdf5, .arrow)' },
  { input: 'An empty (0-byte) .npy file', setup: (d) => put(d, 'e.npy', ''), argv: (d) => corrArgs(d, 'e.npy'), code: 1, message: 'E_FORMAT: {d}/e.npy: empty file (0 bytes), not a .npy file' },
  { input: 'A .npy file without the \\x93NUMPY magic', setup: (d) => put(d, 'm.npy', Buffer.from('NUMPY is not here, just text\n')), argv: (d) => corrArgs(d, 'm.npy'), code: 1, message: 'E_FORMAT: {d}/m.npy: not a .npy file (missing the \\x93NUMPY magic)' },
  { input: 'A .npy file whose data is shorter than its header\'s shape', setup: (d) => put(d, 't.npy', npyBytes(f32(T * D), [T, D], 'float32', { extraBytes: -8 })), argv: (d) => corrArgs(d, 't.npy'), code: 1, message: 'E_FORMAT: {d}/t.npy: truncated: expected 960 bytes of data, found 952 (shape (40, 6), float32)' },
  { input: 'A .npy file with bytes after the data its shape covers', setup: (d) => put(d, 'x.npy', npyBytes(f32(T * D), [T, D], 'float32', { extraBytes: 4 })), argv: (d) => corrArgs(d, 'x.npy'), code: 1, message: 'E_SHAPE: {d}/x.npy: header shape (40, 6) (float32) needs 960 bytes of data but the file holds 964 (4 trailing bytes)' },
  { input: 'A .npy header length pointing past the end of the file', setup: (d) => put(d, 'h.npy', Buffer.concat([Buffer.from('\x93NUMPY\x01\x00', 'latin1'), Buffer.from([0xff, 0xff]), Buffer.from("{'descr'")])), argv: (d) => corrArgs(d, 'h.npy'), code: 1, message: 'E_FORMAT: {d}/h.npy: truncated: the .npy header claims 65535 bytes but the file holds only 8 after the preamble' },
  { input: 'A .npy header that is not a Python dict literal', setup: (d) => put(d, 'p.npy', npyBytes(f32(T * D), [T, D], 'float32', { headerText: "{'descr': '<f4', 'fortran_order': False, 'shape': (40, 6" })), argv: (d) => corrArgs(d, 'p.npy'), code: 1, message: 'E_FORMAT: {d}/p.npy: malformed .npy header: expected \',\' or \')\' at character 118 in \'{\'descr\': \'<f4\', \'fortran_order\': F' },
  { input: 'A .npy of complex or string dtype', setup: (d) => put(d, 'cx.npy', npyBytes(f32(T * D * 2), [T, D], 'float32', { descr: '<c8' })), argv: (d) => corrArgs(d, 'cx.npy'), code: 1, message: 'E_DTYPE: {d}/cx.npy: dtype \'<c8\' (complex64) is not supported (supported: \'<f4\' (float32), \'<f2\' (float16), \'<f8\' (float' },
  { input: 'A big-endian .npy (`>f4`)', setup: (d) => put(d, 'b.npy', npyBytes(f32(T * D), [T, D], 'float32', { descr: '>f4' })), argv: (d) => corrArgs(d, 'b.npy'), code: 1, message: 'E_DTYPE: {d}/b.npy: big-endian dtype \'>f4\' is not supported (supported: \'<f4\' (float32), \'<f2\' (float16), \'<f8\' (float64' },
  { input: 'A Fortran-ordered .npy', setup: (d) => put(d, 'f.npy', npyBytes(f32(T * D), [T, D], 'float32', { fortran: true })), argv: (d) => corrArgs(d, 'f.npy'), code: 1, message: 'E_FORMAT: {d}/f.npy: Fortran order is not supported; save with np.ascontiguousarray' },
  { input: 'NaN or Inf in the activations (corr default `--nan error`)', setup: (d) => { const v = Float32Array.from({ length: T * D }, (_, i) => i % 7); v[3 * D + 2] = NaN; put(d, 'nan.npy', npyBytes(v, [T, D], 'float32')); }, argv: (d) => corrArgs(d, 'nan.npy'), code: 1, message: 'E_NONFINITE: {d}/nan.npy: NaN at row 3, neuron 2; pass --nan zero (API: nan: \'zero\') to replace non-finite values by 0 a' },
  { input: 'Activations with a single row', setup: (d) => put(d, 'one.npy', npyBytes(f32(D), [1, D], 'float32')), argv: (d) => corrArgs(d, 'one.npy'), code: 1, message: 'E_EMPTY: Expected at least 2 rows to correlate but received 1 ({d}/one.npy)' },
  { input: 'Shards of different widths', argv: (d) => corrArgs(d, 'acts.npy', 'acts5.npy'), code: 1, message: 'E_WIDTH: {d}/acts5.npy: has 5 neurons per row, but {d}/acts.npy has 6; all files of a dataset must have the same width' },
  { input: 'A safetensors header length beyond the file', setup: (d) => put(d, 'l.safetensors', safetensorsRaw('{}', Buffer.alloc(0), true, 1 << 20)), argv: (d) => corrArgs(d, 'l.safetensors'), code: 1, message: 'E_FORMAT: {d}/l.safetensors: corrupt safetensors header: header length 1048576 goes beyond the end of the file (16 bytes' },
  { input: 'A safetensors header that is not JSON', setup: (d) => put(d, 'j.safetensors', safetensorsRaw('{"a": [1, 2', Buffer.alloc(16))), argv: (d) => corrArgs(d, 'j.safetensors'), code: 1, message: 'E_FORMAT: {d}/j.safetensors: corrupt safetensors header (bad JSON): expected \',\' or \']\' at byte 16' },
  { input: 'A safetensors tensor whose data_offsets run past the data', setup: (d) => put(d, 'o.safetensors', safetensorsRaw(JSON.stringify({ activations: { dtype: 'F32', shape: [T, D], data_offsets: [0, T * D * 4] } }), Buffer.alloc(T * D * 4 - 8))), argv: (d) => corrArgs(d, 'o.safetensors'), code: 1, message: 'E_FORMAT: {d}/o.safetensors: tensor "activations": corrupt safetensors header: data_offsets [0, 960] out of range (the d' },
  { input: 'A safetensors tensor whose shape disagrees with its byte range', setup: (d) => put(d, 's.safetensors', safetensorsRaw(JSON.stringify({ activations: { dtype: 'F32', shape: [T, D + 1], data_offsets: [0, T * D * 4] } }), Buffer.alloc(T * D * 4))), argv: (d) => corrArgs(d, 's.safetensors'), code: 1, message: 'E_FORMAT: {d}/s.safetensors: tensor "activations": corrupt safetensors header: shape [40, 7] of F32 needs 1120 bytes but' },
  { input: 'safetensors tensors whose data ranges overlap', setup: (d) => put(d, 'ov.safetensors', safetensorsRaw(JSON.stringify({ a: { dtype: 'F32', shape: [T, 3], data_offsets: [0, T * 12] }, b: { dtype: 'F32', shape: [T, 3], data_offsets: [T * 4, T * 16] } }), Buffer.alloc(T * 16))), argv: (d) => corrArgs(d, 'ov.safetensors'), code: 1, message: 'E_FORMAT: {d}/ov.safetensors: corrupt safetensors header: tensors "a" (data_offsets [0, 480]) and "b" ([160, 640]) overl' },
  { input: 'A safetensors tensor of an integer dtype', setup: (d) => put(d, 'i.safetensors', safetensorsRaw(JSON.stringify({ activations: { dtype: 'I64', shape: [T, D], data_offsets: [0, T * D * 8] } }), Buffer.alloc(T * D * 8))), argv: (d) => corrArgs(d, 'i.safetensors'), code: 1, message: 'E_DTYPE: {d}/i.safetensors: tensor "activations": dtype I64 is not supported (supported: F32, F16, BF16, F64)' },
  { input: 'A NeuroX JSON lines file with a malformed line', setup: (d) => put(d, 'bad.jsonl', readFileSync(join(d, 'n.jsonl'), 'utf8').split('\n').map((l, i) => (i === 2 ? '{"features": [{"token": "x", "layers": [{"index": 0, "values": [1.5,' : l)).join('\n')), argv: (d) => corrArgs(d, 'bad.jsonl'), code: 1, message: 'E_FORMAT: {d}/bad.jsonl:3: unexpected end of line, expected a number (column 69)' },
  { input: 'A NeuroX JSON lines token with other layers than the first', setup: (d) => put(d, 'w.jsonl', neuroxJsonl([[[1, 2, 3, 4], [5, 6, 7, 8]], [[1, 2, 3, 4, 5, 6]]], 2)), argv: (d) => corrArgs(d, 'w.jsonl'), code: 1, message: 'E_SHAPE: {d}/w.jsonl:2: token 0: layer 0 has 3 values, expected 2' },
  { input: 'A file given with the wrong `--format`', argv: (d) => [...corrArgs(d, 'acts.npy'), '--format', 'safetensors'], code: 1, message: 'E_FORMAT: {d}/acts.npy: corrupt safetensors header: header length 379676406402707 goes beyond the end of the file (1088 ' },
  // ---- labels ----
  { input: 'Fewer or more labels than activation rows', setup: (d) => put(d, 'short.json', JSON.stringify(Array.from({ length: T - 1 }, (_, i) => (i % 2 ? 'a' : 'b')))), argv: (d) => probeArgs(d, 'acts.npy', 'short.json'), code: 1, message: 'E_SHAPE: {d}/short.json: holds 39 labels but the activations have 40 rows; labels must be aligned one per row' },
  { input: 'A labels JSON that does not parse', setup: (d) => put(d, 'bad.json', '["a", "b",'), argv: (d) => probeArgs(d, 'acts.npy', 'bad.json'), code: 1, message: 'E_FORMAT: {d}/bad.json: not valid JSON (Unexpected end of JSON input)' },
  { input: 'A labels JSON nested 5,000 deep', setup: (d) => put(d, 'deep.json', '['.repeat(5000) + ']'.repeat(5000)), argv: (d) => probeArgs(d, 'acts.npy', 'deep.json'), code: 1, message: 'E_FORMAT: {d}/deep.json: cannot read labels (JSON nested more than 64 levels deep; no labels nests that deep)' },
  { input: 'Labels mixing class names and numbers', setup: (d) => put(d, 'mix.json', JSON.stringify(Array.from({ length: T }, (_, i) => (i === 5 ? 1 : 'a')))), argv: (d) => probeArgs(d, 'acts.npy', 'mix.json'), code: 1, message: 'E_FORMAT: {d}/mix.json: labels mixes strings and other values (entry 5 is 1)' },
  { input: 'A label that is not an integer (1.5, 1e300)', setup: (d) => put(d, 'float.json', JSON.stringify(Array.from({ length: T }, (_, i) => (i === 7 ? 1.5 : i % 2)))), argv: (d) => probeArgs(d, 'acts.npy', 'float.json'), code: 1, message: 'E_FORMAT: {d}/float.json: label 7 is 1.5, not an integer class id' },
  { input: 'Labels of one class only (training)', setup: (d) => put(d, 'one.json', JSON.stringify(Array.from({ length: T }, () => 'a'))), argv: (d) => probeArgs(d, 'acts.npy', 'one.json'), code: 2, message: 'E_ARGUMENT: {d}/one.json: all 40 labels are "a": a probe needs at least 2 classes' },
  { input: 'A .npy of float labels', setup: (d) => put(d, 'fl.npy', npyBytes(f32(T), [T], 'float32')), argv: (d) => probeArgs(d, 'acts.npy', 'fl.npy'), code: 1, message: 'E_DTYPE: {d}/fl.npy: labels must have an integer dtype (int8/16/32/64 or uint8/16/32/64) but the file holds \'<f4\'' },
  { input: 'A `.label` line whose count differs from its sentence\'s tokens (NeuroX JSON lines activations), same total', setup: (d) => put(d, 'shift.label', SENTENCES.map((n, s) => Array.from({ length: n + (s === 1 ? -1 : s === 3 ? 1 : 0) }, () => 'A').join(' ')).join('\n') + '\n'), argv: (d) => probeArgs(d, 'n.jsonl', 'shift.label'), code: 1, message: 'E_SHAPE: {d}/shift.label: sentence 2 (line 2) has 4 labels but sentence 2 of {d}/n.jsonl has 5 tokens; a .label file hol' },
  { input: 'A `.label` file with another number of sentences than the activations', setup: (d) => put(d, 'more.label', [...SENTENCES, 1].map((n) => Array.from({ length: n }, (_, t) => (t % 2 ? 'A' : 'B')).join(' ')).join('\n') + '\n'), argv: (d) => probeArgs(d, 'n.jsonl', 'more.label'), code: 1, message: 'E_SHAPE: {d}/more.label: has 7 sentences (non-blank lines) but {d}/n.jsonl has 6; a .label file holds one line of labels' },
  { input: 'A test label not among the probe\'s classes (evaluate without `--unknown`)', setup: (d) => put(d, 'new.json', JSON.stringify(Array.from({ length: T }, (_, i) => (i === 4 ? 'zzz' : 'a')))), argv: (d) => evalArgs(d, 'probe.json', 'new.json'), code: 1, message: 'E_FORMAT: {d}/new.json: label 4 is "zzz", which is not one of the 2 known classes (a, b); pass unknown: <class> (CLI --u' },
  // ---- probe files ----
  { input: 'A probe JSON nested 5,000 deep', setup: (d) => put(d, 'deep-probe.json', '{"a":'.repeat(5000) + '1' + '}'.repeat(5000)), argv: (d) => evalArgs(d, 'deep-probe.json'), code: 1, message: 'E_FORMAT: {d}/deep-probe.json: not a probe file (JSON nested more than 64 levels deep)' },
  { input: 'A probe whose weights file is missing', setup: (d) => put(d, 'lone.json', readFileSync(join(d, 'probe.json'), 'utf8').replace('"weights": "probe.safetensors"', '"weights": "gone.safetensors"')), argv: (d) => evalArgs(d, 'lone.json'), code: 1, message: 'E_IO: {d}/gone.safetensors: cannot read (ENOENT: no such file or directory, open \'{d}/gone.safetensors\')' },
  { input: 'A probe whose weights file comes from another run (its sha256 differs from `weightsSha256`)', setup: (d) => put(d, 'probe.safetensors', safetensorsBytes([{ name: 'weight', shape: [2, D], values: f32(2 * D), dtype: 'float32' }, { name: 'bias', shape: [2], values: f32(2), dtype: 'float32' }])), argv: (d) => evalArgs(d), code: 1, message: 'E_FORMAT: {d}/probe.safetensors: is not the file its companion {d}/probe.json was written with' },
  { input: 'A probe JSON of another format or version', setup: (d) => put(d, 'other.json', JSON.stringify({ format: 'neurosieve-ranking', version: 1 })), argv: (d) => evalArgs(d, 'other.json'), code: 1, message: 'E_FORMAT: {d}/other.json: not a probe file (format is "neurosieve-ranking", expected "neurosieve-probe")' },
  { input: 'Probe weights with NaN', setup: (d) => { const j = JSON.parse(readFileSync(join(d, 'probe.json'), 'utf8')); delete j.weightsSha256; put(d, 'probe.json', JSON.stringify(j)); const wt = f32(2 * D); wt[3] = NaN; put(d, 'probe.safetensors', safetensorsBytes([{ name: 'weight', shape: [2, D], values: wt, dtype: 'float32' }, { name: 'bias', shape: [2], values: f32(2), dtype: 'float32' }])); }, argv: (d) => evalArgs(d), code: 1, message: 'E_FORMAT: {d}/probe.json: not a probe file ({d}/probe.safetensors: weight[0, 3] is NaN)' },
  // ---- matrices and stats ----
  { input: 'A matrix beside a `.npy.json` summary of another run (sha256 differs from `matrixSha256`)', setup: (d) => { const j = JSON.parse(readFileSync(join(d, 'corr.npy.json'), 'utf8')); j.matrixSha256 = '0'.repeat(64); put(d, 'corr.npy.json', JSON.stringify(j)); }, argv: (d) => clusterArgs(d, 'corr.npy'), code: 1, message: 'E_FORMAT: {d}/corr.npy: is not the file its companion {d}/corr.npy.json was written with' },
  { input: 'A non-square matrix given to cluster', setup: (d) => put(d, 'rect.npy', npyBytes(f32(12), [3, 4], 'float32')), argv: (d) => clusterArgs(d, 'rect.npy'), code: 1, message: 'E_SHAPE: {d}/rect.npy: Expected a square correlation matrix [n, n] but received shape [3, 4]' },
  { input: 'An integer matrix given to cluster', setup: (d) => put(d, 'int.npy', npyBytes(f32(16), [4, 4], 'float32', { descr: '<i4' })), argv: (d) => clusterArgs(d, 'int.npy'), code: 1, message: 'E_DTYPE: {d}/int.npy: Expected a float32 (\'<f4\') or float64 (\'<f8\') matrix but received \'<i4\'' },
  { input: 'A correlation matrix with NaN, |r| > 1, asymmetry or a diagonal ≠ 1 (without `--repair`)', setup: (d) => { const m = Float32Array.from({ length: 16 }, (_, i) => (i % 5 === 0 ? 1 : 0.2)); m[1] = 0.7; put(d, 'asym.npy', npyBytes(m, [4, 4], 'float32')); }, argv: (d) => clusterArgs(d, 'asym.npy'), code: 1, message: 'E_FORMAT: {d}/asym.npy: Expected a symmetric matrix (|r_ij - r_ji| <= 1e-6) at row 0, column 1 but received 0.699999988 ' },
  { input: 'A stats file cut short', setup: (d) => { const b = readFileSync(join(d, 'run.stats')); put(d, 'cut.stats', b.subarray(0, b.length - 16)); }, argv: (d) => ['corr', '--from-stats', join(d, 'cut.stats'), '-o', join(d, 'c.npy')], code: 1, message: 'E_FORMAT: {d}/cut.stats: not a neurosieve stats file (tensor "comoment" data lies outside the file or has the wrong size' },
  { input: 'The same stats file twice in `stats merge`', argv: (d) => ['stats', 'merge', join(d, 'run.stats'), join(d, 'run.stats'), '-o', join(d, 'm.stats')], code: 2, message: 'E_ARGUMENT: Expected distinct stats files to merge but received \'{d}/run.stats\' and \'{d}/run.stats\', which are the same ' },
  { input: 'A stats file whose count is 0', setup: (d) => put(d, 'zero.stats', Buffer.from(readFileSync(join(d, 'run.stats'), 'latin1').replace('"count":"40"', '"count":"00"'), 'latin1')), argv: (d) => ['stats', 'merge', join(d, 'zero.stats'), join(d, 'run.stats'), '-o', join(d, 'm.stats')], code: 1, message: 'E_FORMAT: {d}/zero.stats: not a neurosieve stats file (count "00" is not a positive integer)' },
  { input: 'Stats files of different widths (stats merge)', setup: (d) => expect(runCli(['corr', join(d, 'acts5.npy'), '-o', join(d, 'c5.npy'), '--stats-out', join(d, 'run5.stats'), '--quiet']).code).toBe(0), argv: (d) => ['stats', 'merge', join(d, 'run.stats'), join(d, 'run5.stats'), '-o', join(d, 'm.stats')], code: 1, message: 'E_WIDTH: {d}/run5.stats: has 5 neurons, but {d}/run.stats has 6; stats files merge only at the same width' },
  { input: 'Debiased CKA asked of a version 1 stats file', argv: (d) => ['cka', join(d, 'run.stats'), '--debiased', '--layer-width', '3', '-o', join(d, 'k.json')], code: 2, message: 'E_ARGUMENT: {d}/run.stats: Expected stats with layer sums (version 2: layer_q, layer_P, layer_R, layer_shift) for debias' },
  { input: 'A JSON of another format given to report', setup: (d) => put(d, 'notres.json', JSON.stringify({ format: 'neurosieve-probe', version: 1 })), argv: (d) => ['report', join(d, 'notres.json'), '-o', join(d, 'r.html')], code: 1, message: 'E_FORMAT: {d}/notres.json: not a neurosieve analysis (format \'neurosieve-probe\', expected \'neurosieve-analysis\')' },
  // ---- memory ----
  { input: '`corr` whose co-moment state and D × D matrix exceed the memory (3 × 100,000 neurons on a 25 GB machine; tested as 20,000 under a 1 GB limit)', setup: (d) => put(d, 'wide.npy', npyBytes(f32(3 * 20000), [3, 20000], 'float32')), env: { NEUROSIEVE_MEMORY_LIMIT: '1000000000' }, argv: (d) => corrArgs(d, 'wide.npy'), code: 2, message: 'E_ARGUMENT: neurosieve corr of {d}/wide.npy (20000 neurons): needs at least 3.2 GB of memory (co-moment state D(D+1)/2 f' },
  { input: '`cluster` whose condensed distances exceed the memory', env: { NEUROSIEVE_MEMORY_LIMIT: '50' }, argv: (d) => clusterArgs(d, 'corr.npy'), code: 2, message: 'E_ARGUMENT: clustering {d}/corr.npy (6 neurons): needs at least 60 bytes of memory (condensed distances n(n-1)/2 float32' },
  // ---- edge files (corr --edges) ----
  { input: 'An edge file asked for a cut beyond its threshold', argv: (d) => ['cluster', join(d, 'edges.safetensors'), '-t', '0.7', '-o', join(d, 'cl.json')], code: 2, message: 'E_ARGUMENT: {d}/edges.safetensors: the edges keep |r| >= 0.5, so clusters are exact only for cuts <= 1 − 0.5 = 0.500000; 0.7 asks for more' },
  { input: 'An edge file listing a pair out of order (i ≥ j)', setup: (d) => writeEdgesFile(join(d, 'lying.safetensors'), { ...readEdgesFile(join(d, 'edges.safetensors')), i: Uint32Array.of(3), j: Uint32Array.of(1), r: Float32Array.of(0.9) }), argv: (d) => ['cluster', join(d, 'lying.safetensors'), '-t', '0.3', '-o', join(d, 'cl.json')], code: 1, message: 'E_FORMAT: {d}/lying.safetensors: clustering from edges: edge 0 (3, 1, r = 0.900000) is not a pair i < j < n with tau <= |r| <= 1' },
  { input: '`--data` with another neuron count than the edge file', argv: (d) => ['cluster', join(d, 'edges.safetensors'), '-t', '0.3', '--data', join(d, 'acts5.npy'), '-o', join(d, 'cl.json')], code: 1, message: 'E_SHAPE: the data ({d}/acts5.npy) has 5 neurons but the edges have 6: not the edges\' data' },
  { input: 'Activations to load (probe, evaluate, rank, analyze) that exceed the memory', env: { NEUROSIEVE_MEMORY_LIMIT: '500' }, argv: (d) => probeArgs(d), code: 2, message: 'E_ARGUMENT: {d}/acts.npy: loading 40 rows × 6 neurons: needs at least 960 bytes of memory (float32 activations 960 bytes' },
  { input: 'A malformed `NEUROSIEVE_MEMORY_LIMIT`', env: { NEUROSIEVE_MEMORY_LIMIT: 'lots' }, argv: (d) => corrArgs(d, 'acts.npy'), code: 2, message: 'E_ARGUMENT: Expected a positive number of bytes for NEUROSIEVE_MEMORY_LIMIT but received \'lots\'' },
  // ---- options ----
  { input: 'An unknown option', argv: (d) => [...corrArgs(d, 'acts.npy'), '--colums', '1'], code: 2, message: 'E_ARGUMENT: Unknown option \'--colums\' for \'neurosieve corr\' (see neurosieve corr --help)' },
  { input: 'A required option missing (`-o`)', argv: (d) => ['corr', join(d, 'acts.npy')], code: 2, message: 'E_ARGUMENT: Missing required option --output for \'neurosieve corr\' (see --help)' },
  { input: 'A neuron id out of range in `--columns`', argv: (d) => [...corrArgs(d, 'acts.npy'), '--columns', '2-9'], code: 2, message: 'E_ARGUMENT: Expected neuron ids in [0, 5] (width 6) for --columns but received 9 in \'2-9\'' },
  { input: 'Both inputs and `--from-stats`', argv: (d) => [...corrArgs(d, 'acts.npy'), '--from-stats', join(d, 'run.stats')], code: 2, message: 'E_ARGUMENT: Expected either input files or --from-stats for neurosieve corr but received both' },
  { input: 'A negative `--threads` or a `--chunk-rows` out of range', argv: (d) => [...corrArgs(d, 'acts.npy'), '--threads', '-1'], code: 2, message: 'E_ARGUMENT: Expected a non-negative integer for --threads of \'neurosieve corr\' but received \'-1\'' },
  { input: 'A `--threshold` outside [0, 2]', argv: (d) => ['cluster', join(d, 'corr.npy'), '-t', '2.5', '-o', join(d, 'cl.json')], code: 2, message: 'E_ARGUMENT: Expected a distance threshold in [0, 2] for --threshold of \'neurosieve cluster\' but received \'2.5\'' },
  { input: 'An unknown command', argv: () => ['corelate'], code: 2, message: 'neurosieve: unknown command \'corelate\'' },
  // ---- outputs ----
  { input: 'synth means whose float32 values overflow (`--large-mean-value 1e39`)', argv: (d) => ['synth', '--tokens', '10', '--neurons', '20', '--large-mean-value', '1e39', '-o', join(d, 's.npy')], code: 2, message: 'E_ARGUMENT: Expected means of at most 3e+38 (float32 overflows to Inf at 3.4028e38) but --offset 0 and --large-mean-valu' },
  { input: '`--unknown` naming a class the probe does not have', argv: (d) => [...evalArgs(d), '--unknown', 'zzz'], code: 2, message: 'E_ARGUMENT: Expected one of the classes for unknown but received \'zzz\'' },
  { input: 'An output whose directory does not exist', argv: (d) => ['corr', join(d, 'acts.npy'), '-o', join(d, 'nope', 'c.npy')], code: 2, message: 'E_ARGUMENT: Expected an output in an existing directory for -o of \'neurosieve corr\' but received \'{d}/nope/c.npy\': \'{d}/' },
  { input: 'An output that is a hard link to an input', setup: (d) => linkSync(join(d, 'labels.json'), join(d, 'hard.json')), argv: (d) => [...probeArgs(d).slice(0, -1), join(d, 'hard.json')], code: 2, message: 'E_ARGUMENT: Expected an output that is not an input for -o of \'neurosieve probe\' but received \'{d}/hard.json\' (a hard li' },
  { input: 'A file at `<output>.neurosieve-lock` that is not this tool\'s lock', setup: (d) => put(d, 'c.npy.neurosieve-lock', 'mine\n'), argv: (d) => corrArgs(d, 'acts.npy'), code: 1, message: 'E_IO: {d}/c.npy: cannot write: \'{d}/c.npy.neurosieve-lock\' exists and is not a lock of this tool (remove it if nothing e' },
  { input: 'A model directory without a model (extract)', setup: (d) => { mkdirSync(join(d, 'model')); put(d, 'src.py', 'x = 1\n'); }, argv: (d) => ['extract', '-m', join(d, 'model'), '-s', join(d, 'src.py'), '-o', join(d, 'out')], code: 1, message: 'E_MODEL: Expected model.onnx (or a single .onnx file) in {d}/model but received no .onnx file' },
  { input: 'Analysis results nested 5,000 deep (report)', setup: (d) => put(d, 'res.json', '{"a":'.repeat(5000) + '1' + '}'.repeat(5000)), argv: (d) => ['report', join(d, 'res.json'), '-o', join(d, 'r.html')], code: 1, message: 'E_FORMAT: {d}/res.json: cannot read analysis results (JSON nested more than 64 levels deep; no analysis results nests th' },
];

// BAD_INPUT_PRINT=1 BAD_INPUT_PRINT_FILE=<file>: record what each case does instead of checking it (to write a new row).
const PRINT = process.env.BAD_INPUT_PRINT === '1';

describe('bad input: exit code, a message naming the file, every file byte-identical', () => {
  for (const c of cases) {
    it(c.input, () => {
      const d = tempDir('bad');
      for (const name of readdirSync(template)) copyFileSync(join(template, name), join(d, name));
      c.setup?.(d);
      const before = snapshot(d);
      const r = runCli(c.argv(d), c.env ?? {});
      if (PRINT) {
        appendFileSync(process.env.BAD_INPUT_PRINT_FILE!, JSON.stringify({ input: c.input, code: r.code, stderr: r.stderr.split(d).join('{d}').trim(), stdout: r.stdout, same: JSON.stringify(snapshot(d)) === JSON.stringify(before) }) + '\n');
        return;
      }
      expect(r.stderr.split(d).join('{d}')).toContain(c.message);
      expect(r.code, r.stderr).toBe(c.code);
      expect(r.stdout).toBe('');
      expect(snapshot(d)).toEqual(before);
    });
  }

  it('every case is a row of the README table, and there are at least 60 rows', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Bad input'), readme.indexOf('\n## ', readme.indexOf('## Bad input') + 5));
    const rows = section.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Input') && !l.startsWith('| ---'));
    if (PRINT) return;
    for (const c of cases) expect(rows.some((r) => r.startsWith(`| ${c.input.replace(/\|/g, '\\|')} |`)), c.input).toBe(true);
    expect(rows.length).toBeGreaterThanOrEqual(60);
  });
});
