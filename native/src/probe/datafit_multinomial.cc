#include "probe/datafit_multinomial.h"

#include <algorithm>
#include <cmath>

namespace ns {
namespace probe {

namespace {
constexpr size_t kRowBlock = kDatafitRowBlock;
size_t blocks(size_t n, size_t b) { return datafit_blocks(n, b); }

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

// a_t = w[y_t] / T: the class weights scale each row's loss, the mean still divides by T.
std::vector<double> row_weights(const int32_t* y, size_t T, const double* class_weight) {
  std::vector<double> a(T);
  for (size_t t = 0; t < T; ++t) a[t] = class_weight[y[t]] / static_cast<double>(T);
  return a;
}
}  // namespace

MultinomialDatafit::MultinomialDatafit(const float* x, size_t T, size_t D, const int32_t* y, size_t C,
                                       const double* class_weight, ThreadPool& pool)
    : LinearDatafit(x, T, D, C, row_weights(y, T, class_weight), 0.5, pool), y_(y), mass_(C, 0.0) {
  for (size_t t = 0; t < T; ++t) mass_[y[t]] += a_[t];
}

std::vector<double> MultinomialDatafit::zero_model_intercept() const {
  // softmax(b*) = each class's share of the loss weight.
  double total = 0;
  for (double m : mass_) total += m;
  std::vector<double> b(C_);
  for (size_t c = 0; c < C_; ++c) b[c] = std::log(mass_[c] / total);
  return b;
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
  return sum_blocks(loss, gb, grad_b);
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

}  // namespace probe
}  // namespace ns
