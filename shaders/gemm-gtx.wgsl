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
// Includes: lib/panel-product.wgsl (panel_product(), reading the operands through load_a, load_b below).

const RB: u32 = 4u;
const TILE: u32 = 16u * RB;
const BK: u32 = 32u;
const PANEL: u32 = 256u;

// panel_product(): the K loop over the staged rows (As[t][c] from G, Bs[t][d] from X), panel sums
//!include lib/panel-product.wgsl

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

// A(t, c) = G[t][c], B(t, d) = X[r0 + t][d]; 0 beyond the classes / columns.
fn load_a(t: u32, c: u32) -> f32 {
  if (c < p.classes) {
    return g[t * p.classes + c];
  }
  return 0.0;
}
fn load_b(t: u32, d: u32) -> f32 {
  if (d < p.cols) {
    return f32(x[(p.r0 + t) * p.cols + d]);
  }
  return 0.0;
}

fn stage(k0: u32, rows: u32, a0: u32, b0: u32, li: u32) {
  stage_scalar(k0, rows, a0, b0, li);
}

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let c0 = wg.y * TILE;
  let d0 = wg.x * TILE;
  var acc = panel_product(p.rows, c0, d0, li, lid.x, lid.y);
  for (var i = 0u; i < RB; i++) {
    let c = c0 + lid.y + 16u * i;
    for (var j = 0u; j < RB; j++) {
      let d = d0 + lid.x + 16u * j;
      if (c < p.classes && d < p.cols) {
        out[c * p.cols + d] = acc[i * RB + j];
      }
    }
  }
}
