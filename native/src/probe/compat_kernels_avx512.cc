// AVX-512 instantiation of the compatible trainer's kernels (compiled with -mavx512f -mavx512vl -mavx512dq -mavx2
// -mfma). Forward tile 2 rows × 4 classes: 8 zmm accumulators; gradient tile 4 classes × 2 column vectors.
#include "probe/compat_kernels_impl.h"

namespace ns {
namespace probe {

namespace {
using K = Impl<2, 4, 2>;
}

const Kernel kAvx512 = {"avx512", &K::dots, &K::step, &K::norms};

}  // namespace probe
}  // namespace ns
