// avx2 instantiation of the probe GEMM kernels (probe/gemm_impl.h), compiled with -mavx2 -mfma.
#include "probe/gemm_impl.h"
#include "probe/gemm_kernels.h"

namespace ns {
namespace probe {

const GemmKernel kGemmAvx2 = {"avx2", &forward_impl, &backward_impl};

}  // namespace probe
}  // namespace ns
