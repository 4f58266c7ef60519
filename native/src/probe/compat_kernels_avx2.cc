// AVX2 instantiation of the compatible trainer's kernels (compiled with -mavx2 -mfma -mf16c). A 16-float vector is
// two ymm: forward tile 2 rows × 2 classes (8 ymm accumulators), gradient tile 2 classes × 1 column vector.
#include "probe/compat_kernels_impl.h"

namespace ns {
namespace probe {

namespace {
using K = Impl<2, 2, 1>;
}

const Kernel kAvx2 = {"avx2", &K::dots, &K::step, &K::norms, &K::accumulate, &K::apply};

}  // namespace probe
}  // namespace ns
