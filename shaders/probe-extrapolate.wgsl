// probe-extrapolate.wgsl: the FISTA extrapolation y = x + β·(x − x_prev) of the exact probe solver
// (src/probe/fista-webgpu.ts), for the parameters and for their logits (linear in the parameters: no GEMM), with β
// from the device-side momentum state (probe-momentum.wgsl). β = 0 gives y = x exactly and does not read x_prev
// (before a λ's first step it holds nothing).
//
// Bindings: 0 x: array<f32> (read), 1 xp: array<f32> (read), 2 out: array<f32> (n, written; must not alias x or xp),
//           3 state: array<f32> ([t, β], read), 4 params: uniform { n, groupsX }.
// Workgroup: 256 invocations, one element each; element (wg.y·groupsX + wg.x)·256 + lid.
// Dispatch: (groupsX, ceil(ceil(n / 256) / groupsX), 1), groupsX = min(ceil(n / 256), 65535).

struct Params {
  n: u32,
  groupsX: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> xp: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<storage, read> state: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let i = (wg.y * p.groupsX + wg.x) * 256u + li;
  if (i < p.n) {
    let beta = state[1];
    var v = x[i];
    if (beta != 0.0) {
      v = v + beta * (v - xp[i]);
    }
    out[i] = v;
  }
}
