// Softmax cross-entropy of one minibatch, as torch.nn.CrossEntropyLoss (reduction 'mean', optional class
// weights) computes it, and its gradient with respect to the logits. Float64 throughout: the logits arrive as
// float64 dot products, and the rounding to float32 happens once, on the gradient handed to the float32 GEMM.
#pragma once
#include <cstddef>
#include <cstdint>

namespace ns {
namespace probe {

// Logits z[t, c] = s[t·classes + c] + bias[c] for t < rows. With row weights ω_t = class_weight[y_t] (1 when
// class_weight is null) and Ω = Σ_t ω_t:
//   returns  L = (1/Ω)·Σ_t ω_t·(log Σ_c exp z[t, c] − z[t, y_t])
//   writes   g[t·classes + c] = float32(ω_t·(softmax(z_t)_c − [c = y_t]) / Ω) = ∂L/∂z[t, c].
// Ω > 0 is the caller's guarantee (class weights are validated positive).
double softmax_cross_entropy(const double* s, const float* bias, const int32_t* y, size_t rows, size_t classes,
                             const double* class_weight, float* g);

}  // namespace probe
}  // namespace ns
