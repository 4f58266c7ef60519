// Z-scoring of probe features with the train statistics: column means and population standard deviations
// (divisor T, as scikit-learn's StandardScaler) in float64, two passes (mean, then Σ(x − mean)², which stays
// exact for activations with large means), and (x − mean) / std back to float32. A zero-variance column keeps
// std = 0 in the statistics; applying divides it by 1 instead (the feature becomes 0).
// Fixed column blocks for the moments and row blocks for the application: identical for any thread count.
#pragma once
#include <cstddef>

#include "core/thread_pool.h"

namespace ns {
namespace probe {

void column_moments(const float* x, size_t T, size_t D, double* mean, double* stdev, ThreadPool& pool);
void apply_zscore(const float* x, size_t T, size_t D, const double* mean, const double* stdev, float* out,
                  ThreadPool& pool);

}  // namespace probe
}  // namespace ns
