// syrk-centred.wgsl: the co-moment of a chunk about a per-column shift, upper-triangle tiles only.
//
// Computes, for every TILE x TILE tile (bi, bj) with bj >= bi of the cols x cols matrix,
//   S[i][j] = sum_r (X[r][i] - shift[i]) * (X[r][j] - shift[j])
// where X is the float32 chunk (rows x cols, row-major) and shift the chunk mean rounded to float32
// (column-means.wgsl). The host subtracts rows * e e^T (e = mean - shift) and merges in float64 (Chan et al. 1982).
//
// Output: tile-major. Tile (bi, bj) has packed index t = bi*(2nb - bi + 1)/2 + (bj - bi) (nb = ceil(cols/TILE));
// its TILE*TILE floats, row-major within the tile, start at (t - tile0) * TILE*TILE of `out`. One dispatch
// covers the tile rows [bi0, bi0 + grid.y): the host splits the output into such neuron blocks so that no binding exceeds
// maxStorageBufferBindingSize (at cols = 9,984 and TILE = 64 the triangle is 12,246 tiles = 191 MiB). Elements
// of edge tiles beyond cols are written too (as 0), so every element of the binding is defined.
//
// Loads: when cols % 4 == 0 (uniform), each invocation stages 2 x BK*TILE/1024 vec4 loads per operand (4 adjacent
// columns of one row, one 16-byte load, or 8 bytes for f16) instead of 8 scalar loads; otherwise element by
// element. x is declared as array<vec4<XT>> in both cases; the binding is rounded up to 16 bytes.
// Bindings: 0 x: array<vec4<XT>> (read; XT = f32, or f16 with shader-f16, as in column-means.wgsl),
//           1 stats: array<f32> (column-means output; shift at 2*cols + c, read), 2 out: array<f32> (written), 3 params: uniform { rows, cols, nb, bi0, tile0, accumulate }.
// Variant: the program also prepends `const RB: u32 = 4u;` (64 x 64 tiles, K step 32) or `8u` (128 x 128 tiles,
// K step 16: twice the FLOPs per byte loaded, for real GPUs). TILE = 16 * RB, BK = 2048 / TILE.
// Workgroup: 16 x 16 invocations, one TILE x TILE tile; each invocation keeps an RB x RB register block (rows
// ty+16a, columns tx+16b: strided, so a warp reads consecutive workgroup-memory words). K loop: BK rows at a time
// staged in workgroup memory (2 x 2048 floats = 16 KiB, the WebGPU default limit), centred while loading.
// Accumulating (p.accumulate != 0): out += S instead of out = S, with the shift of the flush group's first chunk,
// so the device holds the co-moment of a whole group of chunks and the host reads it back once per group.
// Accuracy: products are summed in float32 over panels of 256 rows, then panel sums are added in float32 into a
// second accumulator, so a sum over T rows carries ~(256 + T/256) roundings instead of T.
// Dispatch: (nb, number of tile rows in this block, 1); workgroups below the diagonal return at once.
// Includes: lib/panel-product.wgsl (panel_product(), reading the operands through load_a, load_b below).

const TILE: u32 = 16u * RB;
const BK: u32 = 2048u / TILE;
const PANEL: u32 = 256u;

// panel_product(): the K loop over the staged, centred rows (As[k][i], Bs[k][j]), panel sums
//!include lib/panel-product.wgsl

struct Params {
  rows: u32,
  cols: u32,
  nb: u32,
  bi0: u32,
  tile0: u32,
  accumulate: u32,
}

@group(0) @binding(0) var<storage, read> x: array<vec4<XT>>;
@group(0) @binding(1) var<storage, read> stats: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

// The centred chunk: X[r][c] - shift[c], 0 beyond the last column (both operands: S is X'ᵀX').
fn centred(r: u32, c: u32) -> f32 {
  if (c < p.cols) {
    let i = r * p.cols + c;
    return f32(x[i / 4u][i % 4u]) - stats[2u * p.cols + c];
  }
  return 0.0;
}
// Four adjacent columns c .. c + 3 (c % 4 == 0 and cols % 4 == 0: all inside or all beyond the last column).
fn centred4(r: u32, c: u32) -> vec4<f32> {
  if (c < p.cols) {
    let s = 2u * p.cols + c;
    return vec4<f32>(x[(r * p.cols + c) / 4u]) - vec4<f32>(stats[s], stats[s + 1u], stats[s + 2u], stats[s + 3u]);
  }
  return vec4<f32>(0.0);
}
fn load_a(r: u32, c: u32) -> f32 {
  return centred(r, c);
}
fn load_b(r: u32, c: u32) -> f32 {
  return centred(r, c);
}

// One K step: vec4 loads when every row starts on a 4-column boundary, else element by element.
fn stage(k0: u32, rows: u32, a0: u32, b0: u32, li: u32) {
  if (p.cols % 4u != 0u) {
    stage_scalar(k0, rows, a0, b0, li);
    return;
  }
  for (var s = 0u; s < BK * TILE / 1024u; s++) {
    let e4 = li + s * 256u;          // vec4 index in the BK x TILE block
    let r = k0 + e4 / (TILE / 4u);
    let m = 4u * (e4 % (TILE / 4u));
    var a = vec4<f32>(0.0);
    var b = vec4<f32>(0.0);
    if (r < rows) {
      a = centred4(r, a0 + m);
      b = centred4(r, b0 + m);
    }
    for (var q = 0u; q < 4u; q++) {
      As[4u * e4 + q] = a[q];
      Bs[4u * e4 + q] = b[q];
    }
  }
}

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let bj = wg.x;
  let bi = p.bi0 + wg.y;
  if (bj < bi) {
    return;  // below the diagonal: uniform across the workgroup, before any barrier
  }
  var acc = panel_product(p.rows, bi * TILE, bj * TILE, li, lid.x, lid.y);

  let t = bi * (2u * p.nb - bi + 1u) / 2u + (bj - bi);  // packed upper-triangle index of the tile
  let base = (t - p.tile0) * TILE * TILE;
  for (var m = 0u; m < RB; m++) {
    for (var n = 0u; n < RB; n++) {
      let o = base + (lid.y + 16u * m) * TILE + lid.x + 16u * n;
      if (p.accumulate != 0u) {
        out[o] = out[o] + acc[m * RB + n];
      } else {
        out[o] = acc[m * RB + n];
      }
    }
  }
}
