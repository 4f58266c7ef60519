#include "probe/linear_predict.h"

#include <algorithm>
#include <vector>

#include "probe/compat_kernels.h"

namespace ns {
namespace probe {

namespace {
constexpr size_t kPredictRows = 64;  // rows per task
}

void predict_linear(const float* x, size_t rows, size_t cols, const float* weight, const float* bias, size_t classes,
                    int32_t* predicted, ThreadPool& pool) {
  predict_linear(FeatureView{x, cols, nullptr, cols}, rows, weight, bias, classes, predicted, pool);
}

namespace {
// s = x·Wᵀ for each fixed block of rows (float64, rows × classes), handed to `use(r0, n, s)`.
template <typename F>
void for_row_blocks(const FeatureView& x, size_t rows, const float* weight, size_t classes, ThreadPool& pool,
                    const F& use) {
  const Kernel& k = active_kernel();
  const size_t cols = x.cols;
  const size_t tasks = (rows + kPredictRows - 1) / kPredictRows;
  std::vector<std::vector<double>> scratch(pool.size(), std::vector<double>(kPredictRows * classes));
  std::vector<std::vector<float>> gathered(pool.size(), std::vector<float>(x.contiguous() ? 0 : kPredictRows * cols));
  pool.parallel_for(tasks, [&](size_t task, size_t worker) {
    const size_t r0 = task * kPredictRows, n = std::min(kPredictRows, rows - r0);
    double* s = scratch[worker].data();
    k.dots(x.rows(r0, n, gathered[worker].data()), n, cols, weight, classes, s);
    use(r0, n, s);
  });
}
}  // namespace

void predict_linear(const FeatureView& x, size_t rows, const float* weight, const float* bias, size_t classes,
                    int32_t* predicted, ThreadPool& pool) {
  for_row_blocks(x, rows, weight, classes, pool, [&](size_t r0, size_t n, const double* s) {
    for (size_t r = 0; r < n; ++r) {
      size_t best = 0;
      double top = s[r * classes] + bias[0];
      for (size_t c = 1; c < classes; ++c) {
        const double z = s[r * classes + c] + bias[c];
        if (z > top) {
          top = z;
          best = c;
        }
      }
      predicted[r0 + r] = static_cast<int32_t>(best);
    }
  });
}

void linear_outputs(const FeatureView& x, size_t rows, const float* weight, const float* bias, size_t outputs,
                    double* out, ThreadPool& pool) {
  for_row_blocks(x, rows, weight, outputs, pool, [&](size_t r0, size_t n, const double* s) {
    for (size_t r = 0; r < n; ++r)
      for (size_t c = 0; c < outputs; ++c) out[(r0 + r) * outputs + c] = s[r * outputs + c] + bias[c];
  });
}

}  // namespace probe
}  // namespace ns
