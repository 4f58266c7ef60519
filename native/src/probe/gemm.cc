// Chooses the probe GEMM variant (baseline ISA): the one named like the active SYRK kernel.
#include <cstring>

#include "core/syrk_kernels.h"
#include "probe/gemm_kernels.h"

namespace ns {
namespace probe {

const GemmKernel& active_gemm() {
  static const GemmKernel* chosen = [] {
    const char* name = syrk::active_kernel().name;
#ifdef NS_X86
    if (std::strcmp(name, "avx512") == 0) return &kGemmAvx512;
    // AVX2: the 8-lane forward accumulators spill (GCC lowers each to two ymm through the stack): the baseline
    // forward measured 1.5-2x faster than the AVX2 one on 20,000 x 1,024 x 10 (the AVX2 backward 1.4x faster
    // than the baseline one), so AVX2 machines run the baseline forward with the AVX2 backward.
    if (std::strcmp(name, "avx2") == 0) {
      static const GemmKernel mixed = {"avx2 (baseline forward)", kGemmGeneric.forward, kGemmAvx2.backward};
      return &mixed;
    }
#endif
    (void)name;
    return &kGemmGeneric;
  }();
  return *chosen;
}

}  // namespace probe
}  // namespace ns
