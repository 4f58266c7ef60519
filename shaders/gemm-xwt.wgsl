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

const TM: u32 = 64u;
const TN: u32 = 64u;
const BK: u32 = 16u;

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

var<workgroup> As: array<f32, 1024>;  // BK x TM, [k][m]
var<workgroup> Bs: array<f32, 1024>;  // BK x TN, [k][n]

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let t0 = wg.y * TM;
  let c0 = wg.x * TN;
  let tx = lid.x;
  let ty = lid.y;
  var acc: array<f32, 16>;
  for (var q = 0u; q < 16u; q++) {
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
      As[k * TM + m] = a;
      Bs[k * TN + m] = bb;
    }
    workgroupBarrier();
    for (var k = 0u; k < BK; k++) {
      var av: array<f32, 4>;
      var bv: array<f32, 4>;
      for (var i = 0u; i < 4u; i++) {
        av[i] = As[k * TM + ty + 16u * i];
        bv[i] = Bs[k * TN + tx + 16u * i];
      }
      for (var i = 0u; i < 4u; i++) {
        for (var j = 0u; j < 4u; j++) {
          acc[i * 4u + j] = fma(av[i], bv[j], acc[i * 4u + j]);
        }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < 4u; i++) {
    let t = t0 + ty + 16u * i;
    for (var j = 0u; j < 4u; j++) {
      let c = c0 + tx + 16u * j;
      if (t < p.rows && c < p.classes) {
        out[t * p.classes + c] = acc[i * 4u + j] + b[c];
      }
    }
  }
}
