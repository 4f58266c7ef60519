/**
 * The correlation shaders against a float64 reference on the CPU, at odd sizes (1, 7, 63, 257 neurons; 1 and
 * 1,000 rows), on random data with planted groups, constant neurons and neurons of mean 1e4; every output
 * buffer is filled with NaN first, so an element a kernel forgets to write fails the comparison.
 *
 * Tolerances are rigorous float32 error bounds (u = 2^-24), stated where they are used:
 * - column-means: the host mean pivot + dev/n errs by at most (n/4 + 3)·u·mean_r|x_r − pivot| (each of the 4 lanes
 *   sums n/4 terms in sequence, then 4 lane totals are added; x − pivot rounds once).
 * - syrk-centred: with a = x − shift rounded to float32 (as the shader does), S_ij = Σ a_i a_j is summed in float32
 *   in panels of 256 rows, then panel by panel: error ≤ (min(n, 256) + ⌈n/256⌉ + 2)·u·Σ|a_i a_j|, and
 *   Σ|a_i a_j| ≤ sqrt(S_ii S_jj) (Cauchy–Schwarz).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { checked, releaseGpu } from '../../src/gpu/device.js';
import { PipelineCache, shaderSource, storagePrelude } from '../../src/gpu/pipelines.js';
import { chunkKernels } from '../../src/correlate/comoments-webgpu.js';
import { chooseSyrkTile, syrkBlocks } from '../../src/gpu/programs/syrk-centred.js';
import { probeGpu } from '../helpers/gpu.js';
import { native } from '../../src/core/native.js';
import { halfBits } from '../../src/io/float16.js';

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? Number.NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}
import { planted, TEST_SEED } from '../helpers/planted.js';

console.log(`gpu-kernels.test.ts seed ${TEST_SEED} (set NEUROSIEVE_TEST_SEED to reproduce)`);
const U = 2 ** -24;
const { g } = await probeGpu('gpu-kernels.test.ts');
afterAll(releaseGpu);

describe('shader includes (//!include lib/<piece>.wgsl)', () => {
  it('are replaced by the piece, once per shader, nested pieces too', () => {
    const residual = shaderSource('probe-residual');
    expect(residual).not.toMatch(/^\/\/!include/m);
    expect(residual.match(/fn softmax_row\(/g)).toHaveLength(1);
    // rnn-refresh includes lib/merge.wgsl and lib/nearest.wgsl; rnn-rescan gets lib/nearest.wgsl through lib/nearest-reduce.wgsl.
    expect(shaderSource('rnn-refresh').match(/fn lance_williams\(|fn better\(/g)).toHaveLength(2);
    expect(shaderSource('rnn-rescan').match(/fn better\(/g)).toHaveLength(1);
  });

  it('take part in the pipeline key through a hash of the resolved text', () => {
    const key = JSON.parse(PipelineCache.keyOf({ shader: 'softmax-xent' })) as unknown[];
    expect(key[0]).toBe('softmax-xent');
    expect(key[1]).toMatch(/^[0-9a-f]{16}$/);
    expect(PipelineCache.keyOf({ shader: 'probe-residual' })).not.toBe(PipelineCache.keyOf({ shader: 'softmax-xent' }));
  });
});

describe('syrkBlocks', () => {
  it('covers every tile row once, within the byte limit', () => {
    for (const [cols, maxTiles] of [[257, 5], [9984, 8192], [64, 1], [1000, 40]] as const) {
      const blocks = syrkBlocks(cols, maxTiles * 64 * 64 * 4);
      const nb = Math.ceil(cols / 64);
      let next = 0;
      let tiles = 0;
      for (const b of blocks) {
        expect(b.bi0).toBe(next);
        expect(b.tiles).toBeLessThanOrEqual(maxTiles);
        expect(b.tile0).toBe(tiles);
        next = b.bi1;
        tiles += b.tiles;
      }
      expect(next).toBe(nb);
      expect(tiles).toBe((nb * (nb + 1)) / 2);
    }
  });

  it('chooseSyrkTile: 128 only on NVIDIA/AMD adapters with 16 KiB of workgroup storage, 64 on Apple, Intel, unknown and CPU adapters', () => {
    const limits = { maxComputeWorkgroupStorageSize: 32768, maxComputeInvocationsPerWorkgroup: 1024 };
    expect(chooseSyrkTile({ vendor: 'nvidia', fallback: false, limits })).toBe(128);
    expect(chooseSyrkTile({ vendor: 'amd', fallback: false, limits })).toBe(128);
    for (const vendor of ['apple', 'intel', 'qualcomm', '']) expect(chooseSyrkTile({ vendor, fallback: false, limits })).toBe(64);
    expect(chooseSyrkTile({ vendor: 'nvidia', fallback: true, limits })).toBe(64);
    expect(chooseSyrkTile({ vendor: 'nvidia', fallback: false, limits: { ...limits, maxComputeWorkgroupStorageSize: 8192 } })).toBe(64);
    if (g) expect(chooseSyrkTile(g.adapter)).toBe(64); // lavapipe: a CPU adapter
  });

  it('refuses a limit smaller than one row of tiles', () => {
    expect(() => syrkBlocks(257, 4 * 64 * 64 * 4)).toThrow(/exceeds the device's storage binding limit/);
  });
});

describe.skipIf(!g)('correlation shaders vs float64 on the CPU', () => {
  // 4 and 132 (= 128 + 4) take the SYRK's vec4 loads (cols % 4 == 0), with a last tile holding one vec4.
  for (const T of [64, 128] as const) for (const cols of [1, 4, 7, 63, 132, 257]) {
    for (const rows of [1, 1000]) {
      it(`${T}×${T} tiles: ${rows} rows × ${cols} neurons`, async () => {
        const p = planted(rows, cols, TEST_SEED + 31 * cols + rows);
        // Neuron blocks of at most nb tiles at 257 columns: the output splits into several bindings.
        const nbT = Math.ceil(cols / T);
        const out = await chunkKernels(g!, p.x, rows, cols, { tile: T, poison: Number.NaN, maxBindingBytes: cols > T ? nbT * T * T * 4 : undefined });
        expect(out.tile).toBe(T);
        if (cols > T) expect(out.blocks.length).toBeGreaterThan(1);
        const cs = out.columnStats;

        // Column means.
        const shift = new Float64Array(cols);
        for (let c = 0; c < cols; c++) {
          let sum = 0;
          for (let r = 0; r < rows; r++) sum += p.x[r * cols + c]!;
          const mean = sum / rows;
          const pivot = cs[c]!;
          const dev = cs[cols + c]!;
          let absDev = 0;
          for (let r = 0; r < rows; r++) absDev += Math.abs(p.x[r * cols + c]! - pivot);
          const got = pivot + dev / rows;
          expect(Number.isFinite(got)).toBe(true);
          expect(Math.abs(got - mean)).toBeLessThanOrEqual((rows / 4 + 3) * U * (absDev / rows) + 1e-300);
          // shift is the mean rounded to float32, up to the same error and one more rounding.
          expect(Math.abs(cs[2 * cols + c]! - mean)).toBeLessThanOrEqual(U * Math.abs(mean) * 2 + (rows / 4 + 3) * U * (absDev / rows) + 1e-300);
          shift[c] = cs[2 * cols + c]!;
        }

        // Tiles: every element, padding included (exact zeros there).
        const nb = nbT;
        const a = new Float64Array(rows * cols);
        for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) a[r * cols + c] = Math.fround(p.x[r * cols + c]! - shift[c]!);
        const S = new Float64Array(cols * cols);
        for (let r = 0; r < rows; r++) {
          for (let i = 0; i < cols; i++) {
            const ai = a[r * cols + i]!;
            for (let j = i; j < cols; j++) S[i * cols + j]! += ai * a[r * cols + j]!;
          }
        }
        const g32 = (Math.min(rows, 256) + Math.ceil(rows / 256) + 2) * U;
        let checked = 0;
        for (const { block, tiles } of out.blocks) {
          let t = 0;
          for (let bi = block.bi0; bi < block.bi1; bi++) {
            for (let bj = bi; bj < nb; bj++, t++) {
              for (let ii = 0; ii < T; ii++) {
                for (let jj = 0; jj < T; jj++) {
                  const v = tiles[t * T * T + ii * T + jj]!;
                  const i = bi * T + ii;
                  const j = bj * T + jj;
                  if (i >= cols || j >= cols) {
                    expect(v).toBe(0);
                    continue;
                  }
                  const [lo, hi] = i <= j ? [i, j] : [j, i];
                  const ref = S[lo * cols + hi]!;
                  const tol = g32 * Math.sqrt(S[i * cols + i]! * S[j * cols + j]!) + 1e-30;
                  if (!(Math.abs(v - ref) <= tol)) expect.fail(`S[${i}][${j}] = ${v}, reference ${ref}, tolerance ${tol}`);
                  checked++;
                }
              }
            }
          }
          expect(t).toBe(block.tiles);
        }
        expect(checked).toBeGreaterThanOrEqual((cols * (cols + 1)) / 2);
      });
    }
  }
});

describe.skipIf(!g)('float16 storage (shader-f16)', () => {
  for (const [rows, cols] of [[1, 7], [1000, 257], [333, 132]] as const) {
    it(`${rows} rows × ${cols} neurons: bit-identical to float32 storage on float16 data`, async () => {
      if (!g!.f16) return;
      const p = planted(rows, cols, TEST_SEED + 5 * cols + rows);
      const f = new Float32Array(rows * cols);
      const h16 = new Uint16Array(rows * cols);
      // Chained sign-flipped copies of 1e4-offset columns can exceed float16's range (65504) for some seeds:
      // clamp first, since this test compares two storages of the same finite data.
      native().toHalf(p.x.map((v) => Math.max(-65504, Math.min(65504, v))), h16);
      for (let i = 0; i < f.length; i++) f[i] = halfToFloat(h16[i]!);
      const a = await chunkKernels(g!, f, rows, cols, { storage: 'f32', poison: Number.NaN });
      const b = await chunkKernels(g!, f, rows, cols, { storage: 'f16', poison: Number.NaN });
      expect(Buffer.from(b.columnStats.buffer).equals(Buffer.from(a.columnStats.buffer))).toBe(true);
      expect(b.blocks.length).toBe(a.blocks.length);
      for (let k = 0; k < a.blocks.length; k++) expect(Buffer.from(b.blocks[k]!.tiles.buffer).equals(Buffer.from(a.blocks[k]!.tiles.buffer))).toBe(true);
      expect(a.columnStats.every(Number.isFinite)).toBe(true);
    });
  }

  it('toHalf rounds to nearest even like the reference encoder', () => {
    const x = Float32Array.from([0, -0, 1, 65504, 65520, 1e-8, 6e-8, -2.5, 1 + 2 ** -11, 1 + 3 * 2 ** -11, Infinity, Number.NaN, 3.14159]);
    const h = new Uint16Array(x.length);
    native().toHalf(x, h);
    expect(Array.from(h)).toEqual(Array.from(x, (v) => halfBits(v)));
  });

  it('toHalf: the F16C bulk path gives the scalar bits on every finite float32 and at every rounding tie', () => {
    // 8-wide blocks go through VCVTPS2PH where the CPU has it, the tail through the scalar code: 4,099 values
    // cover both. Random bit patterns span all exponents (overflow, normals, half subnormals, underflow to 0);
    // exact ties (half-way between two halves, odd and even) check round-to-nearest-even.
    const bits = new Uint32Array(4099);
    let s = 0x9e3779b9;
    for (let i = 0; i < bits.length; i++) {
      s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6a09e667) >>> 0;
      bits[i] = s;
    }
    const x = new Float32Array(bits.buffer);
    for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i]!)) x[i] = i % 2 ? Infinity : -Infinity;
    for (let i = 0; i < 512; i++) x[i] = (1 + (2 * i + 1) * 2 ** -11) * 2 ** ((i % 40) - 24); // ties, normal and subnormal halves
    const h = new Uint16Array(x.length);
    native().toHalf(x, h);
    for (let i = 0; i < x.length; i++) if (h[i] !== halfBits(x[i]!)) throw new Error(`element ${i}: toHalf(${x[i]}) = ${h[i]}, expected ${halfBits(x[i]!)}`);
  });
});

describe.skipIf(!g)('device errors become NeurosieveError E_GPU', () => {
  it('a shader that does not compile names the file and line', async () => {
    await expect(g!.pipelines.get({ shader: 'column-means', prelude: 'this is not WGSL;\n' })).rejects.toMatchObject({
      code: 'E_GPU',
      message: expect.stringMatching(/^compiling column-means\.wgsl failed: column-means\.wgsl:1:/),
    });
  });

  it('a compile error in an included piece names the piece, its line and the including shader', async () => {
    await expect(g!.pipelines.get({ shader: 'softmax-xent', prelude: 'alias SoftmaxRow = f32;\n' })).rejects.toMatchObject({
      code: 'E_GPU',
      message: expect.stringMatching(/^compiling softmax-xent\.wgsl failed: lib\/softmax\.wgsl:\d+:\d+ \(included by softmax-xent\.wgsl\): .*SoftmaxRow/),
    });
  });

  it('a validation error inside checked() is reported with what was being done', async () => {
    const pipeline = await g!.pipelines.get({ shader: 'column-means', prelude: storagePrelude('f32') });
    const tiny = g!.device.createBuffer({ size: 4, usage: GPUBufferUsage.UNIFORM });
    await expect(
      checked(g!, 'binding a uniform as storage', () => {
        g!.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: tiny } }] });
      }),
    ).rejects.toMatchObject({ code: 'E_GPU', message: expect.stringMatching(/^binding a uniform as storage: /) });
    tiny.destroy();
  });
});
