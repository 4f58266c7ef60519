#include "probe/datafit_quadratic.h"

#include <algorithm>

namespace ns {
namespace probe {

namespace {
// Σ over fixed row blocks of per_block(r0, r1), the blocks' sums added in block order (any thread count, same bits).
template <typename F>
double sum_row_blocks(size_t T, ThreadPool& pool, const F& per_block) {
  const size_t nb = datafit_blocks(T, kDatafitRowBlock);
  std::vector<double> part(nb, 0.0);
  pool.parallel_for(nb, [&](size_t task, size_t) {
    const size_t r0 = task * kDatafitRowBlock;
    part[task] = per_block(r0, std::min(T, r0 + kDatafitRowBlock));
  });
  double total = 0;
  for (double v : part) total += v;
  return total;
}
}  // namespace

QuadraticDatafit::QuadraticDatafit(const float* x, size_t T, size_t D, const double* targets, size_t K,
                                   ThreadPool& pool)
    : LinearDatafit(x, T, D, K, std::vector<double>(T, 1.0 / static_cast<double>(T)), 1.0, pool), y_(targets) {}

double QuadraticDatafit::value_residual(const double* Z, double* R, double* grad_b, ThreadPool& pool) const {
  const size_t nb = datafit_blocks(T_, kDatafitRowBlock);
  std::vector<double> gb(nb * C_, 0.0);
  std::vector<double> loss(nb, 0.0);
  pool.parallel_for(nb, [&](size_t task, size_t) {
    const size_t r0 = task * kDatafitRowBlock, r1 = std::min(T_, r0 + kDatafitRowBlock);
    double l = 0;
    double* g = gb.data() + task * C_;
    for (size_t t = r0; t < r1; ++t)
      for (size_t c = 0; c < C_; ++c) {
        const double e = Z[t * C_ + c] - y_[t * C_ + c];
        l += a_[t] * e * e;
        R[t * C_ + c] = a_[t] * e;
        g[c] += R[t * C_ + c];
      }
    loss[task] = 0.5 * l;
  });
  return sum_blocks(loss, gb, grad_b);
}

// (1/2)·Σ_t a_t·‖A_t − B_t‖²: the Bregman divergence of the squared error is this distance between the two points'
// outputs, and its value the distance from the outputs to the targets.
double QuadraticDatafit::half_distance(const double* A, const double* B, ThreadPool& pool) const {
  return sum_row_blocks(T_, pool, [&](size_t r0, size_t r1) {
    double acc = 0;
    for (size_t t = r0; t < r1; ++t)
      for (size_t c = 0; c < C_; ++c) {
        const double d = A[t * C_ + c] - B[t * C_ + c];
        acc += a_[t] * d * d;
      }
    return 0.5 * acc;
  });
}

double QuadraticDatafit::bregman(const double* Zy, const double* Zn, ThreadPool& pool) const {
  return half_distance(Zn, Zy, pool);
}

double QuadraticDatafit::value(const double* Z, ThreadPool& pool) const { return half_distance(Z, y_, pool); }

std::vector<double> QuadraticDatafit::zero_model_intercept() const {
  std::vector<double> b(C_, 0.0);
  for (size_t t = 0; t < T_; ++t)
    for (size_t c = 0; c < C_; ++c) b[c] += y_[t * C_ + c];
  for (double& v : b) v /= static_cast<double>(T_);
  return b;
}

}  // namespace probe
}  // namespace ns
