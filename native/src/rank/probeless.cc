#include "rank/probeless.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "common/error.h"

namespace ns {

namespace {
// Columns per task: each task walks all rows over a 2 KiB slice of every row, so the pass reads X once in
// total and the accumulators (C x 512 doubles) stay in cache.
constexpr size_t kBlock = 512;
}  // namespace

ProbelessResult probeless_scores(const float* x, size_t T, size_t D, const int32_t* ids, size_t C, ThreadPool& pool) {
  ProbelessResult r;
  r.means.assign(C * D, 0.0);
  r.counts.assign(C, 0.0);
  r.overall.assign(D, 0.0);
  r.per_class.assign(C * D, 0.0);
  for (size_t t = 0; t < T; ++t) r.counts[ids[t]] += 1;
  const size_t blocks = (D + kBlock - 1) / kBlock;
  std::vector<std::pair<size_t, size_t>> bad(blocks, {SIZE_MAX, 0});  // first non-finite (row, col) per block
  pool.parallel_for(blocks, [&](size_t b, size_t) {
    const size_t j0 = b * kBlock, j1 = std::min(D, j0 + kBlock), w = j1 - j0;
    std::vector<double> acc(C * w, 0.0);
    for (size_t t = 0; t < T; ++t) {
      const float* row = x + t * D + j0;
      double* a = acc.data() + static_cast<size_t>(ids[t]) * w;
      for (size_t j = 0; j < w; ++j) a[j] += row[j];
    }
    for (size_t c = 0; c < C; ++c) {
      for (size_t j = 0; j < w; ++j) {
        const double m = r.counts[c] > 0 ? acc[c * w + j] / r.counts[c] : 0.0;
        // A NaN/Inf anywhere in the column makes its class sum non-finite: find the first one only then.
        if (!std::isfinite(m) && bad[b].first == SIZE_MAX) {
          for (size_t t = 0; t < T && bad[b].first == SIZE_MAX; ++t)
            for (size_t k = 0; k < w; ++k)
              if (!std::isfinite(x[t * D + j0 + k])) {
                bad[b] = {t, j0 + k};
                break;
              }
        }
        r.means[c * D + j0 + j] = m;
      }
    }
  });
  for (const auto& h : bad) {
    if (h.first != SIZE_MAX) {
      std::ostringstream m;
      m << "activations: non-finite value at row " << h.first << ", neuron " << h.second;
      fail(Code::NonFinite, m.str());
    }
  }
  for (size_t a = 0; a < C; ++a) {
    if (r.counts[a] == 0) continue;
    for (size_t b = a + 1; b < C; ++b) {
      if (r.counts[b] == 0) continue;
      const double* qa = r.means.data() + a * D;
      const double* qb = r.means.data() + b * D;
      double* pa = r.per_class.data() + a * D;
      double* pb = r.per_class.data() + b * D;
      for (size_t j = 0; j < D; ++j) {
        const double d = std::fabs(qa[j] - qb[j]);
        r.overall[j] += d;
        pa[j] += d;
        pb[j] += d;
      }
    }
  }
  return r;
}

}  // namespace ns
