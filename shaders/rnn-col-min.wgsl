// rnn-col-min.wgsl: second half of a reciprocal-nearest-neighbour round: for every live slot x, the minimum of
// column x of the condensed matrix (d(i, x), live i < x), combined with rnn-row-min.wgsl's row result into x's
// nearest neighbour: the smallest distance, the lowest slot among equal ones (the CPU's scan order), and
// whether the minimum is attained more than once (the host hands a round with such a tie inside a reciprocal
// pair over to the native NN-chain, whose tie-breaking depends on its chain: src/cluster/linkage-webgpu.ts).
//
// Storage and helpers: the condensed-pieces prelude (see rnn-row-min.wgsl and
// src/gpu/programs/condensed-pieces.ts): bindings 0..P-1 and 9, ld(), DEAD, NONE; lib/nearest.wgsl: Best,
// scan_step(), better(), nn_word().
// Bindings: 10 slots: array<vec2<i32>> (size, role) (read); 11 rowbest: array<vec4<u32>> (read);
//           12 nn: array<vec2<u32>> per slot: (bitcast<u32>(distance), index | tie << 31) (written for every
//           x < n; retired slots get (DEAD, 0x7fffffff)); 13 params: uniform { n }; 14 count: array<u32>, how
//           many slots attain the minimum (written; rnn-refresh.wgsl keeps it up to date between rounds).
// Workgroup: 64 columns x 4 lanes (256 invocations). Lane l walks rows i = l, l + 4, ... < x; the 64
// invocations of a lane read 64 adjacent words of row i (one 256-byte segment), which is what makes the
// column walk coalesced. Retired rows are skipped after one broadcast load of their size. The 4 lane
// candidates and the row candidate are combined by better(), so the result does not depend on timing.
// Dispatch: (ceil(n / 64), 1, 1).

const COLS: u32 = 64u;
const LANES: u32 = 4u;

//!include lib/nearest.wgsl

struct Params {
  n: u32,
}

@group(0) @binding(10) var<storage, read> slots: array<vec2<i32>>;
@group(0) @binding(11) var<storage, read> rowbest: array<vec4<u32>>;
@group(0) @binding(12) var<storage, read_write> nn: array<vec2<u32>>;
@group(0) @binding(13) var<uniform> prm: Params;
@group(0) @binding(14) var<storage, read_write> count: array<u32>;

var<workgroup> cd: array<f32, 256>;  // COLS * LANES
var<workgroup> ci: array<u32, 256>;
var<workgroup> ct: array<u32, 256>;

@compute @workgroup_size(64, 4)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let cx = lid.x;
  let lane = lid.y;
  let x = wg.x * COLS + cx;
  var live = false;
  if (x < prm.n) {
    live = slots[x].x > 0;
  }
  var b = Best(DEAD, NONE, 0u);
  if (live) {
    for (var i = lane; i < x; i += LANES) {
      if (slots[i].x > 0) {
        b = scan_step(b, ld(i, x), i);
      }
    }
  }
  let slot = lane * COLS + cx;
  cd[slot] = b.d;
  ci[slot] = b.i;
  ct[slot] = b.c;
  workgroupBarrier();
  if (lane == 0u && x < prm.n) {
    var c = Best(DEAD, NONE, 0u);
    if (live) {
      let r = rowbest[x];
      c = Best(bitcast<f32>(r.x), r.y, r.z);
      for (var l = 0u; l < LANES; l++) {
        c = better(c, Best(cd[l * COLS + cx], ci[l * COLS + cx], ct[l * COLS + cx]));
      }
    }
    nn[x] = nn_word(c);
    count[x] = c.c;
  }
}
