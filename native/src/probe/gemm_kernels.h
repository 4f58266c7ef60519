// The two GEMM-like passes of a full-batch probe gradient, per ISA (probe/gemm_{generic,avx2,avx512}.cc, each
// compiled with its own flags from the template in probe/gemm_impl.h). Only plain functions and POD cross this
// boundary (see core/syrk_kernels.h for why): the thread pool and the reductions live in baseline code
// (probe/datafit_multinomial.cc), which hands each kernel call one fixed block of rows or columns.
//
// Precision: X is float32 and is widened exactly to float64; W, logits and gradient sums are float64. Each output
// element is computed by one call with a fixed summation order, so results do not depend on the thread count.
#pragma once
#include <cstddef>
#include <cstdint>

namespace ns {
namespace probe {

struct GemmKernel {
  const char* name;
  // Z[t, c] = b[c] + Σ_j x[t, j]·W[c, j] for rows t in [r0, r1). x row-major T×D, W row-major C×D, Z row-major
  // T×C. The dot product runs over j in 8 interleaved float64 partial sums added in a fixed order.
  void (*forward)(const float* x, size_t D, size_t r0, size_t r1, const double* W, const double* b, size_t C,
                  double* Z);
  // G[c, j − j0] = Σ_t R[t, c]·x[t, j] for columns j in [j0, j1), t ascending. R row-major T×C; G row-major
  // C×(j1 − j0), overwritten. Rows whose R is all zero are skipped (the sum is the same).
  void (*backward)(const float* x, size_t T, size_t D, size_t j0, size_t j1, const double* R, size_t C, double* G);
};

extern const GemmKernel kGemmGeneric;
#ifdef NS_X86
extern const GemmKernel kGemmAvx2;
extern const GemmKernel kGemmAvx512;
#endif

// The variant matching the SYRK kernel this process runs (CPUID, NEUROSIEVE_KERNEL), so one environment
// variable pins every native kernel.
const GemmKernel& active_gemm();

}  // namespace probe
}  // namespace ns
