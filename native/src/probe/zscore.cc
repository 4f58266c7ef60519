#include "probe/zscore.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace ns {
namespace probe {

namespace {
constexpr size_t kColBlock = 256;
constexpr size_t kRowBlock = 256;
}  // namespace

void column_moments(const float* x, size_t T, size_t D, double* mean, double* stdev, ThreadPool& pool) {
  pool.parallel_for((D + kColBlock - 1) / kColBlock, [&](size_t task, size_t) {
    const size_t j0 = task * kColBlock, j1 = std::min(D, j0 + kColBlock), n = j1 - j0;
    std::vector<double> s(n, 0.0), q(n, 0.0);
    for (size_t t = 0; t < T; ++t) {
      const float* r = x + t * D + j0;
      for (size_t j = 0; j < n; ++j) s[j] += r[j];
    }
    for (size_t j = 0; j < n; ++j) s[j] /= static_cast<double>(T);
    for (size_t t = 0; t < T; ++t) {
      const float* r = x + t * D + j0;
      for (size_t j = 0; j < n; ++j) {
        const double d = r[j] - s[j];
        q[j] += d * d;
      }
    }
    for (size_t j = 0; j < n; ++j) {
      mean[j0 + j] = s[j];
      stdev[j0 + j] = std::sqrt(q[j] / static_cast<double>(T));
    }
  });
}

void apply_zscore(const float* x, size_t T, size_t D, const double* mean, const double* stdev, float* out,
                  ThreadPool& pool) {
  std::vector<double> sd(D);
  for (size_t j = 0; j < D; ++j) sd[j] = stdev[j] > 0 ? stdev[j] : 1.0;
  pool.parallel_for((T + kRowBlock - 1) / kRowBlock, [&](size_t task, size_t) {
    const size_t r0 = task * kRowBlock, r1 = std::min(T, r0 + kRowBlock);
    for (size_t t = r0; t < r1; ++t)
      for (size_t j = 0; j < D; ++j) out[t * D + j] = static_cast<float>((x[t * D + j] - mean[j]) / sd[j]);
  });
}

}  // namespace probe
}  // namespace ns
