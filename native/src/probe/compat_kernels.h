// Internal interface between the compatible probe trainer (probe/compat_trainer.cc, baseline ISA) and its
// ISA-specific kernels (probe/compat_kernels_{avx512,avx2,generic}.cc, each compiled with its own flags from the
// template in probe/compat_kernels_impl.h). Only plain functions and POD cross this boundary (see syrk_kernels.h
// for why nothing compiled with AVX flags may be shared with baseline code).
//
// Arithmetic, identical in every variant except for FMA contraction (the generic build has no FMA):
//  - dot products x·w (logits): float32 products summed in 16 float32 lanes (column j in lane j mod 16) over a
//    block of 512 columns (kDotBlock in compat_kernels_impl.h, 32 products per lane); at each block end the 16
//    lanes are widened and added into 16 float64 lanes, which are summed pairwise at the end. The float64 part is
//    what keeps a 9,984-long sum accurate: float32 only ever sums 32 products per lane.
//  - the data gradient Gᵀ·X of one column: float32, the batch rows in order (at most `batch` terms).
//  - Σ|w| and Σw² (the penalty): float64, 16 lanes per column range, summed pairwise, ranges added in order by
//    the caller.
// Every output element is computed by one call with a fixed order, so results never depend on the thread count.
#pragma once
#include <cstddef>
#include <cstdint>

namespace ns {
namespace probe {

constexpr size_t kBlockCols = 1024;  // columns per task of the update pass (and of Σ|w|, Σw²)
constexpr size_t kMaxClassTile = 6;  // classes whose dot products / gradients share one pass over the batch's columns

// Everything one minibatch step needs for its column pass.
struct StepParams {
  const float* x;  // the batch's first row; rows are `cols` apart
  size_t rows;     // rows in this batch (the last one may be partial)
  size_t cols;     // D
  const float* g;  // rows × classes: d(data loss)/d(logits), float32, already weighted and divided by the batch weight
  size_t classes;
  float* w;  // classes × cols, row-major
  float* m;  // Adam first moments (unused by SGD)
  float* v;  // Adam second moments
  bool adam;
  // Adam (torch.optim.Adam, amsgrad off, no weight decay), per element, float32:
  //   m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g·g;  w = w + neg_step · (m / (sqrt(v) / bc2_sqrt + eps))
  // with neg_step = −lr / (1 − β1^k) and bc2_sqrt = sqrt(1 − β2^k) computed in float64 and rounded, as torch
  // rounds its Python-float scalars. SGD (no momentum): w = w + neg_step · g with neg_step = −lr.
  float beta1, one_minus_beta1, beta2, one_minus_beta2, bc2_sqrt, eps, neg_step;
  // Penalty gradient added to the data gradient: l1·sign(w) + l2_scale·w, l2_scale = λ2 / ‖W‖_F (0 if ‖W‖ = 0).
  float l1, l2_scale;
};

struct Kernel {
  const char* name;
  // s[r·classes + c] = Σ_j x[r·cols + j]·w[c·cols + j] for r < rows (arithmetic above; no bias).
  void (*dots)(const float* x, size_t rows, size_t cols, const float* w, size_t classes, double* s);
  // The data gradient, the penalty gradient and the optimizer step for W[:, j0:j1), j1 − j0 <= kBlockCols.
  // scratch: kMaxClassTile · kBlockCols floats owned by the calling thread. Writes Σ|w| and Σw² of the updated
  // W[:, j0:j1) to sums[0], sums[1].
  void (*step)(const StepParams& p, size_t j0, size_t j1, float* scratch, double* sums);
  // Σ|w| and Σw² of W[:, j0:j1) (classes × cols, row-major) into sums[0], sums[1].
  void (*norms)(const float* w, size_t cols, size_t classes, size_t j0, size_t j1, double* sums);
  // The data gradient by rows instead of by columns: grad[c·cols + j] = (first ? 0 : grad[c·cols + j]) + the chain
  // of g[t·classes + c]·x[t·cols + j] over t < rows, in order — the same float32 chain `step` computes, so a batch
  // fed in consecutive row groups (first = true for the first) gives `step`'s gradient bit for bit.
  void (*accumulate)(const float* x, size_t rows, size_t cols, const float* g, size_t classes, float* grad, bool first);
  // `step` with the data gradient given (classes × cols, row-major) instead of computed from p.x and p.g.
  void (*apply)(const StepParams& p, const float* grad, size_t j0, size_t j1, double* sums);
};

extern const Kernel kGeneric;
#ifdef NS_X86
extern const Kernel kAvx2;
extern const Kernel kAvx512;
#endif

// The variant matching the addon's SYRK kernel (CPUID, or NEUROSIEVE_KERNEL), so one process runs one ISA.
const Kernel& active_kernel();

}  // namespace probe
}  // namespace ns
