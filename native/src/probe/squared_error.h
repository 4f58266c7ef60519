// Squared error of one minibatch, as torch.nn.MSELoss (reduction 'mean') computes it for NeuroX's regression probe
// (one output per row, outputs.squeeze() against the targets), and its gradient with respect to the outputs.
// Float64 like softmax_ce.h: the outputs arrive as float64 dot products; the gradient is rounded to float32 once.
#pragma once
#include <cstddef>

namespace ns {
namespace probe {

// For rows t < rows of a minibatch of n rows, with outputs z[t] = s[t] + bias[0]:
//   adds     (z[t] − y[t])² to se_sum (the loss is se_sum / n once every row of the minibatch is in)
//   writes   g[t] = float32(2·(z[t] − y[t]) / n) = ∂loss/∂z[t].
void squared_error(const double* s, const float* bias, const float* y, size_t rows, size_t n, float* g,
                   double& se_sum);

}  // namespace probe
}  // namespace ns
