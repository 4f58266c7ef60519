// lib/nearest.wgsl: nearest-neighbour candidates of the agglomeration kernels (rnn-row-min.wgsl, rnn-col-min.wgsl,
// rnn-rescan.wgsl, rnn-refresh.wgsl; included with `//!include lib/nearest.wgsl`). Uses DEAD and NONE from the
// condensed-pieces prelude (src/gpu/programs/condensed-pieces.ts).
//
// Best: a candidate (distance d, lowest index i at that distance, count c of indices attaining it).
// scan_step(b, v, j): a sequential scan in increasing j meets distance v at j: a strictly smaller v replaces the
//   candidate, an equal one only counts (so the lowest index stays: the CPU's scan order, nn_chain.h).
// better(a, b): the lexicographic minimum of (distance, index); equal distances add their counts. The result
//   does not depend on the order in which candidates are combined.
// nn_word(b): what the host reads per slot, (distance bits, index | tie << 31) with tie = attained more than once.

struct Best {
  d: f32,
  i: u32,
  c: u32,
}

fn scan_step(b: Best, v: f32, j: u32) -> Best {
  if (v < b.d) {
    return Best(v, j, 1u);
  }
  if (v == b.d) {
    return Best(b.d, b.i, b.c + 1u);
  }
  return b;
}

fn better(a: Best, b: Best) -> Best {
  if (b.d < a.d) {
    return b;
  }
  if (a.d < b.d) {
    return a;
  }
  return Best(a.d, min(a.i, b.i), a.c + b.c);
}

fn nn_word(b: Best) -> vec2<u32> {
  return vec2<u32>(bitcast<u32>(b.d), b.i | select(0u, 1u << 31u, b.c > 1u));
}
