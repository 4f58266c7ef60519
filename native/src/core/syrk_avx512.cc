// AVX-512 instantiation of the SYRK template (compiled with -mavx512f -mavx512vl -mavx512dq -mavx2 -mfma).
// Tile 8 x 32: 16 zmm accumulators + 2 B vectors + 1 broadcast of 32 registers; per row of K, 2 loads and 8
// broadcasts feed 16 FMAs.
#include "core/syrk_impl.h"

namespace ns {
namespace syrk {

namespace {
using K = Impl<16, 8, 2, 128>;
}

double peak_avx512(uint64_t iters, float* sink) { return Peak<16, 16>::run(iters, sink); }

const Kernel kAvx512 = {"avx512", K::NR, &K::run, &peak_avx512};

}  // namespace syrk
}  // namespace ns
