// generic instantiation of the probe GEMM kernels (probe/gemm_impl.h), compiled with baseline flags.
#include "probe/gemm_impl.h"
#include "probe/gemm_kernels.h"

namespace ns {
namespace probe {

const GemmKernel kGemmGeneric = {"generic", &forward_impl, &backward_impl};

}  // namespace probe
}  // namespace ns
