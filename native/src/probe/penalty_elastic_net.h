// The elastic-net penalty of the exact probe on W (the intercept is never penalised):
//   h(W) = λ·(α·‖W‖₁ + (1 − α)/2·‖W‖²_F)
// with the three operations a proximal solver and its stopping rule need (the skglm split):
//   prox      argmin_w ½(w − v)² + s·h(w) = soft(v, s·λ·α) / (1 + s·λ·(1 − α))  — exact zeros where |v| ≤ sλα;
//   subdiff   dist(−g, ∂h(w)) for one coordinate with datafit gradient g (0 exactly at a KKT point);
//   λ_max     the smallest λ with W = 0 optimal: ‖∇_W f(0, b*)‖∞ / α (glmnet's convention α ≥ 1e-3 for ridge,
//             where no λ gives W = 0).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>

namespace ns {
namespace probe {

struct ElasticNet {
  double lambda;
  double alpha;

  double l1() const { return lambda * alpha; }
  double l2() const { return lambda * (1.0 - alpha); }

  // h(W), summed in index order.
  double value(const double* W, size_t n) const {
    double a = 0, q = 0;
    for (size_t i = 0; i < n; ++i) {
      a += std::abs(W[i]);
      q += W[i] * W[i];
    }
    return l1() * a + 0.5 * l2() * q;
  }

  double prox(double v, double step) const {
    const double m = std::abs(v) - step * l1();
    if (m <= 0) return 0.0;
    return std::copysign(m, v) / (1.0 + step * l2());
  }

  double subdiff_distance(double w, double g) const {
    if (w == 0) return std::max(std::abs(g) - l1(), 0.0);
    return std::abs(g + l1() * (w > 0 ? 1.0 : -1.0) + l2() * w);
  }

  static double lambda_max(double grad_inf_norm, double alpha) { return grad_inf_norm / std::max(alpha, 1e-3); }
};

}  // namespace probe
}  // namespace ns
