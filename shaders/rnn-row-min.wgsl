// rnn-row-min.wgsl: first half of a reciprocal-nearest-neighbour round (src/cluster/linkage-webgpu.ts): for every live
// cluster slot x, the nearest slot among j > x, i.e. the minimum of row x of the condensed distance matrix,
// with the lowest j among equal minima and a flag saying whether the minimum occurs more than once.
// rnn-col-min.wgsl then folds in the slots i < x (column x) and writes the final nearest neighbours.
//
// Storage: the condensed matrix (scipy's layout, d(i, j) for i < j row by row) is split by rows into up to 8
// pieces, each one storage binding (<= maxStorageBufferBindingSize); the program prepends the generated
// prelude of src/gpu/programs/condensed-pieces.ts, which declares bindings 0..P-1 (the pieces) and 9 (their
// first rows) and defines ld(i, j), st(i, j, v) (i < j), dist(a, b) either order, the sentinels DEAD (largest
// f32, the distance to and from retired slots) and NONE (no index). A row never spans two pieces.
// Includes: lib/nearest-reduce.wgsl (reduce_best(), the tree reduction) and through it lib/nearest.wgsl (Best,
// scan_step(), better(): lexicographic minimum of (distance, index), with the number of indices attaining it).
//
// Tie-break: each invocation scans its elements in increasing j with scan_step() (an equal value only counts),
// and better() keeps the lower index of equal distances whatever the reduction order: the result is the one a
// sequential scan in slot order gives, the rule of the CPU's NN-chain (nn_chain.h).
//
// Bindings: 0..P-1 pieces, 9 piece rows (prelude); 10 slots: array<vec2<i32>> (size, merge role) per slot,
//           size 0 = retired (read); 11 rowbest: array<vec4<u32>> per slot: (bitcast<u32>(distance), index,
//           count, 0), index 0x7fffffff when the row is empty (written); 12 params: uniform { n, grid_x }.
// Workgroup: 64 invocations per row x; invocation t reads j = x + 1 + t, t + 64, ... (adjacent invocations,
// adjacent words of the row); a tree reduction in workgroup memory combines the 64 candidates.
// Dispatch: (min(n, grid_x), ceil(n / grid_x), 1) with grid_x = min(n, maxComputeWorkgroupsPerDimension);
// row x = wg.y * grid_x + wg.x.

const WG: u32 = 64u;

struct Params {
  n: u32,
  grid_x: u32,
}

@group(0) @binding(10) var<storage, read> slots: array<vec2<i32>>;
@group(0) @binding(11) var<storage, read_write> rowbest: array<vec4<u32>>;
@group(0) @binding(12) var<uniform> prm: Params;

//!include lib/nearest-reduce.wgsl

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let x = wg.y * prm.grid_x + wg.x;
  let t = lid.x;
  // Retired slots and padding workgroups scan nothing but still reach the barriers.
  var len = 0u;
  if (x < prm.n && slots[x].x > 0) {
    len = prm.n - x - 1u;
  }
  var b = Best(DEAD, NONE, 0u);
  for (var k = t; k < len; k += WG) {
    let j = x + 1u + k;
    b = scan_step(b, ld(x, j), j);
  }
  let r = reduce_best(t, b);
  if (t == 0u && x < prm.n) {
    rowbest[x] = vec4<u32>(bitcast<u32>(r.d), r.i, r.c, 0u);
  }
}
