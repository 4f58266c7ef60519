#include "views/block_means.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace ns::views {

void block_mean_abs(const float* corr, size_t n, size_t stride, const int32_t* block_of, size_t blocks, ThreadPool& pool, double* out) {
  std::vector<std::vector<size_t>> members(blocks);
  for (size_t i = 0; i < n; ++i)
    if (block_of[i] >= 0) members[block_of[i]].push_back(i);
  // One task per row block a: its row of block means is summed over its member rows in id order.
  pool.parallel_for(blocks, [&](size_t a, size_t) {
    double* dst = out + a * blocks;
    std::fill(dst, dst + blocks, 0.0);
    for (size_t i : members[a]) {
      const float* r = corr + i * stride;
      for (size_t j = 0; j < n; ++j)
        if (block_of[j] >= 0) dst[block_of[j]] += std::fabs(r[j]);
    }
    for (size_t b = 0; b < blocks; ++b) {
      const double cells = static_cast<double>(members[a].size()) * static_cast<double>(members[b].size());
      dst[b] = cells > 0 ? dst[b] / cells : 0.0;
    }
  });
}

}  // namespace ns::views
