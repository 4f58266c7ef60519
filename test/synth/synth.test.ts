/**
 * `synth` and `neurosieve synth`: determinism (seed, threads, layout), the file format, and that the data obey the
 * truth file, checked with float64 statistics computed here.
 *
 * Statistical tolerances: for T rows of a bivariate normal with correlation ρ, the sample r has standard error
 * ≈ (1 − ρ²)/√T; we allow 6 standard errors plus 1e-3 for the float32/float16 rounding. A sample mean of a
 * unit-variance column has standard error 1/√T, a sample std ≈ 1/√(2T). Six standard errors over the ~10⁴ checks
 * here fail by chance with probability < 10⁻⁵; and the data are deterministic, so a pass is a pass forever.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { NeurosieveError } from '../../src/core/errors.js';
import { readNpy } from '../../src/io/npy.js';
import { resolveSynthOptions, synth, synthTruth, type SynthOptions, type SynthTruth } from '../../src/synth/synth.js';
import { filesIn, runCli, tempDir } from '../helpers/cli.js';
import { fromHalf, toHalf } from '../helpers/formats.js';

let dir = '';
beforeAll(() => {
  dir = tempDir('synth');
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

let n = 0;
const out = (name = 'd') => join(dir, `${name}-${n++}.npy`);

/** Column c of a row-major T×D array, in float64. */
function column(x: Float32Array, T: number, D: number, c: number): Float64Array {
  const v = new Float64Array(T);
  for (let t = 0; t < T; t++) v[t] = x[t * D + c]!;
  return v;
}

function meanStd(v: Float64Array): [number, number] {
  let m = 0;
  for (const a of v) m += a;
  m /= v.length;
  let s = 0;
  for (const a of v) s += (a - m) * (a - m);
  return [m, Math.sqrt(s / v.length)];
}

function pearson(a: Float64Array, b: Float64Array): number {
  const [ma] = meanStd(a);
  const [mb] = meanStd(b);
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return sab / Math.sqrt(saa * sbb);
}

async function expectError(p: Promise<unknown> | (() => unknown), code: string, message?: string | RegExp): Promise<void> {
  let err: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    err = e;
  }
  expect(err, 'expected an error').toBeInstanceOf(NeurosieveError);
  expect((err as NeurosieveError).code).toBe(code);
  if (typeof message === 'string') expect((err as NeurosieveError).message).toBe(message);
  else if (message) expect((err as NeurosieveError).message).toMatch(message);
}

describe('synth: files and determinism', () => {
  const base: Omit<SynthOptions, 'out'> = { tokens: 1000, neurons: 96, groups: 6, constant: 2, largeMean: 2, seed: 7 };

  it('writes a readable [T, D] float32 .npy and <out>.truth.json', async () => {
    const p = out();
    const r = await synth({ ...base, out: p });
    expect(r.path).toBe(p);
    expect(r.truthPath).toBe(`${p}.truth.json`);
    const f = readNpy(p);
    expect(f.descr).toBe('<f4');
    expect(f.shape).toEqual([1000, 96]);
    expect(f.data.length).toBe(96_000);
    for (const v of f.data as Float32Array) expect(Number.isFinite(v)).toBe(true);
    const truth = JSON.parse(readFileSync(r.truthPath, 'utf8')) as SynthTruth;
    expect(truth).toEqual(r.truth);
    expect(truth.file).toBe(p.split('/').pop());
    expect(truth.shape).toEqual([1000, 96]);
    expect(synthTruth({ ...base, out: p })).toEqual(truth);
    // Nothing but the two outputs in the directory: no temp file left.
    expect(filesIn(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('same seed and options give the same bytes, whatever the thread count', async () => {
    const a = out();
    const b = out();
    const c = out();
    await synth({ ...base, tokens: 1300, out: a, threads: 1 });
    await synth({ ...base, tokens: 1300, out: b, threads: 2 });
    await synth({ ...base, tokens: 1300, out: c, threads: 7 });
    const ba = readFileSync(a);
    expect(readFileSync(b).equals(ba)).toBe(true);
    expect(readFileSync(c).equals(ba)).toBe(true);
    expect(readFileSync(`${b}.truth.json`, 'utf8').replace(/"file": "[^"]*"/, '')).toBe(
      readFileSync(`${a}.truth.json`, 'utf8').replace(/"file": "[^"]*"/, ''),
    );
  });

  it('the first rows do not depend on how many rows follow (256-row blocks)', async () => {
    const a = out();
    const b = out();
    await synth({ ...base, tokens: 300, out: a });
    await synth({ ...base, tokens: 1000, out: b });
    const x = readNpy(a).data as Float32Array;
    const y = readNpy(b).data as Float32Array;
    expect(Buffer.from(y.buffer, 0, x.byteLength).equals(Buffer.from(x.buffer))).toBe(true);
  });

  it('another seed gives other data and another layout of roles', async () => {
    const a = out();
    const b = out();
    const ra = await synth({ ...base, out: a, seed: 1 });
    const rb = await synth({ ...base, out: b, seed: 2 });
    expect(readFileSync(a).equals(readFileSync(b))).toBe(false);
    expect(ra.truth.groupOf).not.toEqual(rb.truth.groupOf);
  });

  it('--layers writes [L, T, H] holding the same values as the [T, D] file, layer-major', async () => {
    const a = out();
    const b = out();
    await synth({ ...base, out: a });
    const r = await synth({ ...base, out: b, layers: 4 });
    expect(r.truth.shape).toEqual([4, 1000, 24]);
    const flat = readNpy(a).data as Float32Array;
    const f3 = readNpy(b);
    expect(f3.shape).toEqual([4, 1000, 24]);
    const x3 = f3.data as Float32Array;
    for (let l = 0; l < 4; l++)
      for (let t = 0; t < 1000; t++)
        for (let h = 0; h < 24; h++) {
          if (x3[(l * 1000 + t) * 24 + h] !== flat[t * 96 + l * 24 + h]) throw new Error(`differs at layer ${l} row ${t} unit ${h}`);
        }
  });

  it('--dtype float16 stores the float32 values rounded to nearest even', async () => {
    const a = out();
    const b = out();
    await synth({ ...base, out: a, largeMeanValue: 100 });
    const r = await synth({ ...base, out: b, dtype: 'float16', largeMeanValue: 100 });
    const f32 = readNpy(a).data as Float32Array;
    const buf = readFileSync(b);
    const hlen = buf.readUInt16LE(8);
    expect(buf.toString('latin1', 10, 10 + hlen)).toContain("'descr': '<f2'");
    const h = new Uint16Array(buf.buffer.slice(buf.byteOffset + 10 + hlen, buf.byteOffset + buf.length));
    expect(h.length).toBe(f32.length);
    for (let i = 0; i < h.length; i++) if (h[i] !== toHalf(f32[i]!)) throw new Error(`element ${i}: ${h[i]} vs toHalf(${f32[i]})`);
    // Constants are quoted as stored: exactly representable in float16.
    for (const c of r.truth.constant) expect(fromHalf(toHalf(c.value))).toBe(c.value);
  });
});

describe('synth: the data obey the truth', () => {
  const T = 20_000;
  const D = 130;
  let x: Float32Array;
  let truth: SynthTruth;
  /** Columns centred and scaled to unit norm in float64 (undefined for zero variance): r = dot product. */
  let unit: (Float64Array | undefined)[];
  beforeAll(async () => {
    const p = out('truth');
    const r = await synth({ out: p, tokens: T, neurons: D, groups: 8, groupSize: [2, 6], noise: [0, 0.6], constant: 3, largeMean: 4, seed: 20240611 });
    truth = r.truth;
    x = readNpy(p).data as Float32Array;
    unit = Array.from({ length: D }, (_, c) => {
      const v = column(x, T, D, c);
      const [m, sd] = meanStd(v);
      if (sd === 0) return undefined;
      const k = 1 / (sd * Math.sqrt(T));
      return v.map((a) => (a - m) * k);
    });
  });
  const col = (c: number) => column(x, T, D, c);
  const r = (i: number, j: number): number => {
    const a = unit[i]!;
    const b = unit[j]!;
    let s = 0;
    for (let t = 0; t < T; t++) s += a[t]! * b[t]!;
    return s;
  };
  const tol = (rho: number) => (6 * (1 - rho * rho)) / Math.sqrt(T) + 1e-3;

  it('roles partition the neurons and are spread over random columns', () => {
    const seen = new Int32Array(D);
    for (const g of truth.groups) for (const c of g.neurons) seen[c]!++;
    for (const c of truth.independent) seen[c]!++;
    for (const k of truth.constant) seen[k.neuron]!++;
    for (const k of truth.largeMean) seen[k.neuron]!++;
    expect(Array.from(seen).every((s) => s === 1)).toBe(true);
    expect(truth.groups).toHaveLength(8);
    for (const g of truth.groups) {
      expect(g.members.length).toBeGreaterThanOrEqual(2);
      expect(g.members.length).toBeLessThanOrEqual(6);
      expect(g.members[0]!.kind).toBe('base');
      expect(g.base).toBe(g.members[0]!.neuron);
      for (const m of g.members) expect(truth.groupOf[m.neuron]).toBe(g.id);
    }
    const grouped = truth.groups.flatMap((g) => g.neurons).sort((a, b) => a - b);
    expect(grouped).not.toEqual(grouped.map((_, i) => i)); // not the first columns
    const contiguous = truth.groups.filter((g) => g.neurons[g.neurons.length - 1]! - g.neurons[0]! === g.neurons.length - 1);
    expect(contiguous.length).toBeLessThan(truth.groups.length);
    const kinds = new Set(truth.groups.flatMap((g) => g.members.map((m) => m.kind)));
    expect([...kinds].sort()).toEqual(['base', 'noisy-copy', 'scaled-copy', 'sign-flip']);
  });

  it('each member correlates with its base as expectedR = sign(scale)/sqrt(1 + noise²)', () => {
    let checked = 0;
    for (const g of truth.groups) {
      for (const m of g.members.slice(1)) {
        expect(m.expectedAbsR).toBeCloseTo(1 / Math.sqrt(1 + m.noise * m.noise), 12);
        expect(Math.sign(m.expectedR)).toBe(m.kind === 'sign-flip' ? -1 : 1);
        const rr = r(m.neuron, g.base);
        expect(Math.abs(rr - m.expectedR), `group ${g.id} neuron ${m.neuron} (${m.kind}, noise ${m.noise})`).toBeLessThan(tol(m.expectedAbsR));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(8);
  });

  it('members correlate with each other as the product of their expected r, and minPairAbsR bounds them', () => {
    for (const g of truth.groups) {
      for (let i = 1; i < g.members.length; i++)
        for (let j = i + 1; j < g.members.length; j++) {
          const a = g.members[i]!;
          const b = g.members[j]!;
          const want = a.expectedR * b.expectedR;
          expect(Math.abs(r(a.neuron, b.neuron) - want)).toBeLessThan(tol(want));
          expect(Math.abs(pearson(col(a.neuron), col(b.neuron)) - want)).toBeLessThan(tol(want));
          expect(Math.abs(want)).toBeGreaterThanOrEqual(g.minPairAbsR - 1e-12);
        }
    }
  });

  it('members have the truth mean and std', () => {
    for (const g of truth.groups)
      for (const m of g.members) {
        const [mu, sd] = meanStd(col(m.neuron));
        expect(Math.abs(mu - m.mean)).toBeLessThan((6 * m.std) / Math.sqrt(T));
        expect(Math.abs(sd / m.std - 1)).toBeLessThan(6 / Math.sqrt(2 * T) + 1e-3);
      }
  });

  it('neurons of different groups and independent neurons are uncorrelated', () => {
    const reps = [...truth.groups.map((g) => g.base), ...truth.independent, ...truth.largeMean.map((k) => k.neuron)];
    let worst = 0;
    for (let i = 0; i < reps.length; i++)
      for (let j = i + 1; j < reps.length; j++) worst = Math.max(worst, Math.abs(r(reps[i]!, reps[j]!)));
    expect(worst).toBeLessThan(6 / Math.sqrt(T));
  });

  it('thresholding |r| at 0.7 (distance 0.3) recovers exactly the planted groups', () => {
    expect(Math.min(...truth.groups.map((g) => g.minPairAbsR))).toBeGreaterThan(0.7); // noise ≤ 0.6: ρ² ≥ 1/1.36²
    const parent = Array.from({ length: D }, (_, i) => i);
    const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
    for (let i = 0; i < D; i++)
      for (let j = i + 1; j < D; j++) {
        if (!unit[i] || !unit[j]) continue; // zero variance: r = 0 by convention
        if (Math.abs(r(i, j)) >= 0.7) parent[find(i)] = find(j);
      }
    const clusters = new Map<number, number[]>();
    for (let c = 0; c < D; c++) clusters.set(find(c), [...(clusters.get(find(c)) ?? []), c]);
    const found = [...clusters.values()].filter((m) => m.length > 1).map((m) => m.join(',')).sort();
    const planted = truth.groups.map((g) => g.neurons.join(',')).sort();
    expect(found).toEqual(planted);
  });

  it('constant neurons hold exactly their value; independent neurons are standard normal', () => {
    expect(truth.constant).toHaveLength(3);
    for (const k of truth.constant) {
      const v = col(k.neuron);
      expect(v.every((a) => a === k.value)).toBe(true);
      expect(meanStd(v)[1]).toBe(0);
    }
    for (const c of truth.independent) {
      const [mu, sd] = meanStd(col(c));
      expect(Math.abs(mu)).toBeLessThan(6 / Math.sqrt(T));
      expect(Math.abs(sd - 1)).toBeLessThan(6 / Math.sqrt(2 * T));
    }
  });

  it('large-mean neurons have mean ~1e4 and unit variance', () => {
    expect(truth.largeMean).toHaveLength(4);
    for (const k of truth.largeMean) {
      expect(k.mean).toBeGreaterThanOrEqual(9000);
      expect(k.mean).toBeLessThan(11000);
      const [mu, sd] = meanStd(col(k.neuron));
      expect(Math.abs(mu - k.mean)).toBeLessThan(6 / Math.sqrt(T));
      expect(Math.abs(sd - 1)).toBeLessThan(6 / Math.sqrt(2 * T) + 1e-3);
    }
  });

  it('values are standard normal in distribution (ziggurat sanity: tails and kurtosis)', () => {
    const v = new Float64Array(truth.independent.length * T);
    let k = 0;
    for (const c of truth.independent) for (const a of col(c)) v[k++] = a;
    let m4 = 0;
    let beyond3 = 0;
    for (const a of v) {
      m4 += a ** 4;
      if (Math.abs(a) > 3) beyond3++;
    }
    const N = v.length;
    expect(Math.abs(m4 / N - 3)).toBeLessThan(6 * Math.sqrt(96 / N)); // var(x⁴) = 105 − 9 = 96
    const p3 = 0.0026997960632601866; // P(|Z| > 3)
    expect(Math.abs(beyond3 / N - p3)).toBeLessThan(6 * Math.sqrt(p3 / N));
  });
});

describe('synth: options', () => {
  const o = (extra: Partial<SynthOptions>): SynthOptions => ({ out: join(dir, 'never.npy'), tokens: 10, neurons: 10, ...extra });

  it('defaults: a quarter of the neurons in groups of 4, 1% constant and large-mean, noise 0.05..0.5', () => {
    const r = resolveSynthOptions({ out: 'x.npy', tokens: 5, neurons: 9984 });
    expect(r).toMatchObject({ layers: 1, groups: 624, groupSizeMin: 4, groupSizeMax: 4, constant: 100, largeMean: 100, noiseMin: 0.05, noiseMax: 0.5, seed: 0, dtype: 'float32', offset: 0, largeMeanValue: 1e4 });
    expect(resolveSynthOptions({ out: 'x.npy', tokens: 5, neurons: 1 })).toMatchObject({ groups: 0, constant: 0, largeMean: 0 });
    // Defaults for the specials shrink to what fits beside explicit groups.
    expect(resolveSynthOptions({ out: 'x.npy', tokens: 5, neurons: 100, groups: 25 })).toMatchObject({ constant: 0, largeMean: 0 });
  });

  it('rejects bad values with messages naming the option', async () => {
    await expectError(synth(o({ tokens: 0 })), 'E_ARGUMENT', 'Expected an integer >= 1 for tokens but received 0');
    await expectError(synth(o({ neurons: 2.5 })), 'E_ARGUMENT', 'Expected an integer >= 1 for neurons but received 2.5');
    await expectError(synth(o({ layers: 3 })), 'E_ARGUMENT', "Expected layers to divide neurons (10) but received '3'");
    await expectError(synth(o({ groupSize: 1 })), 'E_ARGUMENT', 'Expected an integer ≥ 2 or a [min, max] pair of them for groupSize but received 1');
    await expectError(synth(o({ groupSize: [5, 3] })), 'E_ARGUMENT', 'Expected min ≤ max for groupSize but received [5, 3]');
    await expectError(synth(o({ noise: -1 })), 'E_ARGUMENT', 'Expected a number ≥ 0 or a [min, max] pair of them for noise but received -1');
    await expectError(synth(o({ seed: -1 })), 'E_ARGUMENT', 'Expected an integer >= 0 for seed but received -1');
    await expectError(synth(o({ dtype: 'float64' as 'float32' })), 'E_ARGUMENT', "Expected one of 'float32', 'float16' for dtype but received 'float64'");
    await expectError(
      synth(o({ groups: 2, groupSize: [2, 4], constant: 2, largeMean: 1 })),
      'E_ARGUMENT',
      'Expected groups × groupSize + constant + largeMean to be at most neurons (10) but received 2 × up to 4 + 2 + 1 = 11',
    );
    await expectError(synth(o({ dtype: 'float16', largeMean: 1 })), 'E_ARGUMENT', /at most 512 with dtype float16/);
    expect(existsSync(join(dir, 'never.npy'))).toBe(false);
  });

  it('rejects unknown option keys by name (synth and synthTruth)', async () => {
    const known = 'out, tokens, neurons, layers, groups, groupSize, noise, constant, largeMean, largeMeanValue, offset, dtype, seed, threads, onProgress, signal, families, familyWeight, graded, gradedSize, gradedR, spanning, nearConstant, nearConstantStd, concepts, conceptNeurons, conceptShift, layerBlocks, tailDof';
    await expectError(synth(o({ groupsize: 3 } as Partial<SynthOptions>)), 'E_ARGUMENT', `Expected one of the options ${known} for synth but received 'groupsize'`);
    await expectError(() => synthTruth(o({ sead: 1 } as Partial<SynthOptions>)), 'E_ARGUMENT', `Expected one of the options ${known} for synthTruth but received 'sead'`);
    expect(existsSync(join(dir, 'never.npy'))).toBe(false);
  });

  it('an unwritable output is E_IO naming the file, and leaves nothing', async () => {
    const p = join(dir, 'no-such-dir', 'x.npy');
    await expectError(synth(o({ out: p })), 'E_IO', new RegExp(`^${p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: cannot create output file`));
  });

  it('aborting stops the run with E_CANCELLED and leaves no file behind', async () => {
    const sub = tempDir('synth-cancel');
    try {
      const ac = new AbortController();
      const p = join(sub, 'big.npy');
      const run = synth({ out: p, tokens: 60_000, neurons: 512, signal: ac.signal });
      setTimeout(() => ac.abort(), 5);
      await expectError(run, 'E_CANCELLED', `${p}: cancelled`);
      expect(filesIn(sub)).toEqual([]);
      const pre = new AbortController();
      pre.abort();
      await expectError(synth({ out: p, tokens: 10, neurons: 10, signal: pre.signal }), 'E_CANCELLED');
      expect(filesIn(sub)).toEqual([]);
    } finally {
      rmSync(sub, { recursive: true, force: true });
    }
  });

  it('reports progress up to the number of rows', async () => {
    const seen: number[] = [];
    await synth({ out: out(), tokens: 2000, neurons: 16, onProgress: (p) => seen.push(p.rows) });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen[seen.length - 1]).toBe(2000);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });
});

describe('neurosieve synth (CLI)', () => {
  it('writes the files and prints a JSON summary', () => {
    const sub = tempDir('synth-cli');
    try {
      const p = join(sub, 'data.npy');
      const r = runCli(['synth', '-o', p, '--tokens', '500', '--neurons', '64', '--groups', '4', '--group-size', '2:5', '--noise', '0.1', '--seed', '9', '--json']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const s = JSON.parse(r.stdout) as Record<string, unknown>;
      expect(s).toMatchObject({ path: p, truthPath: `${p}.truth.json`, shape: [500, 64], dtype: 'float32', groups: 4, seed: 9, constant: 1, largeMean: 1 });
      expect(filesIn(sub)).toEqual(['data.npy', 'data.npy.truth.json']);
      const truth = JSON.parse(readFileSync(`${p}.truth.json`, 'utf8')) as SynthTruth;
      expect(truth.options.noise).toEqual([0.1, 0.1]);
      for (const g of truth.groups) for (const m of g.members.slice(1)) expect(m.noise).toBe(0.1);
      // The same through the API: same bytes.
      const human = runCli(['synth', '-o', join(sub, 'again.npy'), '--tokens', '500', '--neurons', '64', '--groups', '4', '--group-size', '2:5', '--noise', '0.1', '--seed', '9']);
      expect(human.code).toBe(0);
      expect(human.stdout).toMatch(/wrote .*again\.npy: 500 × 64 float32/);
      expect(readFileSync(join(sub, 'again.npy')).equals(readFileSync(p))).toBe(true);
    } finally {
      rmSync(sub, { recursive: true, force: true });
    }
  });

  const bad: [string[], RegExp][] = [
    [['--tokens', '0', '--neurons', '8'], /Expected an integer >= 1 for --tokens but received 0/],
    [['--tokens', '10', '--neurons', '10', '--groups', '5'], /Expected --groups × --group-size \+ --constant \+ --large-mean to be at most --neurons \(10\) but received 5 × 4 \+ 0 \+ 0 = 20/],
    [['--tokens', '10', '--neurons', '10', '--group-size', '2:x'], /Expected an integer or MIN:MAX for --group-size of 'neurosieve synth' but received '2:x'/],
    [['--tokens', '10', '--neurons', '10', '--layers', '3'], /Expected --layers to divide --neurons \(10\) but received '3'/],
    [['--tokens', '10', '--neurons', '10', '--dtype', 'int8'], /Expected one of float32, float16 for --dtype/],
    [['--tokens', '10'], /Missing required option --neurons/],
    [['--tokens', '10', '--neurons', '10', '--bogus'], /Unknown option '--bogus'/],
  ];
  it.each(bad)('rejects %j with exit code 2, a clear message and no files', (args, message) => {
    const sub = tempDir('synth-bad');
    try {
      const r = runCli(['synth', '-o', join(sub, 'x.npy'), ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^neurosieve synth: error E_ARGUMENT: /);
      expect(r.stderr).toMatch(message);
      expect(filesIn(sub)).toEqual([]);
    } finally {
      rmSync(sub, { recursive: true, force: true });
    }
  });

  it('an output in a missing directory is refused before any work: exit code 2, E_ARGUMENT', () => {
    const sub = tempDir('synth-io');
    try {
      const r = runCli(['synth', '-o', join(sub, 'missing', 'x.npy'), '--tokens', '10', '--neurons', '10']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/error E_ARGUMENT: Expected an output in an existing directory for -o of 'neurosieve synth' but received '.*x\.npy': '.*missing' is not a directory/);
      expect(filesIn(sub)).toEqual([]);
    } finally {
      rmSync(sub, { recursive: true, force: true });
    }
  });

  it('--help lists the options', () => {
    const r = runCli(['synth', '--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--out', '--tokens', '--neurons', '--groups', '--seed', '--layers', '--dtype', '--noise', '--constant', '--large-mean']) expect(r.stdout).toContain(flag);
  });
});

describe('synth: very wide rows', () => {
  it('blocks written in several pieces (D = 17,000: 246 + 10 rows) keep the planted structure in place', async () => {
    const p = out('wide');
    const T = 600;
    const D = 17_000;
    const { truth } = await synth({ out: p, tokens: T, neurons: D, groups: 40, noise: 0.05, constant: 5, largeMean: 5, layers: 2 });
    const x3 = readNpy(p).data as Float32Array;
    const H = D / 2;
    const at = (t: number, c: number) => x3[(Math.floor(c / H) * T + t) * H + (c % H)]!;
    const colOf = (c: number) => Float64Array.from({ length: T }, (_, t) => at(t, c));
    for (const k of truth.constant) expect(colOf(k.neuron).every((v) => v === k.value)).toBe(true);
    for (const g of truth.groups)
      for (const m of g.members.slice(1)) {
        // ρ ≈ 0.9988: any misplaced piece of rows would destroy it.
        expect(Math.abs(pearson(colOf(m.neuron), colOf(g.base)) - m.expectedR)).toBeLessThan(0.01);
      }
    rmSync(p);
  });
});

describe('synth: progress callback errors', () => {
  it('an exception thrown by onProgress stops the run, is rethrown, and leaves nothing', async () => {
    const sub = tempDir('synth-progress');
    try {
      const boom = new Error('boom');
      let err: unknown;
      try {
        await synth({ out: join(sub, 'x.npy'), tokens: 40_000, neurons: 1024, onProgress: () => { throw boom; } });
      } catch (e) {
        err = e;
      }
      expect(err).toBe(boom);
      expect(filesIn(sub)).toEqual([]);
    } finally {
      rmSync(sub, { recursive: true, force: true });
    }
  });
});

describe('synth refuses means that overflow float32', () => {
  it('--large-mean-value or --offset beyond 3e38 (float32 would store ±Inf): exit 2, nothing written; 3e38 itself is finite', async () => {
    const dir = tempDir('synth-overflow');
    const big = runCli(['synth', '-o', join(dir, 'x.npy'), '--tokens', '10', '--neurons', '20', '--large-mean-value', '1e39']);
    expect(big.code).toBe(2);
    expect(big.stderr).toContain('Expected means of at most 3e+38 (float32 overflows to Inf at 3.4028e38) but --offset 0 and --large-mean-value 1e+39 (±10%) reach 1.1e+39');
    const off = runCli(['synth', '-o', join(dir, 'x.npy'), '--tokens', '10', '--neurons', '20', '--offset', '-3.5e38']);
    expect(off.code).toBe(2);
    expect(off.stderr).toContain('but --offset -3.5e+38 and --large-mean-value 10000 (±10%) reach 3.5e+38');
    expect(filesIn(dir)).toEqual([]);
    await expect(synth({ out: join(dir, 'y.npy'), tokens: 10, neurons: 20, largeMeanValue: -1e39 })).rejects.toThrow('and largeMeanValue -1e+39 (±10%) reach 1.1e+39');
    const ok = join(dir, 'ok.npy');
    await synth({ out: ok, tokens: 10, neurons: 20, offset: 1e38, largeMeanValue: 1e38 });
    expect(readNpy(ok).data.every((v: number) => Number.isFinite(v))).toBe(true);
  });
});
