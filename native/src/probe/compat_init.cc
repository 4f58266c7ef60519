#include "probe/compat_init.h"

#include <cmath>

#include "synth/random.h"

namespace ns {
namespace probe {

void compat_init(size_t classes, size_t cols, uint64_t seed, float* weight, float* bias) {
  Xoshiro256ss rng(seed, kInitStream);
  const double bound = 1.0 / std::sqrt(static_cast<double>(cols));
  for (size_t i = 0; i < classes * cols; ++i) weight[i] = static_cast<float>(bound * (2.0 * rng.uniform() - 1.0));
  for (size_t c = 0; c < classes; ++c) bias[c] = static_cast<float>(bound * (2.0 * rng.uniform() - 1.0));
}

}  // namespace probe
}  // namespace ns
