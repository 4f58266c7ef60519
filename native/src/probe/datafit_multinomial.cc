#include "probe/datafit_multinomial.h"

#include <algorithm>
#include <cmath>

#include "probe/zscore.h"

namespace ns {
namespace probe {

namespace {
// Fixed partitions (never derived from the thread count): rows for the forward pass and the elementwise work,
// columns for the backward pass.
constexpr size_t kRowBlock = 256;
constexpr size_t kColBlock = 128;

size_t blocks(size_t n, size_t b) { return (n + b - 1) / b; }

// logsumexp(z) − z[y] and the softmax of z into p, in float64 with the max subtracted.
double cross_entropy(const double* z, size_t C, int32_t y, double* p) {
  double m = z[0];
  for (size_t c = 1; c < C; ++c) m = std::max(m, z[c]);
  double s = 0;
  for (size_t c = 0; c < C; ++c) {
    p[c] = std::exp(z[c] - m);
    s += p[c];
  }
  for (size_t c = 0; c < C; ++c) p[c] /= s;
  return (m + std::log(s)) - z[y];
}
}  // namespace

MultinomialDatafit::MultinomialDatafit(const float* x, size_t T, size_t D, const int32_t* y, size_t C,
                                       const double* class_weight, ThreadPool& pool)
    : x_(x), T_(T), D_(D), C_(C), y_(y), a_(T), mass_(C, 0.0), mu_(D), gemm_(active_gemm()) {
  std::vector<double> sd(D);
  column_moments(x, T, D, mu_.data(), sd.data(), pool);
  double amax = 0, var = 1;
  for (size_t t = 0; t < T; ++t) {
    a_[t] = class_weight[y[t]] / static_cast<double>(T);
    mass_[y[t]] += a_[t];
    amax = std::max(amax, a_[t]);
  }
  for (size_t j = 0; j < D; ++j) var += sd[j] * sd[j];
  upper_ = 0.5 * amax * static_cast<double>(T) * var * (1 + 1e-12);
}

void MultinomialDatafit::uncentred_bias(const double* W, const double* b_centred, double* b) const {
  for (size_t c = 0; c < C_; ++c) {
    double s = 0;
    for (size_t j = 0; j < D_; ++j) s += W[c * D_ + j] * mu_[j];
    b[c] = b_centred[c] - s;
  }
}

void MultinomialDatafit::centred_bias(const double* W, const double* b, double* b_centred) const {
  for (size_t c = 0; c < C_; ++c) {
    double s = 0;
    for (size_t j = 0; j < D_; ++j) s += W[c * D_ + j] * mu_[j];
    b_centred[c] = b[c] + s;
  }
}

void MultinomialDatafit::logits(const double* W, const double* b_centred, double* Z, ThreadPool& pool) const {
  std::vector<double> bias(C_);
  uncentred_bias(W, b_centred, bias.data());
  const double* b = bias.data();
  ++passes_;
  pool.parallel_for(blocks(T_, kRowBlock), [&](size_t task, size_t) {
    const size_t r0 = task * kRowBlock, r1 = std::min(T_, r0 + kRowBlock);
    gemm_.forward(x_, D_, r0, r1, W, b, C_, Z);
  });
}

double MultinomialDatafit::value_residual(const double* Z, double* R, double* grad_b, ThreadPool& pool) const {
  const size_t nb = blocks(T_, kRowBlock);
  std::vector<double> loss(nb, 0.0), gb(nb * C_, 0.0);
  pool.parallel_for(nb, [&](size_t task, size_t) {
    const size_t r0 = task * kRowBlock, r1 = std::min(T_, r0 + kRowBlock);
    double l = 0;
    double* g = gb.data() + task * C_;
    for (size_t t = r0; t < r1; ++t) {
      double* r = R + t * C_;
      l += a_[t] * cross_entropy(Z + t * C_, C_, y_[t], r);
      r[y_[t]] -= 1.0;
      for (size_t c = 0; c < C_; ++c) {
        r[c] *= a_[t];
        g[c] += r[c];
      }
    }
    loss[task] = l;
  });
  double f = 0;
  std::fill(grad_b, grad_b + C_, 0.0);
  for (size_t k = 0; k < nb; ++k) {
    f += loss[k];
    for (size_t c = 0; c < C_; ++c) grad_b[c] += gb[k * C_ + c];
  }
  return f;
}

double MultinomialDatafit::bregman(const double* Zy, const double* Zn, ThreadPool& pool) const {
  const size_t nb = blocks(T_, kRowBlock);
  std::vector<double> part(nb, 0.0);
  pool.parallel_for(nb, [&](size_t task, size_t) {
    const size_t r0 = task * kRowBlock, r1 = std::min(T_, r0 + kRowBlock);
    std::vector<double> p(C_);
    double acc = 0;
    for (size_t t = r0; t < r1; ++t) {
      cross_entropy(Zy + t * C_, C_, y_[t], p.data());
      double s = 0, m = 0;
      for (size_t c = 0; c < C_; ++c) {
        const double d = Zn[t * C_ + c] - Zy[t * C_ + c];
        s += p[c] * std::expm1(d);
        m += p[c] * d;
      }
      acc += a_[t] * std::max(std::log1p(s) - m, 0.0);
    }
    part[task] = acc;
  });
  double total = 0;
  for (double v : part) total += v;
  return total;
}

double MultinomialDatafit::value(const double* Z, ThreadPool& pool) const {
  const size_t nb = blocks(T_, kRowBlock);
  std::vector<double> loss(nb, 0.0);
  pool.parallel_for(nb, [&](size_t task, size_t) {
    const size_t r0 = task * kRowBlock, r1 = std::min(T_, r0 + kRowBlock);
    std::vector<double> p(C_);
    double l = 0;
    for (size_t t = r0; t < r1; ++t) l += a_[t] * cross_entropy(Z + t * C_, C_, y_[t], p.data());
    loss[task] = l;
  });
  double f = 0;
  for (double l : loss) f += l;
  return f;
}

void MultinomialDatafit::gradient_w(const double* R, double* grad_W, ThreadPool& pool) const {
  const size_t nb = blocks(D_, kColBlock);
  ++passes_;
  std::vector<double> scratch(nb * kColBlock * C_);
  pool.parallel_for(nb, [&](size_t task, size_t) {
    const size_t j0 = task * kColBlock, j1 = std::min(D_, j0 + kColBlock);
    double* G = scratch.data() + task * kColBlock * C_;
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

double MultinomialDatafit::lipschitz(ThreadPool& pool) const {
  // v = [w; b] in R^{D+1}; one step is u = a ⊙ (X̃ v), v ← X̃ᵀ u, using the GEMM passes with one "class".
  std::vector<double> v(D_ + 1, 1.0 / std::sqrt(static_cast<double>(D_ + 1))), u(T_), g(D_);
  double rho = 0;
  const size_t nb = blocks(D_, kColBlock);
  std::vector<double> scratch(nb * kColBlock);
  for (int it = 0; it < 8; ++it) {
    passes_ += 2;
    double b = v[D_];
    for (size_t j = 0; j < D_; ++j) b -= v[j] * mu_[j];
    pool.parallel_for(blocks(T_, kRowBlock), [&](size_t task, size_t) {
      const size_t r0 = task * kRowBlock, r1 = std::min(T_, r0 + kRowBlock);
      gemm_.forward(x_, D_, r0, r1, v.data(), &b, 1, u.data());
      for (size_t t = r0; t < r1; ++t) u[t] *= a_[t];
    });
    pool.parallel_for(nb, [&](size_t task, size_t) {
      const size_t j0 = task * kColBlock, j1 = std::min(D_, j0 + kColBlock);
      gemm_.backward(x_, T_, D_, j0, j1, u.data(), 1, scratch.data() + task * kColBlock);
      std::copy(scratch.data() + task * kColBlock, scratch.data() + task * kColBlock + (j1 - j0), g.data() + j0);
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
  return std::min(0.5 * rho * 1.1, upper_);
}

}  // namespace probe
}  // namespace ns
