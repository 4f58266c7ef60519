// rnn-retire.wgsl: after rnn-lance-williams.wgsl, retires the slot x_k of every merge k of the round: every
// entry of row and column x_k of the condensed matrix becomes DEAD (the largest f32), so that the
// nearest-neighbour kernels need no liveness test per element (a DEAD entry never wins a strict "<" against a
// live, finite distance; the host rejects distances >= DEAD). Same scheme as the CPU's +inf (nn_chain.h),
// with a finite value because WGSL implementations may assume floats are finite.
//
// Storage and helpers: the condensed-pieces prelude (rnn-row-min.wgsl, src/gpu/programs/condensed-pieces.ts):
// bindings 0..P-1 and 9, st(i, j, v) for i < j; struct Merge from the merge prelude (rnn-lance-williams.wgsl).
// Bindings: 11 merges: array<Merge> (only x is read here); 12 params: uniform { n, m }.
// Workgroup: 64 slots i of one merge k. Dispatch: (ceil(n / 64), m, 1).

struct Params {
  n: u32,
  m: u32,
}

@group(0) @binding(11) var<storage, read> merges: array<Merge>;
@group(0) @binding(12) var<uniform> prm: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  let k = gid.y;
  if (i >= prm.n || k >= prm.m) {
    return;
  }
  let x = merges[k].x;
  if (i != x) {
    st(min(i, x), max(i, x), DEAD);
  }
}
