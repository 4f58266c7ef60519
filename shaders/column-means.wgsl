// column-means.wgsl: column means of a float32 chunk, in two passes, as three float32 numbers per column from
// which the host rebuilds a float64 mean.
//
// Computes, for every column c of the chunk X (rows x cols, row-major):
//   pivot[c] = fl32(sum_r X[r][c] / rows)        pass 1, a rough mean (its error does not matter)
//   dev[c]   = sum_r (X[r][c] - pivot[c])        pass 2: small terms of both signs, so little cancellation
//   shift[c] = fl32(pivot[c] + dev[c] / rows)    the mean rounded to float32, used to centre the SYRK
// The host takes mean = pivot + dev / rows in float64. For a column with mean 1e4 and unit variance the float32
// sum of pass 1 loses ~3 digits; pass 2 sums values of size ~1 and gives the mean to ~1e-7 of the std.
//
// Accumulating (p.accumulate != 0, a later chunk of a flush group, see src/correlate/comoments-webgpu.ts): pass 1
// is skipped; the pivot and the shift of `out` are those of the group's first chunk and stay as they are, and
//   dev[c] += sum_r (X[r][c] - pivot[c])
// so that after a group of N rows the host's mean = pivot + dev / N covers every row of the group.
//
// Storage: the program prepends `alias XT = f32;` or, for float16 data with shader-f16,
// `enable f16; alias XT = f16;` (values are converted to f32 on load; all arithmetic is f32).
// Bindings: 0 x: array<XT> (read), 1 out: array<f32> of 3*cols (pivot | dev | shift, written),
//           2 params: uniform { rows, cols, accumulate }.
// Workgroup: 64 columns x 4 lanes (256 invocations); lane l sums rows l, l+4, ...; the 4 partial sums are added
// in workgroup memory in a fixed order, so results do not depend on timing. Adjacent invocations read adjacent
// columns of one row (256 contiguous bytes).
// Dispatch: (ceil(cols / 64), 1, 1).

const COLS: u32 = 64u;
const LANES: u32 = 4u;

struct Params {
  rows: u32,
  cols: u32,
  accumulate: u32,
}

@group(0) @binding(0) var<storage, read> x: array<XT>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

var<workgroup> partial: array<f32, 256>;  // COLS * LANES

// Sum over the lanes of column slot `cx`, in lane order.
fn lane_total(cx: u32) -> f32 {
  var s = 0.0;
  for (var l = 0u; l < LANES; l++) {
    s += partial[l * COLS + cx];
  }
  return s;
}

@compute @workgroup_size(64, 4)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let cx = lid.x;
  let lane = lid.y;
  let c = wg.x * COLS + cx;
  let inside = c < p.cols;
  let col = min(c, p.cols - 1u);  // clamped so that no invocation reads out of bounds

  // Pass 1: rough mean (a later chunk of a group reuses the group's pivot). p.accumulate is uniform, so the
  // barriers stay in uniform control flow.
  var pivot = out[col];
  if (p.accumulate == 0u) {
    var s = 0.0;
    if (inside) {
      for (var r = lane; r < p.rows; r += LANES) {
        s += f32(x[r * p.cols + col]);
      }
    }
    partial[lane * COLS + cx] = s;
    workgroupBarrier();
    pivot = lane_total(cx) / f32(p.rows);
    workgroupBarrier();
  }

  // Pass 2: deviations from the rough mean.
  var d = 0.0;
  if (inside) {
    for (var r = lane; r < p.rows; r += LANES) {
      d += f32(x[r * p.cols + col]) - pivot;
    }
  }
  partial[lane * COLS + cx] = d;
  workgroupBarrier();
  if (inside && lane == 0u) {
    let dev = lane_total(cx);
    if (p.accumulate == 0u) {
      out[c] = pivot;
      out[p.cols + c] = dev;
      out[2u * p.cols + c] = pivot + dev / f32(p.rows);
    } else {
      out[p.cols + c] = out[p.cols + c] + dev;
    }
  }
}
