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
    if (std::strcmp(name, "avx2") == 0) return &kGemmAvx2;
#endif
    (void)name;
    return &kGemmGeneric;
  }();
  return *chosen;
}

}  // namespace probe
}  // namespace ns
