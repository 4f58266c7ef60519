#include "probe/squared_error.h"

namespace ns {
namespace probe {

void squared_error(const double* s, const float* bias, const float* y, size_t rows, size_t n, float* g,
                   double& se_sum) {
  const double scale = 2.0 / static_cast<double>(n);
  for (size_t t = 0; t < rows; ++t) {
    const double e = (s[t] + bias[0]) - static_cast<double>(y[t]);
    se_sum += e * e;
    g[t] = static_cast<float>(scale * e);
  }
}

}  // namespace probe
}  // namespace ns
