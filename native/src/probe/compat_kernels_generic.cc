// Portable instantiation of the compatible trainer's kernels (baseline flags: SSE2 on x86-64, 128-bit SIMD
// elsewhere, no FMA). A 16-float vector is four xmm: forward tile 1 row × 2 classes, gradient tile 2 classes.
#include "probe/compat_kernels_impl.h"

namespace ns {
namespace probe {

namespace {
using K = Impl<1, 2, 1>;
}

const Kernel kGeneric = {"generic", &K::dots, &K::step, &K::norms, &K::accumulate, &K::apply};

}  // namespace probe
}  // namespace ns
