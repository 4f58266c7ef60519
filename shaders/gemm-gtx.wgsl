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

const TILE: u32 = 64u;
const BK: u32 = 32u;
const PANEL: u32 = 256u;

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

var<workgroup> As: array<f32, 2048>;  // BK x TILE, [t][c]
var<workgroup> Bs: array<f32, 2048>;  // BK x TILE, [t][d]

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let c0 = wg.y * TILE;
  let d0 = wg.x * TILE;
  let tx = lid.x;
  let ty = lid.y;
  var acc: array<f32, 16>;
  var panel: array<f32, 16>;
  for (var q = 0u; q < 16u; q++) {
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
    for (var k = 0u; k < BK; k++) {
      var av: array<f32, 4>;
      var bv: array<f32, 4>;
      for (var i = 0u; i < 4u; i++) {
        av[i] = As[k * TILE + ty + 16u * i];
        bv[i] = Bs[k * TILE + tx + 16u * i];
      }
      for (var i = 0u; i < 4u; i++) {
        for (var j = 0u; j < 4u; j++) {
          panel[i * 4u + j] = fma(av[i], bv[j], panel[i * 4u + j]);
        }
      }
    }
    workgroupBarrier();
    if ((k0 + BK) % PANEL == 0u) {
      for (var q = 0u; q < 16u; q++) {
        acc[q] += panel[q];
        panel[q] = 0.0;
      }
    }
  }
  for (var i = 0u; i < 4u; i++) {
    let c = c0 + ty + 16u * i;
    for (var j = 0u; j < 4u; j++) {
      let d = d0 + tx + 16u * j;
      if (c < p.classes && d < p.cols) {
        out[c * p.cols + d] = acc[i * 4u + j] + panel[i * 4u + j];
      }
    }
  }
}
