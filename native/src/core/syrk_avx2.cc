// AVX2+FMA instantiation of the SYRK template (compiled with -mavx2 -mfma -mf16c).
// Tile 4 x 24: 12 ymm accumulators + 3 B vectors + 1 broadcast = the 16 registers.
#include "core/syrk_impl.h"

namespace ns {
namespace syrk {

namespace {
using K = Impl<8, 4, 3, 128>;
}

double peak_avx2(uint64_t iters, float* sink) { return Peak<8, 12>::run(iters, sink); }

const Kernel kAvx2 = {"avx2", K::NR, &K::run, &peak_avx2};

}  // namespace syrk
}  // namespace ns
