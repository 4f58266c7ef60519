// avx512 instantiation of the probe GEMM kernels (probe/gemm_impl.h), compiled with -mavx512f -mavx512vl -mavx512dq.
#define NS_PROBE_ROWS 4  // 16 zmm accumulators (4 rows × 4 classes)
#include "probe/gemm_impl.h"
#include "probe/gemm_kernels.h"

namespace ns {
namespace probe {

const GemmKernel kGemmAvx512 = {"avx512", &forward_impl, &backward_impl};

}  // namespace probe
}  // namespace ns
