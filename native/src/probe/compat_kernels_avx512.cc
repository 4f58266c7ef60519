// AVX-512 instantiation of the compatible trainer's kernels (compiled with -mavx512f -mavx512vl -mavx512dq -mavx2
// -mfma). Forward tile 2 rows × 6 classes: 12 zmm accumulators (6 classes, NeuroX's
// common task size, read each x vector once); gradient tile 6 classes × 2 column vectors.
#include "probe/compat_kernels_impl.h"

namespace ns {
namespace probe {

namespace {
using K = Impl<2, 6, 2>;
}

const Kernel kAvx512 = {"avx512", &K::dots, &K::step, &K::norms, &K::accumulate, &K::apply};

}  // namespace probe
}  // namespace ns
