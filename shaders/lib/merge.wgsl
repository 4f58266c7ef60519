// lib/merge.wgsl: what the kernels that apply a round's merges share (rnn-lance-williams.wgsl, rnn-refresh.wgsl,
// rnn-retire.wgsl; included with `//!include lib/merge.wgsl`): the merge record and its bindings, and the update
// formulas of Lance & Williams (1967), each with the operand order of native/src/cluster/lance_williams.h. One
// text for all kernels, so the refresh computes bit for bit the value the update stores.
//
// Constants: METHOD (override; the program sets it, src/gpu/programs/rnn-lance-williams.ts): 0 single,
//            1 complete, 2 average, 3 weighted, 4 ward.
// Bindings: 11 merges: array<Merge> (read; x < y the slots, nx, ny their sizes, h = d(x, y): MERGE_WORDS = 8
//           words each), 12 prm: uniform { n, m } (slots, merges of the round).
// in_round(i, k): slot i < n and merge k < m (the grid of the per-merge kernels is padded to 64 slots).

override METHOD: u32 = 2u;

struct Merge {
  x: u32,
  y: u32,
  nx: u32,
  ny: u32,
  h: f32,
  _p0: u32,
  _p1: u32,
  _p2: u32,
}

struct Params {
  n: u32,
  m: u32,
}

@group(0) @binding(11) var<storage, read> merges: array<Merge>;
@group(0) @binding(12) var<uniform> prm: Params;

fn in_round(i: u32, k: u32) -> bool {
  return i < prm.n && k < prm.m;
}

// The distance from cluster i (size ni) to the union of x (size nx) and y (size ny), from d_xi, d_yi, d_xy.
fn lance_williams(d_xi: f32, d_yi: f32, d_xy: f32, nx: u32, ny: u32, ni: u32) -> f32 {
  switch METHOD {
    case 0u: {
      return select(d_yi, d_xi, d_xi < d_yi);
    }
    case 1u: {
      return select(d_xi, d_yi, d_yi > d_xi);
    }
    case 2u: {
      return (f32(nx) * d_xi + f32(ny) * d_yi) / f32(nx + ny);
    }
    case 3u: {
      return 0.5 * (d_xi + d_yi);
    }
    default: {
      let t = 1.0 / f32(nx + ny + ni);
      return sqrt(f32(ni + nx) * t * d_xi * d_xi + f32(ni + ny) * t * d_yi * d_yi - f32(ni) * t * d_xy * d_xy);
    }
  }
}
