// probe-axpby.wgsl: out = alpha·a + beta·b, elementwise, for the exact probe solver (src/probe/fista-webgpu.ts):
// the sum of the gradients of the pieces of the activations (each piece is its own storage binding).
//
// Bindings: 0 a: array<f32> (read), 1 b: array<f32> (read), 2 out: array<f32> (n, written; must not alias a or b),
//           3 params: uniform { n, groupsX, alpha: f32, beta: f32 }.
// Workgroup: 256 invocations, one element each; element (wg.y·groupsX + wg.x)·256 + lid.
// Dispatch: (groupsX, ceil(ceil(n / 256) / groupsX), 1), groupsX = min(ceil(n / 256), 65535).

struct Params {
  n: u32,
  groupsX: u32,
  alpha: f32,
  beta: f32,
}

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let i = (wg.y * p.groupsX + wg.x) * 256u + li;
  if (i < p.n) {
    out[i] = p.alpha * a[i] + p.beta * b[i];
  }
}
