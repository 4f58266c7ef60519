// lib/softmax.wgsl: the softmax of one row of logits, shared by softmax-xent.wgsl and probe-residual.wgsl
// (included with `//!include lib/softmax.wgsl`).
//
// Needs, at module scope of the including shader: `logits: array<f32>` (rows x classes, row-major).
// softmax_row(base, classes): m = max_c z[c] and s = sum_c exp(z[c] - m) for the row z = logits[base ..
//   base + classes); subtracting the maximum first keeps large logits from overflowing.
// softmax_minus_onehot(base, c, y, m, inv): softmax(z)[c] - [c == y], with inv = 1 / s.

struct SoftmaxRow {
  m: f32,
  s: f32,
}

fn softmax_row(base: u32, classes: u32) -> SoftmaxRow {
  var m = logits[base];
  for (var c = 1u; c < classes; c++) {
    m = max(m, logits[base + c]);
  }
  var s = 0.0;
  for (var c = 0u; c < classes; c++) {
    s += exp(logits[base + c] - m);
  }
  return SoftmaxRow(m, s);
}

fn softmax_minus_onehot(base: u32, c: u32, y: u32, m: f32, inv: f32) -> f32 {
  var v = exp(logits[base + c] - m) * inv;
  if (c == y) {
    v -= 1.0;
  }
  return v;
}
