// softmax-xent.wgsl: softmax cross-entropy per row and its gradient with respect to the logits.
//
// For each row t < rows, with z = logits[t][0..classes) and y = labels[r0 + t]:
//   loss[t]    = logsumexp(z) - z[y]
//   grad[t][c] = scale * (softmax(z)[c] - [c == y])
// `scale` is 1/batch for a mean loss. logsumexp subtracts max(z) first, so large logits do not overflow.
// Labels must be < classes (the host checks them).
//
// Bindings: 0 logits: array<f32> (rows x classes, read), 1 labels: array<u32> (read), 2 grad: array<f32>
//           (rows x classes, written), 3 loss: array<f32> (rows, written), 4 params: uniform
//           { rows, classes, r0, scale: f32 }.
// Workgroup: 64 invocations, one row each (probes have few classes: a row is a short serial loop).
// Dispatch: (ceil(rows / 64), 1, 1).
// Includes: lib/softmax.wgsl (softmax_row, softmax_minus_onehot over `logits`).

//!include lib/softmax.wgsl

struct Params {
  rows: u32,
  classes: u32,
  r0: u32,
  scale: f32,
}

@group(0) @binding(0) var<storage, read> logits: array<f32>;
@group(0) @binding(1) var<storage, read> labels: array<u32>;
@group(0) @binding(2) var<storage, read_write> grad: array<f32>;
@group(0) @binding(3) var<storage, read_write> loss: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let t = gid.x;
  if (t >= p.rows) {
    return;
  }
  let base = t * p.classes;
  let row = softmax_row(base, p.classes);
  let y = labels[p.r0 + t];
  loss[t] = row.m + log(row.s) - logits[base + y];
  let inv = 1.0 / row.s;
  for (var c = 0u; c < p.classes; c++) {
    grad[base + c] = p.scale * softmax_minus_onehot(base, c, y, row.m, inv);
  }
}
