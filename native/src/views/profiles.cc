#include "views/profiles.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

namespace ns::views {

namespace {

constexpr size_t kBlockCols = 32;  // columns per task: one row's block is two cache lines

// (value, row) ordered so that the best entry is the greatest: higher value, then lower row.
inline bool better(float va, int32_t ra, float vb, int32_t rb) { return va > vb || (va == vb && ra < rb); }

// Bin of v in [lo, hi] with `bins` equal bins, in double so that the edge arithmetic is the reader's
// (lo + b·(hi − lo)/bins), the top edge in the last bin.
inline size_t bin_of(double v, double lo, double width, size_t bins) {
  if (!(width > 0)) return 0;
  const double b = std::floor((v - lo) / width);
  return b < 0 ? 0 : std::min(static_cast<size_t>(b), bins - 1);
}

}  // namespace

void column_profiles(const float* x, size_t rows, size_t cols, size_t bins, size_t k, ThreadPool& pool, const ProfileOut& out) {
  const size_t blocks = (cols + kBlockCols - 1) / kBlockCols;
  pool.parallel_for(blocks, [&](size_t block, size_t) {
    const size_t c0 = block * kBlockCols, c1 = std::min(cols, c0 + kBlockCols), m = c1 - c0;
    std::vector<float> lo(m, INFINITY), hi(m, -INFINITY);
    for (size_t t = 0; t < rows; ++t) {
      const float* row = x + t * cols + c0;
      for (size_t j = 0; j < m; ++j) {
        lo[j] = std::min(lo[j], row[j]);
        hi[j] = std::max(hi[j], row[j]);
      }
    }
    std::vector<double> width(m);
    for (size_t j = 0; j < m; ++j) {
      out.min[c0 + j] = rows ? lo[j] : 0.0f;
      out.max[c0 + j] = rows ? hi[j] : 0.0f;
      width[j] = rows ? (static_cast<double>(hi[j]) - lo[j]) / static_cast<double>(bins) : 0.0;
    }
    // Top k per column: a min-heap of the k best so far (its root the worst kept), as (value, row) pairs.
    std::vector<std::vector<std::pair<float, int32_t>>> heaps(m);
    auto worse_first = [](const std::pair<float, int32_t>& a, const std::pair<float, int32_t>& b) {
      return better(a.first, a.second, b.first, b.second);
    };
    for (size_t t = 0; t < rows; ++t) {
      const float* row = x + t * cols + c0;
      const int32_t r = static_cast<int32_t>(t);
      for (size_t j = 0; j < m; ++j) {
        const float v = row[j];
        ++out.counts[(c0 + j) * bins + bin_of(v, lo[j], width[j], bins)];
        auto& h = heaps[j];
        if (h.size() < k) {
          h.emplace_back(v, r);
          std::push_heap(h.begin(), h.end(), worse_first);
        } else if (k > 0 && better(v, r, h.front().first, h.front().second)) {
          std::pop_heap(h.begin(), h.end(), worse_first);
          h.back() = {v, r};
          std::push_heap(h.begin(), h.end(), worse_first);
        }
      }
    }
    for (size_t j = 0; j < m; ++j) {
      auto& h = heaps[j];
      std::sort(h.begin(), h.end(), worse_first);  // best first
      for (size_t i = 0; i < k; ++i) {
        out.top_rows[(c0 + j) * k + i] = i < h.size() ? h[i].second : -1;
        out.top_values[(c0 + j) * k + i] = i < h.size() ? h[i].first : 0.0f;
      }
    }
  });
}

}  // namespace ns::views
