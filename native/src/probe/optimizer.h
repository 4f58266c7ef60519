// The per-element updates of the compatible trainer, written once and used by the ISA kernels (weights) and the
// trainer (bias), so both follow the same formulas. torch semantics (torch.optim.Adam / SGD, single-tensor path
// on CPU, amsgrad off, no weight decay, no momentum), in float32 like torch's parameters and state:
//   Adam:  m ← β1·m + (1−β1)·g          (torch ≤ 1.12 form; torch 2's lerp_ differs in the last bit)
//          v ← β2·v + (1−β2)·g·g
//          w ← w + neg_step · (m / (sqrt(v) / bc2_sqrt + eps))      eps added to sqrt(v̂), outside the root
//   SGD:   w ← w + neg_step · g
// with neg_step = −lr / (1 − β1^k) (Adam) or −lr (SGD), bc2_sqrt = sqrt(1 − β2^k), k = 1, 2, … the step count,
// computed in float64 and rounded to float32 once per step (torch turns its Python-float scalars into the
// tensor's float32 the same way). The compiler may contract a·b + c into an FMA where the ISA has one.
//
// Anonymous namespace on purpose: each ISA file must get its own copy (see probe/compat_kernels.h).
#pragma once
#include <cmath>

#include "probe/compat_kernels.h"

namespace ns {
namespace probe {
namespace {

// torch.sign: +1, −1, or 0 at 0 (the subgradient of |w| that torch's L1 norm backward uses).
inline float sign_of(float w) { return w > 0.f ? 1.f : (w < 0.f ? -1.f : 0.f); }

inline void adam_update(float g, float& w, float& m, float& v, const StepParams& p) {
  const float mn = p.beta1 * m + p.one_minus_beta1 * g;
  const float vn = p.beta2 * v + p.one_minus_beta2 * g * g;
  m = mn;
  v = vn;
  w = w + p.neg_step * (mn / (std::sqrt(vn) / p.bc2_sqrt + p.eps));
}

inline void sgd_update(float g, float& w, const StepParams& p) { w = w + p.neg_step * g; }

}  // namespace
}  // namespace probe
}  // namespace ns
