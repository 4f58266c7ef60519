// rnn-lance-williams.wgsl: the distance updates of every merge of a reciprocal-nearest-neighbour round at once.
// Merge k joins slots x_k < y_k at height h_k (= d(x_k, y_k)); the new cluster lives in slot y_k, as in the
// CPU's NN-chain (nn_chain.h). For every live slot i outside the round's pairs:
//     d(i, y_k) <- LW(d(i, x_k), d(i, y_k), h_k; n_x, n_y, n_i)
// and for two merges k < l of the same round the distance between their new clusters is what merging k first
// and then l gives (the merges are applied in the host's order, k ascending):
//     a = LW_k(d(x_k, x_l), d(y_k, x_l); size n_x_l),  b = LW_k(d(x_k, y_l), d(y_k, y_l); size n_y_l)
//     d(y_k, y_l) <- LW_l(a, b, h_l; n_x_l, n_y_l, n_x_k + n_y_k)
// Slots x_k are retired afterwards by rnn-retire.wgsl (every entry of row and column x_k := DEAD), so that no
// invocation here reads an entry another one writes: thread (i, k) reads (i, x_k), (i, y_k) and writes
// (i, y_k); the pair thread (k, l) alone reads and writes the four entries between the two pairs.
//
// Lance & Williams (1967) formulas, each written with the operand order of native/src/cluster/lance_williams.h
// (itself scipy's), in f32. One update against the CPU's (double from the stored floats, rounded once):
// complete (max) and single (min) are exact, so identical; weighted 0.5 * (a + b) is identical too (a + b
// rounds once either way, halving is exact); average (n_x a + n_y b) / (n_x + n_y) rounds three times
// (within 2 ulp); ward (Wishart's form) a few ulp. Merges are applied in another order than the CPU's chain
// applies them, which for weighted, average and ward rounds differently again (mathematically the results are
// equal). Sizes are converted to f32 (exact below 2^24 points).
//
// Storage and helpers: the condensed-pieces prelude (rnn-row-min.wgsl, src/gpu/programs/condensed-pieces.ts):
// bindings 0..P-1 and 9, ld(i, j), st(i, j, v) for i < j, dist(a, b) either order; and lib/merge.wgsl (shared
// with rnn-refresh.wgsl so that both compute the same bits): struct Merge { x, y, nx, ny, h }, bindings 11 and
// 12, in_round(), lance_williams(d_xi, d_yi, d_xy, nx, ny, ni).
// Constants: METHOD (override, in lib/merge.wgsl): 0 single, 1 complete, 2 average, 3 weighted, 4 ward.
// Bindings: 10 slots: array<vec2<i32>> (size, round role: the merge index of the slot, or -1) (read);
//           11 merges: array<Merge> (read); 12 params: uniform { n, m } (both declared in lib/merge.wgsl).
// Workgroup: 64 slots i of one merge k; adjacent invocations touch adjacent words where row x_k / y_k is
// contiguous (i > y_k) and one word per row of the condensed matrix where it is a column (i < x_k).
// Dispatch: (ceil(n / 64), m, 1); m <= maxComputeWorkgroupsPerDimension (the host checks it).

//!include lib/merge.wgsl

@group(0) @binding(10) var<storage, read> slots: array<vec2<i32>>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  let k = gid.y;
  if (!in_round(i, k)) {
    return;
  }
  let s = slots[i];
  if (s.x == 0 || s.y == i32(k)) {
    return;
  }
  let mk = merges[k];
  if (s.y < 0) {
    let v = lance_williams(dist(i, mk.x), dist(i, mk.y), mk.h, mk.nx, mk.ny, u32(s.x));
    st(min(i, mk.y), max(i, mk.y), v);
    return;
  }
  // i belongs to merge l != k: the pair thread is the one at i = y_l, for l > k.
  let l = u32(s.y);
  let ml = merges[l];
  if (l < k || i != ml.y) {
    return;
  }
  let a = lance_williams(dist(mk.x, ml.x), dist(mk.y, ml.x), mk.h, mk.nx, mk.ny, ml.nx);
  let b = lance_williams(dist(mk.x, ml.y), dist(mk.y, ml.y), mk.h, mk.nx, mk.ny, ml.ny);
  let v = lance_williams(a, b, ml.h, ml.nx, ml.ny, mk.nx + mk.ny);
  st(min(mk.y, ml.y), max(mk.y, ml.y), v);
}
