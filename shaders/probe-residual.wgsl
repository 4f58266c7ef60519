// probe-residual.wgsl: the weighted softmax cross-entropy residual of the exact probe solver (src/probe/fista-webgpu.ts).
//
// For each row t < rows, with z = logits[t][0..classes) and y = labels[t]:
//   r[t][c] = weight[y] * (softmax(z)[c] - [c == y])
// weight[c] = class weight / T (scikit-learn's class_weight convention, probe/datafit_multinomial.h), so that
// Rᵀ·X̃ is the gradient of the mean loss. No loss value: the solver's restart and stopping tests need none.
// softmax subtracts max(z) first. Labels must be < classes (the host checks them).
//
// Bindings: 0 logits: array<f32> (rows x classes, read), 1 labels: array<u32> (rows, read), 2 weight: array<f32>
//           (classes, read), 3 r: array<f32> (rows x classes, written; every element), 4 params: uniform
//           { rows, classes }.
// Workgroup: 64 invocations, one row each (probes have few classes: a row is a short serial loop).
// Dispatch: (ceil(rows / 64), 1, 1).
// Includes: lib/softmax.wgsl (softmax_row, softmax_minus_onehot over `logits`).

//!include lib/softmax.wgsl

struct Params {
  rows: u32,
  classes: u32,
}

@group(0) @binding(0) var<storage, read> logits: array<f32>;
@group(0) @binding(1) var<storage, read> labels: array<u32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read_write> r: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let t = gid.x;
  if (t >= p.rows) {
    return;
  }
  let base = t * p.classes;
  let row = softmax_row(base, p.classes);
  let y = labels[t];
  let a = weight[y];
  let inv = 1.0 / row.s;
  for (var c = 0u; c < p.classes; c++) {
    r[base + c] = a * softmax_minus_onehot(base, c, y, row.m, inv);
  }
}
