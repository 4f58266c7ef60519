#include "cka/layer_sums.h"

#include <algorithm>

namespace ns {

LayerSums::LayerSums(std::vector<size_t> offsets) : offsets_(std::move(offsets)), D_(offsets_.back()) {
  const size_t L = layers();
  shift_.assign(D_, 0.0);
  q_.assign(L, 0.0);
  P_.assign(L * L, 0.0);
  R_.assign(L * D_, 0.0);
}

void LayerSums::add_chunk(const float* X, size_t rows, size_t ld, const double* chunk_mean, ThreadPool& pool) {
  if (rows == 0) return;
  if (!started_) {
    std::copy(chunk_mean, chunk_mean + D_, shift_.begin());
    started_ = true;
  }
  const size_t L = layers();
  const double* c = shift_.data();
  norms_.assign(rows * L, 0.0);
  // n_a(r) for every row: tasks over row bands (each row's sums in column order).
  const size_t band = 64;
  pool.parallel_for((rows + band - 1) / band, [&](size_t t, size_t) {
    for (size_t r = t * band; r < std::min(rows, (t + 1) * band); ++r) {
      const float* x = X + r * ld;
      for (size_t a = 0; a < L; ++a) {
        double s = 0;
        for (size_t j = offsets_[a]; j < offsets_[a + 1]; ++j) {
          const double v = static_cast<double>(x[j]) - c[j];
          s += v * v;
        }
        norms_[r * L + a] = s;
      }
    }
  });
  // R_a += sum_r n_a(r) x'_r: tasks over column bands, rows in order (deterministic whatever the pool).
  const size_t cband = 256;
  pool.parallel_for((D_ + cband - 1) / cband, [&](size_t t, size_t) {
    const size_t j0 = t * cband, j1 = std::min(D_, j0 + cband);
    for (size_t r = 0; r < rows; ++r) {
      const float* x = X + r * ld;
      const double* n = norms_.data() + r * L;
      for (size_t a = 0; a < L; ++a) {
        double* Ra = R_.data() + a * D_;
        const double na = n[a];
        for (size_t j = j0; j < j1; ++j) Ra[j] += na * (static_cast<double>(x[j]) - c[j]);
      }
    }
  });
  for (size_t r = 0; r < rows; ++r) {
    const double* n = norms_.data() + r * L;
    for (size_t a = 0; a < L; ++a) {
      q_[a] += n[a];
      for (size_t b = 0; b < L; ++b) P_[a * L + b] += n[a] * n[b];
    }
  }
}

}  // namespace ns
