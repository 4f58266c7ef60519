// rnn-retire.wgsl: after rnn-lance-williams.wgsl, retires the slot x_k of every merge k of the round: every
// entry of row and column x_k of the condensed matrix becomes DEAD (the largest f32), so that the
// nearest-neighbour kernels need no liveness test per element (a DEAD entry never wins a strict "<" against a
// live, finite distance; the host rejects distances >= DEAD). Same scheme as the CPU's +inf (nn_chain.h),
// with a finite value because WGSL implementations may assume floats are finite.
//
// Storage and helpers: the condensed-pieces prelude (rnn-row-min.wgsl, src/gpu/programs/condensed-pieces.ts):
// bindings 0..P-1 and 9, st(i, j, v) for i < j; lib/merge.wgsl: struct Merge, bindings 11 and 12, in_round().
// Bindings: 11 merges: array<Merge> (only x is read here); 12 params: uniform { n, m } (lib/merge.wgsl).
// Workgroup: 64 slots i of one merge k. Dispatch: (ceil(n / 64), m, 1).

//!include lib/merge.wgsl

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (in_round(i, gid.y)) {
    let x = merges[gid.y].x;
    if (i != x) {
      st(min(i, x), max(i, x), DEAD);
    }
  }
}
