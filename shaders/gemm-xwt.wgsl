// gemm-xwt.wgsl: probe logits, Z = X·Wᵀ + b for a range of rows of the activations.
//
// Computes out[t][c] = b[c] + sum_d X[r0 + t][d] * W[c][d]   for t < rows, c < classes
// X: activations, row-major (any number of rows >= r0 + rows) x cols, stored as XT (f32, or f16 with shader-f16:
// the program prepends `enable f16; alias XT = f16;` or `alias XT = f32;`); W: classes x cols, row-major, f32;
// b: classes, f32. Products and sums are float32 whatever XT is.
//
// Bindings: 0 x: array<XT> (read), 1 w: array<f32> (read), 2 b: array<f32> (read), 3 out: array<f32>
//           (rows x classes, written; every element), 4 params: uniform { rows, cols, classes, r0 }.
// Workgroup: 16 x 16 invocations compute a 64 (rows) x 64 (classes) tile with a 4 x 4 register block each
// (rows ty + 16a, classes tx + 16b); the contraction over cols runs 16 at a time through workgroup memory
// (2 x 16 x 64 floats = 8 KiB). Loads of X and W are row-contiguous (16 consecutive floats per row).
// Dispatch: (ceil(classes / 64), ceil(rows / 64), 1).
// Includes: lib/register-tile.wgsl (tile_fma over As, Bs).

const RB: u32 = 4u;
const TILE: u32 = 16u * RB;  // rows and classes of a tile
const BK: u32 = 16u;

// As, Bs (BK x TILE: [k][row], [k][class]), tile_fma()
//!include lib/register-tile.wgsl

struct Params {
  rows: u32,
  cols: u32,
  classes: u32,
  r0: u32,
}

@group(0) @binding(0) var<storage, read> x: array<XT>;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let t0 = wg.y * TILE;
  let c0 = wg.x * TILE;
  let tx = lid.x;
  let ty = lid.y;
  var acc: array<f32, RB * RB>;
  for (var q = 0u; q < RB * RB; q++) {
    acc[q] = 0.0;
  }
  for (var k0 = 0u; k0 < p.cols; k0 += BK) {
    for (var s = 0u; s < 4u; s++) {
      let e = li + s * 256u;  // 0 .. 1023
      let m = e / BK;
      let k = e % BK;
      let d = k0 + k;
      var a = 0.0;
      var bb = 0.0;
      if (d < p.cols) {
        if (t0 + m < p.rows) {
          a = f32(x[(p.r0 + t0 + m) * p.cols + d]);
        }
        if (c0 + m < p.classes) {
          bb = w[(c0 + m) * p.cols + d];
        }
      }
      As[k * TILE + m] = a;
      Bs[k * TILE + m] = bb;
    }
    workgroupBarrier();
    tile_fma(&acc, tx, ty);
    workgroupBarrier();
  }
  for (var i = 0u; i < RB; i++) {
    let t = t0 + ty + 16u * i;
    for (var j = 0u; j < RB; j++) {
      let c = c0 + tx + 16u * j;
      if (t < p.rows && c < p.classes) {
        out[t * p.classes + c] = acc[i * RB + j] + b[c];
      }
    }
  }
}
