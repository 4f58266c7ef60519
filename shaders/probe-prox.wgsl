// probe-prox.wgsl: the proximal gradient step of the exact probe solver (src/probe/fista-webgpu.ts) on the
// parameters θ = [W | b] (classes x cols, row-major; the last column is the unpenalised intercept):
//   next[i] = prox(y[i] − s·g[i])   with prox(v) = soft(v, s·l1) / (1 + s·l2)  (probe/penalty_elastic_net.h;
//                                    exact zeros where |v| ≤ s·l1), and next = v in the intercept column;
//   dot     = Σ_i (y[i] − next[i])·(next[i] − x[i])
// dot > 0 is O'Donoghue & Candès' (2015) gradient restart test: the step goes against the momentum direction.
// It needs no objective value, so float32 rounding of a loss (≈ 1e-7 relative) never decides it.
//
// Bindings: 0 y: array<f32> (n, read: the extrapolated point), 1 g: array<f32> (n, read: gradient at y),
//           2 x: array<f32> (n, read: the current iterate), 3 next: array<f32> (n, written; every element),
//           4 dot: array<f32> (1, written), 5 params: uniform { n, cols, s: f32, l1: f32, l2: f32 }.
// Workgroup: ONE workgroup of 256 invocations strides over all n = classes·cols elements (a few thousand:
// negligible next to the two GEMMs over T rows) and sums dot by a fixed tree, so the result is deterministic.
// Dispatch: (1, 1, 1).

struct Params {
  n: u32,
  cols: u32,
  s: f32,
  l1: f32,
  l2: f32,
}

@group(0) @binding(0) var<storage, read> y: array<f32>;
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read_write> next: array<f32>;
@group(0) @binding(4) var<storage, read_write> dot: array<f32>;
@group(0) @binding(5) var<uniform> p: Params;

var<workgroup> part: array<f32, 256>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) li: u32) {
  var acc = 0.0;
  for (var i = li; i < p.n; i += 256u) {
    let v = y[i] - p.s * g[i];
    var w = v;
    if (i % p.cols != p.cols - 1u) {
      let m = abs(v) - p.s * p.l1;
      w = select(0.0, sign(v) * m / (1.0 + p.s * p.l2), m > 0.0);
    }
    next[i] = w;
    acc += (y[i] - w) * (w - x[i]);
  }
  part[li] = acc;
  workgroupBarrier();
  for (var h = 128u; h > 0u; h >>= 1u) {
    if (li < h) {
      part[li] += part[li + h];
    }
    workgroupBarrier();
  }
  if (li == 0u) {
    dot[0] = part[0];
  }
}
