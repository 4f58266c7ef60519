#include "stats/nonfinite.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace ns {

namespace {
constexpr size_t kRows = 64;

// Branch-free test the compiler vectorises: x - x is NaN exactly when x is NaN or +-Inf.
inline bool bad(float x) { return (x - x) != 0.0f || std::isnan(x); }
}  // namespace

NonFiniteHit find_nonfinite(const float* X, size_t rows, size_t D, size_t ld, ThreadPool& pool) {
  const size_t blocks = (rows + kRows - 1) / kRows;
  std::vector<NonFiniteHit> hits(blocks);
  pool.parallel_for(blocks, [&](size_t b, size_t) {
    const size_t r1 = std::min(rows, (b + 1) * kRows);
    for (size_t r = b * kRows; r < r1; ++r) {
      const float* x = X + r * ld;
      int any = 0;
      for (size_t c = 0; c < D; ++c) any |= bad(x[c]);
      if (!any) continue;
      for (size_t c = 0; c < D; ++c) {
        if (bad(x[c])) {
          hits[b] = NonFiniteHit{true, r, c, x[c]};
          return;
        }
      }
    }
  });
  for (const NonFiniteHit& h : hits)
    if (h.found) return h;
  return {};
}

uint64_t zero_nonfinite(float* X, size_t rows, size_t D, size_t ld, ThreadPool& pool) {
  const size_t blocks = (rows + kRows - 1) / kRows;
  std::vector<uint64_t> counts(blocks, 0);
  pool.parallel_for(blocks, [&](size_t b, size_t) {
    const size_t r1 = std::min(rows, (b + 1) * kRows);
    uint64_t n = 0;
    for (size_t r = b * kRows; r < r1; ++r) {
      float* x = X + r * ld;
      for (size_t c = 0; c < D; ++c) {
        const bool nf = bad(x[c]);
        n += nf;
        x[c] = nf ? 0.0f : x[c];
      }
    }
    counts[b] = n;
  });
  uint64_t total = 0;
  for (uint64_t n : counts) total += n;
  return total;
}

}  // namespace ns
