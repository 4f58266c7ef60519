/**
 * probe.json + sidecar safetensors (src/probe/probe-file.ts): round trips bit for bit, the layout other tools
 * read (tensor names, dtypes, shapes), atomic writes, and every broken file is a clear E_FORMAT naming it.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { readProbe, writeProbe, type Probe } from '../../src/probe/probe-file.js';
import { readSafetensors } from '../../src/io/safetensors.js';
import { prng, randn } from '../helpers/formats.js';
import { TEST_SEED } from '../helpers/planted.js';
import { scratchDir } from '../helpers/tmp.js';

const { dir } = scratchDir('probefile');

function probe(C: number, D: number, extra: Partial<Probe> = {}): Probe {
  const rand = prng(TEST_SEED + C * 31 + D);
  return {
    classes: Array.from({ length: C }, (_, i) => `class-${i}`),
    neurons: D,
    mode: 'exact',
    options: { lambda: 0.01, alpha: 0.5 },
    weight: Float32Array.from(randn(C * D, rand)),
    bias: Float32Array.from(randn(C, rand)),
    ...extra,
  };
}

const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('probe files', () => {
  it('round-trips weights, bias, z-score statistics, columns and metadata exactly', () => {
    const rand = prng(TEST_SEED);
    const p = probe(3, 7, {
      columns: [40, 2, 9, 11, 0, 5, 100],
      normalization: 'zscore',
      mean: Float64Array.from(randn(7, rand)),
      std: Float64Array.from(randn(7, rand), (v) => Math.abs(v) + 0.1),
      metrics: { accuracy: 0.93 },
      solver: { iterations: 41, gap: 1e-9 },
    });
    const path = join(dir, 'probe.json');
    writeProbe(path, p);
    expect(readdirSync(dir).sort()).toEqual(['probe.json', 'probe.safetensors']);
    const json = JSON.parse(readFileSync(path, 'utf8'));
    expect(json).toMatchObject({ format: 'neurosieve-probe', version: 1, neurons: 7, weights: 'probe.safetensors', normalization: 'zscore' });
    const q = readProbe(path);
    expect(q.classes).toEqual(p.classes);
    expect(q.columns).toEqual(p.columns);
    expect(q.options).toEqual(p.options);
    expect(q.metrics).toEqual(p.metrics);
    expect(q.solver).toEqual(p.solver);
    for (const k of ['weight', 'bias', 'mean', 'std'] as const) expect(bytes(q[k]!).equals(bytes(p[k]!)), k).toBe(true);
    // The sidecar's layout, as other tools (Python safetensors) see it.
    const st = readSafetensors(join(dir, 'probe.safetensors')).tensors;
    expect([...st.keys()]).toEqual(['weight', 'bias', 'mean', 'std']);
    expect(st.get('weight')!.shape).toEqual([3, 7]);
    expect(st.get('weight')!.data).toBeInstanceOf(Float32Array);
    expect(st.get('mean')!.data).toBeInstanceOf(Float64Array);
  });

  it('without normalization there are no mean/std tensors; another name gets a matching sidecar', () => {
    const path = join(dir, 'p2.json');
    writeProbe(path, probe(2, 4, { mode: 'compat' }));
    expect([...readSafetensors(join(dir, 'p2.safetensors')).tensors.keys()]).toEqual(['weight', 'bias']);
    const q = readProbe(path);
    expect(q.mode).toBe('compat');
    expect(q.mean).toBeUndefined();
    expect(q.columns).toBeUndefined();
  });

  it('rejects an invalid probe before writing anything', () => {
    const sub = mkdtempSync(join(dir, 'bad-'));
    const path = join(sub, 'x.json');
    expect(() => writeProbe(path, probe(2, 3, { weight: new Float32Array(5) }))).toThrow('Expected a valid probe for writeProbe but weight must be a Float32Array of 2×3');
    expect(() => writeProbe(path, probe(1, 3, { bias: new Float32Array(1), weight: new Float32Array(3) }))).toThrow('classes must be at least 2 class names');
    expect(() => writeProbe(path, probe(2, 3, { columns: [1, 1, 2] }))).toThrow('columns lists a neuron more than once');
    expect(() => writeProbe(path, probe(2, 3, { normalization: 'zscore' }))).toThrow('mean must be a Float64Array of 3');
    expect(readdirSync(sub)).toEqual([]);
  });

  it('broken files are E_FORMAT errors naming the file', () => {
    const path = join(dir, 'b.json');
    writeProbe(path, probe(2, 3));
    const good = JSON.parse(readFileSync(path, 'utf8'));
    const variant = (name: string, patch: object) => {
      const p = join(dir, name);
      writeFileSync(p, JSON.stringify({ ...good, ...patch }));
      return p;
    };
    const expectFormat = (p: string, msg: string) => {
      try {
        readProbe(p);
      } catch (e) {
        expect((e as { code: string }).code).toBe('E_FORMAT');
        expect((e as Error).message).toBe(msg);
        return;
      }
      throw new Error('expected an error');
    };
    const f1 = variant('f1.json', { format: 'other' });
    expectFormat(f1, `${f1}: not a probe file (format is "other", expected "neurosieve-probe")`);
    const f2 = variant('f2.json', { neurons: 4 });
    expectFormat(f2, `${f2}: not a probe file (${join(dir, 'b.safetensors')}: tensor "weight" must be F32 of shape [2, 4])`);
    const f3 = variant('f3.json', { classes: ['a', 'b', 'c'] });
    expectFormat(f3, `${f3}: not a probe file (${join(dir, 'b.safetensors')}: tensor "weight" must be F32 of shape [3, 3])`);
    const f4 = variant('f4.json', { version: 2 });
    expectFormat(f4, `${f4}: not a probe file (unsupported version 2)`);
    const f5 = join(dir, 'f5.json');
    writeFileSync(f5, '{"format": ');
    expect(() => readProbe(f5)).toThrow(/f5.json: not a probe file \(invalid JSON/);
    const f6 = variant('f6.json', { weights: 'nowhere.safetensors' });
    expect(() => readProbe(f6)).toThrow(/nowhere.safetensors: cannot read/);
    const f7 = variant('f7.json', { columns: [0, 1] });
    expectFormat(f7, `${f7}: not a probe file (columns must list 3 neuron ids)`);
  });

  it('"weights" resolves beside the probe only: an absolute path, .. or a separator is refused before it is opened', () => {
    const path = join(dir, 'w.json');
    writeProbe(path, probe(2, 3));
    const good = JSON.parse(readFileSync(path, 'utf8'));
    // The writer writes the sidecar's plain name, which the reader accepts.
    expect(good.weights).toBe('w.safetensors');
    mkdtempSync(join(dir, 'sub-'));
    const cases = [join(dir, 'w.safetensors'), '/etc/passwd', '../w.safetensors', `${basename(dir)}/../w.safetensors`, 'sub/w.safetensors', 'sub\\w.safetensors', '.', '..', 'w.safetensors\0'];
    for (const [i, weights] of cases.entries()) {
      const p = join(dir, `weights-${i}.json`);
      writeFileSync(p, JSON.stringify({ ...good, weights }));
      let err: unknown;
      try {
        readProbe(p);
      } catch (e) {
        err = e;
      }
      expect((err as { code: string }).code, weights).toBe('E_FORMAT');
      expect((err as Error).message).toBe(`${p}: not a probe file ("weights" must be a file name beside the probe file, but is ${JSON.stringify(weights)})`);
    }
  });

  it('a .npy, a safetensors file or binary bytes given as the probe: "not a probe file", no raw bytes in the message', () => {
    const npy = join(dir, 'acts.npy');
    writeFileSync(npy, Buffer.concat([Buffer.from('\x93NUMPY\x01\x00v\x00', 'latin1'), Buffer.from("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"), Buffer.alloc(24, 0xff)]));
    const st = join(dir, 'w.safetensors');
    writeProbe(join(dir, 'w.json'), probe(2, 3));
    const garbage = join(dir, 'garbage.json');
    writeFileSync(garbage, Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x01, 0x93, 0xff, 0xfe, 0x00]));
    const empty = join(dir, 'empty.json');
    writeFileSync(empty, '  \n');
    const expectMessage = (p: string, msg: string) => {
      let err: unknown;
      try {
        readProbe(p);
      } catch (e) {
        err = e;
      }
      expect((err as { code: string }).code).toBe('E_FORMAT');
      expect((err as Error).message).toMatch(msg);
      expect((err as Error).message).toMatch(/^[\x20-\x7e]*$/);
    };
    expectMessage(npy, `${npy}: not a probe file (it is a .npy array, not JSON)`);
    expectMessage(st, `${st}: not a probe file (it looks like a safetensors file, not JSON)`);
    expectMessage(garbage, `${garbage}: not a probe file (invalid JSON: `);
    expectMessage(empty, `${empty}: not a probe file (the file is empty)`);
  });
});
