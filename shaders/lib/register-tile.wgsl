// lib/register-tile.wgsl: the inner product of the tiled matrix kernels (gemm-xwt.wgsl, and syrk-centred.wgsl and
// gemm-gtx.wgsl through lib/panel-product.wgsl; included with `//!include lib/register-tile.wgsl`). A 16 x 16 workgroup computes a
// TILE x TILE output tile, TILE = 16·RB; invocation (tx, ty) keeps an RB x RB register block of rows ty + 16a
// and columns tx + 16b (strided, so neighbouring invocations read neighbouring words of workgroup memory).
//
// Needs, at module scope of the including shader: const RB, const TILE (= 16u * RB), const BK (staged k per
// step). Declares the workgroup arrays As, Bs of BK x TILE floats ([k][row of the tile], [k][column of the
// tile]) that the kernel stages its operands into (2·BK·TILE·4 bytes of workgroup memory).
// tile_fma(panel, tx, ty): panel[a·RB + b] = fma(As[k][ty + 16a], Bs[k][tx + 16b], panel[a·RB + b]) for the BK
//   staged k in order (call between the two barriers of a K step).

var<workgroup> As: array<f32, BK * TILE>;
var<workgroup> Bs: array<f32, BK * TILE>;

fn tile_fma(panel: ptr<function, array<f32, RB * RB>>, tx: u32, ty: u32) {
  for (var k = 0u; k < BK; k++) {
    var av: array<f32, RB>;
    var bv: array<f32, RB>;
    for (var m = 0u; m < RB; m++) {
      av[m] = As[k * TILE + ty + 16u * m];
      bv[m] = Bs[k * TILE + tx + 16u * m];
    }
    for (var m = 0u; m < RB; m++) {
      for (var n = 0u; n < RB; n++) {
        (*panel)[m * RB + n] = fma(av[m], bv[n], (*panel)[m * RB + n]);
      }
    }
  }
}
