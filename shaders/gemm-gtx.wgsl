// gemm-gtx.wgsl: probe weight gradient, out = Gᵀ·X over a range of rows.
//
// Computes out[c][d] = sum_t G[t][c] * X[r0 + t][d]   for c < classes, d < cols, t < rows
// G: rows x classes, row-major, f32 (softmax-xent.wgsl); X: the activations as XT (see gemm-xwt.wgsl), row-major
// with `cols` columns. Sums are float32, over panels of 256 rows, then panel by panel (as syrk-centred.wgsl),
// so a full-batch gradient over many rows keeps ~(256 + rows/256) roundings rather than `rows`.
//
// Bindings: 0 g: array<f32> (read), 1 x: array<XT> (read), 2 out: array<f32> (classes x cols, written; every
//           element), 3 params: uniform { rows, cols, classes, r0 }.
// Workgroup: 16 x 16 invocations, a 64 (classes) x 64 (cols) tile, 4 x 4 register block each; the contraction
// over rows runs 32 at a time through workgroup memory (2 x 32 x 64 floats = 16 KiB).
// Dispatch: (ceil(cols / 64), ceil(classes / 64), 1).
// Includes: lib/register-tile.wgsl (tile_fma, fold_panel over As, Bs).

const RB: u32 = 4u;
const TILE: u32 = 16u * RB;
const BK: u32 = 32u;
const PANEL: u32 = 256u;

// As, Bs (BK x TILE: [t][c], [t][d]), tile_fma(), fold_panel()
//!include lib/register-tile.wgsl

struct Params {
  rows: u32,
  cols: u32,
  classes: u32,
  r0: u32,
}

@group(0) @binding(0) var<storage, read> g: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<XT>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let c0 = wg.y * TILE;
  let d0 = wg.x * TILE;
  let tx = lid.x;
  let ty = lid.y;
  var acc: array<f32, RB * RB>;
  var panel: array<f32, RB * RB>;
  for (var q = 0u; q < RB * RB; q++) {
    acc[q] = 0.0;
    panel[q] = 0.0;
  }
  for (var k0 = 0u; k0 < p.rows; k0 += BK) {
    for (var s = 0u; s < 8u; s++) {
      let e = li + s * 256u;
      let k = e / TILE;
      let m = e % TILE;
      let t = k0 + k;
      var a = 0.0;
      var bb = 0.0;
      if (t < p.rows) {
        if (c0 + m < p.classes) {
          a = g[t * p.classes + c0 + m];
        }
        if (d0 + m < p.cols) {
          bb = f32(x[(p.r0 + t) * p.cols + d0 + m]);
        }
      }
      As[e] = a;
      Bs[e] = bb;
    }
    workgroupBarrier();
    tile_fma(&panel, tx, ty);
    workgroupBarrier();
    if ((k0 + BK) % PANEL == 0u) {
      fold_panel(&acc, &panel);
    }
  }
  for (var i = 0u; i < RB; i++) {
    let c = c0 + ty + 16u * i;
    for (var j = 0u; j < RB; j++) {
      let d = d0 + tx + 16u * j;
      if (c < p.classes && d < p.cols) {
        out[c * p.cols + d] = acc[i * RB + j] + panel[i * RB + j];
      }
    }
  }
}
