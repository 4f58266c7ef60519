#include "score/kept_redundancy.h"

#include <cmath>

namespace ns::score {

void max_abs_to_others(const float* corr, size_t stride, const int32_t* row_of, size_t b, size_t first, const int32_t* col_of, size_t m,
                       ThreadPool& pool, double* max_abs, int32_t* arg) {
  pool.parallel_for(b, [&](size_t i, size_t) {
    const size_t self = first + i;
    const float* row = corr + static_cast<size_t>(row_of[i]) * stride;
    double best = 0;
    int32_t at = -1;
    for (size_t j = 0; j < m; ++j) {
      if (j == self) continue;
      const double r = std::fabs(static_cast<double>(row[col_of[j]]));
      if (r > best || (at < 0 && r >= best)) {  // strict > keeps the lowest j on ties; the first j always counts
        best = r;
        at = static_cast<int32_t>(j);
      }
    }
    max_abs[i] = best;
    arg[i] = at;
  });
}

}  // namespace ns::score
