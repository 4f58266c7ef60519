// lib/panel-product.wgsl: the K loop of the two panel-summed tile products, syrk-centred.wgsl and gemm-gtx.wgsl
// (included with `//!include lib/panel-product.wgsl`; it includes lib/register-tile.wgsl). A 16 x 16 workgroup
// computes the TILE x TILE tile  P[i][j] = sum_{r < rows} A(r, a0 + i) * B(r, b0 + j),  staging BK rows of both
// operands at a time (BK * TILE = 2048 elements each, 8 per invocation) and summing in float32 over panels of
// PANEL rows, then panel by panel: ~(PANEL + rows/PANEL) roundings per element instead of rows.
//
// Needs, at module scope of the including shader: const RB, TILE, BK (BK * TILE = 2048), PANEL (a multiple of
// BK), and the staging of one K step as a function (uniform control flow: it is called between barriers):
//   fn stage(k0: u32, rows: u32, a0: u32, b0: u32, li: u32)   fills As, Bs with rows k0 .. k0 + BK − 1
// which may simply call stage_scalar() below; stage_scalar() needs the operands as functions, called for
// r < rows only:
//   fn load_a(r: u32, c: u32) -> f32    A(r, c), 0 for a column c beyond A's columns
//   fn load_b(r: u32, c: u32) -> f32    B(r, c), 0 for a column c beyond B's columns
// panel_product(rows, a0, b0, li, tx, ty): invocation (tx, ty)'s RB x RB block, element a * RB + b holding
//   P[ty + 16a][tx + 16b]. It contains barriers: call it from uniform control flow.

//!include lib/register-tile.wgsl

// One K step staged element by element: invocation li loads elements li, li + 256, … of each BK x TILE block.
fn stage_scalar(k0: u32, rows: u32, a0: u32, b0: u32, li: u32) {
  for (var s = 0u; s < BK * TILE / 256u; s++) {
    let e = li + s * 256u;
    let r = k0 + e / TILE;
    let m = e % TILE;
    var a = 0.0;
    var b = 0.0;
    if (r < rows) {
      a = load_a(r, a0 + m);
      b = load_b(r, b0 + m);
    }
    As[e] = a;
    Bs[e] = b;
  }
}

fn panel_product(rows: u32, a0: u32, b0: u32, li: u32, tx: u32, ty: u32) -> array<f32, RB * RB> {
  var acc: array<f32, RB * RB>;
  var panel: array<f32, RB * RB>;
  for (var q = 0u; q < RB * RB; q++) {
    acc[q] = 0.0;
    panel[q] = 0.0;
  }
  for (var k0 = 0u; k0 < rows; k0 += BK) {
    stage(k0, rows, a0, b0, li);
    workgroupBarrier();
    tile_fma(&panel, tx, ty);
    workgroupBarrier();
    if ((k0 + BK) % PANEL == 0u) {
      for (var q = 0u; q < RB * RB; q++) {
        acc[q] += panel[q];
        panel[q] = 0.0;
      }
    }
  }
  for (var q = 0u; q < RB * RB; q++) {
    acc[q] += panel[q];
  }
  return acc;
}
