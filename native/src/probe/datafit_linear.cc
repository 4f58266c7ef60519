#include "probe/datafit_linear.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "probe/zscore.h"

namespace ns {
namespace probe {

LinearDatafit::LinearDatafit(const float* x, size_t T, size_t D, size_t C, std::vector<double> a, double kappa,
                             ThreadPool& pool)
    : x_(x), T_(T), D_(D), C_(C), a_(std::move(a)), mu_(D), kappa_(kappa), gemm_(active_gemm()) {
  std::vector<double> sd(D);
  column_moments(x, T, D, mu_.data(), sd.data(), pool);
  double amax = 0, var = 1;
  for (double v : a_) amax = std::max(amax, v);
  for (size_t j = 0; j < D; ++j) var += sd[j] * sd[j];
  upper_ = kappa_ * amax * static_cast<double>(T) * var * (1 + 1e-12);
}

double LinearDatafit::sum_blocks(const std::vector<double>& loss, const std::vector<double>& gb, double* grad_b) const {
  double f = 0;
  std::fill(grad_b, grad_b + C_, 0.0);
  for (size_t k = 0; k < loss.size(); ++k) {
    f += loss[k];
    for (size_t c = 0; c < C_; ++c) grad_b[c] += gb[k * C_ + c];
  }
  return f;
}

void LinearDatafit::uncentred_bias(const double* W, const double* b_centred, double* b) const {
  for (size_t c = 0; c < C_; ++c) {
    double s = 0;
    for (size_t j = 0; j < D_; ++j) s += W[c * D_ + j] * mu_[j];
    b[c] = b_centred[c] - s;
  }
}

void LinearDatafit::centred_bias(const double* W, const double* b, double* b_centred) const {
  for (size_t c = 0; c < C_; ++c) {
    double s = 0;
    for (size_t j = 0; j < D_; ++j) s += W[c * D_ + j] * mu_[j];
    b_centred[c] = b[c] + s;
  }
}

void LinearDatafit::logits(const double* W, const double* b_centred, double* Z, ThreadPool& pool) const {
  std::vector<double> bias(C_);
  uncentred_bias(W, b_centred, bias.data());
  const double* b = bias.data();
  ++passes_;
  pool.parallel_for(datafit_blocks(T_, kDatafitRowBlock), [&](size_t task, size_t) {
    const size_t r0 = task * kDatafitRowBlock, r1 = std::min(T_, r0 + kDatafitRowBlock);
    gemm_.forward(x_, D_, r0, r1, W, b, C_, Z);
  });
}

void LinearDatafit::gradient_w(const double* R, double* grad_W, ThreadPool& pool) const {
  const size_t nb = datafit_blocks(D_, kDatafitColBlock);
  ++passes_;
  std::vector<double> scratch(nb * kDatafitColBlock * C_);
  pool.parallel_for(nb, [&](size_t task, size_t) {
    const size_t j0 = task * kDatafitColBlock, j1 = std::min(D_, j0 + kDatafitColBlock);
    double* G = scratch.data() + task * kDatafitColBlock * C_;
    gemm_.backward(x_, T_, D_, j0, j1, R, C_, G);
    for (size_t c = 0; c < C_; ++c) std::copy(G + c * (j1 - j0), G + (c + 1) * (j1 - j0), grad_W + c * D_ + j0);
  });
  // Centring: subtract (Σ_t R_t)·μᵀ, with Σ_t R_t summed in row order.
  std::vector<double> rs(C_, 0.0);
  for (size_t t = 0; t < T_; ++t)
    for (size_t c = 0; c < C_; ++c) rs[c] += R[t * C_ + c];
  for (size_t c = 0; c < C_; ++c)
    for (size_t j = 0; j < D_; ++j) grad_W[c * D_ + j] -= rs[c] * mu_[j];
}

double LinearDatafit::lipschitz(ThreadPool& pool) const {
  // v = [w; b] in R^{D+1}; one step is u = a ⊙ (X̃ v), v ← X̃ᵀ u, using the GEMM passes with one "class".
  std::vector<double> v(D_ + 1, 1.0 / std::sqrt(static_cast<double>(D_ + 1))), u(T_), g(D_);
  double rho = 0;
  const size_t nb = datafit_blocks(D_, kDatafitColBlock);
  std::vector<double> scratch(nb * kDatafitColBlock);
  for (int it = 0; it < 8; ++it) {
    passes_ += 2;
    double b = v[D_];
    for (size_t j = 0; j < D_; ++j) b -= v[j] * mu_[j];
    pool.parallel_for(datafit_blocks(T_, kDatafitRowBlock), [&](size_t task, size_t) {
      const size_t r0 = task * kDatafitRowBlock, r1 = std::min(T_, r0 + kDatafitRowBlock);
      gemm_.forward(x_, D_, r0, r1, v.data(), &b, 1, u.data());
      for (size_t t = r0; t < r1; ++t) u[t] *= a_[t];
    });
    pool.parallel_for(nb, [&](size_t task, size_t) {
      const size_t j0 = task * kDatafitColBlock, j1 = std::min(D_, j0 + kDatafitColBlock);
      gemm_.backward(x_, T_, D_, j0, j1, u.data(), 1, scratch.data() + task * kDatafitColBlock);
      std::copy(scratch.data() + task * kDatafitColBlock, scratch.data() + task * kDatafitColBlock + (j1 - j0), g.data() + j0);
    });
    double ub = 0;
    for (size_t t = 0; t < T_; ++t) ub += u[t];
    for (size_t j = 0; j < D_; ++j) g[j] -= ub * mu_[j];
    double norm2 = ub * ub;
    for (size_t j = 0; j < D_; ++j) norm2 += g[j] * g[j];
    const double norm = std::sqrt(norm2);
    if (norm == 0) return 1e-12;  // X̃ v = 0 on a unit vector only if the data are all zero: any step works
    // Rayleigh quotient of the normalised v: ‖Av‖ for the iterate converging to the top eigenvector.
    const double next = norm;
    for (size_t j = 0; j < D_; ++j) v[j] = g[j] / norm;
    v[D_] = ub / norm;
    const bool done = it > 0 && std::abs(next - rho) <= 1e-2 * next;
    rho = next;
    if (done) break;
  }
  return std::min(kappa_ * rho * 1.1, upper_);
}

}  // namespace probe
}  // namespace ns
