// probe-kkt.wgsl: the stopping criterion of the exact probe solver (src/probe/fista-webgpu.ts), the largest
// violation of the optimality conditions at θ = [W | b] with datafit gradient g (classes x cols, row-major;
// the last column is the unpenalised intercept), as native/src/probe/solver_fista.cc computes it in float64:
//   intercept:  |g|;   w = 0:  max(|g| − l1, 0);   w ≠ 0:  |g + l1·sign(w) + l2·w|.
//
// Bindings: 0 w: array<f32> (n, read), 1 g: array<f32> (n, read), 2 out: array<f32> (1, written: the maximum),
//           3 params: uniform { n, cols, l1: f32, l2: f32 }.
// Workgroup: ONE workgroup of 256 invocations strides over the n = classes·cols elements, then a fixed tree of
// maxima (deterministic).
// Dispatch: (1, 1, 1).

struct Params {
  n: u32,
  cols: u32,
  l1: f32,
  l2: f32,
}

@group(0) @binding(0) var<storage, read> w: array<f32>;
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

var<workgroup> part: array<f32, 256>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) li: u32) {
  var v = 0.0;
  for (var i = li; i < p.n; i += 256u) {
    let gi = g[i];
    let wi = w[i];
    var d = abs(gi);
    if (i % p.cols != p.cols - 1u) {
      if (wi == 0.0) {
        d = max(abs(gi) - p.l1, 0.0);
      } else {
        d = abs(gi + p.l1 * sign(wi) + p.l2 * wi);
      }
    }
    v = max(v, d);
  }
  part[li] = v;
  workgroupBarrier();
  for (var h = 128u; h > 0u; h >>= 1u) {
    if (li < h) {
      part[li] = max(part[li], part[li + h]);
    }
    workgroupBarrier();
  }
  if (li == 0u) {
    out[0] = part[0];
  }
}
