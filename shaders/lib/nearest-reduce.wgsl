// lib/nearest-reduce.wgsl: the workgroup reduction of rnn-row-min.wgsl and rnn-rescan.wgsl (included with
// `//!include lib/nearest-reduce.wgsl`; it includes lib/nearest.wgsl): 64 invocations, one candidate each,
// combined by better() over a fixed tree in workgroup memory (3 x 64 words), so the result does not depend on
// timing.
//
// reduce_best(t, b): invocation t < 64 hands in its candidate b; every invocation gets the workgroup's best.
// Call it from uniform control flow (it contains barriers).

//!include lib/nearest.wgsl

const REDUCE_WG: u32 = 64u;

var<workgroup> red_d: array<f32, REDUCE_WG>;
var<workgroup> red_i: array<u32, REDUCE_WG>;
var<workgroup> red_c: array<u32, REDUCE_WG>;

fn reduce_best(t: u32, b: Best) -> Best {
  red_d[t] = b.d;
  red_i[t] = b.i;
  red_c[t] = b.c;
  workgroupBarrier();
  for (var s = REDUCE_WG / 2u; s > 0u; s >>= 1u) {
    if (t < s) {
      let c = better(Best(red_d[t], red_i[t], red_c[t]), Best(red_d[t + s], red_i[t + s], red_c[t + s]));
      red_d[t] = c.d;
      red_i[t] = c.i;
      red_c[t] = c.c;
    }
    workgroupBarrier();
  }
  return Best(red_d[0], red_i[0], red_c[0]);
}
