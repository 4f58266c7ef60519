#include "probe/softmax_ce.h"

#include <cmath>

namespace ns {
namespace probe {

double batch_weight(const int32_t* y, size_t rows, const double* class_weight) {
  double omega = 0;
  for (size_t t = 0; t < rows; ++t) omega += class_weight ? class_weight[y[t]] : 1.0;
  return omega;
}

void softmax_cross_entropy(const double* s, const float* bias, const int32_t* y, size_t rows, size_t classes,
                           const double* class_weight, double omega, float* g, double& ce_sum) {
  for (size_t t = 0; t < rows; ++t) {
    const double* st = s + t * classes;
    double zmax = -INFINITY;
    for (size_t c = 0; c < classes; ++c) zmax = std::fmax(zmax, st[c] + bias[c]);
    double sum = 0;
    for (size_t c = 0; c < classes; ++c) sum += std::exp(st[c] + bias[c] - zmax);
    const double lse = zmax + std::log(sum);  // log Σ exp z, shifted by the max so exp never overflows
    const size_t yt = static_cast<size_t>(y[t]);
    const double wt = class_weight ? class_weight[yt] : 1.0;
    ce_sum += wt * (lse - (st[yt] + bias[yt]));
    const double scale = wt / omega;
    float* gt = g + t * classes;
    for (size_t c = 0; c < classes; ++c) {
      const double p = std::exp(st[c] + bias[c] - lse);
      gt[c] = static_cast<float>(scale * (p - (c == yt ? 1.0 : 0.0)));
    }
  }
}

}  // namespace probe
}  // namespace ns
