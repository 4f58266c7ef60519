// probe-momentum.wgsl: the FISTA momentum of the exact probe solver (src/probe/fista-webgpu.ts), kept on the device so
// that several iterations are recorded into one submission without reading anything back.
//
// state = [t, β]. At the start of an iteration:
//   restart (dot[0] > 0: the last step's gradient-restart test, probe-prox.wgsl; the host writes 1 before a λ's
//   first iteration):  t ← 1, β ← 0;
//   otherwise:          t' = (1 + sqrt(1 + 4t²)) / 2,  β ← (t − 1) / t',  t ← t'   (Beck & Teboulle 2009).
// β is read by probe-extrapolate.wgsl. The same sequence as the host loop of native/src/probe/solver_fista.cc
// (t in float32: β differs in the last bits, which only shifts the extrapolation point).
//
// Bindings: 0 dot: array<f32> (1, read), 1 state: array<f32> (2, read_write).
// Workgroup: 1 invocation. Dispatch: (1, 1, 1).

@group(0) @binding(0) var<storage, read> dot: array<f32>;
@group(0) @binding(1) var<storage, read_write> state: array<f32>;

@compute @workgroup_size(1)
fn main() {
  let t = state[0];
  if (dot[0] > 0.0) {
    state[0] = 1.0;
    state[1] = 0.0;
  } else {
    let next = 0.5 * (1.0 + sqrt(1.0 + 4.0 * t * t));
    state[0] = next;
    state[1] = (t - 1.0) / next;
  }
}
