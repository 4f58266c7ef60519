// rnn-refresh.wgsl: keeps every live slot's cached nearest neighbour exact across a round's merges, so that only
// the slots whose neighbour merged (and the new clusters) need a full scan (rnn-rescan.wgsl) — the device form of
// the CPU's exact cache (nn_chain.h): a slot's entry (d, c, count) — minimal distance, lowest slot at it, how
// many slots attain it — stays exact unless c is one of the merged slots. The round's merges remove x_k and y_k
// and add the new y_k; in two phases, because the removed values are overwritten by rnn-lance-williams.wgsl:
//   PHASE 0 (before the update):  count -= #{k : old d(i, x_k) == d} + #{k : old d(i, y_k) == d}
//   PHASE 1 (after it), k in order, v = the stored new d(i, y_k):
//       v < d  -> (v, y_k, 1)     (only float rounding of a ward update can do this; reducibility forbids it)
//       v == d -> count += 1, c = min(c, y_k)
// Reading the stored v (instead of recomputing it) keeps the cache bit-exact whatever the compiler fuses.
// Slots handled: live, not merged this round, whose cached neighbour did not merge; the host lists the others
// for rnn-rescan.wgsl.
//
// Storage and helpers: the condensed-pieces prelude (rnn-row-min.wgsl): bindings 0..P-1 and 9, dist();
// lib/nearest.wgsl: Best, nn_word(); lib/merge.wgsl: struct Merge, bindings 11 and 12.
// Constants: PHASE (override): 0 before the Lance–Williams update, 1 after it (part of the pipeline key).
// Bindings: 10 slots: array<vec2<i32>> (size, role) (read); 11 merges: array<Merge> (read); 12 params: uniform
//           { n, m } (11 and 12 declared in lib/merge.wgsl); 13 nn: array<vec2<u32>> (read, written in phase 1); 14 count: array<u32> (read, written).
// Workgroup: 64 slots; each invocation walks the round's merges in order (two reads per merge, scattered).
// Dispatch: (ceil(n / 64), 1, 1).

override PHASE: u32 = 0u;

//!include lib/merge.wgsl
//!include lib/nearest.wgsl

@group(0) @binding(10) var<storage, read> slots: array<vec2<i32>>;
@group(0) @binding(13) var<storage, read_write> nn: array<vec2<u32>>;
@group(0) @binding(14) var<storage, read_write> count: array<u32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= prm.n) {
    return;
  }
  let s = slots[i];
  if (s.x == 0 || s.y >= 0) {
    return;
  }
  let w = nn[i];
  let c0 = w.y & NONE;
  if (slots[c0].y >= 0) {
    return;
  }
  var b = Best(bitcast<f32>(w.x), c0, count[i]);
  for (var k = 0u; k < prm.m; k++) {
    let mk = merges[k];
    if (PHASE == 0u) {
      b.c -= select(0u, 1u, dist(i, mk.x) == b.d) + select(0u, 1u, dist(i, mk.y) == b.d);
    } else {
      let v = dist(i, mk.y);
      if (v < b.d) {
        b = Best(v, mk.y, 1u);
      } else if (v == b.d) {
        b.c += 1u;
        b.i = min(b.i, mk.y);
      }
    }
  }
  count[i] = b.c;
  if (PHASE == 1u) {
    nn[i] = nn_word(b);
  }
}
