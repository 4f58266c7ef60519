// The data term of the classification probe: weighted multinomial cross-entropy of logits Z = X·Wᵀ + 1·bᵀ,
//   f(W, b) = Σ_t a_t · (logsumexp(Z_t) − Z_t[y_t]),   a_t = w[y_t] / T
// (scikit-learn's class_weight convention: the weights scale each row's loss, the mean still divides by T).
// Residual R[t, c] = a_t·(softmax(Z_t)[c] − [c = y_t]); curvature κ = ½ (Böhning 1992 bounds the softmax Hessian
// by ½(I − 11ᵀ/C)). The linear parts (centring, the passes over X, the Lipschitz estimate) are
// probe/datafit_linear.h's.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "probe/datafit_linear.h"

namespace ns {
namespace probe {

class MultinomialDatafit final : public LinearDatafit {
 public:
  // x: row-major T×D (borrowed), y: class ids in [0, C), class_weight: C positive weights (borrowed).
  MultinomialDatafit(const float* x, size_t T, size_t D, const int32_t* y, size_t C, const double* class_weight,
                     ThreadPool& pool);

  // Σ_t a_t over the rows of each class (the class's share of the loss weight).
  const std::vector<double>& class_mass() const { return mass_; }

  double value_residual(const double* Z, double* R, double* grad_b, ThreadPool& pool) const override;
  // Summed as the nonnegative per-row terms a_t·(log Σ_c p_c·e^{d_c} − Σ_c p_c·d_c), p = softmax(Z_y),
  // d = Z⁺ − Z_y, with log1p / expm1.
  double bregman(const double* Zy, const double* Zn, ThreadPool& pool) const override;
  double value(const double* Z, ThreadPool& pool) const override;
  // softmax(b*) = each class's share of the loss weight.
  std::vector<double> zero_model_intercept() const override;

 private:
  const int32_t* y_;
  std::vector<double> mass_;  // per class
};

}  // namespace probe
}  // namespace ns
