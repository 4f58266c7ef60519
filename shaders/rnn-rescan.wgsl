// rnn-rescan.wgsl: the full nearest-neighbour scan of a list of slots (the round's new clusters and the slots
// whose cached neighbour merged; rnn-refresh.wgsl keeps the others exact): for slot x, the minimum over every
// other slot j of d(x, j), the lowest j among equal minima, and how many attain it — the same result as
// rnn-row-min + rnn-col-min, which scan every slot in the first round.
//
// Storage and helpers: the condensed-pieces prelude (rnn-row-min.wgsl): bindings 0..P-1 and 9, dist(), DEAD,
// NONE; lib/nearest-reduce.wgsl: reduce_best(), and lib/nearest.wgsl: Best, scan_step(), nn_word(). Retired
// slots hold DEAD and never win.
// Bindings: 10 list: array<u32> of slots (read); 12 params: uniform { n, len, grid_x }; 13 nn: array<vec2<u32>>
//           (written at the listed slots); 14 count: array<u32> (written at the listed slots).
// Workgroup: 64 invocations per listed slot x; invocation t reads j = t, t + 64, ...: adjacent words of row x for
// j > x, one word per condensed row for j < x (the column: a scattered walk, as in the CPU's scan); a tree
// reduction in workgroup memory (reduce_best).
// Dispatch: (min(len, grid_x), ceil(len / grid_x), 1); list entry = wg.y * grid_x + wg.x.

const WG: u32 = 64u;

struct Params {
  n: u32,
  len: u32,
  grid_x: u32,
}

@group(0) @binding(10) var<storage, read> list: array<u32>;
@group(0) @binding(12) var<uniform> prm: Params;
@group(0) @binding(13) var<storage, read_write> nn: array<vec2<u32>>;
@group(0) @binding(14) var<storage, read_write> count: array<u32>;

//!include lib/nearest-reduce.wgsl

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let e = wg.y * prm.grid_x + wg.x;
  let t = lid.x;
  var x = 0u;
  var len = 0u;
  if (e < prm.len) {
    x = list[e];
    len = prm.n;
  }
  var b = Best(DEAD, NONE, 0u);
  for (var j = t; j < len; j += WG) {
    if (j != x) {
      b = scan_step(b, dist(j, x), j);
    }
  }
  let r = reduce_best(t, b);
  if (t == 0u && e < prm.len) {
    nn[x] = nn_word(r);
    count[x] = r.c;
  }
}
