// The data term of the regression probe: squared error of outputs Z = X·Wᵀ + 1·bᵀ against K real targets per row,
//   f(W, b) = (1/2T)·Σ_t ‖Z_t − Y_t‖²,
// so that f + λ·(α‖W‖₁ + (1−α)/2·‖W‖²_F) is exactly scikit-learn's ElasticNet objective (alpha = λ,
// l1_ratio = α; MultiTaskElasticNet differs: it penalises row norms of W, we penalise entries).
// Residual R = (Z − Y)/T; the Hessian in the outputs is diag(a) ⊗ I, curvature κ = 1; the Bregman divergence is
// exactly (1/2T)·‖Z⁺ − Z_y‖²; for W = 0 the optimal centred intercept is the targets' mean.
#pragma once
#include <cstddef>
#include <vector>

#include "probe/datafit_linear.h"

namespace ns {
namespace probe {

class QuadraticDatafit final : public LinearDatafit {
 public:
  // x: row-major T×D (borrowed), targets: row-major T×K (borrowed).
  QuadraticDatafit(const float* x, size_t T, size_t D, const double* targets, size_t K, ThreadPool& pool);

  double value_residual(const double* Z, double* R, double* grad_b, ThreadPool& pool) const override;
  double bregman(const double* Zy, const double* Zn, ThreadPool& pool) const override;
  double value(const double* Z, ThreadPool& pool) const override;
  std::vector<double> zero_model_intercept() const override;

 private:
  double half_distance(const double* A, const double* B, ThreadPool& pool) const;

  const double* y_;
};

}  // namespace probe
}  // namespace ns
