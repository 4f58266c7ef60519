#include "cka/block_norms.h"

#include <algorithm>

#include "core/syrk.h"

namespace ns {

void block_frobenius2(const double* M, size_t D, const std::vector<size_t>& offsets, double* out, ThreadPool& pool) {
  const size_t L = offsets.size() - 1;
  // Rows in fixed bands, one partial L x L per band, summed in band order: deterministic whatever the pool.
  const size_t band = std::max<size_t>(1, (D + 63) / 64);
  const size_t tasks = (D + band - 1) / band;
  std::vector<double> partial(tasks * L * L, 0.0);
  pool.parallel_for(tasks, [&](size_t t, size_t) {
    double* acc = partial.data() + t * L * L;
    const size_t r1 = std::min(D, (t + 1) * band);
    size_t a = 0;
    while (offsets[a + 1] <= t * band) ++a;
    for (size_t i = t * band; i < r1; ++i) {
      while (offsets[a + 1] <= i) ++a;
      const double* row = M + packed_row_offset(i, D) - i;  // row[j] = M_ij for j >= i
      // The diagonal block: the diagonal entry once, the rest of the row twice (its mirror is in the lower half).
      const double d = row[i];
      double s = 0;
      for (size_t j = i + 1; j < offsets[a + 1]; ++j) s += row[j] * row[j];
      acc[a * L + a] += d * d + 2 * s;
      for (size_t b = a + 1; b < L; ++b) {
        double sb = 0;
        for (size_t j = offsets[b]; j < offsets[b + 1]; ++j) sb += row[j] * row[j];
        acc[a * L + b] += sb;
      }
    }
  });
  std::fill(out, out + L * L, 0.0);
  for (size_t t = 0; t < tasks; ++t)
    for (size_t k = 0; k < L * L; ++k) out[k] += partial[t * L * L + k];
  for (size_t a = 0; a < L; ++a)
    for (size_t b = a + 1; b < L; ++b) out[b * L + a] = out[a * L + b];
}

}  // namespace ns
