// Predictions of a linear probe: argmax_c (x·w_c + b_c) for every row, the logits computed by the compatible
// trainer's dot-product kernel (float32 products, float64 block sums; see probe/compat_kernels.h) plus the bias
// in float64. Ties go to the lowest class id, as torch.max / numpy.argmax. Rows are split into fixed chunks, so
// the result does not depend on the thread count.
#pragma once
#include <cstddef>
#include <cstdint>

#include "core/thread_pool.h"
#include "probe/feature_view.h"

namespace ns {
namespace probe {

void predict_linear(const float* x, size_t rows, size_t cols, const float* weight, const float* bias, size_t classes,
                    int32_t* predicted, ThreadPool& pool);
// The same on a column view (each block of rows gathered first): the same bytes as on a copied matrix.
void predict_linear(const FeatureView& x, size_t rows, const float* weight, const float* bias, size_t classes,
                    int32_t* predicted, ThreadPool& pool);
// The outputs themselves, x·w_c + b_c (rows × outputs, float64): a regression probe's predictions.
void linear_outputs(const FeatureView& x, size_t rows, const float* weight, const float* bias, size_t outputs,
                    double* out, ThreadPool& pool);

}  // namespace probe
}  // namespace ns
