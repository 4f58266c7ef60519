// Softmax cross-entropy of one minibatch, as torch.nn.CrossEntropyLoss (reduction 'mean', optional class
// weights) computes it, and its gradient with respect to the logits. Float64 throughout: the logits arrive as
// float64 dot products, and the rounding to float32 happens once, on the gradient handed to the float32 GEMM.
#pragma once
#include <cstddef>
#include <cstdint>

namespace ns {
namespace probe {

// Ω = Σ_t ω_t over the minibatch's rows, with row weights ω_t = class_weight[y_t] (1 when class_weight is null).
double batch_weight(const int32_t* y, size_t rows, const double* class_weight);

// For rows t < rows of a minibatch of total weight omega (> 0: class weights are validated positive), with logits
// z[t, c] = s[t·classes + c] + bias[c]:
//   adds     ω_t·(log Σ_c exp z[t, c] − z[t, y_t]) to ce_sum, row by row (the loss is ce_sum / Ω once every row
//            of the minibatch is in, whether they came in one call or in consecutive row groups)
//   writes   g[t·classes + c] = float32(ω_t·(softmax(z_t)_c − [c = y_t]) / Ω) = ∂loss/∂z[t, c].
void softmax_cross_entropy(const double* s, const float* bias, const int32_t* y, size_t rows, size_t classes,
                           const double* class_weight, double omega, float* g, double& ce_sum);

}  // namespace probe
}  // namespace ns
