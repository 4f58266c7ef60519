// Portable instantiation of the SYRK template (baseline flags: SSE2 on x86-64, NEON/other 128-bit SIMD elsewhere
// through GCC vector extensions). Tile 4 x 12: 12 accumulators + 3 B vectors + 1 broadcast = 16 registers.
#include "core/syrk_impl.h"

namespace ns {
namespace syrk {

namespace {
using K = Impl<4, 4, 3, 128>;
}

double peak_generic(uint64_t iters, float* sink) { return Peak<4, 12>::run(iters, sink); }

const Kernel kGeneric = {"generic", K::NR, &K::run, &peak_generic};

}  // namespace syrk
}  // namespace ns
